"""The knowledge base says what the seeds say, and no more: findings are not recommendations,
p-values are not outcome values, figures that disagree as printed are flagged, every evidence line
says how directly it bears on its statement (links that are no evidence at all are gone), and the
Ibero-American definition is scoped to the population it was written for."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from sarcoma_kg import resources
from sarcoma_kg.namespaces import DEFINITION, EVIDENCE, OUTCOME, REC, SKG, STUDY

SEED_003 = (resources.SEEDS_DIR / "003_3b181430475482de.txt").read_text(encoding="utf-8")

FINDINGS = {
    "Lecture-take-home-2": SKG.EvidenceAppraisal, "Lecture-take-home-3": SKG.Caveat, "Lecture-take-home-4": SKG.Outlook,
    "Lecture-surgery-or-ir-improve-outcomes": SKG.EvidenceAppraisal, "Lecture-falk-paradigm-shift": SKG.EvidenceAppraisal,
    "Lecture-vaswani-ablation-msk": SKG.StudyResult, "Lecture-vaswani-oligometastatic-remission": SKG.StudyResult,
    "Bourcier2019-ablation-local-control": SKG.EvidenceAppraisal, "RadiotherapyReview-rt-locally-ablative": SKG.EvidenceAppraisal,
    "RadiotherapyReview-sbrt-dose-escalation": SKG.EvidenceAppraisal,
    "RadiotherapyReview-local-treatment-all-lesions-survival": SKG.StudyResult,
    "RadiotherapyReview-sbrt-lung-feasible": SKG.StudyResult, "RadiotherapyReview-single-fraction-srs-spine": SKG.StudyResult,
}
ACTIONABLE = {
    "Lecture-take-home-1", "Bourcier2019-complete-resection", "Bourcier2019-multidisciplinary-decision",
    "Bourcier2019-expert-centres", "Hakime2013-rfa-after-best-response", "Bonvalot2024-multidisciplinary-decision",
    "Bonvalot2024-specialised-centres", "Bonvalot2024-mlt-selected-patients", "RadiotherapyReview-consolidative-rt-multidisciplinary",
}


@pytest.mark.parametrize("name,kind", sorted(FINDINGS.items()))
def test_a_finding_is_not_a_recommendation(name, kind, knowledge_graph):
    node = REC[name]
    assert (node, RDF.type, SKG.Finding) in knowledge_graph
    assert (node, SKG.findingKind, kind) in knowledge_graph
    assert (node, RDF.type, SKG.ExpertStatement) not in knowledge_graph
    assert knowledge_graph.value(node, SKG.appliesTo) is None, "a finding is never listed as an applicable recommendation"
    assert knowledge_graph.value(node, SKG.recommendationDirection) is None
    assert knowledge_graph.value(node, SKG.relevantTo) is not None


def test_the_actionable_statements_are_exactly_the_expert_statements(knowledge_graph):
    expert = {str(s).rsplit("/", 1)[-1] for s in knowledge_graph.subjects(RDF.type, SKG.ExpertStatement)}
    assert expert == ACTIONABLE


def test_actionable_statements_about_oligometastatic_disease_assume_a_definition_that_checks_treatability(knowledge_graph):
    """Falk 2015 counts lesions only: no recommendation may rest on it, and every recommendation
    that speaks of oligometastatic disease says which definition it assumes."""
    for rec in knowledge_graph.subjects(SKG.appliesTo, None):
        text = str(knowledge_graph.value(rec, SKG.recommendationText) or "")
        if "oligometastatic" in text or "OMD" in text:
            definition = knowledge_graph.value(rec, SKG.assumesDefinition)
            assert definition is not None, rec
            kinds = {t for c in knowledge_graph.objects(definition, SKG.hasCriterion) for t in knowledge_graph.objects(c, RDF.type)}
            assert SKG.RadicalTreatmentCriterion in kinds, (rec, definition)
    assert list(knowledge_graph.subjects(SKG.assumesDefinition, DEFINITION.Falk2015)) == []
    assert (DEFINITION.Falk2015, RDF.type, SKG.StudyInclusionCriterion) in knowledge_graph


@pytest.mark.parametrize("name", ["size", "modality", "location"])
def test_a_p_value_is_not_an_outcome_value(name, knowledge_graph):
    node = OUTCOME[f"Bourgouin2022-ltp-{name}-pvalue"]
    assert (node, RDF.type, SKG.ReportedAssociation) in knowledge_graph
    assert (node, RDF.type, SKG.OutcomeMeasurement) not in knowledge_graph
    assert knowledge_graph.value(node, SKG.value) is None and knowledge_graph.value(node, SKG.unit) is None
    assert knowledge_graph.value(node, SKG.pValue) is not None
    assert (STUDY.Bourgouin2022, SKG.reportsAssociation, node) in knowledge_graph


def test_no_outcome_value_repeats_its_p_value(knowledge_graph):
    repeated = [o for o in knowledge_graph.subjects(RDF.type, SKG.OutcomeMeasurement)
                if knowledge_graph.value(o, SKG.pValue) is not None
                and knowledge_graph.value(o, SKG.value) == knowledge_graph.value(o, SKG.pValue)]
    assert repeated == []


def test_a_percentage_that_is_not_numerator_over_denominator_is_flagged(knowledge_graph):
    for o in knowledge_graph.subjects(SKG.denominator, None):
        value = knowledge_graph.value(o, SKG.value)
        if value is None or knowledge_graph.value(o, SKG.unit) != SKG.Percent:
            continue
        share = Decimal(str(knowledge_graph.value(o, SKG.numerator))) * 100 / Decimal(str(knowledge_graph.value(o, SKG.denominator)))
        printed = Decimal(str(value))
        rounding = Decimal(1).scaleb(printed.as_tuple().exponent) / 2  # 88 may round 87.5; 77.9 may round 77.85-77.95
        if abs(share - printed) > rounding:
            assert knowledge_graph.value(o, SKG.inconsistentAsPrinted) == Literal(True), o
            assert knowledge_graph.value(o, SKG.curationNote) is not None, o


def test_falk_local_treatment_is_kept_as_printed(knowledge_graph):
    node = OUTCOME["Falk2015-localtreatment"]
    assert knowledge_graph.value(node, SKG.value).toPython() == Decimal("77.9")
    assert int(knowledge_graph.value(node, SKG.numerator)) == 164 and int(knowledge_graph.value(node, SKG.denominator)) == 281
    assert knowledge_graph.value(node, SKG.inconsistentAsPrinted) == Literal(True)


def _study_lines(graph):
    return [line for line in graph.subjects(RDF.type, SKG.EvidenceLine) if (line, RDF.type, SKG.EvidenceGap) not in graph]


def test_every_evidence_line_says_how_direct_it_is(knowledge_graph):
    lines = _study_lines(knowledge_graph)
    assert len(lines) > 100
    for line in lines:
        for prop in (SKG.evidencePopulation, SKG.evidenceSetting, SKG.sarcomaScope, SKG.directness, SKG.directnessNote):
            assert knowledge_graph.value(line, prop) is not None, (line, prop)
        direct = knowledge_graph.value(line, SKG.directness) == SKG.DirectEvidence
        note = str(knowledge_graph.value(line, SKG.directnessNote))
        assert note.startswith("Direct" if direct else "Indirect:"), line
        if direct and "own result" not in note:
            assert knowledge_graph.value(line, SKG.evidenceSetting) == SKG.MetastaticSetting, line
            assert knowledge_graph.value(line, SKG.sarcomaScope) in (SKG.SarcomaOnly, SKG.SarcomaSubgroupReported), line


@pytest.mark.parametrize("line,why", [
    ("IAC-10.1--Bourgouin2022", "lung"), ("IAC-10.2--Rodriguez2024", "mixes tumour types"),
    ("IAC-12.1--Groeschl2012", "mixes tumour types"), ("IAC-5.3--Outani2022", "not specific to the site"),
    ("Lecture-take-home-2--Yamakado2014", "recurrent"),
])
def test_indirect_evidence_says_how(line, why, knowledge_graph):
    node = EVIDENCE[line]
    assert knowledge_graph.value(node, SKG.directness) == SKG.IndirectEvidence
    assert why in str(knowledge_graph.value(node, SKG.directnessNote))


#: Series that are no evidence for a statement about sarcoma metastases: primary bone tumours, a local
#: recurrence series, desmoid tumours and DFSP (seed 000, Thompson et al. review table).
NOT_EVIDENCE = ["Li2015Cryoablation", "Li2015MWA", "Yu2015", "Kurup2012", "Chen2010", "Li2010", "Fan2016",
                "Schmitz2016", "Havez2014", "Jiongyuan2014"]


@pytest.mark.parametrize("study", NOT_EVIDENCE)
def test_series_that_are_not_evidence_for_the_take_home_message_are_not_linked(study, knowledge_graph):
    message = REC["Lecture-take-home-2"]
    assert (message, SKG.hasEvidenceLine, EVIDENCE[f"Lecture-take-home-2--{study}"]) not in knowledge_graph
    assert not any(knowledge_graph.triples((message, None, STUDY[study])))
    assert (STUDY[study], RDF.type, SKG.Study) in knowledge_graph, "the study itself stays in the knowledge base"


def test_no_evidence_line_rests_on_a_primary_tumour_or_local_recurrence_series(knowledge_graph):
    settings = {knowledge_graph.value(line, SKG.evidenceSetting) for line in _study_lines(knowledge_graph)}
    assert not settings & {SKG.PrimaryTumourSetting, SKG.LocalRecurrenceSetting}


def test_the_ibero_american_definition_is_scoped_to_soft_tissue_sarcoma(knowledge_graph):
    definition = DEFINITION.IberoAmerican2025
    assert knowledge_graph.value(definition, SKG.definitionPopulation) == SKG.MetastaticSoftTissueSarcomaPatient
    assert knowledge_graph.value(DEFINITION["IberoAmerican2025-timing"], SKG.definitionPopulation) == SKG.MetastaticSoftTissueSarcomaPatient
    clause = str(knowledge_graph.value(definition, SKG.uncheckedClause))
    assert clause == "confirmed by morphologic staging and additional imaging and/or nuclear medicine modalities, as appropriate"
    assert clause in str(knowledge_graph.value(REC["IAC-1.1"], SKG.recommendationText))


def test_the_six_month_boundary_is_stated_once_for_2_1_and_8_1(knowledge_graph):
    note = str(knowledge_graph.value(DEFINITION["IberoAmerican2025-timing"], SKG.curationNote))
    assert "exactly six calendar months" in note and "synchronous" in note and "DFI" in note and "8.1" in note
    assert int(knowledge_graph.value(DEFINITION["IberoAmerican2025-timing"], SKG.synchronousWindowMonths)) == 6


def test_recommendations_without_consensus_are_3_2_5_5_and_10_2(knowledge_graph):
    not_reached = {str(knowledge_graph.value(r, URIRef("http://www.w3.org/2004/02/skos/core#notation")))
                   for r in knowledge_graph.subjects(SKG.consensusCategory, SKG.ConsensusNotReached)}
    assert not_reached == {"3.2", "5.5", "10.2"}
    for notation, percent in (("3.2", "62%"), ("5.5", "57%"), ("10.2", "77%")):
        assert f"{percent} not reached" in SEED_003

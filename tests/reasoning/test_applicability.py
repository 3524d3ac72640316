"""Applicability as data: every recommendation names a defined patient class, and classification
decides, for a patient, whether it applies (one patient it applies to, one it does not)."""


import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from sarcoma_kg import resources
from sarcoma_kg.namespaces import EX, REC, SKG

APPLICABILITY = resources.KB_DIR / "applicability.ttl"
SEED_003 = resources.SEEDS_DIR / "003_3b181430475482de.txt"
IAC = ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5",
       "6.1", "6.2", "6.3", "6.4", "6.5", "7.1", "7.2", "8.1", "8.2", "8.3", "9.1", "9.2", "10.1", "10.2",
       "11.1", "11.2", "12.1", "13.1", "13.2"]

# recommendation -> (a fixture patient it applies to, one it does not apply to)
CASES = {
    "1.1": ("RA1", "RA6"), "1.2": ("RA4", "RA1"), "2.1": ("RA2", "RA6"), "2.2": ("RA1", "RA2"),
    "3.1": ("RA1", "RA2"), "3.2": ("RA10", "RA2"), "3.3": ("RA4", "RA11"),
    "4.1": ("RA1", "RA6"), "4.2": ("RA2", "RA6"), "4.3": ("RA3", "RA6"),
    "5.1": ("RA1", "RA4"), "5.2": ("RA1", "RA4"), "5.3": ("RA1", "RA3"), "5.4": ("RA3", "RA1"),
    "5.5": ("RA1", "RA3"), "6.1": ("RA1", "RA4"), "6.2": ("RA1", "RA4"), "6.3": ("RA1", "RA4"),
    "6.4": ("RA1", "RA4"), "6.5": ("RA1", "RA4"), "7.1": ("RA1", "RA4"), "7.2": ("RA1", "RA4"),
    "8.1": ("RA1", "RA2"), "8.2": ("RA2", "RA1"), "8.3": ("RA2", "RA1"), "9.1": ("RA5", "RA1"),
    "9.2": ("RA5", "RA4"), "10.1": ("RA4", "RA1"), "10.2": ("RA1", "RA2"), "11.1": ("RA1", "RA4"),
    "11.2": ("RA1", "RA4"), "12.1": ("RA11", "RA5"), "13.1": ("RA11", "RA1"), "13.2": ("RA11", "RA5"),
}


@pytest.fixture(scope="module")
def applicability() -> Graph:
    return Graph().parse(APPLICABILITY)


def test_all_34_consensus_recommendations_have_exactly_one_target(applicability, defined):
    assert sorted(CASES) == sorted(IAC)
    for notation in IAC:
        targets = list(applicability.objects(REC[f"IAC-{notation}"], SKG.appliesTo))
        assert len(targets) == 1, notation
        assert targets[0] in defined, f"{notation}: {targets[0]} is not a defined class of classes.ttl"


def test_every_condition_text_is_verbatim_from_the_seeds(knowledge_graph):
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in resources.SEEDS_DIR.glob("0*.txt"))
    conditions = set(knowledge_graph.subjects(SKG.conditionText, None))
    assert len(conditions) > 60
    for condition in conditions:
        text = str(knowledge_graph.value(condition, SKG.conditionText))
        assert text in seeds, f"{condition}: not verbatim in the seeds: {text!r}"


def test_directions(applicability):
    direction = {n: str(applicability.value(REC[f"IAC-{n}"], SKG.recommendationDirection)) for n in IAC}
    assert direction["5.5"] == "against"
    assert {n for n, d in direction.items() if d == "definition"} == {"1.1", "1.2", "2.1", "2.2"}
    assert set(direction.values()) <= {"for", "against", "conditional", "definition"}


def test_every_recommendation_in_the_knowledge_base_has_a_target_and_a_population(knowledge_graph):
    recs = set(knowledge_graph.subjects(RDF.type, SKG.ConsensusRecommendation)) | set(knowledge_graph.subjects(RDF.type, SKG.ExpertStatement))
    assert len(recs) == 34 + 9
    for rec in recs:
        assert knowledge_graph.value(rec, SKG.appliesTo) is not None, rec
        population = knowledge_graph.value(rec, SKG.hasPopulationCondition)
        assert population is not None and knowledge_graph.value(population, SKG.metBy) is not None, rec
        assert knowledge_graph.value(population, SKG.populationHistology) is not None, rec


def test_checked_and_clinician_conditions_are_complete(knowledge_graph):
    for condition in knowledge_graph.subjects(RDF.type, SKG.CheckedCondition):
        assert knowledge_graph.value(condition, SKG.metBy) is not None, condition
        assert knowledge_graph.value(condition, SKG.toRecord) is not None, condition
    for condition in knowledge_graph.subjects(RDF.type, SKG.ClinicianCondition):
        assert knowledge_graph.value(condition, SKG.whyNotChecked) is not None, condition
        assert knowledge_graph.value(condition, SKG.metBy) is None, condition


def _checked(graph, rec):
    return [c for c in graph.objects(rec, SKG.hasCondition) if (c, RDF.type, SKG.CheckedCondition) in graph]


def test_the_target_class_is_the_population_and_every_checked_condition(knowledge_graph, hermit_result):
    """skg:appliesTo is the data's conjunction: for every fixture patient, being in the target class
    is being in the population and meeting (or meeting at the lenient end) every checked condition."""
    patients = [EX[f"RA{i}"] for i in range(1, 12)]
    for rec in knowledge_graph.subjects(SKG.hasPopulationCondition, None):
        target = knowledge_graph.value(rec, SKG.appliesTo)
        population = knowledge_graph.value(knowledge_graph.value(rec, SKG.hasPopulationCondition), SKG.metBy)
        for patient in patients:
            types = hermit_result.of(patient)
            expected = population in types and all(
                knowledge_graph.value(c, SKG.metBy) in types or knowledge_graph.value(c, SKG.metOnlyAtLenientBoundBy) in types
                for c in _checked(knowledge_graph, rec))
            assert (target in types) == expected, (rec, patient)


def test_met_and_failed_never_both_hold_for_a_fixture_patient(knowledge_graph, hermit_result):
    for condition in knowledge_graph.subjects(SKG.failedBy, None):
        met, failed = knowledge_graph.value(condition, SKG.metBy), knowledge_graph.value(condition, SKG.failedBy)
        for i in range(1, 12):
            types = hermit_result.of(EX[f"RA{i}"])
            assert not (met in types and failed in types), (condition, i)


@pytest.mark.parametrize("notation,patient,why", [
    ("13.1", "RA1", "follow-up after metastasectomy: RA1 never had a liver resection"),
    ("13.2", "RA5", "follow-up after metastasectomy: RA5 has an active liver recurrence"),
    ("12.1", "RA5", "adjuvant treatment after resection: RA5 has an active liver recurrence"),
    ("11.1", "RA4", "liver metastases amenable to surgical resection: RA4 is not a surgical candidate"),
    ("5.1", "RA4", "surgical resection: RA4 is not a surgical candidate"),
    ("2.1", "RA6", "the consensus timing classes are written for soft tissue sarcoma: RA6 has an osteosarcoma"),
])
def test_recorded_facts_withhold_a_recommendation(notation, patient, why, applicability, hermit_result):
    target = applicability.value(REC[f"IAC-{notation}"], SKG.appliesTo)
    assert target not in hermit_result.of(EX[patient]), why


def test_conflicts_are_symmetric_and_name_5_3_and_5_5(knowledge_graph):
    assert (REC["IAC-5.3"], SKG.conflictsWith, REC["IAC-5.5"]) in knowledge_graph
    for a, b in knowledge_graph.subject_objects(SKG.conflictsWith):
        assert (b, SKG.conflictsWith, a) in knowledge_graph, (a, b)


def test_ranges_and_branches(knowledge_graph):
    tfi = REC["IAC-9.1--tfi"]
    assert knowledge_graph.value(tfi, SKG.metBy) == SKG.TreatmentFreeIntervalOver18Months
    assert knowledge_graph.value(tfi, SKG.metOnlyAtLenientBoundBy) == SKG.TreatmentFreeIntervalOver12UpTo18Months
    assert knowledge_graph.value(tfi, SKG.failedBy) == SKG.TreatmentFreeIntervalAtMost12Months
    branch = REC["IAC-9.2--branch"]
    assert (branch, RDF.type, SKG.BranchCondition) in knowledge_graph
    assert knowledge_graph.value(branch, SKG.metBy) == SKG.NoAdjuvantChemotherapyAfterFirstResection
    assert (REC["IAC-9.1--clinician-1"], SKG.showsFact, SKG.ecogPerformanceStatus) in knowledge_graph


@pytest.mark.parametrize("notation", IAC)
def test_applies_to_one_patient_and_not_to_another(notation, applicability, hermit_result):
    target = applicability.value(REC[f"IAC-{notation}"], SKG.appliesTo)
    yes, no = CASES[notation]
    assert target in hermit_result.of(EX[yes]), f"{notation} should apply to {yes}"
    assert target not in hermit_result.of(EX[no]), f"{notation} should not apply to {no}"


STATEMENT_CLASS_CASES = {
    SKG.MetastaticSarcomaAmenableToFocalTreatment: ("RA1", "RA4"), SKG.ResectableOligometastaticSoftTissueSarcoma: ("RA1", "RA7"),
    SKG.SoftTissueSarcomaPatient: ("RA1", "RA6"), SKG.SarcomaPatient: ("RA6", "RA8"),
    SKG.GISTLiverMetastasesOnKinaseInhibitor: ("RA7", "RA1"), SKG.MetastaticSarcomaPatient: ("RA6", "RA11"),
    SKG.IberoAmericanOligometastaticSoftTissueSarcoma: ("RA1", "RA6"),
}


def _statements(graph: Graph) -> list:
    return sorted(r for r in graph.subjects(SKG.appliesTo, None) if not str(r).startswith(str(REC["IAC-"])))


def test_only_actionable_statements_have_a_target(applicability, knowledge_graph):
    statements = _statements(applicability)
    assert len(statements) == 9
    for rec in statements:
        assert (rec, RDF.type, SKG.ExpertStatement) in knowledge_graph, rec
    for finding in knowledge_graph.subjects(RDF.type, SKG.Finding):
        assert (finding, SKG.appliesTo, None) not in applicability, finding


def test_each_statement_applies_to_one_patient_and_not_to_another(applicability, hermit_result):
    for rec in _statements(applicability):
        target = applicability.value(rec, SKG.appliesTo)
        yes, no = STATEMENT_CLASS_CASES[target]
        assert target in hermit_result.of(EX[yes]), f"{rec} should apply to {yes}"
        assert target not in hermit_result.of(EX[no]), f"{rec} should not apply to {no}"


def test_the_patient_about_whom_nothing_is_known_gets_no_recommendation(applicability, hermit_result):
    targets = set(applicability.objects(None, SKG.appliesTo))
    assert not targets & hermit_result.of(EX.RA8)

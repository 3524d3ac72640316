"""Patient classification into the defined classes (HermiT, Pellet, chunked runs)."""

import pytest
from rdflib import Graph

from sarcoma_kg.reasoning import reasoners
from sarcoma_kg import resources
from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.rdf import patients_in

S = SKG
EXPECTED = {
    EX.RA1: {S.SoftTissueSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.LiverMetastaticDisease,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.IberoAmericanOligometastaticDisease,
             S.MetachronousOligometastaticDisease, S.LiverOnlyMetastaticDisease, S.BilobarLiverDisease,
             S.RespondingToSystemicTherapy, S.OnSystemicTherapy, S.ResectablePrimaryTumourPatient,
             S.MetachronousOligometastaticLiverDisease, S.MetachronousLiverOnlyOligometastaticDisease,
             S.BilobarOligometastaticLiverDisease, S.OligometastaticLiverDiseaseOnSystemicTherapy},
    EX.RA2: {S.SoftTissueSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.LiverMetastaticDisease,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.IberoAmericanOligometastaticDisease,
             S.SynchronousOligometastaticDisease, S.LiverAndLungOnlyMetastaticDisease,
             S.RespondingToSystemicTherapy, S.ResectablePrimaryTumourPatient,
             S.SynchronousOligometastaticLiverDisease,
             S.SynchronousOligometastaticLiverDiseaseRespondingWithResectablePrimary},
    EX.RA3: {S.SoftTissueSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.LiverMetastaticDisease,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.IberoAmericanOligometastaticDisease,
             S.MetachronousOligometastaticDisease, S.LiverAndLungOnlyMetastaticDisease,
             S.ResectablePrimaryTumourPatient, S.MetachronousOligometastaticLiverDisease,
             S.MetachronousLiverAndLungOligometastaticDisease},
    EX.RA4: {S.SoftTissueSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.LiverMetastaticDisease,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.LiverOnlyMetastaticDisease, S.DiffuseSerosalDisease,
             S.NotSurgicalCandidate, S.NonSurgicalLiverMetastasisPatient},
    EX.RA5: {S.SoftTissueSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.LiverMetastaticDisease,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.IberoAmericanOligometastaticDisease,
             S.MetachronousOligometastaticDisease, S.LiverOnlyMetastaticDisease, S.ResectablePrimaryTumourPatient,
             S.MetachronousOligometastaticLiverDisease, S.MetachronousLiverOnlyOligometastaticDisease,
             S.LiverRecurrenceAfterResection, S.OligometastaticLiverRecurrence, S.SoftTissueSarcomaLiverRecurrence,
             S.ResectedPrimaryAndLiverMetastasesPatient, S.ResectedSoftTissueSarcomaLiverMetastasisPatient},
    EX.RA6: {S.IberoAmericanOligometastaticDisease, S.SynchronousOligometastaticDisease, S.PaediatricPatient},
    EX.RA7: {S.SoftTissueSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.LiverMetastaticDisease,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.GISTLiverMetastasisPatient,
             S.SarcomaBoneOrSoftTissueMetastasisPatient, S.SarcomaSpineMetastasisPatient, S.OnSystemicTherapy},
    EX.RA8: set(),
    EX.RA9: {S.SoftTissueSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.LiverMetastaticDisease,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.LiverOnlyMetastaticDisease,
             S.SarcomaPatient, S.MetastaticSarcomaPatient},
}
# every patient with a sarcoma primary is a (metastatic) sarcoma patient; those meeting a definition
# are oligometastatic sarcoma patients; lung metastases from the lesions or the organ sites
for _p in (EX.RA1, EX.RA2, EX.RA3, EX.RA4, EX.RA5, EX.RA6, EX.RA7):
    EXPECTED[_p] |= {S.SarcomaPatient, S.MetastaticSarcomaPatient}
for _p in (EX.RA1, EX.RA2, EX.RA3, EX.RA5, EX.RA6, EX.RA7):
    EXPECTED[_p] |= {S.OligometastaticSarcomaPatient}
for _p in (EX.RA2, EX.RA3, EX.RA6):
    EXPECTED[_p] |= {S.SarcomaLungMetastasisPatient}


def defined_types(result, defined):
    return {p: set(ts) & defined for p, ts in result.types.items()}


def test_every_patient_gets_exactly_the_expected_defined_classes(hermit_result, defined):
    assert defined_types(hermit_result, defined) == EXPECTED


def test_hermit_and_pellet_agree_on_the_fixture_patients(hermit_result, pellet_result, defined):
    assert defined_types(pellet_result, defined) == defined_types(hermit_result, defined)


def test_chunked_classification_equals_one_run(ra_patients, small_terms, small_hermit):
    """Per-chunk runs (in two processes) give the classes of one run over all patients
    (small TBox: the point is the chunking, not the hierarchy)."""
    defined = set(reasoners.defined_classes(small_terms))
    chunked = reasoners.classify_patients(ra_patients, small_terms, "hermit", chunk_size=4, workers=2)
    assert set(chunked.types) == set(small_hermit.types)
    assert defined_types(chunked, defined) == defined_types(small_hermit, defined)
    assert any(defined_types(chunked, defined).values())


def test_patient_subgraph_holds_only_that_patient(ra_patients):
    sub = reasoners.patient_subgraph(ra_patients, EX.RA1)
    subjects = {str(s) for s in sub.subjects()}
    assert str(EX["RA1-L2"]) in subjects and str(EX["RA1-chemo"]) in subjects
    assert not any("RA2" in s for s in subjects)
    assert (SKG.Liver, None, None) not in sub  # terms are not pulled in


def test_reasoning_view_drops_dates_and_adds_typing(ra_patients, reasoning_terms):
    view = reasoners.reasoning_view(ra_patients, reasoning_terms)
    assert not list(view.triples((None, SKG.diagnosisDate, None)))
    assert list(view.triples((None, SKG.longestDiameterMm, None)))
    assert len(view) > len(ra_patients) - 10


@pytest.mark.slow
def test_example_patients_classify_the_same_under_hermit_and_pellet(reasoning_terms, knowledge_graph, defined):
    """The patients of examples/ get the same classes under both reasoners."""
    examples = Graph()
    files = sorted(resources.EXAMPLES_DIR.rglob("*.ttl"))
    for path in files:
        examples.parse(path)
    from sarcoma_kg.reasoning import recommend

    data = recommend.with_verdicts(examples, knowledge_graph)
    people = patients_in(data)
    assert people, f"no example patients in {resources.EXAMPLES_DIR}"
    hermit = reasoners.classify_patients(data, reasoning_terms, "hermit")
    pellet = reasoners.classify_patients(data, reasoning_terms, "pellet")
    assert defined_types(hermit, defined) == defined_types(pellet, defined)
    assert any(defined_types(hermit, defined).values()), "no example patient was classified into any class"


def test_inconsistent_patient_data_is_reported(reasoning_terms):
    data = Graph().parse(data="""
        @prefix skg: <https://w3id.org/sarcoma-kg/> . @prefix ex: <https://w3id.org/sarcoma-kg/example/> .
        ex:Bad a skg:Patient , skg:MetastaticLesion .""", format="turtle")
    with pytest.raises(reasoners.ReasonerError, match="inconsistent"):
        reasoners.classify_patients(data, reasoning_terms, "hermit")

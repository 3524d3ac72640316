"""Patient classification into the defined classes (HermiT, Pellet, chunked runs)."""

import pytest
from rdflib import Graph

from sarcoma_kg.reasoning import reasoners
from sarcoma_kg import resources
from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.rdf import patients_in

S = SKG
#: What HermiT infers for the fixture patients (their verdict and derived facts written by hand).
#: Read against the fixtures: RA1 is in every liver-surgery class (candidate, every lesion resectable,
#: DFI 9 months) and in 5.5's bilobar class; RA4 (peritoneal sarcomatosis, not a candidate) is in
#: none of them but in 10.1's; RA5's liver recurrence (TFI 20 months) gives 9.1 and 9.2 but not 12.1
#: or 13 (active disease); RA6's osteosarcoma is outside every soft-tissue population, so not
#: synchronous OMD in the consensus' sense; RA11 (resected, free of disease) gets 12.1 and 13.
EXPECTED = {
    EX.RA1: {S.ActiveMetastaticDisease, S.BilobarLiverDisease, S.BilobarOligometastaticLiverDisease,
             S.DiseaseFreeIntervalAtLeastSixMonths, S.EveryLesionResectable, S.EveryLiverLesionResectable,
             S.IberoAmericanOligometastaticDisease, S.IberoAmericanOligometastaticSoftTissueSarcoma,
             S.LesionAmenableToLocalTreatment, S.LiverMetastaticDisease, S.LiverOnlyMetastaticDisease,
             S.MetachronousLiverOnlyOligometastaticDisease, S.MetachronousMetastaticDisease,
             S.MetachronousOligometastaticDisease, S.MetachronousOligometastaticLiverDisease,
             S.MetachronousOligometastaticLiverDiseaseForSurgery,
             S.MetastaticSarcomaAmenableToFocalTreatment, S.MetastaticSarcomaPatient,
             S.MetastaticSoftTissueSarcomaPatient, S.NoDiffuseSerosalDisease, S.NoPriorLiverResection,
             S.NotLiverAndLungOnlyMetastaticDisease, S.OligometastaticLiverDiseaseOnSystemicTherapy,
             S.OligometastaticSarcomaPatient, S.OnSystemicTherapy, S.ResectableLiverMetastasesPatient,
             S.ResectableMetachronousLiverMetastasesPatient,
             S.ResectableMetachronousLiverOnlyOligometastaticDisease,
             S.ResectableOligometastaticSoftTissueSarcoma, S.ResectablePrimaryTumourPatient,
             S.ResectedPrimaryTumourPatient, S.RespondingToSystemicTherapy, S.SarcomaPatient,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.SoftTissueSarcomaLiverSurgeryCandidate,
             S.SoftTissueSarcomaPatient, S.SoftTissueSarcomaPresentLiverMetastasisPatient,
             S.SurgicalCandidate},
    EX.RA2: {S.ActiveMetastaticDisease, S.IberoAmericanOligometastaticDisease,
             S.IberoAmericanOligometastaticSoftTissueSarcoma, S.LiverAndLungOnlyMetastaticDisease,
             S.LiverMetastaticDisease, S.MetastaticSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient,
             S.MoreThanOneOrganSite, S.NotBilobarLiverDisease, S.OligometastaticSarcomaPatient,
             S.ResectablePrimaryTumourPatient, S.RespondingToSystemicTherapy, S.SarcomaLungMetastasisPatient,
             S.SarcomaPatient, S.SoftTissueSarcomaLiverMetastasisPatient,
             S.SoftTissueSarcomaLiverSurgeryCandidate, S.SoftTissueSarcomaPatient,
             S.SoftTissueSarcomaPresentLiverMetastasisPatient, S.SurgicalCandidate,
             S.SynchronousMetastaticDisease, S.SynchronousOligometastaticDisease,
             S.SynchronousOligometastaticLiverDisease,
             S.SynchronousOligometastaticLiverDiseaseRespondingWithResectablePrimary},
    EX.RA3: {S.ActiveMetastaticDisease, S.EveryLesionResectable, S.EveryLiverLesionResectable,
             S.IberoAmericanOligometastaticDisease, S.IberoAmericanOligometastaticSoftTissueSarcoma,
             S.LesionAmenableToLocalTreatment, S.LiverAndLungOnlyMetastaticDisease, S.LiverMetastaticDisease,
             S.MetachronousLiverAndLungOligometastaticDisease, S.MetachronousMetastaticDisease,
             S.MetachronousOligometastaticDisease, S.MetachronousOligometastaticLiverDisease,
             S.MetastaticSarcomaAmenableToFocalTreatment, S.MetastaticSarcomaPatient,
             S.MetastaticSoftTissueSarcomaPatient, S.MoreThanOneOrganSite, S.NotBilobarLiverDisease,
             S.OligometastaticSarcomaPatient, S.ResectableLiverMetastasesPatient,
             S.ResectableMetachronousLiverAndLungOligometastaticDisease,
             S.ResectableMetachronousLiverMetastasesPatient, S.ResectableOligometastaticSoftTissueSarcoma,
             S.ResectablePrimaryTumourPatient, S.ResectedPrimaryTumourPatient,
             S.SarcomaLungMetastasisPatient, S.SarcomaPatient, S.SoftTissueSarcomaLiverMetastasisPatient,
             S.SoftTissueSarcomaLiverSurgeryCandidate, S.SoftTissueSarcomaPatient,
             S.SoftTissueSarcomaPresentLiverMetastasisPatient, S.SurgicalCandidate},
    EX.RA4: {S.ActiveMetastaticDisease, S.DiffuseSerosalDisease, S.DiffuseSerosalSoftTissueSarcoma,
             S.LiverMetastaticDisease, S.LiverResectionNotAnOption, S.MetachronousMetastaticDisease,
             S.MetastaticSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.MoreThanOneOrganSite,
             S.NonSurgicalLiverMetastasisPatient, S.NotIberoAmericanOligometastaticDisease,
             S.NotLiverAndLungOnlyMetastaticDisease, S.NotSurgicalCandidate, S.SarcomaPatient,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.SoftTissueSarcomaPatient,
             S.SoftTissueSarcomaPresentLiverMetastasisPatient},
    EX.RA5: {S.ActiveMetastaticDisease, S.IberoAmericanOligometastaticDisease,
             S.IberoAmericanOligometastaticSoftTissueSarcoma, S.LiverMetastaticDisease,
             S.LiverOnlyMetastaticDisease, S.LiverRecurrenceAfterResection, S.LiverResected,
             S.MetachronousLiverOnlyOligometastaticDisease, S.MetachronousMetastaticDisease,
             S.MetachronousOligometastaticDisease, S.MetachronousOligometastaticLiverDisease,
             S.MetastaticSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient,
             S.NoAdjuvantChemotherapyAfterFirstResection, S.NoDiffuseSerosalDisease,
             S.NotBilobarLiverDisease, S.NotLiverAndLungOnlyMetastaticDisease,
             S.OligometastaticLiverRecurrence, S.OligometastaticSarcomaPatient,
             S.ResectablePrimaryTumourPatient, S.ResectedPrimaryAndLiverMetastasesPatient,
             S.ResectedPrimaryTumourPatient, S.SarcomaPatient, S.SoftTissueSarcomaLiverMetastasisPatient,
             S.SoftTissueSarcomaLiverRecurrence, S.SoftTissueSarcomaLiverSurgeryCandidate,
             S.SoftTissueSarcomaPatient, S.SoftTissueSarcomaPresentLiverMetastasisPatient,
             S.SurgicalCandidate, S.TreatmentFreeIntervalOver18Months},
    EX.RA6: {S.ActiveMetastaticDisease, S.IberoAmericanOligometastaticDisease, S.MetastaticSarcomaPatient,
             S.NoLiverMetastases, S.NotLiverAndLungOnlyMetastaticDisease, S.OligometastaticSarcomaPatient,
             S.OutsideGISTLiverPopulation, S.OutsideLiverMetastasectomyPopulation,
             S.OutsideMetastaticSoftTissueSarcomaPopulation, S.OutsideSoftTissueSarcomaHistology,
             S.OutsideSoftTissueSarcomaLiverPopulation, S.OutsideSoftTissueSarcomaPopulation,
             S.PaediatricPatient, S.SarcomaLungMetastasisPatient, S.SarcomaPatient,
             S.SynchronousMetastaticDisease},
    EX.RA7: {S.ActiveMetastaticDisease, S.GISTLiverMetastasesOnKinaseInhibitor, S.GISTLiverMetastasisPatient,
             S.LesionAmenableToLocalTreatment, S.LiverLesionAmenableToAblation, S.LiverMetastaticDisease,
             S.MetachronousMetastaticDisease, S.MetastaticSarcomaAmenableToFocalTreatment,
             S.MetastaticSarcomaPatient, S.MetastaticSoftTissueSarcomaPatient, S.MoreThanOneOrganSite,
             S.NotIberoAmericanOligometastaticDisease, S.NotLiverAndLungOnlyMetastaticDisease,
             S.NotRespondingToSystemicTherapy, S.OligometastaticSarcomaPatient, S.OnSystemicTherapy,
             S.OnTyrosineKinaseInhibitor, S.SarcomaBoneOrSoftTissueMetastasisPatient, S.SarcomaPatient,
             S.SarcomaSpineMetastasisPatient, S.SoftTissueSarcomaLiverMetastasisPatient,
             S.SoftTissueSarcomaPatient, S.SoftTissueSarcomaPresentLiverMetastasisPatient},
    EX.RA8: set(),
    EX.RA9: {S.ActiveMetastaticDisease, S.LiverMetastaticDisease, S.LiverOnlyMetastaticDisease,
             S.MetachronousMetastaticDisease, S.MetastaticSarcomaPatient,
             S.MetastaticSoftTissueSarcomaPatient, S.NotLiverAndLungOnlyMetastaticDisease, S.SarcomaPatient,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.SoftTissueSarcomaPatient,
             S.SoftTissueSarcomaPresentLiverMetastasisPatient},
    EX.RA10: {S.ActiveMetastaticDisease, S.IberoAmericanOligometastaticDisease,
             S.IberoAmericanOligometastaticSoftTissueSarcoma, S.InductionSystemicTherapyPlanned,
             S.LiverMetastaticDisease, S.LiverOnlyMetastaticDisease, S.MetastaticSarcomaPatient,
             S.MetastaticSoftTissueSarcomaPatient, S.NoDiffuseSerosalDisease, S.NotBilobarLiverDisease,
             S.NotLiverAndLungOnlyMetastaticDisease, S.NotOnSystemicTherapy, S.OligometastaticSarcomaPatient,
             S.ResectablePrimaryTumourPatient, S.SarcomaPatient, S.SoftTissueSarcomaLiverMetastasisPatient,
             S.SoftTissueSarcomaPatient, S.SoftTissueSarcomaPresentLiverMetastasisPatient,
             S.SynchronousMetastaticDisease, S.SynchronousOligometastaticDisease,
             S.SynchronousOligometastaticLiverDisease,
             S.SynchronousOligometastaticLiverDiseaseBeforeInduction},
    EX.RA11: {S.FollowUpAfterLiverMetastasectomy, S.LiverResected, S.NoActiveMetastaticDisease,
             S.NoDiffuseSerosalDisease, S.NoLiverMetastases, S.OutsideGISTLiverPopulation,
             S.OutsideMetastaticSarcomaPopulation, S.OutsideMetastaticSoftTissueSarcomaPopulation,
             S.OutsideSoftTissueSarcomaLiverPopulation, S.ResectablePrimaryTumourPatient,
             S.ResectedPrimaryAndLiverMetastasesPatient, S.ResectedPrimaryTumourPatient,
             S.ResectedSoftTissueSarcomaLiverMetastasisPatient, S.SarcomaPatient,
             S.SoftTissueSarcomaLiverMetastasisPatient, S.SoftTissueSarcomaPatient},
}

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
    from sarcoma_kg.patients.compiled import with_compiled_verdicts

    # verdicts from the compiled SHACL engine (pySHACL's on these files: tests/patients/test_compiled.py)
    data = with_compiled_verdicts(examples, knowledge_graph)
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

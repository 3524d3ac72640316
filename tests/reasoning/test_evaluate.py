"""Evaluating a recommendation's applicability data for one patient (reasoning/applicability.py):
the population placed closed world over the histology hierarchy, then the rule applies / to confirm /
does not apply, clinician conditions always listed, the branch and the lenient end of a range."""

import pytest

from sarcoma_kg.namespaces import REC, SKG
from sarcoma_kg.reasoning import applicability as ap


@pytest.mark.parametrize("histology, population, place", [
    ("Leiomyosarcoma", "SoftTissueSarcoma", "in"),
    ("Osteosarcoma", "SoftTissueSarcoma", "out"),
    ("EwingSarcoma", "SoftTissueSarcoma", "unknown"),     # soft tissue or bone: straddles the partition
    ("Sarcoma", "SoftTissueSarcoma", "unknown"),          # more general than the population
    ("Leiomyosarcoma", "GastrointestinalStromalTumour", "out"),
])
def test_histology_placement(knowledge_graph, histology, population, place):
    assert ap.histology_placement(knowledge_graph, [SKG[histology]], SKG[population]) == place


def _view(types, histology="Leiomyosarcoma"):
    return ap.PatientView(types={SKG.Patient, *types}, histologies=[SKG[histology]] if histology else [],
                          shown=lambda p: f"{p}: shown", explain=lambda c: f"in {c}")


LIVER_STS = {SKG.SoftTissueSarcomaPresentLiverMetastasisPatient, SKG.SoftTissueSarcomaLiverMetastasisPatient,
             SKG.MetastaticSoftTissueSarcomaPatient}


def test_9_1_at_the_lenient_end_of_the_treatment_free_interval(knowledge_graph):
    types = LIVER_STS | {SKG.IberoAmericanOligometastaticDisease, SKG.LiverRecurrenceAfterResection,
                         SKG.SurgicalCandidate, SKG.TreatmentFreeIntervalOver12UpTo18Months}
    result = ap.evaluate(knowledge_graph, REC["IAC-9.1"], _view(types))
    assert result.status == ap.APPLIES and result.at_lenient_bound
    clinician = [c.text for c in result.of_kind("clinician")]
    assert "good performance status" in clinician and all(c.state == "left to the clinician" for c in result.of_kind("clinician"))
    short = types - {SKG.TreatmentFreeIntervalOver12UpTo18Months} | {SKG.TreatmentFreeIntervalAtMost12Months}
    assert ap.evaluate(knowledge_graph, REC["IAC-9.1"], _view(short)).status == ap.DOES_NOT_APPLY
    unknown = types - {SKG.TreatmentFreeIntervalOver12UpTo18Months}
    undecided = ap.evaluate(knowledge_graph, REC["IAC-9.1"], _view(unknown))
    assert undecided.status == ap.TO_CONFIRM
    tfi = next(c for c in undecided.conditions if c.text == "TFI longer than 12–18 months")
    assert tfi.state == "unknown" and "skg:priorLiverResectionDate" in tfi.detail


def test_the_branch_of_9_2_follows_adjuvant_chemotherapy(knowledge_graph):
    types = LIVER_STS | {SKG.LiverRecurrenceAfterResection, SKG.SurgicalCandidate}
    given = ap.evaluate(knowledge_graph, REC["IAC-9.2"], _view(types | {SKG.AdjuvantChemotherapyAfterFirstResection}))
    assert given.status == ap.APPLIES and given.branch.startswith("or on a case-by-case basis")
    none = ap.evaluate(knowledge_graph, REC["IAC-9.2"], _view(types | {SKG.NoAdjuvantChemotherapyAfterFirstResection}))
    assert none.branch == "should receive preoperative systemic treatment"
    assert ap.evaluate(knowledge_graph, REC["IAC-9.2"], _view(types)).branch is None


def test_outside_the_population_does_not_apply_and_says_so(knowledge_graph):
    result = ap.evaluate(knowledge_graph, REC["IAC-1.1"], _view(set(), histology="Osteosarcoma"))
    assert result.status == ap.DOES_NOT_APPLY and result.outside_population
    unknown = ap.evaluate(knowledge_graph, REC["IAC-1.1"], _view(set(), histology=None))
    assert unknown.status == ap.TO_CONFIRM and not unknown.outside_population

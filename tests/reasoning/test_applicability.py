"""Applicability as data: every recommendation names a defined patient class, and classification
decides, for a patient, whether it applies (one patient it applies to, one it does not)."""

import re

import pytest
from rdflib import Graph

from sarcoma_kg import resources
from sarcoma_kg.namespaces import EX, REC, SKG

APPLICABILITY = resources.KB_DIR / "applicability.ttl"
SEED_003 = resources.SEEDS_DIR / "003_3b181430475482de.txt"
IAC = ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5",
       "6.1", "6.2", "6.3", "6.4", "6.5", "7.1", "7.2", "8.1", "8.2", "8.3", "9.1", "9.2", "10.1", "10.2",
       "11.1", "11.2", "12.1", "13.1", "13.2"]

# recommendation -> (a fixture patient it applies to, one it does not apply to)
CASES = {
    "1.1": ("RA1", "RA6"), "1.2": ("RA4", "RA1"), "2.1": ("RA2", "RA1"), "2.2": ("RA1", "RA2"),
    "3.1": ("RA1", "RA2"), "3.2": ("RA2", "RA1"), "3.3": ("RA4", "RA6"),
    "4.1": ("RA1", "RA6"), "4.2": ("RA2", "RA6"), "4.3": ("RA3", "RA6"),
    "5.1": ("RA1", "RA6"), "5.2": ("RA1", "RA6"), "5.3": ("RA1", "RA3"), "5.4": ("RA3", "RA1"),
    "5.5": ("RA1", "RA3"), "6.1": ("RA1", "RA6"), "6.2": ("RA1", "RA6"), "6.3": ("RA1", "RA6"),
    "6.4": ("RA1", "RA6"), "6.5": ("RA1", "RA6"), "7.1": ("RA1", "RA6"), "7.2": ("RA1", "RA6"),
    "8.1": ("RA3", "RA2"), "8.2": ("RA2", "RA3"), "8.3": ("RA2", "RA1"), "9.1": ("RA5", "RA1"),
    "9.2": ("RA5", "RA4"), "10.1": ("RA4", "RA1"), "10.2": ("RA1", "RA2"), "11.1": ("RA1", "RA6"),
    "11.2": ("RA1", "RA6"), "12.1": ("RA5", "RA3"), "13.1": ("RA5", "RA6"), "13.2": ("RA5", "RA6"),
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


def test_curation_notes_quote_the_recommendation_verbatim(applicability):
    seed = SEED_003.read_text(encoding="utf-8")
    for notation in IAC:
        note = str(applicability.value(REC[f"IAC-{notation}"], SKG.curationNote))
        quote = re.search(r'"(.+?)"', note).group(1)
        assert quote in seed, f"{notation}: quoted words not in seed 003: {quote!r}"


def test_directions(applicability):
    direction = {n: str(applicability.value(REC[f"IAC-{n}"], SKG.recommendationDirection)) for n in IAC}
    assert direction["5.5"] == "against"
    assert {n for n, d in direction.items() if d == "definition"} == {"1.1", "1.2", "2.1", "2.2"}
    assert set(direction.values()) <= {"for", "against", "conditional", "definition"}


def test_every_recommendation_in_the_knowledge_base_has_a_target(knowledge_graph):
    recs = set(knowledge_graph.subjects(SKG.recommendationText, None))
    missing = sorted(str(r) for r in recs if knowledge_graph.value(r, SKG.appliesTo) is None)
    assert missing == []


@pytest.mark.parametrize("notation", IAC)
def test_applies_to_one_patient_and_not_to_another(notation, applicability, hermit_result):
    target = applicability.value(REC[f"IAC-{notation}"], SKG.appliesTo)
    yes, no = CASES[notation]
    assert target in hermit_result.of(EX[yes]), f"{notation} should apply to {yes}"
    assert target not in hermit_result.of(EX[no]), f"{notation} should not apply to {no}"


STATEMENT_CLASS_CASES = {
    SKG.MetastaticSarcomaPatient: ("RA6", "RA8"), SKG.OligometastaticSarcomaPatient: ("RA7", "RA4"),
    SKG.SarcomaBoneOrSoftTissueMetastasisPatient: ("RA7", "RA1"), SKG.SarcomaPatient: ("RA6", "RA8"),
    SKG.GISTLiverMetastasisPatient: ("RA7", "RA1"), SKG.MetastaticSoftTissueSarcomaPatient: ("RA7", "RA6"),
    SKG.SarcomaLungMetastasisPatient: ("RA6", "RA1"), SKG.SarcomaSpineMetastasisPatient: ("RA7", "RA1"),
}


def _statements(graph: Graph) -> list:
    return sorted(r for r in graph.subjects(SKG.appliesTo, None) if not str(r).startswith(str(REC["IAC-"])))


def test_statements_quote_their_own_text(applicability, knowledge_graph):
    statements = _statements(applicability)
    assert len(statements) >= 22
    for rec in statements:
        quote = re.search(r'"(.+?)"', str(applicability.value(rec, SKG.curationNote))).group(1)
        assert quote in str(knowledge_graph.value(rec, SKG.recommendationText)), rec


def test_each_statement_applies_to_one_patient_and_not_to_another(applicability, hermit_result):
    for rec in _statements(applicability):
        target = applicability.value(rec, SKG.appliesTo)
        yes, no = STATEMENT_CLASS_CASES[target]
        assert target in hermit_result.of(EX[yes]), f"{rec} should apply to {yes}"
        assert target not in hermit_result.of(EX[no]), f"{rec} should not apply to {no}"


def test_the_patient_about_whom_nothing_is_known_gets_no_recommendation(applicability, hermit_result):
    targets = set(applicability.objects(None, SKG.appliesTo))
    assert not targets & hermit_result.of(EX.RA8)

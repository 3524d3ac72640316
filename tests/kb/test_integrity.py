"""Integrity shapes (shapes/kb-integrity.ttl): one W3C-style case per rule, and the real KB.

Each file in tests/cases/kb-integrity/ holds a small knowledge base (broken in one place, or
not at all) and, under a sht:Validate node, the expected report: sh:conforms and the exact
set of (focus node, source shape, severity) results.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SH

from sht import CASES, case_files, load_case

from sarcoma_kg import resources
from sarcoma_kg.errors import InputError
from sarcoma_kg.release.integrity import IntegrityReport, check_integrity
from sarcoma_kg.namespaces import REC, SKG, STUDY

XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
KB_CASES = CASES / "kb-integrity"
CASE_FILES = case_files("kb-integrity")


def load_expected(path: Path) -> tuple[Graph, bool, set[tuple]]:
    """(data, expected sh:conforms, expected (focus node, source shape, severity) results)."""
    case = load_case(path)
    d = case.description
    expected = {(d.value(r, SH.focusNode), d.value(r, SH.sourceShape), d.value(r, SH.resultSeverity))
                for r in case.results}
    return case.data, case.conforms, expected


def test_there_is_a_case_for_every_rule():
    shapes = Graph().parse(resources.SHAPES_DIR / "kb-integrity.ttl")
    rule_shapes = {
        s for s in shapes.subjects(RDF.type, SH.PropertyShape)
        if (s, SH.minCount, None) in shapes or (s, SH.maxCount, None) in shapes
    } | {s for s in shapes.subjects(SH.sparql, None)} | {SKG.KbStudyShape, SKG.KbSupportingStudyShape, SKG.KbOutcomeNumberShape}
    rule_shapes -= {SKG.KbPublicationYearProperty, SKG.KbHasValueProperty}  # only used inside sh:or
    rule_shapes -= {SKG.KbInDocumentProperty}  # reported through KbDerivedFromProperty (sh:node)
    covered = set()
    for path in CASE_FILES:
        _, _, expected = load_expected(path)
        covered |= {shape for _, shape, _ in expected}
    assert rule_shapes - covered == set()


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path):
    data, conforms, expected = load_expected(path)
    report = check_integrity(data)
    got = {(r.focus, r.source_shape, r.severity) for r in report.results}
    assert got == expected, report.text
    assert report.conforms is conforms


def test_report_text_names_focus_shape_and_message():
    data = load_case(KB_CASES / "rec-votes-do-not-add-up.ttl").data
    report = check_integrity(data)
    assert report.text.splitlines()[0] == "The knowledge base does not conform: 1 violation(s)."
    assert "Violation: rec:Case-1.1 [skg:KbVotesAddUpShape] The votes do not add up: 33 yes + 4 no = 37, but the total is 36." in report.text


def test_percent_message_gives_the_expected_percentage():
    data = load_case(KB_CASES / "rec-percent-mismatch.ttl").data
    (result,) = check_integrity(data).results
    assert result.message == "The stated agreement of 91% does not match the votes: 33 of 36 is 92%."


def test_results_are_sorted_and_deterministic():
    data = load_case(KB_CASES / "line-without-study.ttl").data
    data.add((REC["Case-1.1"], SKG.votesNo, Literal(9)))
    first = check_integrity(data)
    second = check_integrity(data)
    assert first.results == second.results
    assert first.text == second.text
    assert [str(r.focus) for r in first.results] == sorted(str(r.focus) for r in first.results)


def test_rejects_non_graph_input():
    with pytest.raises(InputError):
        check_integrity("ontology/kb/recommendations.ttl")


# ------------------------------------------------------------------------------------------
# The real knowledge base
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kb_report(knowledge_graph) -> IntegrityReport:
    return check_integrity(knowledge_graph)


CURATION_B_FILES = ["studies-consensus.ttl", "recommendations.ttl", "statements.ttl", "evidence.ttl"]


def _curation_b_subjects() -> set:
    kb = Path(resources.KB_DIR)
    subjects = set()
    for name in CURATION_B_FILES:
        g = Graph().parse(kb / name)
        subjects |= {s for s in g.subjects(RDF.type, None)}
    return subjects


def test_curation_b_nodes_have_no_integrity_results(kb_report):
    mine = _curation_b_subjects()
    assert len(mine) > 300
    offending = [r for r in kb_report.results if r.focus in mine]
    assert offending == [], "\n".join(f"{r.focus} {r.source_shape} {r.message}" for r in offending)


def test_knowledge_base_conforms(kb_report):
    assert kb_report.conforms, kb_report.text


def test_broken_copy_of_the_real_recommendation_is_caught():
    """Rule check on the real rec:IAC-1.1 (33/36 = 92%): one vote moved from yes to no."""
    g = Graph()
    kb = Path(resources.KB_DIR)
    for name in ["sources.ttl", *CURATION_B_FILES]:
        g.parse(kb / name)
    rec = REC["IAC-1.1"]
    assert {r.focus for r in check_integrity(g).results if r.focus == rec} == set()
    g.set((rec, SKG.votesYes, Literal(32)))
    got = {(f, s) for f, s in check_integrity(g).pairs() if f == rec}
    assert got == {(rec, SKG.KbVotesAddUpShape), (rec, SKG.KbAgreementPercentShape)}


def test_broken_copy_of_a_real_outcome_is_caught():
    """Rule check on the real Brudvik 2015 5-year OS (48.4%): value dropped, then 148.4%."""
    g = Graph()
    g.parse(Path(resources.KB_DIR) / "sources.ttl")
    g.parse(Path(resources.KB_DIR) / "studies-consensus.ttl")
    outcome = URIRef("https://w3id.org/sarcoma-kg/outcome/Brudvik2015-os-5y-lms")
    assert not [r for r in check_integrity(g).results if r.focus == outcome]
    g.set((outcome, SKG.value, Literal("148.4", datatype=XSD_DECIMAL)))
    assert {s for f, s in check_integrity(g).pairs() if f == outcome} == {SKG.KbPercentRangeShape}
    g.remove((outcome, SKG.value, None))
    assert {s for f, s in check_integrity(g).pairs() if f == outcome} == {SKG.KbOutcomeNumberShape}


def test_broken_copy_of_a_real_study_is_caught():
    """Rule check on the real Grimme 2019: year and provenance removed."""
    g = Graph()
    g.parse(Path(resources.KB_DIR) / "sources.ttl")
    g.parse(Path(resources.KB_DIR) / "studies-consensus.ttl")
    study = STUDY.Grimme2019
    g.remove((study, SKG.publicationYear, None))
    g.remove((study, PROV.wasDerivedFrom, None))
    assert {s for f, s in check_integrity(g).pairs() if f == study} == {SKG.KbStudyShape, SKG.KbDerivedFromProperty}

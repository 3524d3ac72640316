"""The evidence shown with a recommendation: each evidence line's directness, and every figure as the
seed prints it (statistic, confidence interval, p-value, comparison; associations reported by a
p-value only; a figure inconsistent as printed flagged with its note)."""

import pytest

from sarcoma_kg.namespaces import REC
from sarcoma_kg.reasoning import render
from sarcoma_kg.reasoning.evidence import evidence_for
from sarcoma_kg.sparql.backends import backend_for


@pytest.fixture(scope="module")
def evidence(knowledge_graph):
    return evidence_for(backend_for(knowledge_graph, engine="oxigraph"), None, knowledge_graph)


def _figures(evidence, rec):
    return {o.outcome: o for e in evidence[rec] for o in e.outcomes}


def test_a_hazard_ratio_keeps_its_interval_p_value_and_comparison(evidence):
    hr = _figures(evidence, REC["IAC-5.1"])["outcome:Goumard2018-preop-os-hr-multivariate"]
    assert (hr.statistic, hr.value, hr.ci_lower, hr.ci_upper, hr.p_value) == ("hazard ratio", 1.57, 0.87, 2.83, 0.13)
    text = render.figure_words(hr)
    assert "hazard ratio 1.57 (95% CI 0.87–2.83), p = 0.13" in text
    assert "preoperative treatment vs. no preoperative treatment" in text


def test_an_association_reported_by_its_p_value_is_not_a_value(evidence):
    bourgouin = next(e for e in evidence[REC["IAC-10.1"]] if e.study == "study:Bourgouin2022")
    size = next(o for o in bourgouin.associations if o.outcome == "outcome:Bourgouin2022-ltp-size-pvalue")
    assert size.value is None and size.p_value == 0.048
    assert render.figure_words(size).startswith("local tumour progression: p = 0.048; tumour size")
    assert all(o.outcome != size.outcome for o in bourgouin.outcomes)


def test_a_figure_inconsistent_as_printed_is_flagged_with_its_note(evidence):
    falk = _figures(evidence, REC["RadiotherapyReview-consolidative-rt-multidisciplinary"])["outcome:Falk2015-localtreatment"]
    assert (falk.value, falk.numerator, falk.denominator, falk.inconsistent_as_printed) == (77.9, 164, 281, True)
    text = render.figure_words(falk)
    assert "77.9% [164/281]" in text and "INCONSISTENT AS PRINTED" in text and "58.4" in text


def test_every_evidence_line_of_a_study_says_how_direct_it_is(evidence):
    lines = [e for items in evidence.values() for e in items if e.study and e.line]
    assert lines and all(e.directness in ("direct evidence", "indirect evidence") for e in lines)
    outani = next(e for e in evidence[REC["IAC-5.1"]] if e.study == "study:Outani2022")
    assert outani.directness == "indirect evidence" and "site" in outani.directness_note
    shown = "\n".join(render._evidence_lines(outani))
    assert "directness: indirect evidence" in shown and outani.directness_note in shown


def test_the_evidence_store_from_the_cache_answers_as_the_serialised_graph(knowledge_graph, evidence, tmp_path,
                                                                           monkeypatch):
    from sarcoma_kg.rdf import knowledge_key
    from sarcoma_kg.reasoning.evidence import evidence_backend

    monkeypatch.setenv("SARCOMA_KG_CACHE_DIR", str(tmp_path))
    for _ in ("miss", "hit"):
        backend = evidence_backend(knowledge_graph, knowledge_key())
        assert evidence_for(backend, None, knowledge_graph) == evidence
    assert len(list(tmp_path.glob("knowledge-ntriples-*"))) == 1


def test_recommend_leaves_the_knowledge_graph_as_read(knowledge_graph):
    """The CLI names the evidence store by the knowledge graph's files: the verdicts, the classifier
    and the judging must not change the graph they are given."""
    from pathlib import Path

    from sarcoma_kg.patients.compiled import with_compiled_verdicts
    from sarcoma_kg.patients.read import read_patients
    from sarcoma_kg.reasoning import recommend

    before = set(knowledge_graph)
    example = Path(__file__).resolve().parents[2] / "examples" / "edge-cases" / "liver-oligometastatic.ttl"
    data = with_compiled_verdicts(read_patients([example]).graph, knowledge_graph)
    assert recommend.recommend(data, knowledge_graph, reasoner="compiled")
    assert set(knowledge_graph) == before

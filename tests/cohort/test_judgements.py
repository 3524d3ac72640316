"""``cohort recommend``'s rows against the per-patient path, row by row and word for word.

Judgements kept per recommendation and per answer to what it asks (:mod:`sarcoma_kg.cohort.judgements`)
must give exactly the rows of ``recommend`` (:mod:`sarcoma_kg.reasoning.recommend`, checked against
HermiT by tests/reasoning), and the verdicts written back from the chunk's compiled SHACL results
(:mod:`sarcoma_kg.cohort.written_back`) exactly the triples of the per-patient derivation.
"""

from pathlib import Path

import pytest
from rdflib import Graph

from sarcoma_kg.cohort import matching, run
from sarcoma_kg.cohort.judgements import Judge
from sarcoma_kg.cohort.synthetic import generate
from sarcoma_kg.cohort.written_back import with_written_back
from sarcoma_kg.errors import ReasonerError
from sarcoma_kg.patients.compiled import with_compiled_verdicts
from sarcoma_kg.patients.read import read_patients
from sarcoma_kg.rdf import patients_in
from sarcoma_kg.reasoning import compiled, recommend
from sarcoma_kg.reasoning.reasoners import patient_subgraph

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").rglob("*.ttl")) + [ROOT / "examples" / "tumour-board.csv"]
CLINICAL = sorted((ROOT / "tests" / "clinical" / "patients").glob("*.ttl"))
REASONING_FIXTURES = [ROOT / "tests" / "reasoning" / "fixtures" / "patients.ttl"]
GENERATED = 60          # patients in the default run
GENERATED_SLOW = 300  # patients in the slow run (the per-patient path it is compared with costs ~0.2 s each)


@pytest.fixture(scope="module")
def judge(knowledge_graph, ontology_graph):
    """One judge for the whole module: later patients reuse the templates of earlier ones."""
    return Judge(knowledge_graph, ontology_graph)


def _checked(graph: Graph, knowledge: Graph, terms: Graph, judge: Judge) -> int:
    """Compare every patient of ``graph`` (verdicts written back); return the rows compared."""
    classifier = compiled.classifier_for(terms)
    ok = Graph()
    for patient in patients_in(graph):
        try:
            classifier.classify(graph, [patient])
        except ReasonerError:
            continue
        ok += patient_subgraph(graph, patient)
    ok = recommend.with_verdicts(ok, knowledge)  # what the per-patient path judges over (patients not assessed yet)
    expected = matching.rows_of(recommend.recommend(ok, knowledge, "compiled", terms=terms, with_evidence=False))
    got = [row for patient in patients_in(ok) for row in judge.rows(ok, patient, classifier.classify(ok, [patient])[patient])]
    assert got == expected
    return len(got)


def _read(paths) -> Graph:
    from sarcoma_kg import rdf

    data = Graph()
    for path in paths:
        data += with_compiled_verdicts(read_patients([path]).graph, rdf.knowledge_graph())
    return data


@pytest.mark.slow
def test_examples_clinical_set_and_reasoning_fixtures_give_the_per_patient_rows(judge, knowledge_graph, ontology_graph):
    compared = _checked(_read(EXAMPLES + CLINICAL + REASONING_FIXTURES), knowledge_graph, ontology_graph, judge)
    assert compared >= 45 * (len(CLINICAL) + 6)


def _generated(tmp_path, n: int, knowledge) -> Graph:
    path = tmp_path / "cohort.ttl"
    generate(n, path, seed=11)
    return with_compiled_verdicts(Graph().parse(path), knowledge)


def test_generated_patients_give_the_per_patient_rows(judge, knowledge_graph, ontology_graph, tmp_path):
    assert _checked(_generated(tmp_path, GENERATED, knowledge_graph), knowledge_graph, ontology_graph, judge) > 0


@pytest.mark.slow
def test_three_hundred_generated_patients_give_the_per_patient_rows(judge, knowledge_graph, ontology_graph, tmp_path):
    compared = _checked(_generated(tmp_path, GENERATED_SLOW, knowledge_graph), knowledge_graph, ontology_graph, judge)
    assert compared >= 40 * GENERATED_SLOW


def test_a_patient_of_other_answers_is_judged_anew_not_given_a_template_of_others(judge, knowledge_graph,
                                                                                   ontology_graph, tmp_path):
    data = _generated(tmp_path, 12, knowledge_graph)
    patients = patients_in(data)
    classifier = compiled.classifier_for(ontology_graph)
    first = judge.rows(data, patients[0], classifier.classify(data, [patients[0]])[patients[0]])
    as_if = judge.rows(data, patients[0], frozenset())  # the same patient in no defined class
    assert [r[3] for r in as_if] != [r[3] for r in first] or [r[5] for r in as_if] != [r[5] for r in first]


# --- the verdicts written back from the chunk's compiled results --------------------------------------

@pytest.fixture(scope="module")
def worker():
    matching._init_worker("csv", run.patient_check_setup("csv", keep=True))


def _written_back(graph: Graph, knowledge) -> Graph:
    data = graph.serialize(format="nt", encoding="utf-8")
    chunk = run.Chunk(0, "nt", data, 1, 0, "patients.nt", len(data))
    parsed, _errors, results = matching._parsed(chunk, matching.ChunkMatch(0, 0))
    return with_written_back(parsed, knowledge, results)


def test_verdicts_written_back_from_the_chunk_equal_the_per_patient_derivation(worker, knowledge_graph, tmp_path):
    path = tmp_path / "cohort.ttl"
    generate(40, path, seed=5)
    graph = Graph().parse(path)
    assert set(_written_back(graph, knowledge_graph)) == set(with_compiled_verdicts(graph, knowledge_graph))


@pytest.mark.slow
def test_verdicts_written_back_for_examples_and_the_clinical_set(worker, knowledge_graph):
    for path in EXAMPLES + CLINICAL:
        graph = read_patients([path]).graph
        assert set(_written_back(graph, knowledge_graph)) == set(with_compiled_verdicts(graph, knowledge_graph)), path

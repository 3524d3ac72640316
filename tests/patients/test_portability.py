"""The criteria shapes are plain SHACL-SPARQL: compiled set-at-a-time to SPARQL 1.1 (``$this``
bound by a VALUES block at the start of the WHERE clause, as a cohort engine does) and run on a
different engine (Oxigraph), they give exactly the results pySHACL gives: same patients, same
criteria, same shapes, same messages (up to the order of GROUP_CONCAT lists).

Oxigraph reads the patient files merged into one graph; pySHACL's report on that graph is the union
of its reports on each file beside the knowledge graph: the files describe disjoint sets of nodes
(checked below) and every SHACL-SPARQL constraint of the shapes is evaluated for one focus node
(``$this``), grouped by it. Those per-file reports are the ones ``test_cases.py`` and
``test_compiled.py`` ask pySHACL for (computed once per run: ``tests/run_once.py``)."""

from __future__ import annotations

import re

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from sht import case_files, load_case

from sarcoma_kg import resources
from sarcoma_kg.namespaces import SKG
from sarcoma_kg.patients import shapes as patient_shapes, verdicts
from sarcoma_kg.patients.shapes import data_graph, shape_graph
from sarcoma_kg.rdf import patients_in


def compile_for(select: str, focus: list[URIRef]) -> str:
    values = "VALUES ?this { " + " ".join(f"<{f}>" for f in focus) + " }"
    text = select.replace("$this", "?this")
    head, tail = re.split(r"WHERE\s*\{", text, maxsplit=1)
    return f"{head}WHERE {{\n    {values}\n{tail}"


def normalise(message: str) -> str:
    # GROUP_CONCAT order is engine-defined: compare the listed names as a set
    match = re.match(r"^(.*?: )([^\[]*)( \[.*)$", message)
    if match and "organ site" in match.group(1):
        return match.group(1) + ", ".join(sorted(match.group(2).split(", "))) + match.group(3)
    return message


@pytest.fixture(scope="module")
def patient_files() -> list[Graph]:
    """The data of every patient shape case and of two examples, a graph each."""
    graphs = [load_case(path).data for path in case_files("patients")]
    for path in [resources.EXAMPLES_DIR / "yevich2016" / "yevich2016.ttl",
                 resources.EXAMPLES_DIR / "hakime2013" / "hakime2013.ttl"]:
        graphs.append(Graph().parse(path))
    return graphs


@pytest.fixture(scope="module")
def merged_patients(patient_files):
    g = Graph()
    described: set = set()
    for part in patient_files:
        nodes = set(part.subjects())
        assert not nodes & described, f"files describe the same nodes: {sorted(nodes & described)[:3]}"
        described |= nodes
        g += part
    return g


@pytest.fixture(scope="module")
def checked(patient_files, merged_patients, knowledge_graph):
    """The merged patients with the knowledge graph, the shapes, and pySHACL's report on them (the
    oracle of both tests, computed once): the union of its reports on each file (module docstring)."""
    data = data_graph(merged_patients, knowledge_graph)
    shape_set = shape_graph()
    report = Graph()
    for part in patient_files:
        report += patient_shapes.run_shapes(data_graph(part, knowledge_graph), shape_set)
    return data, shape_set, report


def test_criteria_shapes_give_the_same_results_on_oxigraph(merged_patients, checked):
    data, shapes, report = checked
    expected = {(r.patient, r.shape, r.criterion, normalise(r.message))
                for r in verdicts.criteria_results(report, shapes)}
    assert len(expected) > 100

    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    focus = patients_in(merged_patients)
    actual = set()
    for shape in shapes.subjects(SKG.criterionOutcome, None):
        assert (shape, SH.targetClass, SKG.Patient) in shapes
        for constraint in shapes.objects(shape, SH.sparql):
            query = compile_for(str(shapes.value(constraint, SH.select)), focus)
            for row in store.query(query):
                actual.add((URIRef(row["this"].value), shape, URIRef(row["value"].value),
                            normalise(row["message"].value)))
    assert actual == expected, (sorted(actual - expected, key=str)[:5], sorted(expected - actual, key=str)[:5])


def test_structural_sparql_constraints_give_the_same_results_on_oxigraph(checked):
    data, shapes, report = checked
    structural = {s for s in shapes.subjects(SH.sparql, None)} - set(shapes.subjects(SKG.criterionOutcome, None))
    expected = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(r, SH.sourceShape) in structural:
            expected.add((report.value(r, SH.focusNode), report.value(r, SH.sourceConstraint),
                          report.value(r, SH.value)))
    assert len(expected) >= 5

    store = pyoxigraph.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    actual = set()
    for shape in structural:
        focus = set()
        for cls in shapes.objects(shape, SH.targetClass):
            focus |= {s for s, _ in data.subject_objects(RDF.type) if (data.value(s, RDF.type) is not None)
                      and any(t == cls for t in data.objects(s, RDF.type))}
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            focus |= set(data.objects(None, prop))
        focus = sorted((f for f in focus if isinstance(f, URIRef)), key=str)
        for constraint in shapes.objects(shape, SH.sparql):
            for row in store.query(compile_for(str(shapes.value(constraint, SH.select)), focus)):
                value = row["value"]
                actual.add((URIRef(row["this"].value), constraint, _to_rdflib(value)))
    assert actual == expected, (sorted(actual - expected, key=str)[:5], sorted(expected - actual, key=str)[:5])


def _to_rdflib(term):
    from rdflib import Literal
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value) if term.datatype else None,
                   lang=term.language)

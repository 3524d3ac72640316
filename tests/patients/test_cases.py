"""W3C-style shape tests: each tests/cases/patients/*.ttl holds patient data and, on a
``sht:Validate`` node, the expected SHACL report (every result: focus node, source shape,
severity, value) and the expected verdicts and derived facts. The runner removes the test
description from the file, validates the rest merged with the ontology and knowledge base,
and compares.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

from sht import case_files, load_case

from sarcoma_kg.patients import shapes, verdicts

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SKGT = Namespace("https://w3id.org/sarcoma-kg/test#")


def result_key(g: Graph, r) -> tuple:
    value = g.value(r, SH.value)
    constraint = g.value(r, SH.sourceConstraint)
    return (
        g.value(r, SH.focusNode), g.value(r, SH.sourceShape), g.value(r, SH.resultSeverity),
        value if isinstance(value, URIRef) else None,
        constraint if isinstance(constraint, URIRef) else None,
    )


def run_case(path: Path, knowledge: Graph):
    case = load_case(path)
    merged = shapes.data_graph(case.data, knowledge)
    report = shapes.run_shapes(merged)
    derivation = verdicts.derive_all(case.data, knowledge, data=merged, report=report)
    return case.data, case.description, case.node, report, derivation


CASE_FILES = case_files("patients")


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path: Path, knowledge_graph):
    data, desc, case, report, derivation = run_case(path, knowledge_graph)

    expected_report = desc.value(case, MF.result)
    assert expected_report is not None, f"{path.name}: no mf:result"
    expected = sorted((result_key(desc, r) for r in desc.objects(expected_report, SH.result)), key=str)
    actual = sorted((result_key(report, r) for r in report.subjects(RDF.type, SH.ValidationResult)), key=str)
    missing = [k for k in expected if k not in actual]
    unexpected = [k for k in actual if k not in expected]
    assert not missing and not unexpected, f"{path.name}: missing {missing}\nunexpected {unexpected}"

    by_key = {(a.patient, a.definition): a for a in derivation.assessments}
    verdict_nodes = list(desc.objects(case, SKGT.verdict))
    assert verdict_nodes, f"{path.name}: no expected verdicts"
    for v in verdict_nodes:
        key = (desc.value(v, SKGT.patient), desc.value(v, SKGT.definition))
        assert key in by_key, f"{path.name}: no assessment for {key}"
        a = by_key[key]
        assert a.verdict == desc.value(v, SKGT["is"]), f"{path.name}: {key}: {a.verdict} {a.reasons} {a.missing}"
        for reason in desc.objects(v, SKGT.reason):
            assert any(str(reason) in r for r in a.reasons), f"{path.name}: {key}: {reason!r} not in {a.reasons}"
        for fact in desc.objects(v, SKGT.missing):
            assert any(str(fact) in m for m in a.missing), f"{path.name}: {key}: {fact!r} not in {a.missing}"

    for f in desc.objects(case, SKGT.fact):
        patient = desc.value(f, SKGT.patient)
        for p, o in desc.predicate_objects(f):
            if p == SKGT.patient:
                continue
            if p == SKGT.absent:
                assert (patient, o, None) not in derivation.graph, f"{path.name}: {patient} {o} should be absent"
                continue
            assert (patient, p, o) in derivation.graph, (
                f"{path.name}: {patient} {p} {o} not derived; got {list(derivation.graph.objects(patient, p))}")

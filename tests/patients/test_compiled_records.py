"""The compiled engine as ``validate`` runs it: the patient graph reaches it as rdflib's N-Triples,
and its results come back as records that equal its report graph read back."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from sarcoma_kg import resources
from sarcoma_kg.cohort.literals import ILL_FORMED
from sarcoma_kg.patients import shapes
from sarcoma_kg.patients.compiled import _ntriples, compiled_report
from sarcoma_kg.patients.lexical_forms import as_written
from sarcoma_kg.patients.read import read_patient_file

EXAMPLE = resources.EXAMPLES_DIR / "hakime2013" / "hakime2013.ttl"


def _key(record) -> tuple:
    """A record as text; the blank node of an inverse path is a fresh one in every report."""
    return tuple("_:path" if field == "path" and isinstance(term, BNode) else str(term)
                 for field, term in zip(record._fields, record))


def test_the_records_are_the_report_graph_read_back():
    patients = read_patient_file(EXAMPLE).graph
    records = compiled_report(patients, as_graph=False)
    from_graph = shapes.shape_results(compiled_report(patients))
    assert records
    assert sorted(map(_key, records)) == sorted(map(_key, from_graph))


def _rdflib_lines(graph: Graph) -> list[str]:
    """rdflib's N-Triples of ``graph``, ill-formed literals back at their datatype."""
    written = Graph()
    with as_written():
        for s, p, o in graph:
            if isinstance(o, Literal) and o.datatype is not None and str(o.datatype).startswith(ILL_FORMED):
                o = Literal(str(o), datatype=URIRef(str(o.datatype)[len(ILL_FORMED):]))
            written.add((s, p, o))
    return sorted(written.serialize(format="nt", encoding="utf-8").decode().splitlines())


def test_the_engine_reads_the_lines_rdflib_writes(tmp_path):
    data = tmp_path / "patients.ttl"
    data.write_text('''@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:P a skg:Patient ; skg:ageAtDiagnosis 58 ; skg:hasPrimaryTumour [ a skg:PrimaryTumour ;
    skg:diagnosisDate "2024-02-30"^^xsd:date ; skg:note "a \\"quoted\\" back\\\\slash\\nand a line"@en ] .
''', encoding="utf-8")
    graph = read_patient_file(data).graph
    assert any(str(o.datatype).startswith(ILL_FORMED) for o in graph.objects() if isinstance(o, Literal) and o.datatype)
    lines = sorted(_ntriples(graph).decode().splitlines())
    assert any('\\"quoted\\" back\\\\slash\\nand a line"@en' in line for line in lines)
    assert lines == _rdflib_lines(graph)

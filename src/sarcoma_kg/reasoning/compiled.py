"""The compiled classifier: HermiT's classification of the patients, without Java, per patient.

Built once from the ontology (:func:`compile_classifier`):

* every ``owl:equivalentClass`` definition is read into an expression tree
  (:mod:`.expressions`); every other axiom is checked to be one whose consequences the evaluator
  follows exactly: named sub- and superclasses (with existential, intersection and union
  superclasses), domains and ranges, sub-properties, transitive, symmetric and functional
  properties, disjoint classes. Anything else (``owl:complementOf``, ``owl:allValuesFrom``,
  cardinalities, inverse properties, property chains, general class inclusions, keys ...) is
  refused with :class:`~sarcoma_kg.reasoning.expressions.UnsupportedExpression` naming the axiom;
* HermiT classifies the TBox once, with every part of every expression named
  (:mod:`.entailments`): what each named class entails, through any axiom.

Per patient (:meth:`CompiledClassifier.classify`), over the patient's own subgraph (the same
subgraph a chunked reasoner run sees) plus the assertions of the ontology's individuals:

1. each node gets its *told* classes: asserted types, domains of its properties, ranges of the
   properties pointing at it; the typing axioms of :mod:`.owl_view` (``x a ∃P.C``) become an
   anonymous ``P``-successor of type ``C``;
2. a node is in a named class ``C`` when HermiT's TBox classification puts one of its classes
   under ``C``; it is in a defined class when the node satisfies the definition, evaluated over
   the node's edges and its successors (``∃P.F``: a successor through ``P`` or a sub-property in
   ``F``, or through a transitive ``P`` a successor that is itself in ``∃P.F``), or when one of its
   classes entails the definition's part in the TBox. This runs to the least fixpoint (definitions
   are positive, so it is monotone), set at a time for all the patients classified together
   (:mod:`.fixpoint`: :meth:`CompiledClassifier.classify_each`);
3. contradictions HermiT would find are reported as inconsistency (disjoint or unsatisfiable
   classes, two values of a functional data property, a value outside a data range); situations
   where the open world leaves more than the evaluator follows (a union entailed with no disjunct
   known, equality between individuals, a functional object property whose value would gain
   classes) raise :class:`CannotDecide`: refused, never approximated.

The result is the set of named classes each patient is in, as HermiT's (:mod:`.reasoners`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from .. import resources
from ..errors import ReasonerError
from ..rdf import cached, graph_fingerprint, patients_in
from .entailments import Entailments, classify_tbox
from .expressions import (And, DataHasValue, DataSome, HasValue, Named, OneOf, Or, Reader, Some,
                          UnsupportedExpression, in_datatype, in_range, parts, value_key)
from .fixpoint import Batch
from .owl_view import TYPED_PROPERTIES

#: The name of the compiled classifier where a reasoner's name is shown.
ENGINE = "compiled"
#: Bumped when the pickled form of :class:`CompiledClassifier` changes (part of the cache key).
FORMAT = "1"

#: Literals the reasoning view drops (HermiT rejects them); see ``reasoners.reasoning_view``.
_DROPPED_DATATYPES = frozenset(URIRef("http://www.w3.org/2001/XMLSchema#" + n) for n in
                               ("date", "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay", "time", "duration"))

_VOCABULARY = (str(OWL), str(RDF), str(RDFS))
#: Predicates of the ontology that state axioms the evaluator follows, or carry no logic for it.
_AXIOMS_FOLLOWED = frozenset({RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
                              OWL.equivalentClass, OWL.equivalentProperty, OWL.disjointWith, OWL.members,
                              OWL.intersectionOf, OWL.unionOf, OWL.oneOf, OWL.onProperty, OWL.someValuesFrom,
                              OWL.hasValue, OWL.onDatatype, OWL.withRestrictions, RDF.first, RDF.rest,
                              OWL.versionIRI, OWL.versionInfo, OWL.imports, OWL.deprecated, OWL.distinctMembers,
                              OWL.differentFrom, OWL.priorVersion, OWL.backwardCompatibleWith,
                              OWL.incompatibleWith, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy})
_TYPES_FOLLOWED = frozenset({OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                             OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty,
                             OWL.NamedIndividual, OWL.Ontology, OWL.Restriction, OWL.AllDisjointClasses,
                             OWL.AllDifferent, OWL.Thing, OWL.DeprecatedClass, OWL.DeprecatedProperty,
                             RDFS.Datatype, RDFS.Class, RDF.Property, RDF.List})


_THING = OWL.Thing


class CannotDecide(ReasonerError):
    """A patient the compiled classifier cannot classify exactly (the reasoners can)."""


def _refuse(what: str) -> UnsupportedExpression:
    return UnsupportedExpression(f"{what}: the compiled classifier cannot follow it exactly (use --reasoner hermit)")


@dataclass
class CompiledClassifier:
    """The ontology read for per-patient evaluation, with HermiT's classification of its TBox."""

    definitions: dict            # defined class -> expression
    index: dict                  # expression part -> index in the entailment tables
    entailments: Entailments
    data_properties: frozenset
    object_properties: frozenset
    sub_properties: dict         # property -> itself and every sub-property
    super_properties: dict       # property -> itself and every super-property
    transitive: frozenset
    symmetric: frozenset
    functional: frozenset
    domains: dict                # property -> named classes
    ranges: dict                 # object property -> named classes; data property -> datatypes
    complex_signature: frozenset  # properties whose domain or range is not a named class
    disjoint: tuple              # pairs of disjoint named classes
    declared_classes: frozenset
    individual_types: dict       # individual of the ontology -> asserted named classes
    individual_edges: dict       # individual of the ontology -> [(property, value)]
    undecided_unions: dict = field(default_factory=dict)  # class -> unions it entails, no disjunct
    functional_parts: dict = field(default_factory=dict)  # class -> parts on functional properties

    # --- per patient ---------------------------------------------------------------------------

    def classify(self, graph: Graph, patients: list[URIRef] | None = None) -> dict[URIRef, frozenset]:
        """The named classes (asserted or inferred, with their superclasses, owl:Thing left out)
        of every patient of ``graph`` (or of ``patients``)."""
        people = patients if patients is not None else patients_in(graph)
        found = self.classify_each(graph, people)
        for p in people:
            if isinstance(found[p], ReasonerError):
                raise found[p]
        return found

    def classify_each(self, graph: Graph, patients: list[URIRef]) -> dict:
        """Per patient of ``patients``: his named classes (as :meth:`classify`), or the
        :class:`~sarcoma_kg.errors.ReasonerError` that refuses him (the others classified all the
        same). Every patient's subgraph is read on its own; the fixpoint runs once for them all
        (:mod:`.fixpoint`)."""
        runs, out = {}, {}
        for p in patients:
            try:
                runs[p] = _PatientRun(self, graph, p)
            except ReasonerError as exc:
                out[p] = exc
        batch = Batch(self, list(runs.values()))
        batch.run()
        batch.write_back()
        for p, run in runs.items():
            try:
                out[p] = run.checked_classes()
            except ReasonerError as exc:
                out[p] = exc
        return {p: out[p] for p in patients}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for memo in ("_by_identity", "_order", "_kinds", "_lookups"):
            state.pop(memo, None)
        return state

    def lookups(self) -> "_Lookups":
        """Tables derived from the classifier for reading and checking subgraphs (built once)."""
        found = self.__dict__.get("_lookups")
        if found is None:
            found = self._lookups = _Lookups(self)
        return found

    def part_index(self, expr) -> int:
        """The index of ``expr`` in the entailment tables (-1 if none), looked up by identity:
        hashing a tree on every evaluation would cost more than the evaluation."""
        table = self.__dict__.get("_by_identity")
        if table is None:
            table = {}
            for tree in [*self.definitions.values(), *self.index]:
                for part in parts(tree):
                    table[id(part)] = self.index.get(part, -1)
            self._by_identity = table
        found = table.get(id(expr))
        return found if found is not None else self.index.get(expr, -1)

    def order(self) -> list:
        """The defined classes, each after the named classes its definition mentions."""
        order = self.__dict__.get("_order")
        if order is None:
            order, done = [], set()

            def visit(cls, stack):
                if cls in done or cls in stack or cls not in self.definitions:
                    return
                for name in _names(self.definitions[cls]):
                    visit(name, stack | {cls})
                done.add(cls)
                order.append((cls, self.definitions[cls]))

            for cls in sorted(self.definitions):
                visit(cls, frozenset())
            self._order = order
        return order


def _cost(expr) -> int:
    return {Named: 0, DataHasValue: 1, DataSome: 1, OneOf: 1, HasValue: 2}.get(type(expr), 3)


def _cheap_first(expr):
    """``expr`` with the operands of every intersection and union in order of the cost of
    checking them (named classes first): the same class, evaluated with less work."""
    if isinstance(expr, (And, Or)):
        operands = sorted((_cheap_first(p) for p in expr.parts), key=_cost)
        return type(expr)(tuple(operands))
    if isinstance(expr, Some):
        return Some(expr.prop, _cheap_first(expr.filler))
    return expr


def _names(expr) -> set:
    found = set()
    todo = [expr]
    while todo:
        e = todo.pop()
        if isinstance(e, Named):
            found.add(e.iri)
        elif isinstance(e, (And, Or)):
            todo.extend(e.parts)
        elif isinstance(e, Some):
            todo.append(e.filler)
    return found


# --- building ---------------------------------------------------------------------------------------

def _list(terms: Graph, node) -> list:
    return list(Collection(terms, node))


def _closure(edges: dict, start) -> set:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_vocabulary(terms: Graph) -> None:
    """Refuse axioms whose consequences the evaluator does not follow."""
    for s, p, o in terms:
        if str(p).startswith(_VOCABULARY) and p not in _AXIOMS_FOLLOWED:
            raise _refuse(f"the axiom {s} {p} {o}")
        if p == RDF.type and str(o).startswith(_VOCABULARY) and o not in _TYPES_FOLLOWED:
            raise _refuse(f"{s} is a {o}")
        if p in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith) and not isinstance(s, URIRef):
            if (s, OWL.onProperty, None) in terms or (s, OWL.intersectionOf, None) in terms or (s, OWL.unionOf, None) in terms:
                raise _refuse(f"a general class inclusion ({p} on an anonymous class)")


def _properties(terms: Graph):
    data = frozenset(s for s in terms.subjects(RDF.type, OWL.DatatypeProperty) if isinstance(s, URIRef))
    objects = frozenset(s for s in terms.subjects(RDF.type, OWL.ObjectProperty) if isinstance(s, URIRef))
    up: dict = defaultdict(set)
    for s, o in terms.subject_objects(RDFS.subPropertyOf):
        up[s].add(o)
    for s, o in terms.subject_objects(OWL.equivalentProperty):
        up[s].add(o)
        up[o].add(s)
    supers = {p: frozenset(_closure(up, p)) for p in data | objects | set(up)}
    subs: dict = defaultdict(set)
    for p, above in supers.items():
        for q in above:
            subs[q].add(p)
    return data, objects, supers, {p: frozenset(v) for p, v in subs.items()}


def _disjoint_pairs(terms: Graph) -> tuple:
    pairs = {tuple(sorted((s, o))) for s, o in terms.subject_objects(OWL.disjointWith)}
    for group in terms.subjects(RDF.type, OWL.AllDisjointClasses):
        members = _list(terms, terms.value(group, OWL.members))
        pairs |= {tuple(sorted((a, b))) for i, a in enumerate(members) for b in members[i + 1:]}
    for s, o in pairs:
        if not (isinstance(s, URIRef) and isinstance(o, URIRef)):
            raise _refuse(f"disjointness with an anonymous class ({s}, {o})")
    return tuple(sorted(pairs))


def _individuals(terms: Graph, declared: frozenset, properties: frozenset):
    types: dict = defaultdict(set)
    edges: dict = defaultdict(list)
    for s, p, o in terms:
        if not isinstance(s, URIRef):
            continue
        if p == RDF.type and isinstance(o, URIRef) and not str(o).startswith(_VOCABULARY):
            types[s].add(o)
        elif p in properties:
            edges[s].append((p, o))
        elif p == OWL.sameAs:
            raise _refuse(f"owl:sameAs between {s} and {o}")
    return {k: frozenset(v) for k, v in types.items()}, {k: tuple(v) for k, v in edges.items()}


def compile_classifier(terms: Graph) -> CompiledClassifier:
    """Read the ontology ``terms`` and classify its TBox with HermiT (a few seconds)."""
    data, objects, supers, subs = _properties(terms)
    reader = Reader(terms, data)
    definitions: dict = {}
    registered: list = []
    for cls, expr in terms.subject_objects(OWL.equivalentClass):
        if isinstance(expr, URIRef):
            continue  # a named equivalence: part of HermiT's class hierarchy
        tree = _cheap_first(reader.expression(expr, f"the definition of {cls}"))
        if cls in definitions and definitions[cls] != tree:
            definitions[cls] = And((definitions[cls], tree))
        else:
            definitions[cls] = tree
        registered.append(tree)
    for cls, expr in terms.subject_objects(RDFS.subClassOf):
        if not isinstance(expr, URIRef):
            registered.append(reader.expression(expr, f"a superclass of {cls}"))
    _check_vocabulary(terms)  # after the definitions, whose refusals name their class
    domains: dict = defaultdict(set)
    ranges: dict = defaultdict(set)
    complex_signature = set()
    for prop, cls in terms.subject_objects(RDFS.domain):
        if isinstance(cls, URIRef):
            domains[prop].add(cls)
        else:
            complex_signature.add(prop)
    for prop, cls in terms.subject_objects(RDFS.range):
        if isinstance(cls, URIRef):
            ranges[prop].add(cls)
        else:
            complex_signature.add(prop)
    functional = frozenset(s for s in terms.subjects(RDF.type, OWL.FunctionalProperty) if isinstance(s, URIRef))
    transitive = frozenset(s for s in terms.subjects(RDF.type, OWL.TransitiveProperty) if isinstance(s, URIRef))
    symmetric = frozenset(s for s in terms.subjects(RDF.type, OWL.SymmetricProperty) if isinstance(s, URIRef))
    for prop in TYPED_PROPERTIES:
        if prop in functional or any(q in functional for q in supers.get(prop, {prop})):
            raise _refuse(f"the typed property {prop} is functional")
    index: dict = {}
    for tree in registered:
        for part in parts(tree):
            index.setdefault(part, len(index))
    for prop in functional & objects:
        index.setdefault(Some(prop, Named(OWL.Thing)), len(index))
    ordered = sorted(index, key=index.get)
    declared = frozenset(s for s in terms.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef))
    individual_types, individual_edges = _individuals(terms, declared, data | objects)
    compiled = CompiledClassifier(
        definitions=definitions, index=index, entailments=classify_tbox(terms, ordered),
        data_properties=data, object_properties=objects, sub_properties=subs, super_properties=supers,
        transitive=transitive, symmetric=symmetric, functional=functional,
        domains={k: frozenset(v) for k, v in domains.items()}, ranges={k: frozenset(v) for k, v in ranges.items()},
        complex_signature=frozenset(complex_signature), disjoint=_disjoint_pairs(terms), declared_classes=declared,
        individual_types=individual_types, individual_edges=individual_edges)
    _open_world_risks(compiled, ordered)
    return compiled


def _open_world_risks(compiled: CompiledClassifier, ordered: list) -> None:
    """Record, per named class, the unions it entails without entailing a disjunct, and the parts
    on functional properties it entails: both are checked per node (:class:`_PatientRun`)."""
    parts_of = compiled.entailments.parts
    superclasses = compiled.entailments.superclasses
    for cls, entailed in parts_of.items():
        unions = []
        functional = []
        for i in entailed:
            part = ordered[i]
            if isinstance(part, Or):
                known = any((p.iri in superclasses.get(cls, ())) if isinstance(p, Named) else compiled.index[p] in entailed
                            for p in part.parts)
                if not known:
                    unions.append(part)
            if isinstance(part, (Some, HasValue, DataSome, DataHasValue)) and \
                    compiled.super_properties.get(part.prop, {part.prop}) & compiled.functional:
                functional.append(part)
        if unions:
            compiled.undecided_unions[cls] = tuple(unions)
        if functional:
            compiled.functional_parts[cls] = tuple(functional)


# --- the cache ----------------------------------------------------------------------------------------

fingerprint = graph_fingerprint


def cache_path(terms: Graph, key: str | None = None) -> Path:
    """Where the compiled classifier of ``terms`` is kept: named by the package version, the
    format of the pickle and the content of ``terms``, so a changed ontology is never read stale.
    The content is ``key`` when given (:func:`sarcoma_kg.rdf.ontology_key`: the bytes of the files
    ``terms`` was read from, unmodified since), else the fingerprint of the graph."""
    from .. import __version__

    content = f"files:{key}" if key is not None else fingerprint(terms)
    key = hashlib.sha256(f"{FORMAT}\x00{__version__}\x00{content}".encode()).hexdigest()[:32]
    return resources.cache_dir() / f"compiled-classifier-{key}.pickle"


_IN_PROCESS: dict = {}


def classifier_for(terms: Graph, key: str | None = None) -> CompiledClassifier:
    """The compiled classifier of ``terms``: from this process, from the cache
    (:func:`cache_path`, ``key`` as there), or compiled (HermiT classifies the TBox, once) and
    written to the cache."""
    known = _IN_PROCESS.get(id(terms))
    if known is not None and known[0] is terms:
        return known[1]
    compiled = cached(cache_path(terms, key), lambda: compile_classifier(terms))
    _IN_PROCESS[id(terms)] = (terms, compiled)
    return compiled


# --- evaluation over one patient --------------------------------------------------------------------

_SAME_AS, _TYPE, _COMPLEX, _DATA, _OBJECT, _TYPED_OBJECT, _OTHER = range(7)
_TYPED = frozenset(TYPED_PROPERTIES)


class _Lookups:
    """What reading and checking a subgraph asks of the classifier, per predicate or class, kept:
    the answers are the same for every node."""

    def __init__(self, compiled: CompiledClassifier):
        self.c = compiled
        self.kinds: dict = {}
        self.told_type: dict = {}
        self.domains: dict = {}
        self.ranges: dict = {}
        self.partners: dict = defaultdict(set)
        for a, b in compiled.disjoint:
            self.partners[a].add(b)
            self.partners[b].add(a)
        self.disjoint_keys = frozenset(self.partners)
        self.contradictory = frozenset(compiled.entailments.unsatisfiable | {OWL.Nothing})
        self.with_unions = frozenset(compiled.undecided_unions)
        self.with_functional = frozenset(compiled.functional_parts)
        self.value_checks: dict = {}
        self.in_datatype: dict = {}

    def kind(self, p) -> int:
        """What a triple with predicate ``p`` is to the reading (as the tests of ``_read`` in order)."""
        found = self.kinds.get(p)
        if found is None:
            c = self.c
            if p == OWL.sameAs:
                found = _SAME_AS
            elif p == RDF.type:
                found = _TYPE
            elif p in c.complex_signature:
                found = _COMPLEX
            elif p in c.data_properties:
                found = _DATA
            elif p in c.object_properties:
                found = _TYPED_OBJECT if p in _TYPED else _OBJECT
            else:
                found = _OTHER
            self.kinds[p] = found
        return found

    def is_told(self, o) -> bool:
        """Whether ``x rdf:type o`` tells a class (``o`` a URIRef)."""
        found = self.told_type.get(o)
        if found is None:
            found = self.told_type[o] = not str(o).startswith(_VOCABULARY) or o == OWL.Thing
        return found

    def domains_of(self, p) -> frozenset:
        """The domains of ``p`` and of every property above it."""
        return self._inherited(self.domains, self.c.domains, p)

    def ranges_of(self, p) -> frozenset:
        """The ranges of the object property ``p`` and of every property above it."""
        return self._inherited(self.ranges, self.c.ranges, p)

    def _inherited(self, kept: dict, declared: dict, p) -> frozenset:
        """What ``declared`` gives ``p`` and every property above it, kept in ``kept``."""
        found = kept.get(p)
        if found is None:
            found = kept[p] = frozenset(x for q in self.c.super_properties.get(p, (p,)) for x in declared.get(q, ()))
        return found

    def any_disjoint(self, named: set) -> bool:
        """Whether ``named`` holds two disjoint classes."""
        partners = self.partners
        return any(not partners[cls].isdisjoint(named) for cls in self.disjoint_keys.intersection(named))

    def checks_of(self, prop) -> tuple:
        """Per property above the data property ``prop`` (``prop`` included), in the order of
        ``super_properties``: (property, whether it is functional, its datatype ranges)."""
        found = self.value_checks.get(prop)
        if found is None:
            c = self.c
            found = self.value_checks[prop] = tuple((q, q in c.functional, tuple(c.ranges.get(q, ())))
                                                    for q in c.super_properties.get(prop, (prop,)))
        return found

    def outside(self, values, datatype) -> bool:
        """Whether some value (:func:`~.expressions.value_key`) of ``values`` is not in ``datatype``."""
        memo = self.in_datatype
        for v in values:
            key = (v, datatype)
            inside = memo.get(key)
            if inside is None:
                inside = memo[key] = in_datatype(v, datatype)
            if not inside:
                return True
        return False


@dataclass(frozen=True)
class _Anonymous:
    """The successor a typing axiom ``x a ∃P.C`` stands for."""

    subject: object
    prop: URIRef
    cls: URIRef


class _PatientRun:
    """One patient's subgraph and its told classes; the named classes of its nodes once the
    fixpoint (:class:`~.fixpoint.Batch`) has run, checked for contradictions."""

    def __init__(self, compiled: CompiledClassifier, graph: Graph, patient: URIRef):
        self.c = compiled
        self.patient = patient
        self.told: dict = defaultdict(set)
        self.edges: dict = defaultdict(lambda: defaultdict(set))
        self.values: dict = defaultdict(lambda: defaultdict(set))
        self._successor_cache: dict = {}
        self._read(graph)

    # reading the subgraph
    def _read(self, graph: Graph) -> None:
        c, look = self.c, self.c.lookups()
        seen = {self.patient}
        todo = [self.patient]
        while todo:
            node = todo.pop()
            triples = list(graph.predicate_objects(node)) if graph is not None else []
            triples += list(c.individual_edges.get(node, ()))
            told = self.told[node]  # every node has an entry
            told.update(c.individual_types.get(node, ()))
            for p, o in triples:
                kind = look.kind(p)
                if kind == _OTHER:
                    continue  # an annotation (the reasoners ignore it too)
                if kind == _SAME_AS:
                    raise CannotDecide(f"{node} owl:sameAs {o}: equality is left to the reasoners")
                if kind == _TYPE:
                    if not isinstance(o, URIRef):
                        raise CannotDecide(f"{node} is typed with an anonymous class")
                    if look.is_told(o):
                        told.add(o)
                    continue
                if kind == _COMPLEX:
                    raise CannotDecide(f"{p} has a domain or range that is not a named class")
                if kind == _DATA:
                    if not isinstance(o, Literal):
                        raise ReasonerError(f"{node} {p} {o}: a data property with a resource value")
                    if o.datatype not in _DROPPED_DATATYPES:
                        self.values[node][p].add(value_key(o))
                    continue
                if isinstance(o, Literal):
                    continue  # an object property with a literal: the reasoners ignore it too
                self._edge(graph, node, p, o, kind == _TYPED_OBJECT)
                if o not in seen:
                    seen.add(o)
                    todo.append(o)
        self._domains_and_ranges()

    def _edge(self, graph: Graph, node, p, o, typed: bool) -> None:
        c = self.c
        self.edges[node][p].add(o)
        if p in c.symmetric:
            self.edges[o][p].add(node)
        if typed and isinstance(o, URIRef) and (o in c.declared_classes or (o, RDF.type, OWL.Class) in graph):
            hidden = _Anonymous(node, p, o)
            self.edges[node][p].add(hidden)
            self.told[hidden].add(o)

    def _domains_and_ranges(self) -> None:
        c, look = self.c, self.c.lookups()
        for node in list(self.told):
            told = self.told[node]
            for p in self.values.get(node, ()):
                told.update(look.domains_of(p))
            for p, targets in list(self.edges.get(node, {}).items()):
                told.update(look.domains_of(p))
                ranges = look.ranges_of(p)
                if ranges:
                    for target in targets:
                        self.told[target].update(ranges)
                if p in c.functional and len({t for t in targets if not isinstance(t, _Anonymous)}) > 1:
                    raise CannotDecide(f"{node} has {len(targets)} values of the functional property {p}: "
                                       "equality between them is left to the reasoners")

    def checked_classes(self) -> frozenset:
        """The patient's named classes, once the fixpoint (:class:`~.fixpoint.Batch`) has set
        ``named`` and ``entailed`` of every node: each node checked for contradictions first."""
        for node in self.told:
            self._check(node)
        return frozenset(self.named[self.patient] - {_THING})

    def holds(self, node, expr, visiting: set) -> bool:
        """Whether ``node`` is entailed to be in ``expr`` (given the classes known so far)."""
        if isinstance(expr, Named):
            return expr.iri in self.named[node]  # owl:Thing is in every node's classes
        if self.c.part_index(expr) in self.entailed[node]:
            return True
        if isinstance(expr, And):
            return all(self.holds(node, p, visiting) for p in expr.parts)
        if isinstance(expr, Or):
            return any(self.holds(node, p, visiting) for p in expr.parts)
        if isinstance(expr, OneOf):
            return node in expr.individuals
        if isinstance(expr, (Some, HasValue)):
            key = (node, expr)
            if key in visiting:
                return False
            visiting = visiting | {key}
            for target in self._successors(node, expr.prop):
                if isinstance(expr, HasValue):
                    if target == expr.value:
                        return True
                elif self.holds(target, expr.filler, visiting):
                    return True
                if expr.prop in self.c.transitive and self.holds(target, expr, visiting):
                    return True
            return False
        if isinstance(expr, DataSome):
            return any(in_range(v, expr.range) for v in self._data(node, expr.prop))
        if isinstance(expr, DataHasValue):
            return expr.value in self._data(node, expr.prop)
        raise TypeError(expr)

    def _successors(self, node, prop) -> set:
        key = (node, prop)
        found = self._successor_cache.get(key)
        if found is not None:
            return found
        out = set()
        for q, targets in self.edges.get(node, {}).items():
            if prop in self.c.super_properties.get(q, (q,)):
                out |= targets
        self._successor_cache[key] = out
        return out

    def _data(self, node, prop) -> set:
        out = set()
        for q, values in self.values.get(node, {}).items():
            if prop in self.c.super_properties.get(q, (q,)):
                out |= values
        return out

    # contradictions and what the open world leaves undecided
    def _check(self, node) -> None:
        c = self.c
        named = self.named[node]
        look = c.lookups()
        bad = named & look.contradictory
        if bad:
            raise _inconsistent(node, f"it is in the unsatisfiable class {sorted(bad)[0]}")
        if look.any_disjoint(named):
            for a, b in c.disjoint:  # the first pair, in the classifier's order
                if a in named and b in named:
                    raise _inconsistent(node, f"it is in the disjoint classes {a} and {b}")
        for prop, values in self.values.get(node, {}).items():
            for q, functional, datatypes in look.checks_of(prop):
                if functional and len(self._data(node, q)) > 1:
                    raise _inconsistent(node, f"two values of the functional property {q}")
                for datatype in datatypes:
                    if look.outside(values, datatype):
                        raise _inconsistent(node, f"a value of {prop} outside its range {datatype}")
        if not look.with_unions.isdisjoint(named):
            self._check_unions(node, named)
        if not look.with_functional.isdisjoint(named):
            self._check_functional(node, named)

    def _check_unions(self, node, named: set) -> None:
        c = self.c
        for cls in named:
            for union in c.undecided_unions.get(cls, ()):
                if not any(self.holds(node, p, set()) for p in union.parts):
                    raise CannotDecide(f"{node} is in {cls}, which entails a union of which no member is "
                                       "known for it: reasoning by cases is left to the reasoners")

    def _check_functional(self, node, named: set) -> None:
        c = self.c
        on_functional = [p for cls in named for p in c.functional_parts.get(cls, ())]
        for part in set(on_functional):
            if isinstance(part, (DataSome, DataHasValue)):
                values = self._data(node, part.prop)
                if values and not self.holds(node, part, set()):
                    raise _inconsistent(node, f"its value of the functional property {part.prop} contradicts its classes")
                if not values and len({p for p in on_functional if getattr(p, 'prop', None) == part.prop}) > 1:
                    raise CannotDecide(f"{node}: several restrictions on the functional property {part.prop} "
                                       "without a value are left to the reasoners")
            else:
                named_values = {t for t in self._successors(node, part.prop) if not isinstance(t, _Anonymous)}
                if any(not (self.holds(t, part.filler, set()) if isinstance(part, Some) else t == part.value)
                       for t in named_values):
                    raise CannotDecide(f"{node}: a value of the functional property {part.prop} would gain "
                                       "classes or an equality from the ontology; left to the reasoners")


def _inconsistent(node, why: str) -> ReasonerError:
    return ReasonerError(f"{ENGINE}: the patient data contradict the ontology (inconsistent): {node}: {why}")

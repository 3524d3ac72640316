"""The compiled classifier's fixpoint over many patients at once, one class definition at a time.

:class:`~sarcoma_kg.reasoning.compiled.CompiledClassifier` reads each patient's subgraph into told
classes, edges and data values (``_PatientRun``). Here the nodes of every patient of a batch are
numbered (a node reached from two patients gets one number per patient, so no patient's facts reach
another's classes) and each class expression is evaluated as the *set* of nodes in it:

* ``C`` named: the nodes whose classes include ``C`` (kept per class as classes are added);
* ``A ⊓ B``, ``A ⊔ B``, ``{a, b}``: intersection, union, the nodes that are those individuals;
* ``∃P.F`` (``∃P.{v}``): the nodes with a ``P``-successor (``P`` or a sub-property) in ``F`` (that is
  ``v``), read off the reversed edges; through a transitive ``P``, also the nodes with a successor
  already in ``∃P.F``, to the least fixpoint;
* data restrictions: the nodes with a value in the range (fixed: values do not change);

and every part also holds for the nodes whose classes entail it in HermiT's classification of the
TBox. Each defined class gains the nodes of its definition, with their superclasses and entailed
parts, in dependency order, until a whole round adds nothing: the least fixpoint, the one the
per-node evaluation (``_PatientRun.holds``) reaches, since every definition is positive. A
definition is evaluated again only when a class or part it reads has gained nodes since.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib.namespace import OWL

from .expressions import And, DataHasValue, DataSome, HasValue, Named, OneOf, Or, Some, in_range, parts

_EMPTY: frozenset = frozenset()


def _reads(compiled, definition) -> tuple[frozenset, frozenset]:
    """(named classes, part indices) whose nodes the evaluation of ``definition`` reads."""
    names, indices = set(), set()
    for part in parts(definition):
        if isinstance(part, Named):
            names.add(part.iri)
        else:
            index = compiled.part_index(part)
            if index >= 0:
                indices.add(index)
    return frozenset(names), frozenset(indices)


class Batch:
    """The nodes of several patient runs, their classes and entailed parts, and the fixpoint."""

    def __init__(self, compiled, runs: list):
        self.c = compiled
        self.runs = runs
        self.ids: list[dict] = []           # per run: node -> number
        self.named: list[set] = []          # per number: named classes
        self.entailed: list[set] = []       # per number: entailed part indices
        self.members: dict = defaultdict(set)   # named class -> numbers
        self.holders: dict = defaultdict(set)   # part index -> numbers
        self.where: dict = defaultdict(set)     # node -> numbers (one per run that reaches it)
        self._number(runs)
        self._reversed = self._reversed_edges()
        self._data: dict = {}               # data restriction -> its nodes
        self._by_property: dict | None = None
        self._touched: set = set()          # classes and part indices that gained nodes

    def _number(self, runs: list) -> None:
        for run in runs:
            ids = {}
            for node in run.told:
                ids[node] = len(self.named)
                self.named.append(set())
                self.entailed.append(set())
                self.where[node].add(ids[node])
            self.ids.append(ids)

    def _reversed_edges(self) -> dict:
        """property -> successor number -> the numbers of the nodes with an edge to it through the
        property or a sub-property."""
        supers = self.c.super_properties
        out: dict = defaultdict(lambda: defaultdict(set))
        for run, ids in zip(self.runs, self.ids):
            for node, by_prop in run.edges.items():
                source = ids[node]
                for q, targets in by_prop.items():
                    for p in supers.get(q, (q,)):
                        into = out[p]
                        for target in targets:
                            into[ids[target]].add(source)
        return out

    # --- classes added ---------------------------------------------------------------------------

    def add(self, number: int, cls) -> None:
        ent = self.c.entailments
        named, entailed = self.named[number], self.entailed[number]
        for above in ent.superclasses.get(cls, (cls, OWL.Thing)):
            if above not in named:
                named.add(above)
                self.members[above].add(number)
                self._touched.add(above)
        for index in ent.parts.get(cls, ()):
            if index not in entailed:
                entailed.add(index)
                self.holders[index].add(number)
                self._touched.add(index)

    def run(self) -> None:
        """Told classes, then the defined classes to the least fixpoint."""
        for run, ids in zip(self.runs, self.ids):
            for node, told in run.told.items():
                number = ids[node]
                for cls in told | {OWL.Thing}:
                    self.add(number, cls)
        plan = [(cls, definition, _reads(self.c, definition)) for cls, definition in self.c.order()]
        first = True
        while True:
            before, self._touched = self._touched, set()
            added = False
            for cls, definition, (names, indices) in plan:
                if not first and not (names & before or indices & before or names & self._touched
                                      or indices & self._touched):
                    continue  # nothing it reads has gained nodes since it was last evaluated
                for number in self.nodes(definition) - self.members.get(cls, _EMPTY):
                    self.add(number, cls)
                    added = True
            if not added:
                return
            first = False

    def write_back(self) -> None:
        """Each run's ``named`` and ``entailed`` per node, as the per-node evaluation keeps them."""
        for run, ids in zip(self.runs, self.ids):
            run.named = {node: self.named[number] for node, number in ids.items()}
            run.entailed = {node: self.entailed[number] for node, number in ids.items()}

    # --- the nodes of an expression ------------------------------------------------------------

    def nodes(self, expr) -> set | frozenset:
        """The numbers of the nodes in ``expr``, given the classes known so far."""
        kind = type(expr)
        if kind is Named:
            return self.members.get(expr.iri, _EMPTY)
        index = self.c.part_index(expr)
        held = self.holders.get(index, _EMPTY) if index >= 0 else _EMPTY
        if kind is And:
            found = None
            for part in expr.parts:
                inner = self.nodes(part)
                found = set(inner) if found is None else found & inner
                if not found:
                    break
            found = found or set()
        elif kind is Or:
            found = set()
            for part in expr.parts:
                found |= self.nodes(part)
        elif kind is OneOf:
            found = set()
            for individual in expr.individuals:
                found |= self.where.get(individual, _EMPTY)
        elif kind is Some or kind is HasValue:
            targets = self.where.get(expr.value, _EMPTY) if kind is HasValue else self.nodes(expr.filler)
            found = self._through(expr.prop, targets, held)
        elif kind is DataSome or kind is DataHasValue:
            found = self._with_value(expr)
        else:
            raise TypeError(expr)
        return found | held if held else found

    def _through(self, prop, targets, held) -> set:
        """The nodes with a ``prop``-successor among ``targets``; through a transitive ``prop``, also
        with a successor among them or among ``held``, repeatedly."""
        into = self._reversed.get(prop)
        if not into:
            return set()
        found = self._predecessors(into, targets)
        if prop not in self.c.transitive:
            return found
        frontier = found | set(held)
        reached = set(frontier)
        while frontier:
            step = self._predecessors(into, frontier) - reached
            reached |= step
            found |= step
            frontier = step
        return found

    @staticmethod
    def _predecessors(into: dict, targets) -> set:
        found = set()
        if len(targets) < len(into):
            for target in targets:
                sources = into.get(target)
                if sources:
                    found |= sources
        else:
            for target, sources in into.items():
                if target in targets:
                    found |= sources
        return found

    def _with_value(self, expr) -> frozenset:
        """The nodes with a value of ``expr.prop`` (or a sub-property) in its range (fixed)."""
        found = self._data.get(expr)
        if found is None:
            by_prop = self._values_by_property()
            hit = set()
            for q in self.c.sub_properties.get(expr.prop, {expr.prop}):
                for number, values in by_prop.get(q, ()):
                    if number not in hit and (any(in_range(v, expr.range) for v in values) if type(expr) is DataSome
                                              else expr.value in values):
                        hit.add(number)
            found = self._data[expr] = frozenset(hit)
        return found

    def _values_by_property(self) -> dict:
        """data property -> [(node number, its values of the property)]."""
        found = self._by_property
        if found is None:
            found = self._by_property = defaultdict(list)
            for run, ids in zip(self.runs, self.ids):
                for node, by_prop in run.values.items():
                    for q, values in by_prop.items():
                        found[q].append((ids[node], values))
        return found

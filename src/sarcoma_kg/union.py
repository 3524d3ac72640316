"""A read-only union of rdflib graphs, made without copying them.

Copying the knowledge graph (ontology + knowledge base, ~17,000 triples) into a new graph costs
about a second; the verdicts, the structural findings and the recommendations only read it beside
a patient graph. :func:`union` gives an rdflib :class:`~rdflib.Graph` whose store answers every
triple pattern from the member graphs in turn, each triple once (a triple of a later member that an
earlier one holds is not repeated), so ``triples``, ``in``, ``subjects``/``objects``/``value``,
property paths and rdflib's SPARQL engine see exactly the set union. The members must not change
while the union is read; the union itself refuses to be changed.

:func:`kept_union` also keeps each pattern's answer, in the members' order, the first time it is
asked: for graphs read many times over and never changed while the union lives (the knowledge and
ontology graphs a cohort run judges every patient against).
"""

from __future__ import annotations

from typing import Iterator

from rdflib import Graph
from rdflib.store import Store


class UnionStore(Store):
    """The triples of ``graphs``, each once, read-only (see the module docstring). It says it is
    context and graph aware, as pySHACL's wrapper requires, and holds one graph: every pattern is
    answered from the union, whatever context is asked for."""

    context_aware = True
    graph_aware = True

    def __init__(self, graphs: tuple[Graph, ...]):
        super().__init__()
        self.graphs = graphs
        self._namespaces: dict[str, object] = {}

    def triples(self, triple_pattern, context=None) -> Iterator:
        earlier: list[Graph] = []
        for graph in self.graphs:
            for triple in graph.triples(triple_pattern):
                if not any(triple in seen for seen in earlier):
                    yield triple, iter(())
            earlier.append(graph)

    def __len__(self, context=None) -> int:
        return sum(1 for _ in self.triples((None, None, None)))

    def contexts(self, triple=None) -> Iterator:
        return iter(())

    def add(self, triple, context, quoted: bool = False) -> None:
        raise TypeError("a union of graphs is read-only: add to one of its graphs")

    def addN(self, quads) -> None:  # noqa: N802 - rdflib's name
        raise TypeError("a union of graphs is read-only: add to one of its graphs")

    def remove(self, triple, context=None) -> None:
        raise TypeError("a union of graphs is read-only: remove from one of its graphs")

    def bind(self, prefix: str, namespace, override: bool = True) -> None:
        if override or prefix not in self._namespaces:
            self._namespaces[prefix] = namespace

    def namespace(self, prefix: str):
        return self._namespaces.get(prefix)

    def prefix(self, namespace):
        return next((p for p, ns in self._namespaces.items() if ns == namespace), None)

    def namespaces(self) -> Iterator:
        yield from self._namespaces.items()


class KeptUnionStore(UnionStore):
    """A :class:`UnionStore` that keeps the answer of each triple pattern (the same triples in the
    same order as the union's), up to ``limit`` patterns; later patterns are answered afresh."""

    def __init__(self, graphs: tuple[Graph, ...], limit: int = 50_000):
        super().__init__(graphs)
        self._kept: dict = {}
        self._limit = limit

    def triples(self, triple_pattern, context=None) -> Iterator:
        try:
            found = self._kept.get(triple_pattern)
        except TypeError:  # a pattern that cannot be a key (an rdflib path object, say)
            yield from super().triples(triple_pattern, context)
            return
        if found is None:
            found = tuple(triple for triple, _ in super().triples(triple_pattern, context))
            if len(self._kept) < self._limit:
                self._kept[triple_pattern] = found
        for triple in found:
            yield triple, iter(())


def union(*graphs: Graph, graph_class: type[Graph] = Graph) -> Graph:
    """A read-only graph (of ``graph_class``) holding the triples of ``graphs``, none copied."""
    return graph_class(store=UnionStore(tuple(graphs)))


def kept_union(*graphs: Graph) -> Graph:
    """:func:`union`, with each pattern's answer kept (:class:`KeptUnionStore`): ``graphs`` must not
    change while it is read."""
    return Graph(store=KeptUnionStore(tuple(graphs)))

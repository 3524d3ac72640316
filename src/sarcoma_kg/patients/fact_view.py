"""A read view of the knowledge and patient graphs for the per-patient derived facts
(:func:`~sarcoma_kg.patients.verdicts.patient_facts`): the same answers as their union
(:func:`~sarcoma_kg.union.union`), read from dictionaries.

The derived facts of one patient ask a few dozen questions of the form "the objects of this subject and
property"; through the union each is a search of both rdflib stores, and for thousands of patients
those searches cost seconds. :class:`FactView` reads each subject's statements once from each graph
(the first time the subject is asked about) and answers every later question from them, in the
union's order: the knowledge graph's objects first, then the patient graph's that the knowledge graph
does not hold, each in its store's order. The graphs must not change while the view is read.
"""

from __future__ import annotations

from typing import Iterator

from rdflib import Graph

from ..union import UnionStore


class FactView:
    """``objects``, ``value`` and ``in`` over the union of ``knowledge`` and ``patients``, as the
    union answers them (see the module docstring)."""

    def __init__(self, knowledge: Graph, patients: Graph):
        self._graphs = (knowledge, patients)
        self._read: tuple[dict, dict] = ({}, {})
        self._answers: dict = {}

    def _statements(self, which: int, subject) -> dict:
        """The statements of ``subject`` in graph ``which``, as property -> objects (store order)."""
        found = self._read[which].get(subject)
        if found is None:
            found = {}
            for prop, obj in self._graphs[which].predicate_objects(subject):
                found.setdefault(prop, []).append(obj)
            self._read[which][subject] = found
        return found

    def _objects(self, subject, prop) -> tuple:
        if subject is None or prop is None:
            raise TypeError("a FactView answers questions that name the subject and the property")
        key = (subject, prop)
        answer = self._answers.get(key)
        if answer is None:
            known = self._statements(0, subject).get(prop, [])
            recorded = self._statements(1, subject).get(prop, [])
            if known and recorded:
                held = set(known)
                recorded = [o for o in recorded if o not in held]
            answer = self._answers[key] = (*known, *recorded)
        return answer

    def objects(self, subject, prop) -> Iterator:
        return iter(self._objects(subject, prop))

    def value(self, subject, prop):
        """The first object of ``subject`` and ``prop`` (None when there is none), as ``Graph.value``."""
        found = self._objects(subject, prop)
        return found[0] if found else None

    def __contains__(self, triple) -> bool:
        subject, prop, obj = triple
        return obj in self._objects(subject, prop)


def fact_view(data: Graph) -> Graph | FactView:
    """A :class:`FactView` of ``data`` when it is the union of the knowledge and patient graphs
    (:func:`~sarcoma_kg.patients.shapes.data_graph`); ``data`` itself otherwise."""
    store = data.store
    if isinstance(store, UnionStore) and len(store.graphs) == 2:
        return FactView(*store.graphs)
    return data

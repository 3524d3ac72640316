"""Every recommendation judged for a patient, once per distinct answer to what the judgement asks.

``recommend`` judges a recommendation (:func:`sarcoma_kg.reasoning.recommend.recommend`) from what
it asks of the patient: whether he is in a class, whether a fact in words is recorded
(:func:`~sarcoma_kg.reasoning.recommend.facts_in_words`), what the Ibero-American verdict reports
missing, where his recorded histologies fall against a population's. The values of his facts enter
the text only as ``", ".join`` of a fact's values, or as a shown fact's whole line
(:func:`~sarcoma_kg.reasoning.recommend.patient_view`).

So each recommendation is judged by the same functions as the per-patient path, with every
question recorded with its answer and every value replaced by a placeholder: a *template*. The
judgement is deterministic, so a patient who gives the same answers to the same questions, in the
order they are asked, gets the same template; the templates of a recommendation are kept in a tree
of questions (:class:`_Node`), and a patient's row is the template his answers lead to, with his
own values put in. A patient whose answers lead nowhere yet is judged the same way, and his
template added. The rows equal the per-patient path's (tests/cohort/test_judgements.py compares
them row by row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from ..namespaces import SKG
from ..rdf import recommendations
from ..reasoning import applicability, recommend
from ..reasoning.reasoners import defined_classes
from ..union import kept_union

MISSING = "Ibero-American OMD missing facts"
_SLOT = re.compile("\x00(\\d+)\x00")


@dataclass(frozen=True)
class Template:
    """One recommendation's row with placeholders: (rec, notation, status, target, reason parts,
    to confirm); the reason parts alternate text and slot numbers; ``slots`` are ("facts", name)
    or ("shown", property)."""

    row: tuple
    slots: tuple


@dataclass
class _Node:
    """A question the judgement asks, and where each answer leads (a node or a template)."""

    question: tuple
    answers: dict = field(default_factory=dict)


class _Log:
    """The questions asked while judging, with the answers of the patient judged."""

    def __init__(self):
        self.entries: list = []
        self.on = False

    def __call__(self, question: tuple, answer):
        if self.on:
            self.entries.append((question, answer))
        return answer


class _Types(set):
    """A patient's classes that record every membership question."""

    def __init__(self, items, log: _Log):
        super().__init__(items)
        self.log = log

    def __contains__(self, cls) -> bool:
        return self.log(("type", cls), set.__contains__(self, cls))

    def __iter__(self):
        raise TypeError("the judgement reads a patient's classes only by membership")


class _Facts(dict):
    """Facts in words as the judgement sees them: each value a placeholder (made when first asked
    for), every question whether a fact is recorded recorded."""

    def __init__(self, names, log: _Log, token):
        super().__init__((name, None) for name in names)
        self.log, self.token = log, token

    def get(self, name, default=None):
        if self.log(("fact", name), dict.__contains__(self, name)):
            return [self.token(("facts", name))]
        return default

    def __iter__(self):
        raise TypeError("the judgement reads facts in words only by name")


class _Watched(list):
    """A list whose every reading is recorded with ``answer`` (what the reading can depend on)."""

    def __init__(self, items, log: _Log, question: tuple, answer):
        super().__init__(items)
        self.log, self.question, self.answer = log, question, answer

    def __iter__(self):
        self.log(self.question, self.answer)
        return list.__iter__(self)

    def __bool__(self) -> bool:
        self.log(self.question, self.answer)
        return list.__len__(self) > 0


def status_of(result) -> str:
    """A recommendation result's status in words."""
    if result.applies:
        return "applies"
    return "to confirm" if result.may_apply else "does not apply"


class Judge:
    """Rows of patients (one per recommendation), from the templates of each recommendation."""

    def __init__(self, knowledge: Graph, terms: Graph):
        # read with every answer kept (they are read for every patient and never change here)
        self.terms = kept_union(terms)
        # the per-patient path's own union graph: the same iteration order, so the same fact order
        self.everything = kept_union(knowledge, terms)
        self.recs = sorted(recommendations(knowledge))
        self.defined = frozenset(defined_classes(terms))
        self.populations = sorted(set(self.everything.objects(None, SKG.populationHistology)))
        self.trees: dict[URIRef, object] = {}
        self.placed: dict[tuple, tuple] = {}

    def _placements(self, histologies: list) -> tuple:
        """Where the recorded histologies fall against every population (all the judgement reads of
        them), kept per list of histologies: the hierarchy they are placed in is the same for all."""
        key = tuple(histologies)
        found = self.placed.get(key)
        if found is None:
            found = self.placed[key] = tuple(applicability.histology_placement(self.everything, histologies, p)
                                              for p in self.populations)
        return found

    def _answer(self, question: tuple, patient: "_Patient"):
        kind = question[0]
        if kind == "type":
            return question[1] in patient.types
        if kind == "fact":
            return question[1] in patient.facts
        if kind == "missing":
            return tuple(patient.facts.get(MISSING) or ())
        return patient.placements(self)

    def _judged(self, rec: URIRef, data: Graph, patient: "_Patient") -> tuple[Template, list]:
        """``rec`` judged for ``patient`` by the per-patient path's functions: (template, questions asked)."""
        log, slots, tokens = _Log(), [], {}

        def token(slot) -> str:
            if slot not in tokens:
                tokens[slot] = f"\x00{len(slots)}\x00"
                slots.append(slot)
            return tokens[slot]

        facts = _Facts(patient.facts, log, token)
        pc = recommend.PatientClassification(patient.iri, [], facts)
        view = recommend.patient_view(data, self.everything, patient.iri, pc)
        view.types = _Types(patient.types, log)
        view.shown = lambda prop: token(("shown", prop))
        view.missing = _Watched(patient.facts.get(MISSING) or [], log, ("missing",),
                                tuple(patient.facts.get(MISSING) or ()))
        view.histologies = _Watched(view.histologies, log, ("histologies",), patient.placements(self))
        log.on = True
        r = recommend.judge_recommendation(rec, pc, view, self.everything)
        row = (str(r.rec), r.notation, status_of(r), str(r.target), tuple(_SLOT.split(r.reason)),
               " | ".join(r.not_checked))
        return Template(row, tuple(slots)), log.entries

    def _template(self, rec: URIRef, data: Graph, patient: "_Patient") -> Template:
        """The template ``patient``'s answers lead to; judged and added when there is none yet."""
        node = self.trees.get(rec)
        while isinstance(node, _Node):
            node = node.answers.get(self._answer(node.question, patient))
        if node is not None:
            return node
        template, asked = self._judged(rec, data, patient)
        self._add(rec, asked, template)
        return template

    def _add(self, rec: URIRef, asked: list, template: Template) -> None:
        """Add the path of ``asked`` ((question, answer) in order) to ``rec``'s tree, ending in ``template``."""
        if not asked:
            self.trees[rec] = template
            return
        node = self.trees.get(rec)
        if node is None:
            node = self.trees[rec] = _Node(asked[0][0])
        for i, (question, answer) in enumerate(asked):
            if not isinstance(node, _Node) or node.question != question:
                raise RuntimeError(f"the judgement of {rec} asked {question} where it asked "
                                   f"{getattr(node, 'question', None)} before: it is not deterministic")
            nxt = node.answers.get(answer)
            if nxt is None:
                nxt = node.answers[answer] = _Node(asked[i + 1][0]) if i + 1 < len(asked) else template
            node = nxt

    def rows(self, data: Graph, patient: URIRef, classes) -> list[tuple]:
        """The rows (cohort.matching.FIELDS) of ``patient`` in ``data`` (verdicts written back), in
        the compiled classifier's ``classes``."""
        who = _Patient(patient, frozenset(classes) & self.defined | {SKG.Patient},
                       recommend.facts_in_words(data, self.terms, patient), data)
        values: dict = {}
        rows = []
        for rec in self.recs:
            template = self._template(rec, data, who)
            rec_iri, notation, status, target, parts, to_confirm = template.row
            reason = "".join(self._value(template.slots[int(p)], who, values) if i % 2 else p
                             for i, p in enumerate(parts))
            rows.append((str(patient), rec_iri, notation, status, target, reason, to_confirm))
        return rows

    def _value(self, slot: tuple, who: "_Patient", values: dict) -> str:
        """What a placeholder stands for, for ``who``: a fact's values joined, or a shown fact's line."""
        found = values.get(slot)
        if found is None:
            kind, key = slot
            if kind == "facts":
                found = ", ".join(str(v) for v in who.facts[key])
            else:
                if "view" not in values:
                    values["view"] = recommend.patient_view(
                        who.data, self.everything, who.iri, recommend.PatientClassification(who.iri, [], who.facts))
                found = values["view"].shown(key)
            values[slot] = found
        return found


@dataclass
class _Patient:
    """What the judgement can ask of one patient."""

    iri: URIRef
    types: frozenset          # his defined classes, with skg:Patient (recommend.reason_types)
    facts: dict               # facts in words
    data: Graph
    _placements: tuple | None = None

    def placements(self, judge: Judge) -> tuple:
        if self._placements is None:
            histologies = [h for t in self.data.objects(self.iri, SKG.hasPrimaryTumour)
                           for h in self.data.objects(t, SKG.hasHistology)]
            self._placements = judge._placements(histologies)
        return self._placements

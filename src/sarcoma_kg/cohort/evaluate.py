"""Runs a compiled program (:class:`compiler.Program`) on a pyoxigraph store and reads its results.

The data must have been loaded through :class:`literals.Encoder` (its decoder turns stored terms
back into the terms as written)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from .compiler import FOCUS_GRAPH, MEMBER, Program
from .literals import Decoder


class Result(NamedTuple):
    """One validation result: terms as pyoxigraph terms (as written), the rest as text."""

    focus: object
    shape: str                  # the source shape (IRI, or blank-node id of the shapes graph)
    severity: str
    component: str
    path: str | None            # SPARQL path text (``<iri>`` for a predicate)
    value: object | None
    message: str
    constraint: str | None = None  # the sh:sparql constraint node of a SHACL-SPARQL result (IRI or blank-node id)


@dataclass(frozen=True)
class Query:
    """A compiled constraint as workers hold it (plain strings: cheap to send to a process)."""

    shape: str
    severity: str
    component: str
    path: str | None
    query: str
    message: str
    has_value: bool
    value_is_focus: bool
    projects_path: bool
    projects_message: bool
    constraint: str | None = None


def queries(program: Program, standins: bool = False) -> tuple[Query, ...]:
    """The program's queries; ``standins``: those for a store holding stand-in literals."""
    return tuple(Query(str(c.source_shape), str(c.severity), str(c.component), c.path,
                       c.with_standins if standins else c.query, c.message or "",
                       c.has_value, c.value_is_focus, c.projects_path, c.projects_message,
                       str(c.source_constraint) if c.source_constraint is not None else None)
                 for c in program.constraints)


TARGET_MARKS = (f"SELECT (COUNT(DISTINCT ?n) AS ?count) WHERE {{ GRAPH <{FOCUS_GRAPH}> {{ ?m <{MEMBER}> ?n }} "
                f'FILTER(STRSTARTS(STR(?m), "urn:sarcoma-kg:target:")) }}')


MARKS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{FOCUS_GRAPH}> {{ ?m <{MEMBER}> ?x }} }}"


def run_updates(store: ox.Store, updates) -> int:
    """Runs the program's updates (focus marks, nested shapes; a tuple of updates is run until the
    marks stop growing); the number of focus nodes of targets."""
    for update in updates:
        if isinstance(update, str):
            store.update(update)
            continue
        before = -1
        while before != (before := _count(store, MARKS)):
            for u in update:
                store.update(u)
    return _count(store, TARGET_MARKS)


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))[0].value)


def results(store: ox.Store, compiled: tuple[Query, ...], decode: Decoder) -> list[Result]:
    """Every result of every query on ``store`` (updates already run)."""
    out = []
    append = out.append
    for c in compiled:
        for sol in store.query(c.query):
            focus = decode(sol["this"])
            value = decode(sol["value"]) if c.has_value else None
            if value is None and c.value_is_focus:
                value = focus
            path = c.path
            if c.projects_path:
                bound = sol["path"]
                if isinstance(bound, ox.NamedNode):
                    path = f"<{bound.value}>"
            message = sol["message"] if c.projects_message else None
            text = message.value if message is not None else c.message
            if "{" in text:
                text = filled(text, sol, focus, value)
            append(Result(focus, c.shape, c.severity, c.component, path, value, text, c.constraint))
    return out


_TEMPLATE_VARIABLE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def filled(message: str, solution, focus, value) -> str:
    """``message`` with its ``{?var}``/``{$var}`` filled from the solution, ``this`` and ``value`` from
    the (decoded) focus node and value (SHACL 5.3.2 and 6.3: the text of each term, as pySHACL writes
    it); a variable the solution does not bind stays as written."""
    def text(match: re.Match) -> str:
        name = match.group(1)
        term = focus if name == "this" else value if name == "value" and value is not None else _bound(solution, name)
        return match.group(0) if term is None else term.value
    return _TEMPLATE_VARIABLE.sub(text, message)


def _bound(solution, name: str):
    try:
        return solution[name]
    except (KeyError, TypeError, IndexError):
        return None



def validate(store: ox.Store, program: Program, decode: Decoder) -> list[Result]:
    """Every result of ``program`` on ``store`` (data loaded through ``literals.Encoder``, whose
    decoder is ``decode``): its updates, then its queries, those for stand-ins if the store holds any."""
    standins = decode.standins > 0
    run_updates(store, program.updates_with_standins if standins else program.updates)
    return results(store, queries(program, standins), decode)

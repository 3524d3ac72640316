"""Assemble the ontology and knowledge base from their Turtle files into one graph.

Parse errors are raised as :class:`InputError` naming the file (and line, where the parser
says it), so the CLI can report them without a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from rdflib import Graph

from . import resources
from .namespaces import bind_prefixes


class InputError(Exception):
    """Unreadable or malformed input; the message names the file and, where known, the line."""


_LINE = re.compile(r"line (\d+)", re.IGNORECASE)


def parse_into(graph: Graph, path: Path, fmt: str | None = None) -> Graph:
    """Parse ``path`` into ``graph``; raise :class:`InputError` with file and line on failure."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    fmt = fmt or _format_for(path)
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises several unrelated exception types
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        match = _LINE.search(str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise InputError(f"{where}: not valid {fmt}: {message}") from exc
    return graph


def _format_for(path: Path) -> str:
    return {
        ".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".owl": "xml", ".rdf": "xml",
        ".nq": "nquads", ".trig": "trig",
    }.get(path.suffix.lower(), "turtle")


def load(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        parse_into(graph, path)
    return graph


def ontology_graph() -> Graph:
    """The ontology alone (terms, hierarchies, concept schemes)."""
    return load(resources.ontology_files())


def knowledge_graph() -> Graph:
    """Ontology plus knowledge base: the content of the release."""
    return load([*resources.ontology_files(), *resources.kb_files()])

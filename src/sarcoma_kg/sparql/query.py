"""Run a catalogue query (or any .rq file) on the embedded store or a remote endpoint.

``run_query(name, params, ...)`` parses the query header, turns each ``name=value`` into an
RDF term of the declared type (never into query text), refuses updates unless allowed, and
hands the query and its bindings to a backend of :mod:`~sarcoma_kg.sparql.backends`. The
formatters write SELECT results as a text table, CSV, TSV or SPARQL 1.1 JSON results, and graphs
as Turtle.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ..errors import InputError, QueryError
from ..namespaces import PREFIXES
from ..rdf import curie
from .backends import Backend, ResultSet, check_term, query_kind
from .catalogue import CatalogueQuery, Parameter, load_query, parse_query_file

FORMATS = ("table", "csv", "tsv", "json")
#: Multi-valued columns built with GROUP_CONCAT join their values with this separator.
LIST_SEPARATOR = " | "


@dataclass
class QueryOutcome:
    query: CatalogueQuery
    bindings: dict[str, Identifier]
    result: ResultSet | Graph | bool


# --- parameters -----------------------------------------------------------------------------

def expand_iri(value: str, where: str = "parameter") -> URIRef:
    """``<http://...>``, ``http(s)://...`` or a CURIE of the project prefix map (``skg:Lung``)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    elif ":" in value and not value.split(":", 1)[1].startswith("//"):
        prefix, local = value.split(":", 1)
        if prefix in PREFIXES:
            value = str(PREFIXES[prefix]) + local
        elif prefix not in ("urn", "mailto"):
            raise InputError(f"{where}: unknown prefix {prefix!r} in {value!r} (known: {', '.join(PREFIXES)})")
    return check_term(URIRef(value))


def make_term(param: Parameter, raw: str, where: str = "parameter") -> Identifier:
    """Turn a command-line value into an RDF term of the parameter's declared type."""
    where = f"{where} {param.name}"
    if param.type == "iri":
        return expand_iri(raw, where)
    if param.type == "string":
        return Literal(raw)
    if param.type == "integer":
        try:
            return Literal(int(raw), datatype=XSD.integer)
        except ValueError:
            raise InputError(f"{where}: {raw!r} is not an integer") from None
    if param.type == "decimal":
        try:
            return Literal(Decimal(raw), datatype=XSD.decimal)
        except InvalidOperation:
            raise InputError(f"{where}: {raw!r} is not a decimal number") from None
    if param.type == "boolean":
        if raw.lower() not in ("true", "false"):
            raise InputError(f"{where}: {raw!r} is not true or false")
        return Literal(raw.lower() == "true")
    raise InputError(f"{where}: unknown type {param.type!r}")


def parse_params(query: CatalogueQuery, assignments: Iterable[str]) -> dict[str, Identifier]:
    """``["rec=rec:IAC-12.1", ...]`` → ``{"rec": URIRef(...)}``; checks names and required ones."""
    bindings: dict[str, Identifier] = {}
    for item in assignments:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--param {item!r}: expected name=value")
        param = query.parameter(name.strip())
        bindings[param.name] = make_term(param, raw, f"--param of {query.name}:")
    missing = [p.name for p in query.parameters if not p.optional and p.name not in bindings]
    if missing:
        raise InputError(f"{query.path}: query {query.name} needs --param {', '.join(f'{m}=...' for m in missing)}")
    return bindings


def example_bindings(query: CatalogueQuery) -> dict[str, Identifier]:
    """The bindings of the header's ``example`` values (used by tests and the catalogue page)."""
    return {p.name: make_term(p, p.example, f"{query.path}: example")
            for p in query.parameters if p.example is not None}


# --- running --------------------------------------------------------------------------------

def resolve(name_or_file: str | Path) -> CatalogueQuery:
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return parse_query_file(path)
    return load_query(str(name_or_file))


def run(query: CatalogueQuery, backend: Backend, bindings: dict[str, Identifier] | None = None,
        allow_update: bool = False) -> QueryOutcome:
    """Run ``query`` on ``backend`` with ``bindings``; updates only when ``allow_update``."""
    try:
        kind = query_kind(query.text)
    except QueryError as exc:
        raise InputError(f"{query.path}: {exc}") from exc
    if kind == "UPDATE":
        if not allow_update:
            raise QueryError(f"{query.path}: {query.name} is a SPARQL update; updates are refused "
                             "unless explicitly allowed (--allow-update)")
        if bindings:
            raise QueryError(f"{query.path}: parameters cannot be bound into an update")
        backend.update(query.text)
        return QueryOutcome(query, {}, True)
    return QueryOutcome(query, dict(bindings or {}), backend.query(query.text, bindings or {}))


def run_query(name_or_file: str | Path, backend: Backend, assignments: Iterable[str] = (),
              allow_update: bool = False) -> QueryOutcome:
    query = resolve(name_or_file)
    return run(query, backend, parse_params(query, assignments), allow_update)


# --- output ---------------------------------------------------------------------------------

def _json_term(term: Identifier) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def to_sparql_json(result: ResultSet) -> dict:
    """SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
    return {
        "head": {"vars": list(result.variables)},
        "results": {"bindings": [
            {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None}
            for row in result.rows
        ]},
    }


def format_result(result: ResultSet | Graph | bool, fmt: str = "table") -> str:
    """Render a result for stdout."""
    if isinstance(result, bool):
        return json.dumps({"head": {}, "boolean": result}) + "\n" if fmt == "json" else f"{str(result).lower()}\n"
    if isinstance(result, Graph):
        return result.serialize(format="json-ld" if fmt == "json" else "turtle")
    if fmt == "json":
        return json.dumps(to_sparql_json(result), indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        if fmt == "csv":
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(result.variables)
            for row in result.rows:
                writer.writerow(["" if t is None else str(t) for t in row])
        else:  # SPARQL 1.1 TSV-like: plain values, tabs and newlines escaped
            buf.write("\t".join(f"?{v}" for v in result.variables) + "\n")
            for row in result.rows:
                cells = ["" if t is None else str(t).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                         for t in row]
                buf.write("\t".join(cells) + "\n")
        return buf.getvalue()
    if fmt != "table":
        raise InputError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    cells = [[curie(t).replace("\n", " ") for t in row] for row in result.rows]
    widths = [min(60, max([len(v)] + [len(r[i]) for r in cells])) for i, v in enumerate(result.variables)]
    clip = lambda s, w: s if len(s) <= w else s[: w - 1] + "…"  # noqa: E731
    lines = [" | ".join(clip(v, w).ljust(w) for v, w in zip(result.variables, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(clip(c, w).ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"

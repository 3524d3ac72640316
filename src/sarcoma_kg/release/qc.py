"""Quality control of the ontology terms: the ROBOT-style report queries in ``queries/qc/``.

Each ``queries/qc/*.rq`` file states in its ``#+`` header the problem, the principle and the
solution (after ROBOT's report queries; parsed by :mod:`sarcoma_kg.sparql.catalogue`) and selects
``?entity ?property ?value``; a row is a problem, no rows means clean. Every finding carries its
query's solution, so that ``build`` can print it beside the row. Severity per query is kept
in ``queries/qc/profile.tsv`` (ROBOT's profile idea): ERROR, WARN or INFO.

The cross-reference checks need the project's mapping file. :func:`load_mappings` turns
``ontology/mappings/terms.sssom.tsv`` into triples (``subject_id predicate_id object_id``), and
:func:`run_qc` puts them in the named graph :data:`MAPPINGS_GRAPH` of the dataset the queries run
on (an embedded Oxigraph store, so the queries are plain SPARQL 1.1 that any endpoint runs);
the query text is fixed and never built from input.

SSSOM: https://mapping-commons.github.io/sssom/ ; ROBOT report: https://robot.obolibrary.org/report
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .. import resources
from ..errors import InputError
from ..namespaces import PREFIXES, SKG
from ..sparql.catalogue import parse_query_file

#: Named graph that holds the SSSOM rows while the QC queries run.
MAPPINGS_GRAPH = URIRef(str(SKG) + "mappings/terms.sssom.tsv")

SEVERITIES = ("ERROR", "WARN", "INFO")
_SSSOM_REQUIRED = ("subject_id", "predicate_id", "object_id")


@dataclass(frozen=True, order=True)
class QCFinding:
    """One row of a QC query: ``query`` is the file stem (``qc-missing-label``)."""

    query: str
    entity: str
    property: str
    value: str
    severity: str = "ERROR"
    solution: str = ""

    def __str__(self) -> str:
        value = f" {self.value}" if self.value else ""
        return f"{self.severity} {self.query}: {self.entity} {self.property}{value}"


def _curie_map(lines: list[str]) -> dict[str, str]:
    """Prefixes from the SSSOM YAML header (``#   NCIT: http://...``), over the project prefix map."""
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    in_map = False
    for line in lines:
        body = line[1:]
        if body.strip() == "curie_map:":
            in_map = True
            continue
        if in_map and body.startswith("  ") and ":" in body:
            prefix, _, iri = body.strip().partition(":")
            prefixes[prefix.strip()] = iri.strip().strip("'\"")
        elif in_map:
            in_map = False
    return prefixes


def _expand(curie: str, prefixes: dict[str, str], where: str) -> URIRef:
    if curie.startswith(("http://", "https://")):
        return URIRef(curie)
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in prefixes:
        raise InputError(f"{where}: cannot expand {curie!r} (unknown prefix {prefix!r})")
    return URIRef(prefixes[prefix] + local)


def load_mappings(path: Path | None = None) -> Graph:
    """The rows of an SSSOM TSV file as triples ``subject_id predicate_id object_id``.

    Raises :class:`InputError` (file and line) for a missing file, a missing column or an
    unexpandable CURIE.
    """
    path = Path(path or resources.MAPPINGS_FILE)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [ln for ln in lines if ln.startswith("#")]
    prefixes = _curie_map(header)
    graph = Graph()
    columns: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        where = f"{path}:{number}"
        if columns is None:
            columns = cells
            missing = [c for c in _SSSOM_REQUIRED if c not in columns]
            if missing:
                raise InputError(f"{where}: SSSOM header lacks column(s) {', '.join(missing)}")
            continue
        if len(cells) != len(columns):
            raise InputError(f"{where}: {len(cells)} cells, header has {len(columns)}")
        row = dict(zip(columns, cells))
        graph.add(tuple(_expand(row[c], prefixes, where) for c in _SSSOM_REQUIRED))
    if columns is None:
        raise InputError(f"{path}: no SSSOM header row")
    return graph


def load_profile(path: Path | None = None) -> dict[str, str]:
    """Severity per query stem from ``queries/qc/profile.tsv`` (absent queries default to ERROR)."""
    path = Path(path or resources.QUERIES_DIR / "qc" / "profile.tsv")
    profile: dict[str, str] = {}
    if not path.exists():
        return profile
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#") or not line.strip():
            continue
        name, _, severity = line.partition("\t")
        if severity.strip() not in SEVERITIES:
            raise InputError(f"{path}:{number}: severity must be one of {SEVERITIES}, not {severity!r}")
        profile[name.strip()] = severity.strip()
    return profile


def query_files() -> list[Path]:
    """The QC queries, in name order."""
    return resources.query_files("qc")


def _dataset(graph: Graph, mappings: Graph) -> ox.Store:
    """An in-memory Oxigraph store: ``graph`` in the default graph (not the union), the mapping
    rows in the named graph :data:`MAPPINGS_GRAPH`."""
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    store.load(mappings.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(MAPPINGS_GRAPH)))
    return store


def _text(term) -> str:
    return "" if term is None else str(term.value)


def run_qc(
    graph: Graph,
    mappings: Graph | None = None,
    queries: Iterable[Path] | None = None,
) -> list[QCFinding]:
    """Run every QC query over ``graph`` (ontology, or ontology + knowledge base).

    ``mappings`` defaults to the project SSSOM (:func:`load_mappings`). Returns the findings sorted
    by query, entity, property and value; an empty list means clean.
    """
    mappings = load_mappings() if mappings is None else mappings
    dataset = _dataset(graph, mappings)
    profile = load_profile()
    findings: list[QCFinding] = []
    for path in queries or query_files():
        solution = parse_query_file(path).solution
        try:
            result = dataset.query(path.read_text(encoding="utf-8"))
        except SyntaxError as exc:  # a malformed query file is an input error, not a crash
            raise InputError(f"{path}: not a valid SPARQL query: {exc}") from exc
        for row in result:
            findings.append(
                QCFinding(
                    query=path.stem,
                    entity=_text(row["entity"]),
                    property=_text(row["property"]),
                    value=_text(row["value"]),
                    severity=profile.get(path.stem, "ERROR"),
                    solution=solution,
                )
            )
    return sorted(findings)

"""Registry-scale validation: SHACL shapes compiled to SPARQL, run on a cohort chunk by chunk.

Pipeline (see bench/README.md for measurements):

1. **read** (main process): the cohort file is cut into chunks of whole records. A record is a
   patient by default (another class with ``record_class``, or the whole file with None). A cut is
   made only just before a *record-start line*, i.e. a line whose statement types its subject with
   the record class (``<P> rdf:type skg:Patient .`` in N-Triples, ``ex:P a skg:Patient ;`` at
   column 0 in Turtle). The cohort generator writes each patient as one block that starts this way.
   Turtle chunks get the ``@prefix``/``@base`` lines seen so far prepended.
2. **parse + check** (worker processes, ``workers`` of them): statements a patient record may not
   make (:mod:`sarcoma_kg.patients.boundary`) are taken out of each chunk and reported
   (:attr:`CohortResult.refused`), so the reference data stay as released; each chunk is loaded into a fresh
   in-memory pyoxigraph store together with the reference data (ontology + knowledge base,
   ~12,500 triples), both in the default graph, through :class:`literals.Encoder` (literals the
   store would rewrite are kept as written); the compiled program (:mod:`.compiler`) then runs
   (:mod:`.evaluate`): its updates mark the focus nodes of each distinct target set in a named
   graph the shapes' own patterns never read, then every compiled query runs, reading its focus
   nodes from the marks. The store is dropped after the chunk, so a worker's memory is bounded
   by the chunk size. Each worker also checks that the chunk is *self-contained*: no node is
   described in the chunk that is neither a record nor the object of a triple in the chunk (an
   "orphan", whose record sits in another chunk), and main checks that no patient appears in two
   chunks. Either finding means the file is not grouped by record.
3. **report**: the workers render the per-patient × per-definition verdict rows (CSV or JSONL) and
   count them; the main process writes them in file order to a temporary file that is renamed on
   success, so the output is complete or absent, and adds the counts up for the summary.

No silent pass: criteria shapes on a file without any skg:Patient, and a file without an instance
of the record class, are input errors; a run in which no shape found a focus node says so
(:attr:`CohortResult.focus_nodes`; the CLI exits 2).

Files that are not grouped by record (e.g. shuffled N-Triples) are detected and regrouped
through an on-disk pyoxigraph store (:func:`regroup`: bounded memory, slower);
:class:`CohortResult`.notes says so and the CLI prints it.

Verdicts come from the criteria shapes' results by the one verdict rule,
:func:`sarcoma_kg.patients.verdicts.decide` (each result's ``sh:value`` is a criterion, its source
shape's ``skg:criterionOutcome`` says not met / met only at the lenient bound / unknown; no result
means met): see :func:`judge`. A test checks that cohort verdicts equal ``verdicts.derive_all`` on
the same patients.

Costs (bench/README.md): Oxigraph evaluates ``EXISTS``/``NOT EXISTS`` per row at ~30 µs each,
so the criteria shapes avoid them on per-lesion rows (OPTIONAL + counts, per-patient sub-selects);
every query is linear in the chunk, so chunks are large (~1,700 patients); the subclass closure of
the reference data is inlined as ``VALUES``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .. import rdf, resources
from ..errors import InputError
from ..namespaces import SKG, sparql_prologue
from ..patients import boundary
from ..patients.verdicts import decide, sort_listed_names
from .compiler import Program, compile_shapes, load_shapes
from .evaluate import queries, results, run_updates
from .literals import Encoder

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PATIENT = f"{SKG}Patient"


def record_starts(record_class: str) -> tuple[bytes, re.Pattern]:
    """How a record's block starts: ``<R> rdf:type <class> .`` in N-Triples; ``ex:R a pfx:Class``
    at column 0 in Turtle (any prefix with the class's local name: a cut in a wrong place is caught
    by the grouping check, never validated wrongly)."""
    local = re.escape(re.split(r"[/#]", record_class)[-1].encode())
    ttl = re.compile(
        rb"\n(?=[^\s#@][^\s]*[ \t]+(?:a|rdf:type|<http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type>)[ \t]+"
        rb"(?:[\w-]*:" + local + rb"|<" + re.escape(record_class.encode()) + rb">)[\s;.,])")
    return f" <{RDF_TYPE}> <{record_class}> .".encode(), ttl


NT_PATIENT_START, TTL_PATIENT_START = record_starts(PATIENT)
DIRECTIVES = (b"@prefix", b"@base", b"PREFIX", b"prefix", b"BASE", b"base")
VERDICTS = ("Meets", "MeetsAtStrictBound", "MeetsOnlyAtLenientBound", "CannotTell", "DoesNotMeet", "OutsidePopulation")
FIELDS = ("patient", "definition", "verdict", "failed_criteria", "unknown_criteria", "lenient_criteria",
          "reasons")


# ---------------------------------------------------------------------------------------------
# definitions and verdicts


@dataclass(frozen=True)
class Criterion:
    iri: str
    kind: str                      # local name of the criterion class
    lower: Decimal | None = None
    upper: Decimal | None = None
    inclusive: bool = True
    lenient: Decimal | None = None
    evaluated: bool = True         # some criteria shape has skg:criterionClass of its kind


@dataclass(frozen=True)
class Definition:
    iri: str
    criteria: tuple[Criterion, ...]


def load_definitions(store: ox.Store) -> list[Definition]:
    """Every definition in the reference data, with its criteria and bounds."""
    q = sparql_prologue() + """
    SELECT ?d ?c ?kind ?lo ?up ?inc ?len WHERE {
      ?d a skg:OligometastaticDiseaseDefinition ; skg:hasCriterion ?c .
      ?c a ?kind . FILTER(STRSTARTS(STR(?kind), STR(skg:)) && STRENDS(STR(?kind), "Criterion"))
      OPTIONAL { ?c skg:lowerBound ?lo } OPTIONAL { ?c skg:upperBound ?up }
      OPTIONAL { ?c skg:upperBoundInclusive ?inc } OPTIONAL { ?c skg:lenientUpperBound ?len }
    } ORDER BY ?d ?c"""
    defs: dict[str, list[Criterion]] = {}
    for row in store.query(q):
        num = lambda v: Decimal(v.value) if v is not None else None  # noqa: E731
        inc = row["inc"]
        defs.setdefault(row["d"].value, []).append(Criterion(
            row["c"].value, row["kind"].value[len(str(SKG)):], num(row["lo"]), num(row["up"]),
            inc is None or inc.value == "true", num(row["len"])))
    return [Definition(d, tuple(cs)) for d, cs in sorted(defs.items())]


OUTCOMES = {
    str(SKG.CriterionNotMet): "failed",
    str(SKG.CriterionMetOnlyAtLenientBound): "lenient",
    str(SKG.CriterionUnknown): "unknown",
    str(SKG.PopulationNotMet): "outside",
}


def criterion_outcomes(shapes: Graph) -> dict[str, str]:
    """Shape IRI -> criterion outcome ('failed', 'lenient', 'unknown') from skg:criterionOutcome."""
    return {str(s): OUTCOMES[str(o)] for s, o in shapes.subject_objects(SKG.criterionOutcome)
            if str(o) in OUTCOMES}


def judge(outcomes: dict[str, tuple[str, str]], definition: Definition) -> tuple[str, list[str], list[str], list[str], list[str]]:
    """Verdict of one patient for one definition from its criteria results.

    ``outcomes`` maps criterion IRI -> (outcome, message) for the criteria results of the patient
    (shapes/patient-criteria.ttl: no result for a criterion means it is met); the verdict is
    :func:`~sarcoma_kg.patients.verdicts.decide`'s. Returns (verdict, failed, unknown, lenient, reasons).
    """
    failed, unknown, lenient, reasons = [], [], [], []
    population = outcomes.get(definition.iri)  # the population shapes' results carry the definition itself
    if population is not None:
        if population[0] == "unknown":
            unknown.append(definition.iri.rsplit("/", 1)[-1])
        reasons.append(population[1])
    for c in definition.criteria:
        if not c.evaluated:
            unknown.append(c.iri.rsplit("/", 1)[-1])
            reasons.append(f"criterion {c.iri.rsplit('/', 1)[-1]} is of a kind no shape evaluates")
            continue
        hit = outcomes.get(c.iri)
        if hit is None:
            continue
        name = c.iri.rsplit("/", 1)[-1]
        {"failed": failed, "unknown": unknown, "lenient": lenient}[hit[0]].append(name)
        reasons.append(sort_listed_names(hit[1]) or name)  # GROUP_CONCAT order is engine-defined
    if not definition.criteria:
        unknown.append("the definition has no criteria")
    has_range = any(c.lenient is not None for c in definition.criteria)
    outside = population is not None and population[0] == "outside"
    return decide(bool(failed), bool(unknown), bool(lenient), has_range, outside), failed, unknown, lenient, reasons


PATIENTS_QUERY = sparql_prologue() + """
SELECT DISTINCT ?p WHERE { ?p rdf:type/rdfs:subClassOf* skg:Patient }"""


# ---------------------------------------------------------------------------------------------
# reading: chunks of whole patients


@dataclass
class Chunk:
    index: int
    fmt: str                  # "nt" or "ttl"
    data: bytes               # header (ttl prefixes) + body
    first_line: int           # file line number of the first body line
    header_lines: int
    path: str
    end_offset: int
    renamed: dict | None = None   # stored -> written literals (chunks cut out of a regrouping store)
    as_written: bool = True       # the bytes are the file's own (line numbers can be given)


def cohort_format(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".nt", ".ntriples"):
        return "nt"
    if suffix in (".ttl", ".turtle"):
        return "ttl"
    raise InputError(f"{path}: unknown cohort format {suffix!r} (use .ttl or .nt)")


def _next_cut(buf: bytes, fmt: str, start: int, starts=(NT_PATIENT_START, TTL_PATIENT_START)) -> int:
    """Offset of the first record-start line at or after ``start`` (or -1)."""
    if fmt == "nt":
        while True:
            hit = buf.find(starts[0], start)
            if hit < 0:
                return -1
            line = buf.rfind(b"\n", 0, hit) + 1
            if line > 0 and line >= start:
                return line
            start = hit + 1
    m = starts[1].search(buf, start - 1 if start else 0)
    return m.start() + 1 if m else -1


def _directives(body: bytes) -> list[bytes]:
    found = []
    for d in DIRECTIVES:
        pos = body.find(d)
        while pos >= 0:
            line_start = body.rfind(b"\n", 0, pos) + 1
            if not body[line_start:pos].strip():
                end = body.find(b"\n", pos)
                found.append((line_start, body[line_start: end if end >= 0 else len(body)]))
            pos = body.find(d, pos + 1)
    return [line for _, line in sorted(found)]


def iter_chunks(path: Path, fmt: str, chunk_bytes: int = 8 << 20, whole: bool = False,
                record_class: str = PATIENT) -> Iterator[Chunk]:
    """Cut ``path`` into chunks of whole records (see the module docstring)."""
    starts = record_starts(record_class)
    header: list[bytes] = []
    line = 1
    index = 0
    offset = 0
    with open(path, "rb") as fh:
        buf = b""
        eof = False
        while not eof or buf:
            if not eof and (whole or len(buf) < 2 * chunk_bytes):
                block = fh.read(chunk_bytes)
                if block:
                    buf += block
                    continue
                eof = True
            cut = -1 if whole else _next_cut(buf, fmt, chunk_bytes, starts)
            if cut < 0 and not eof:
                block = fh.read(chunk_bytes)
                if block:
                    buf += block
                    continue
                eof = True
                continue
            body, buf = (buf, b"") if cut < 0 else (buf[:cut], buf[cut:])
            offset += len(body)
            head = b"\n".join(header) + b"\n" if header and fmt == "ttl" else b""
            yield Chunk(index, fmt, head + body, line, head.count(b"\n"), str(path), offset)
            if fmt == "ttl":
                header.extend(_directives(body))
            line += body.count(b"\n")
            index += 1


# ---------------------------------------------------------------------------------------------
# checking (runs in worker processes)


@dataclass
class ChunkOutput:
    index: int
    end_offset: int
    patients: list[str] = field(default_factory=list)
    results: list[tuple] = field(default_factory=list)   # (focus, shape, severity, component, value, message)
    rows: list[tuple] = field(default_factory=list)      # FIELDS
    orphans: list[str] = field(default_factory=list)
    error: str | None = None
    load_s: float = 0.0
    check_s: float = 0.0
    text: str = ""                                       # rows rendered as CSV or JSONL lines
    counts: dict = field(default_factory=dict)           # Counters for the summary (see _count)
    report: list = field(default_factory=list)           # evaluate.Result of every result (when kept)
    focus_nodes: int = 0                                 # focus nodes of the shapes' targets
    standins: bool = False                               # some literal is held as a stand-in
    input_errors: list[str] = field(default_factory=list)  # records that do not parse; statements refused


_STATE: dict = {}


def init_worker(reference: bytes, programs: tuple[Program, Program], encoder: Encoder,
                 definitions: list[Definition], outcomes: dict[str, str], fmt: str = "csv", keep: bool = True,
                 record_class: str | None = PATIENT, patient_records: bool = True,
                 ref_facts: dict | None = None) -> None:
    """``programs``: (with the reference data's subclass closure, without); ``fmt``: how rows are
    rendered (ChunkOutput.text); ``keep``: also return rows and results; ``record_class``: the
    class whose instances group a record (None: the file is one record); ``patient_records``: the
    file holds patient records checked against the project's rules, so what a patient record may
    not say is taken out (:func:`admissible`); with shapes of one's own the data graph is read as
    SHACL reads it (its rdfs:subClassOf, owl: and other statements count); ``ref_facts``:
    :func:`reference_facts`, when the main process has them."""
    _STATE.clear()
    _STATE["fmt"], _STATE["keep"] = fmt, keep
    _STATE["reference"] = reference
    # per program: (updates, queries) for stores without stand-in literals, and with
    _STATE["programs"] = tuple(((p.updates, queries(p)), (p.updates_with_standins, queries(p, standins=True)))
                               for p in programs)
    _STATE["encoder"] = encoder
    _STATE["outcomes"] = outcomes
    _STATE["definitions"] = definitions
    _STATE["records"] = record_class
    _STATE["patient_records"] = patient_records
    _STATE.update(ref_facts or {})


SUBCLASS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?b }"

#: Subjects not linked to from anything; those that are not patients (PATIENTS_QUERY, which follows
#: subclasses) are, in a chunk, nodes whose patient sits in another chunk (the reference data's own
#: such nodes are subtracted).
ORPHANS_QUERY = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER NOT EXISTS { ?x ?q ?s } }"


def _orphans(store: ox.Store, record_class: str | None = PATIENT) -> tuple[list, set]:
    """(orphan subjects, patient terms) of ``store``; no orphans when the file is one record."""
    patients = {r["p"] for r in store.query(PATIENTS_QUERY)}
    if record_class is None:
        return [], patients
    records = patients if record_class == PATIENT else {r["p"] for r in store.query(
        f"SELECT DISTINCT ?p WHERE {{ ?p <{RDF_TYPE}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
        f"<{record_class}> }}")}
    return [r["s"] for r in store.query(ORPHANS_QUERY) if r["s"] not in records], patients


def _reference_store() -> ox.Store:
    """A fresh in-memory store holding the reference data, in the default graph."""
    store = ox.Store()
    store.bulk_load(_STATE["reference"], format=ox.RdfFormat.N_TRIPLES)
    return store


def _term(t) -> str:
    return "" if t is None else t.value



def _reference_facts() -> None:
    """What the reference data alone holds (orphans, subclass triples, patients), once per worker
    (given by the main process when it has them: :func:`reference_facts`)."""
    if "ref_orphans" not in _STATE:
        _STATE.update(reference_facts(_reference_store(), _STATE["records"]))


def reference_facts(ref: ox.Store, record_class: str | None) -> dict:
    """The orphans, subclass triples and patients of the reference data in ``ref`` (the chunks'
    own are told from them)."""
    orphans, patients = _orphans(ref, record_class)
    # blank-node labels differ between loads: the reference's blank orphans are counted, not named
    return {"ref_orphans": {o.value for o in orphans if not isinstance(o, ox.BlankNode)},
            "ref_blank_orphans": sum(isinstance(o, ox.BlankNode) for o in orphans),
            "ref_subclass": next(iter(ref.query(SUBCLASS_COUNT)))["n"].value,
            "ref_patients": {p.value for p in patients}}


_PREFIX_LINE = re.compile(rb"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.M | re.I)


def admissible(chunk: Chunk) -> tuple[bytes, str, list[str]]:
    """(data, format, input errors): the chunk without the statements a patient record may not
    make (:mod:`sarcoma_kg.patients.boundary`: reported, never loaded beside the reference data)
    and, when it does not parse, without the records that do not (:func:`by_record`: reported with
    their line). Raises SyntaxError when no record of it parses."""
    rdf_format = ox.RdfFormat.N_TRIPLES if chunk.fmt == "nt" else ox.RdfFormat.TURTLE
    _check_structure(chunk)
    alone = ox.Store()
    try:
        alone.bulk_load(chunk.data, format=rdf_format)
    except SyntaxError as exc:
        quads, messages = by_record(chunk, exc)
    else:
        if not _STATE.get("patient_records", True):
            return chunk.data, chunk.fmt, []
        if alone.query(boundary.LIST_ITEMS_QUERY):
            count = next(iter(alone.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{rdf.RDF.rest}> ?o }}")))["n"].value
            raise InputError(boundary.list_items_error(chunk.path, int(count)))
        if not any(True for _ in alone.query(boundary.REFUSED_QUERY)):
            return chunk.data, chunk.fmt, []
        quads, messages = list(ox.parse(chunk.data, format=rdf_format)), []
    iri = lambda t: t.value if isinstance(t, ox.NamedNode) else None  # noqa: E731
    keep, refused = [], []
    for q in quads:
        (refused if boundary.refuses(iri(q.subject), q.predicate.value, iri(q.object)) else keep).append(q)
    text = chunk.data.decode("utf-8", "replace") if chunk.as_written else None
    prefixes = [(m.group(1).decode(), m.group(2).decode()) for m in _PREFIX_LINE.finditer(chunk.data)]
    for q in refused:
        line = boundary.line_of(text, iri(q.subject), prefixes, chunk.first_line - chunk.header_lines)
        triple = " ".join(rdf.curie(URIRef(t.value)) if isinstance(t, ox.NamedNode) else str(t)
                          for t in (q.subject, q.predicate, q.object))
        messages.append(boundary.Refusal(Path(chunk.path), line, triple).message)
    return ox.serialize(keep, format=ox.RdfFormat.N_TRIPLES), "nt", messages


def first_subject(block: bytes) -> str:
    """The first word of the first statement line of ``block`` (not a directive or comment)."""
    for line in block.splitlines():
        word = line.split(None, 1)[0].decode("utf-8", "replace") if line.strip() else ""
        if word and not word.startswith("#") and word.lower() not in ("@prefix", "prefix", "@base", "base"):
            return word
    return "?"


def _check_structure(chunk: Chunk) -> None:
    """Refuse a chunk whose blank nodes or lists nest deeper than a patient record does (the plain
    path's parser cannot read them: :data:`sarcoma_kg.rdf.MAX_NESTING`)."""
    if chunk.fmt == "ttl" and chunk.data.count(b"[") + chunk.data.count(b"(") > rdf.MAX_NESTING:
        line = rdf.too_deep_line(chunk.data)
        if line is not None:
            where = chunk.first_line + line - 1 - chunk.header_lines if chunk.as_written else None
            raise InputError(rdf.too_deep_error(f"{chunk.path}:{where}" if where else chunk.path))


def by_record(chunk: Chunk, whole: SyntaxError) -> tuple[list, list[str]]:
    """(quads of the records that parse, one error per record that does not) of a chunk that does
    not parse as a whole: the chunk is cut before each record-start line, each block parsed with the
    prefixes declared before it. Raises ``whole`` when no block parses."""
    rdf_format = ox.RdfFormat.N_TRIPLES if chunk.fmt == "nt" else ox.RdfFormat.TURTLE
    data = chunk.data
    cuts, at = [], 0
    while True:
        at = _next_cut(data, chunk.fmt, at + 1, record_starts(_STATE.get("records") or PATIENT))
        if at < 0:
            break
        cuts.append(at)
    quads, messages = [], []
    for start, end in zip([0, *cuts], [*cuts, len(data)]):
        header = b"".join(line + b"\n" for line in _directives(data[:start])) if chunk.fmt == "ttl" else b""
        block_line = data.count(b"\n", 0, start) + 1
        try:
            quads.extend(list(ox.parse(header + data[start:end], format=rdf_format)))  # all of it, or none
        except SyntaxError as exc:
            offset = block_line - 1 - header.count(b"\n") + chunk.first_line - 1 - chunk.header_lines
            error = rdf.syntax_error(chunk.path if chunk.as_written else f"{chunk.path} (regrouped)", chunk.fmt, exc,
                                     line_offset=offset if chunk.as_written else 0)
            messages.append(f"{error} (record {first_subject(data[start:end])} left out)")
    if len(messages) == len(cuts) + 1:
        raise whole
    return quads, messages


def check_chunk(chunk: Chunk) -> ChunkOutput:
    out = ChunkOutput(chunk.index, chunk.end_offset)
    t0 = time.perf_counter()
    _reference_facts()
    # One store per chunk, reference data and chunk in the DEFAULT graph: queries then scan one
    # graph (no union-graph deduplication), and the store's memory is freed with it (an in-memory
    # store does not give space back on clear_graph: RSS grew to ~465 MB per worker over 100k).
    store = _reference_store()
    try:
        data, fmt, out.input_errors = admissible(chunk)
        decode = _STATE["encoder"].load(store, data, fmt)
        if chunk.renamed:
            decode.renamed.update(chunk.renamed)
    except SyntaxError as exc:
        out.error = str(rdf.syntax_error(chunk.path, chunk.fmt, exc, default_line=chunk.first_line,
                                         line_offset=chunk.first_line - 1 - chunk.header_lines))
        return out
    t1 = time.perf_counter()
    out.load_s = t1 - t0
    adds_subclasses = next(iter(store.query(SUBCLASS_COUNT)))["n"].value != _STATE["ref_subclass"]
    orphans, patients = _orphans(store, _STATE["records"])  # before the focus marks (a named graph) exist
    updates, compiled = _STATE["programs"][1 if adds_subclasses else 0][1 if decode.standins else 0]
    out.focus_nodes = run_updates(store, updates)
    out.standins = decode.standins > 0
    for r in results(store, compiled, decode):
        out.results.append((_term(r.focus), r.shape, r.severity, r.component, _term(r.value), r.message))
        if _STATE["keep"]:
            out.report.append(r)
    named = sorted({o.value for o in orphans if not isinstance(o, ox.BlankNode)} - _STATE["ref_orphans"])
    blank = sorted(o.value for o in orphans if isinstance(o, ox.BlankNode))
    out.orphans = (named + ([f"_:{blank[0]}"] if len(blank) > _STATE["ref_blank_orphans"] else []))[:5]
    defs = _STATE["definitions"]
    shape_outcome = _STATE["outcomes"]
    per_patient: dict[str, dict[str, tuple[str, str]]] = {}
    for focus, shape, _sev, _comp, value, msg in out.results:
        kind = shape_outcome.get(shape)
        if kind is not None:
            per_patient.setdefault(focus, {})[value] = (kind, msg)
    out.patients = sorted({p.value for p in patients} - _STATE["ref_patients"])
    out.rows = _verdict_rows(out.patients, per_patient, defs)
    # rendered and counted here, in the workers: the main process only writes and adds up
    out.text = render_rows(out.rows, _STATE["fmt"])
    out.counts = _count(out)
    if not _STATE["keep"]:
        out.rows, out.results, out.report = [], [], []
    out.check_s = time.perf_counter() - t1
    return out


def _verdict_rows(patients: list[str], per_patient: dict, defs: list[Definition]) -> list[tuple]:
    """One row (:data:`FIELDS`) per patient and definition."""
    rows = []
    for patient in patients:
        outcomes = per_patient.get(patient, {})
        for d in defs:
            verdict, failed, unknown, lenient, reasons = judge(outcomes, d)
            rows.append((patient, d.iri, verdict, ";".join(failed), ";".join(unknown), ";".join(lenient),
                         " | ".join(reasons)))
    return rows


def render_rows(rows: list[tuple], fmt: str, fields: tuple[str, ...] = FIELDS) -> str:
    """Rows (verdict rows unless other ``fields`` are named) as CSV lines (no header) or JSON lines."""
    if fmt == "jsonl":
        return "".join(json.dumps(dict(zip(fields, row)), ensure_ascii=False) + "\n" for row in rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _count(out: ChunkOutput) -> dict[str, Counter]:
    results, severities, verdicts, failed = Counter(), Counter(), Counter(), Counter()
    for r in out.results:
        results[(r[1], r[2])] += 1
        severities[r[2]] += 1
    for row in out.rows:
        verdicts[(row[1], row[2])] += 1
        for c in filter(None, row[3].split(";")):
            failed[c] += 1
    return {"results": results, "severities": severities, "verdicts": verdicts, "failed_criteria": failed}


# ---------------------------------------------------------------------------------------------
# the cohort run


@dataclass
class CohortResult:
    patients: int = 0
    chunks: int = 0
    grouped: bool = True
    results: Counter = field(default_factory=Counter)         # (shape, severity) -> count
    severities: Counter = field(default_factory=Counter)
    verdicts: Counter = field(default_factory=Counter)        # (definition, verdict) -> count
    failed_criteria: Counter = field(default_factory=Counter)  # criterion -> count
    all_results: list[tuple] | None = None                    # when collect=True
    all_rows: list[tuple] | None = None
    notes: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    all_report: list | None = None                            # evaluate.Result of every result (collect=True)
    focus_nodes: int = 0                                      # focus nodes of the shapes' targets, all chunks
    standins: bool = False                                    # some chunk held a literal as a stand-in
    input_errors: list[str] = field(default_factory=list)     # records left out (do not parse), statements
                                                              # a patient record may not make (ignored)

    @property
    def conforms(self) -> bool:
        return self.severities.get(str(SH.Violation), 0) == 0


_REFERENCE_CACHE: dict = {}


def reference_data(extra: Graph | None = None) -> bytes:
    """Ontology + knowledge base as N-Triples (the reference data every chunk is checked against)."""
    if extra is not None:
        return extra.serialize(format="nt", encoding="utf-8")
    if "kg" not in _REFERENCE_CACHE:
        # pyoxigraph parses the Turtle ~10x faster than rdflib; a file it rejects goes through
        # rdf.knowledge_graph(), whose InputError names file and line.
        try:
            buf = io.BytesIO()
            for f in [*resources.ontology_files(), *resources.kb_files()]:
                ox.serialize(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE), buf, format=ox.RdfFormat.N_TRIPLES)
            _REFERENCE_CACHE["kg"] = buf.getvalue()
        except (SyntaxError, OSError):
            _REFERENCE_CACHE["kg"] = rdf.knowledge_graph().serialize(format="nt", encoding="utf-8")
    return _REFERENCE_CACHE["kg"]


def patient_shapes() -> Graph:
    """The project's patient shapes (shapes/patient-*.ttl), literals as written; kept in the cache
    folder, keyed by the files' content and the reader's (read back with literals as written)."""
    from ..patients.lexical_forms import as_written

    files = _patient_shape_files()
    with as_written():
        return rdf.cached_graph("patient-shapes-as-written", files, lambda: load_shapes(files[:-1]))


def _patient_shape_files() -> list[Path]:
    """The patient shape files, then the reader's source (content keys name both)."""
    return [*resources.shape_files("patient"), Path(load_shapes.__code__.co_filename)]


COHORT_SUFFIXES = (".ttl", ".turtle", ".nt", ".ntriples")


def _through_reader(path: Path, **options) -> CohortResult:
    """A patient file of another form (the tumour-board CSV, JSON-LD, RDF/XML), read by the one
    patient reader (:mod:`sarcoma_kg.patients.read`: its unreadable records and refused statements
    become input errors) and checked as N-Triples, so both validation paths take the same files."""
    from ..patients.read import read_patient_file

    pf = read_patient_file(path)
    with tempfile.TemporaryDirectory(prefix="sarcoma-kg-read-") as tmp:
        nt = Path(tmp) / (path.stem + ".nt")
        pf.graph.serialize(nt, format="nt", encoding="utf-8")
        result = validate_cohort(nt, **options)
    result.input_errors[:0] = [str(e) for e in pf.errors] + [r.message for r in pf.refused]
    return result


def validate_cohort(path, out=None, fmt: str = "csv", workers: int = 2,
                    progress: Callable[[int, int], None] | None = None, *,
                    shapes: Graph | None = None, reference: bytes | None = None,
                    results_out=None, collect: bool = False, chunk_bytes: int | None = None,
                    record_class: str | None = PATIENT, require_patients: bool = True) -> CohortResult:
    """Validate the cohort at ``path``; write verdict rows (``csv``/``jsonl``) to ``out`` or return them.

    ``out`` is a path (written via a temporary file and renamed: complete or absent) or None.
    ``progress(done_bytes, total_bytes)`` is called as chunks complete. ``record_class``: the class
    whose instances each start a record the file is cut into (default skg:Patient); None checks
    the whole file at once. Raises InputError for malformed input (file and line named), an unknown
    format, a file with no instance of the record class, and a file without any skg:Patient when
    the shapes are criteria shapes (``skg:criterionOutcome``) and ``require_patients`` (``validate``
    reports the findings of a file without patients, as pySHACL does).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if fmt not in ("csv", "jsonl"):
        raise InputError(f"unknown output format {fmt!r}; choose csv or jsonl")
    if Path(path).suffix.lower() not in COHORT_SUFFIXES and (shapes is None or record_class == PATIENT):
        return _through_reader(path, out=out, fmt=fmt, workers=workers, progress=progress, shapes=shapes,
                               reference=reference, results_out=results_out, collect=collect,
                               chunk_bytes=chunk_bytes, record_class=record_class)
    in_fmt = cohort_format(path)
    if chunk_bytes is None:  # ~1,700 patients: per-query overhead amortised, a few MB per worker store
        chunk_bytes = 2_000_000 if in_fmt == "ttl" else 6_000_000
    t_start = time.perf_counter()
    patient_records = shapes is None  # the project's rules: a patient record may not change them
    (encoded_reference, programs, encoder, definitions, outcomes, record_classes,
     ref_facts) = _prepare(shapes, reference, record_class)
    result = CohortResult(all_results=[] if collect else None, all_rows=[] if collect else None,
                          all_report=[] if collect else None)
    result.timings["setup_s"] = time.perf_counter() - t_start

    setup = (encoded_reference, programs, encoder, definitions, outcomes, fmt, collect or results_out is not None,
             record_class, patient_records, ref_facts)
    try:
        outputs = _run(path, in_fmt, workers, setup, chunk_bytes, whole=record_class is None)
        _consume(outputs, result, out, fmt, results_out, progress, path.stat().st_size)
    except NotGrouped as exc:
        result = _regrouped(path, in_fmt, workers, setup, chunk_bytes, record_classes, result, exc,
                            (out, fmt, results_out, progress, path.stat().st_size), collect)
    result.notes.extend(programs[0].notes)
    _check_edges(path, result, out, outcomes if require_patients else {}, programs[0])
    result.timings["wall_s"] = time.perf_counter() - t_start
    return result


def _prepare(shapes: Graph | None, reference: bytes | None, record_class: str | None) -> tuple:
    """(encoded reference data, programs, encoder, definitions, criterion outcomes, record classes,
    the reference data's own facts): what the workers need, from ``shapes`` (the project's patient
    shapes when None) and ``reference`` (the ontology + knowledge base when None). For the project's
    shapes all of it comes from the cache, keyed by content: the reference data is then neither
    read nor loaded into a store."""
    patient_records = shapes is None
    shapes = shapes if shapes is not None else patient_shapes()
    # the cache key of the reference data: its files' content for the project's own (the N-Triples
    # bytes carry blank-node labels that change with every parse), the bytes for any other
    reference_key = (rdf.cache_key("reference", [*resources.ontology_files(), *resources.kb_files()])
                     if reference is None else hashlib.sha256(reference).hexdigest())
    ref = _Reference(reference)
    # the project's shapes cached; one's own compiled afresh (results name the caller's blank nodes)
    key = _programs_key(reference_key) if patient_records else None
    programs = _cached(key, "shacl-programs", lambda: _programs(shapes, ref.store()))
    encoder, encoded_reference, ref_facts, definitions, record_classes = _cached(
        key and f"{key}-{_setup_key()}-{record_class}", "shacl-setup",
        lambda: _setup(programs, shapes, ref, record_class))
    return (encoded_reference, programs, encoder, definitions, criterion_outcomes(shapes), record_classes,
            ref_facts)


class _Reference:
    """The reference data (N-Triples bytes) and a store holding it, each made when first asked for."""

    def __init__(self, data: bytes | None):
        self._data, self._store = data, None

    def data(self) -> bytes:
        if self._data is None:
            self._data = reference_data()
        return self._data

    def store(self) -> ox.Store:
        if self._store is None:
            self._store = ox.Store()
            self._store.bulk_load(self.data(), format=ox.RdfFormat.N_TRIPLES)
        return self._store


def _setup(programs: tuple[Program, Program], shapes: Graph, ref: _Reference, record_class: str | None) -> tuple:
    """(encoder, encoded reference data, reference facts, definitions, record classes) of :func:`_prepare`."""
    encoder, encoded, ref_facts = _encoded(programs, ref.data(), ref.store(), record_class)
    record_classes = tuple(subclass_closure(ref.store(), record_class)) if record_class else ()
    return encoder, encoded, ref_facts, _definitions(shapes, ref.store()), record_classes


def patient_check_setup(fmt: str = "csv", keep: bool = True) -> tuple:
    """The arguments of a worker (:func:`init_worker`) that checks patient records against the
    project's shapes, chunk by chunk (:func:`check_chunk`), as ``cohort validate`` does."""
    encoded_reference, programs, encoder, definitions, outcomes, _, ref_facts = _prepare(None, None, PATIENT)
    return encoded_reference, programs, encoder, definitions, outcomes, fmt, keep, PATIENT, True, ref_facts


def _regrouped(path, in_fmt, workers, setup, chunk_bytes, record_classes, result, reason, consume, collect):
    """The run again, records cut out of an on-disk store (a file not grouped by record)."""
    note = (f"{path}: {reason}; regrouped it by record through an on-disk store first (slower; write each "
            "record as one block, as `cohort generate` does, to skip that)")
    result = CohortResult(all_results=[] if collect else None, all_rows=[] if collect else None,
                          all_report=[] if collect else None, grouped=False, notes=result.notes + [note],
                          timings=result.timings)
    with tempfile.TemporaryDirectory(prefix="sarcoma-kg-regroup-") as tmp:
        outputs = _run(path, in_fmt, workers, setup, chunk_bytes, whole=True, regroup_dir=tmp,
                       patient_classes=record_classes, notes=result.notes)
        _consume(outputs, result, *consume)
    return result


def _check_edges(path, result: CohortResult, out, outcomes: dict, program: Program) -> None:
    """No silent pass: a run that checked nothing is an error or says so loudly."""
    if outcomes and result.patients == 0:
        if out is not None and Path(out).exists():
            Path(out).unlink()
        raise InputError(f"{path}: no skg:Patient in the file, so no patient was checked against the "
                         "definitions (is it a cohort of this project's patient model?)")
    if result.focus_nodes == 0:
        result.notes.append(f"{path}: no focus node: no target of any shape matched a node of the file, "
                            "so nothing was validated (shapes for another vocabulary?)")
    if result.standins and program.sparql:
        result.notes.append(f"{path}: some literals are held as stand-ins, the store would rewrite them (e.g. "
                            "\"5\"^^xsd:int): SHACL Core constraints see them as written; SHACL-SPARQL queries "
                            "read their values, with the datatype the store gives them (xsd:integer for xsd:int)")


SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def subclass_closure(store: ox.Store, iri: str) -> list[str]:
    """``iri`` and every named class below it in ``store`` (rdfs:subClassOf*), sorted."""
    edges = ((q.subject, q.object) for q in store.quads_for_pattern(None, SUBCLASS_OF, None))
    below = rdf.subclass_closure(edges, ox.NamedNode(iri))
    return sorted({c.value for c in below if isinstance(c, ox.NamedNode)} | {iri})


def _programs(shapes: Graph, ref_store: ox.Store) -> tuple[Program, Program]:
    """(fast, plain) compilations of ``shapes``: fast inlines the reference data's subclass closure
    (VALUES), for chunks that add no rdfs:subClassOf triple; plain is the literal compilation."""
    cache: dict[str, list[str]] = {}

    def closure(iri: str) -> list[str]:
        if iri not in cache:
            cache[iri] = subclass_closure(ref_store, iri)
        return cache[iri]

    return compile_shapes(shapes, closure=closure), compile_shapes(shapes)


def _definitions(shapes: Graph, ref_store: ox.Store) -> list[Definition]:
    """The definitions of the reference data, each criterion marked evaluated when some shape
    (``skg:criterionClass``) checks its kind."""
    evaluated = {str(o) for o in shapes.objects(None, SKG.criterionClass)}
    return [Definition(d.iri, tuple(
        Criterion(c.iri, c.kind, c.lower, c.upper, c.inclusive, c.lenient, str(SKG[c.kind]) in evaluated)
        for c in d.criteria)) for d in load_definitions(ref_store)]


def _programs_key(reference_key: str) -> str:
    """The cache key of what is compiled from the project's patient shapes against the reference data
    by this compiler: the shape files' bytes and their reader's source, ``reference_key`` and
    :func:`_compiler_key` (never stale)."""
    from .. import __version__

    shapes_key = rdf.cache_key("patient-shapes-as-written", _patient_shape_files())
    return hashlib.sha256(f"{__version__}\x00{_compiler_key()}\x00{shapes_key}\x00{reference_key}".encode()).hexdigest()[:32]


def _setup_key() -> str:
    """Digest of this module's source, which reads the definitions and the reference facts kept with
    the compiled programs (:func:`_setup`)."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _cached(key: str | None, kind: str, build):
    """What ``build()`` makes, kept in the cache folder under ``kind-key`` (built afresh without a key)."""
    return build() if key is None else rdf.cached(resources.cache_dir() / f"{kind}-{key}.pickle", build)


def _encoded(programs: tuple[Program, Program], reference: bytes, ref_store: ox.Store,
             record_class: str | None) -> tuple[Encoder, bytes, dict]:
    """The encoder with the shapes' constants and the reference data registered, the reference data
    to load (with its stand-ins), and :func:`reference_facts`."""
    encoder = Encoder(lexical=programs[0].lexical)
    encoded = encoder.fix(programs[0].constants | programs[1].constants, reference)
    return encoder, encoded, reference_facts(ref_store, record_class)


def _compiler_key() -> str:
    """Digest of the source of the modules that make a program: a program compiled by other code
    (an earlier fix, another checkout sharing the cache directory) is never read back."""
    from .. import lexical
    from . import compiler, components, literals, prebinding, sparql_components

    digest = hashlib.sha256()
    for module in (compiler, components, literals, prebinding, sparql_components, lexical):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class NotGrouped(Exception):
    """The file's records are not each written as one block (a node apart from its record, a record
    in two blocks): cutting it into chunks would check records in pieces."""


REGROUP_BATCH = 40


def regroup(path: Path, in_fmt: str, store_dir: str, batch: int = REGROUP_BATCH,
            patient_classes: tuple[str, ...] = (f"{SKG}Patient",), encoder: Encoder | None = None,
            notes: list | None = None) -> Iterator[Chunk]:
    """Chunks of whole records from a file in any order (e.g. shuffled N-Triples).

    The file is loaded into an on-disk pyoxigraph store (RocksDB in ``store_dir``: memory stays
    bounded), its literals as ``encoder`` plans them (stand-ins; the chunks carry the stored ->
    written map of the renamed ones); each batch of records is then cut out as everything reachable
    from them by forward links (``?record (<x>|!<x>)* ?node``). Nodes reachable from no record are
    not validated: ``notes`` says how many. Records are instances of ``patient_classes`` (the record class and its
    subclasses in the reference data) or of a class the file itself declares a subclass of one.
    """
    encoder = encoder or Encoder()
    store = ox.Store(store_dir)
    fmt = ox.RdfFormat.N_TRIPLES if in_fmt == "nt" else ox.RdfFormat.TURTLE
    try:
        keys = set()
        for q in ox.parse(path=str(path), format=fmt):
            if isinstance(q.object, ox.Literal) and q.object.language is None:
                keys.add((q.object.value, q.object.datatype.value))
        swap, renamed = encoder.plan(keys, encoder.fixed)
        store.bulk_extend(_swapped(ox.parse(path=str(path), format=fmt), swap))
    except SyntaxError as exc:
        raise rdf.syntax_error(path, in_fmt, exc) from exc
    classes = " ".join(f"<{c}>" for c in patient_classes)
    records = [r["p"].value for r in store.query(
        f"SELECT DISTINCT ?p WHERE {{ VALUES ?c {{ {classes} }} {{ ?p <{RDF_TYPE}> ?c }} UNION "
        f"{{ ?p <{RDF_TYPE}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?c }} }} ORDER BY ?p")]
    if not records:
        raise InputError(f"{path}: no instance of <{patient_classes[0]}> in the file, the class whose instances "
                         "group a record (for shapes of another vocabulary, name its record class with "
                         "--record-class, or check the whole file with --whole-file)")
    total = Path(path).stat().st_size
    for i in range(0, len(records), batch):
        values = " ".join(f"<{p}>" for p in records[i: i + batch])
        q = (f"CONSTRUCT {{ ?s ?pp ?o }} WHERE {{ VALUES ?p {{ {values} }} "
             f"?p (<urn:sarcoma-kg:none>|!<urn:sarcoma-kg:none>)* ?s . ?s ?pp ?o }}")
        data = ox.serialize(store.query(q), format=ox.RdfFormat.N_TRIPLES)
        end = total * min(i + batch, len(records)) // max(len(records), 1)
        yield Chunk(i // batch, "nt", data, 1, 0, str(path), end, renamed, as_written=False)
    if notes is not None:
        unreached = _unreached(store, classes)
        if unreached:
            notes.append(f"{path}: {unreached} described nodes are reachable from no record "
                         f"(instance of <{patient_classes[0]}>) and were not validated")


def _unreached(store: ox.Store, classes: str) -> int:
    count = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {} ?s ?p ?o }}"
    reached = (f"VALUES ?c {{ {classes} }} ?r <{RDF_TYPE}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c . "
               f"?r (<urn:sarcoma-kg:none>|!<urn:sarcoma-kg:none>)* ?s .")
    total = int(next(iter(store.query(count.format(""))))["n"].value)
    return total - int(next(iter(store.query(count.format(reached))))["n"].value)


def _swapped(quads, swap: set):
    from .literals import held_as as standin

    for q in quads:
        o = q.object
        if swap and isinstance(o, ox.Literal) and o.language is None and (o.value, o.datatype.value) in swap:
            q = ox.Quad(q.subject, q.predicate, standin(o.value, o.datatype.value))
        yield q


def _run(path, in_fmt, workers, setup: tuple, chunk_bytes, whole, regroup_dir=None, patient_classes=(), notes=None):
    """Chunk outputs in file order; ``setup`` is init_worker's arguments."""
    if regroup_dir is not None:
        chunks = regroup(path, in_fmt, regroup_dir, patient_classes=patient_classes, encoder=setup[2], notes=notes)
    else:
        chunks = iter_chunks(path, in_fmt, chunk_bytes, whole=whole, record_class=setup[7] or PATIENT)
    yield from in_order(chunks, check_chunk, init_worker, setup, workers)


def in_order(chunks, work: Callable, init: Callable, setup: tuple, workers: int):
    """``work(chunk)`` for every chunk, yielded in the chunks' order: in this process when
    ``workers`` <= 1, else in a pool of forked ``workers`` (each set up by ``init(*setup)``) with at
    most one chunk more in flight than there are workers, so memory stays bounded."""
    if workers <= 1:
        init(*setup)
        for chunk in chunks:
            yield work(chunk)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=init, initargs=setup) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(work, (chunk,)))
            while len(pending) >= workers + 1:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def check_grouped(seen: set[int], orphans, patients) -> None:
    """Raise :class:`NotGrouped` when a chunk holds ``orphans`` (nodes described apart from their
    patient) or one of its ``patients`` was seen in an earlier chunk; note ``patients`` as seen."""
    if orphans:
        raise NotGrouped(f"nodes described apart from their patient (e.g. <{orphans[0]}>)")
    for p in patients:
        h = hash(p)
        if h in seen:
            raise NotGrouped(f"patient <{p}> appears in two separate blocks")
        seen.add(h)


def _consume(outputs, result: CohortResult, out, fmt, results_out, progress, total) -> None:
    out_path = Path(out) if out is not None else None
    tmp = out_path.with_name(out_path.name + ".part") if out_path else None
    res_path = Path(results_out) if results_out is not None else None
    res_tmp = res_path.with_name(res_path.name + ".part") if res_path else None
    seen: set[int] = set()
    report_s = load_s = check_s = 0.0
    fh = open(tmp, "w", encoding="utf-8", newline="") if tmp else None
    rh = open(res_tmp, "w", encoding="utf-8", newline="") if res_tmp else None
    ok = False
    try:
        writer = csv.writer(fh, lineterminator="\n") if fh and fmt == "csv" else None
        if writer:
            writer.writerow(FIELDS)
        rwriter = csv.writer(rh, lineterminator="\n") if rh else None
        if rwriter:
            rwriter.writerow(("focus", "source_shape", "severity", "component", "value", "message"))
        for o in outputs:
            if o.error:
                raise InputError(o.error)
            t = time.perf_counter()
            check_grouped(seen, o.orphans, o.patients)
            result.patients += len(o.patients)
            result.input_errors.extend(o.input_errors)
            result.chunks += 1
            result.focus_nodes += o.focus_nodes
            result.standins |= o.standins
            load_s += o.load_s
            check_s += o.check_s
            for name, counter in o.counts.items():
                getattr(result, name).update(counter)
            if rwriter:
                rwriter.writerows(sorted(o.results))  # engine order follows the query plan: sort for stable output
            if fh:
                fh.write(o.text)
            if result.all_results is not None:
                result.all_results.extend(o.results)
                result.all_rows.extend(o.rows)
                result.all_report.extend(o.report)
            report_s += time.perf_counter() - t
            if progress:
                progress(o.end_offset, total)
        ok = True
    finally:
        for handle in (fh, rh):
            if handle:
                handle.close()
        for t, final in ((tmp, out_path), (res_tmp, res_path)):
            if t is None:
                continue
            if ok:
                os.replace(t, final)
            elif t.exists():
                t.unlink()
    result.timings.update(parse_s=load_s, check_s=check_s, report_s=report_s)


def write_summary(result: CohortResult) -> str:
    """The human summary: counts per verdict, per definition, per failed criterion, per shape."""
    buf = io.StringIO()
    short = lambda iri: iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]  # noqa: E731
    buf.write(f"patients: {result.patients}  chunks: {result.chunks}  grouped: {result.grouped}\n")
    per_verdict = Counter()
    for (_, v), n in result.verdicts.items():
        per_verdict[v] += n
    buf.write("verdicts (patient × definition): " +
              ", ".join(f"{v} {per_verdict[v]}" for v in VERDICTS if per_verdict[v]) + "\n")
    for d in sorted({d for d, _ in result.verdicts}):
        buf.write(f"  {short(d)}: " + ", ".join(f"{v} {result.verdicts[(d, v)]}" for v in VERDICTS
                                                if result.verdicts[(d, v)]) + "\n")
    buf.write("failed criteria:\n")
    for c, n in sorted(result.failed_criteria.items(), key=lambda kv: (-kv[1], kv[0])):
        buf.write(f"  {c}: {n}\n")
    buf.write("shape results (source shape, severity):\n")
    for (s, sev), n in sorted(result.results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        buf.write(f"  {short(s)} [{short(sev)}]: {n}\n")
    t = result.timings
    buf.write(f"phases parse={t.get('parse_s', 0):.2f} check={t.get('check_s', 0):.2f} "
              f"report={t.get('report_s', 0):.2f} wall={t.get('wall_s', 0):.2f} "
              "(parse and check summed over workers)\n")
    for note in result.notes:
        buf.write(f"note: {note}\n")
    return buf.getvalue()


__all__ = ["validate_cohort", "CohortResult", "judge", "criterion_outcomes", "Definition", "Criterion",
           "load_definitions", "iter_chunks", "reference_data", "patient_shapes", "write_summary"]


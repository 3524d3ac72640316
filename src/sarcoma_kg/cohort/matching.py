"""``cohort recommend``: every patient of a registry file matched to every recommendation, in chunks.

The file is cut into chunks of whole patients (:func:`~sarcoma_kg.cohort.run.iter_chunks`, as for
``cohort validate``); worker processes, per chunk:

1. check the chunk as ``cohort validate`` does (:func:`~sarcoma_kg.cohort.run.check_chunk`: records
   that do not parse and statements a patient record may not make are left out and reported; the
   compiled SHACL program runs once over the whole chunk) and write back each patient's verdicts and
   derived facts from its criteria results (:mod:`.written_back`);
2. classify the chunk's patients with the compiled classifier (each patient's own subgraph read,
   the fixpoint run once for the chunk: :mod:`sarcoma_kg.reasoning.fixpoint`);
3. judge every recommendation once per signature of what the judgement reads, and fill in each
   patient's own facts (:mod:`.judgements`);

and render one row per patient × recommendation. At most ``workers + 1`` chunks are in flight, so
memory is bounded by the chunk size (and the judgement templates met, few), not the file.

Rows (:data:`FIELDS`): ``status`` is ``applies``, ``to confirm`` (it would apply if every "cannot
tell" verdict turned out "meets": the reason names what to record) or ``does not apply``;
``to_confirm`` lists the conditions the graph does not check, left to the clinician. A patient the
classifier refuses or finds inconsistent gets one ``error`` row with the message; the others are
matched all the same.
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import io
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph

from .. import rdf
from ..errors import InputError, ReasonerError
from ..patients.oxigraph_turtle import parse_turtle
from ..rdf import patients_in
from . import run
from .judgements import Judge, status_of
from .run import PATIENT, cohort_format, iter_chunks, render_rows
from .written_back import with_written_back

FIELDS = ("patient", "recommendation", "notation", "status", "target", "reason", "to_confirm")
STATUSES = ("applies", "to confirm", "does not apply", "error")
#: Bytes of patient data per chunk (about 100 generated patients): the organ-site count criteria
#: queries grow faster than linearly with the chunk (bench/README.md), the rest does not care.
DEFAULT_CHUNK_BYTES = 120_000


@dataclass
class ChunkMatch:
    index: int
    end_offset: int
    patients: int = 0
    text: str = ""
    counts: Counter = field(default_factory=Counter)      # (notation, status) -> patients
    why: Counter = field(default_factory=Counter)         # (notation, reason) for "to confirm"
    errors: int = 0
    input_errors: list = field(default_factory=list)      # records left out, statements refused
    patient_ids: list = field(default_factory=list)       # the chunk's patients (as the check names them)
    orphans: list = field(default_factory=list)           # nodes described apart from their patient
    parse_s: float = 0.0       # the records read
    check_s: float = 0.0       # compiled SHACL, verdicts and derived facts written back
    classify_s: float = 0.0
    match_s: float = 0.0       # recommendations judged, rows rendered
    error: str | None = None


@dataclass
class CohortMatch:
    """What a run found: counts per recommendation and status, the reasons of "to confirm"."""

    patients: int = 0
    chunks: int = 0
    errors: int = 0
    counts: Counter = field(default_factory=Counter)
    why: Counter = field(default_factory=Counter)
    notations: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    input_errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)


_STATE: dict = {}


def _init_worker(fmt: str, check_setup: tuple) -> None:
    from ..reasoning import compiled

    _STATE.clear()
    _STATE["fmt"] = fmt
    run.init_worker(*check_setup)
    knowledge = rdf.knowledge_graph()
    terms = rdf.ontology_graph()
    _STATE["knowledge"] = knowledge
    _STATE["classifier"] = compiled.classifier_for(terms)  # from the cache the parent wrote
    _STATE["judge"] = Judge(knowledge, terms)
    # what was read here lives as long as the worker: the collector need not walk it again and again;
    # a chunk makes hundreds of thousands of short-lived objects (terms, tuples), few of them in cycles,
    # so the youngest generation is collected every 20,000 allocations rather than every 700 (the
    # chunk's graph, a cycle, is collected when the chunk is done: match_chunk)
    gc.freeze()
    gc.set_threshold(20_000)


def rows_of(results) -> list[tuple]:
    """The rows (:data:`FIELDS`) of ``recommend``'s per-patient results, in the order given."""
    rows = []
    for pr in results:
        for r in sorted(pr.applicable + pr.not_applicable, key=lambda r: r.rec):
            rows.append((str(pr.patient), str(r.rec), r.notation, status_of(r), str(r.target), r.reason,
                         " | ".join(r.not_checked)))
    return rows


def _parsed(chunk, out: ChunkMatch) -> tuple[Graph, list[str], list[tuple]]:
    """(graph of the chunk's admissible records, input errors, compiled SHACL results)."""
    t = time.perf_counter()
    data, fmt, input_errors = run.admissible(chunk)
    graph = Graph()
    # pyoxigraph's parser when it reads the chunk as rdflib's would (patients.oxigraph_turtle), else rdflib's
    if fmt == "nt" or not parse_turtle(data, graph):
        graph.parse(data=data, format="nt" if fmt == "nt" else "turtle")
    out.parse_s = time.perf_counter() - t
    checked = run.check_chunk(dataclasses.replace(chunk, data=data, fmt=fmt))
    if checked.error is not None:
        raise SyntaxError(checked.error)
    out.patient_ids, out.orphans = checked.patients, checked.orphans
    return graph, input_errors, checked.results


def _rows(graph: Graph, out: ChunkMatch) -> list[tuple]:
    """Every patient's rows, or his one error row."""
    classifier, judge = _STATE["classifier"], _STATE["judge"]
    t = time.perf_counter()
    patients = patients_in(graph)
    classified = classifier.classify_each(graph, patients)
    out.classify_s += time.perf_counter() - t
    rows: list[tuple] = []
    for patient in patients:
        classes = classified[patient]
        if isinstance(classes, ReasonerError):
            rows.append((str(patient), "", "", "error", "", str(classes), ""))
            out.errors += 1
            continue
        rows.extend(judge.rows(graph, patient, classes))
    return rows


def match_chunk(chunk) -> ChunkMatch:
    out = ChunkMatch(chunk.index, chunk.end_offset)
    t0 = time.perf_counter()
    try:
        graph, out.input_errors, results = _parsed(chunk, out)
    except (SyntaxError, ValueError) as exc:  # no record of the chunk parses
        out.error = str(rdf.syntax_error(chunk.path, chunk.fmt, exc, default_line=chunk.first_line,
                                         line_offset=chunk.first_line - 1 - chunk.header_lines))
        return out
    graph = with_written_back(graph, _STATE["knowledge"], results)
    t1 = time.perf_counter()
    out.check_s = t1 - t0 - out.parse_s
    rows = _rows(graph, out)
    out.patients = len(patients_in(graph))
    for row in rows:
        out.counts[(row[2], row[3])] += 1
        if row[3] == "to confirm":
            out.why[(row[2], row[5].rsplit("; would apply if", 1)[-1].strip())] += 1
    out.text = render_rows(rows, _STATE["fmt"], FIELDS)
    del graph, rows
    gc.collect()  # the chunk's graph refers to itself: freed here, so memory stays bounded by the chunk
    out.match_s = time.perf_counter() - t1 - out.classify_s
    return out


def _outputs(path: Path, in_fmt: str, fmt: str, workers: int, chunk_bytes: int):
    chunks = iter_chunks(path, in_fmt, chunk_bytes, record_class=PATIENT)
    setup = (fmt, run.patient_check_setup(fmt, keep=True))
    yield from run.in_order(chunks, match_chunk, _init_worker, setup, workers)


def recommend_cohort(path, out=None, fmt: str = "csv", workers: int = 2,
                     progress: Callable[[int, int], None] | None = None,
                     chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> CohortMatch:
    """Match every patient of the cohort at ``path`` to every recommendation; write the rows
    (``csv`` with a header, or ``jsonl``) to ``out`` (a path: written to a temporary file and
    renamed, complete or absent). Raises :class:`InputError` for malformed input (file and line
    named), or a file without any skg:Patient.

    A cohort file (Turtle, N-Triples) is read in chunks of whole patients. Any other patient file
    (the tumour-board CSV, JSON-LD, RDF/XML), and a cohort file whose patients are not each written
    as one block (a node described apart from its patient, a patient in two blocks), is read whole
    by the patient reader, as ``validate`` reads it, and matched from its patients written one block
    each (:attr:`CohortMatch.notes` says so for a cohort file): never matched from partial records."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() not in run.COHORT_SUFFIXES:
        return _through_reader(path, out, fmt, workers, progress, chunk_bytes)
    try:
        return _matched(path, out, fmt, workers, progress, chunk_bytes)
    except run.NotGrouped as exc:
        result = _through_reader(path, out, fmt, workers, progress, chunk_bytes)
        result.notes.append(f"{path}: {exc}; read it whole and matched its patients one block each (memory "
                            "grows with the file; write each patient as one block, as `cohort generate` "
                            "does, to read it in chunks)")
        return result


def _through_reader(path: Path, out, fmt: str, workers: int, progress, chunk_bytes: int) -> CohortMatch:
    """``path`` read whole by the patient reader (its unreadable records and refused statements
    become input errors), written as N-Triples one patient per block, and matched from that."""
    from ..patients.read import read_patient_file

    pf = read_patient_file(path)
    with tempfile.TemporaryDirectory(prefix="sarcoma-kg-read-") as tmp:
        grouped = Path(tmp) / (path.stem + ".nt")
        grouped.write_text(rdf.patient_blocks(pf.graph), encoding="utf-8")
        result = _matched(grouped, out, fmt, workers, progress, chunk_bytes, shown_as=path)
    result.input_errors[:0] = [str(e) for e in pf.errors] + [r.message for r in pf.refused]
    return result


def _matched(path: Path, out, fmt: str, workers: int, progress, chunk_bytes: int,
             shown_as: Path | None = None) -> CohortMatch:
    """The chunked run over a cohort file; raises :class:`~sarcoma_kg.cohort.run.NotGrouped` (before
    writing ``out``) when a chunk holds a node described apart from its patient or a patient met in
    an earlier one."""
    from ..reasoning import compiled
    from ..reasoning.recommend import notation_of, recommendations

    in_fmt = cohort_format(path)
    started = time.perf_counter()
    knowledge = rdf.knowledge_graph()
    compiled.classifier_for(rdf.ontology_graph())  # compiled (and cached) once, before the workers
    result = CohortMatch(notations=[notation_of(knowledge, r) for r in recommendations(knowledge)])
    total = max(path.stat().st_size, 1)
    target = Path(out) if out is not None else None
    handle, partial = None, None
    if target is not None:
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent.resolve()))
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        if fmt == "csv":
            csv.writer(handle, lineterminator="\n").writerow(FIELDS)
    try:
        phases, seen = Counter(), set()
        for chunk in _outputs(path, in_fmt, fmt, workers, chunk_bytes):
            if chunk.error is not None:
                raise InputError(chunk.error)
            run.check_grouped(seen, chunk.orphans, chunk.patient_ids)
            _add(result, chunk, phases)
            if handle is not None:
                handle.write(chunk.text)
            if progress is not None:
                progress(min(chunk.end_offset, total), total)
        if result.patients == 0:
            raise InputError(f"{shown_as or path}: no skg:Patient in the file: nothing was matched")
        if handle is not None:
            handle.close()
            handle = None
            os.replace(partial, target)
            partial = None
    finally:
        if handle is not None:
            handle.close()
        if partial is not None and os.path.exists(partial):
            os.unlink(partial)
    result.timings = {**phases, "wall_s": time.perf_counter() - started}
    return result


def _add(result: CohortMatch, chunk: ChunkMatch, phases: Counter) -> None:
    result.chunks += 1
    result.patients += chunk.patients
    result.errors += chunk.errors
    result.counts.update(chunk.counts)
    result.why.update(chunk.why)
    result.input_errors.extend(chunk.input_errors)
    phases.update(parse_s=chunk.parse_s, check_s=chunk.check_s, classify_s=chunk.classify_s,
                  match_s=chunk.match_s)


def write_summary(result: CohortMatch, top: int = 3) -> str:
    """Per recommendation: patients it applies to, to confirm (with the commonest reasons), not."""
    buf = io.StringIO()
    buf.write(f"patients: {result.patients}  chunks: {result.chunks}  errors: {result.errors}\n")
    for notation in result.notations:
        counts = {s: result.counts[(notation, s)] for s in STATUSES[:3]}
        buf.write(f"  {notation}: applies {counts['applies']}, to confirm {counts['to confirm']}, "
                  f"does not apply {counts['does not apply']}\n")
        reasons = sorted(((n, why) for (rec, why), n in result.why.items() if rec == notation), reverse=True)
        for n, why in reasons[:top]:
            buf.write(f"      to confirm ({n}): {why}\n")
    t = result.timings
    buf.write(f"phases parse={t.get('parse_s', 0):.2f} check={t.get('check_s', 0):.2f} "
              f"classify={t.get('classify_s', 0):.2f} match={t.get('match_s', 0):.2f} wall={t.get('wall_s', 0):.2f} "
              "(all but wall summed over workers)\n")
    for note in result.notes:
        buf.write(f"note: {note}\n")
    return buf.getvalue()


def rows_for(graph: Graph, knowledge: Graph, terms: Graph) -> list[tuple]:
    """The rows of the patients of ``graph`` through the per-patient path (for comparisons)."""
    from ..reasoning import recommend

    return rows_of(recommend.recommend(graph, knowledge, "compiled", terms=terms, with_evidence=False))


__all__ = ["recommend_cohort", "write_summary", "rows_of", "rows_for", "FIELDS", "STATUSES"]

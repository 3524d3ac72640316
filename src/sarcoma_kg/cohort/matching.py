"""``cohort recommend``: every patient of a registry file matched to every recommendation, in chunks.

The file is cut into chunks of whole patients (:func:`~sarcoma_kg.cohort.run.iter_chunks`, as for
``cohort validate``); worker processes run, per chunk, the verdict derivation over the compiled
SHACL path (:mod:`.report`) and then the per-patient path of ``recommend`` (the compiled
classifier, the recommendations judged: the same function, so the same answers) and render one row per patient × recommendation. At most ``workers + 1``
chunks are in flight, so memory is bounded by the chunk size, not the file.

Rows (:data:`FIELDS`): ``status`` is ``applies``, ``to confirm`` (it would apply if every "cannot
tell" verdict turned out "meets": the reason names what to record) or ``does not apply``;
``to_confirm`` lists the conditions the graph does not check, left to the clinician. A chunk the
classifier refuses or finds inconsistent is matched again patient by patient, and the patients
that fail get one ``error`` row with the message.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Graph

from .. import rdf
from ..errors import InputError, ReasonerError
from ..rdf import patients_in
from ..patients.compiled import with_compiled_verdicts
from .run import PATIENT, cohort_format, iter_chunks, render_rows

FIELDS = ("patient", "recommendation", "notation", "status", "target", "reason", "to_confirm")
STATUSES = ("applies", "to confirm", "does not apply", "error")
#: Bytes of patient data per chunk (about 200 generated patients: both workers busy from a few hundred patients on).
DEFAULT_CHUNK_BYTES = 1 << 18


@dataclass
class ChunkMatch:
    index: int
    end_offset: int
    patients: int = 0
    text: str = ""
    counts: Counter = field(default_factory=Counter)      # (notation, status) -> patients
    why: Counter = field(default_factory=Counter)         # (notation, reason) for "to confirm"
    errors: int = 0
    parse_s: float = 0.0
    match_s: float = 0.0
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


_STATE: dict = {}


def _init_worker(fmt: str) -> None:
    from ..reasoning import compiled
    from ..reasoning.recommend import recommendations

    _STATE.clear()
    _STATE["fmt"] = fmt
    knowledge = rdf.knowledge_graph()
    terms = rdf.ontology_graph()
    _STATE["knowledge"], _STATE["terms"] = knowledge, terms
    compiled.classifier_for(terms)  # from the cache written by the parent
    _STATE["recommendations"] = recommendations(knowledge)


def status_of(result) -> str:
    """A recommendation result's status in words."""
    if result.applies:
        return "applies"
    return "to confirm" if result.may_apply else "does not apply"


def rows_of(results) -> list[tuple]:
    """The rows (:data:`FIELDS`) of ``recommend``'s per-patient results, in the order given."""
    rows = []
    for pr in results:
        for r in sorted(pr.applicable + pr.not_applicable, key=lambda r: r.rec):
            rows.append((str(pr.patient), str(r.rec), r.notation, status_of(r), str(r.target), r.reason,
                         " | ".join(r.not_checked)))
    return rows


def _match(graph: Graph) -> list:
    from ..reasoning import recommend

    return recommend.recommend(graph, _STATE["knowledge"], "compiled", terms=_STATE["terms"], with_evidence=False)


def _match_one_by_one(graph: Graph) -> tuple[list, list[tuple]]:
    """The results of each patient of ``graph`` (verdicts written back) alone, and an error row
    for each patient the classifier refuses or finds inconsistent."""
    from ..reasoning.reasoners import patient_subgraph

    results, errors = [], []
    for patient in patients_in(graph):
        try:
            results.extend(_match(patient_subgraph(graph, patient)))
        except ReasonerError as exc:
            errors.append((str(patient), "", "", "error", "", str(exc), ""))
    return results, errors


def _match_without_failures(graph: Graph) -> tuple[list, list[tuple]]:
    """Find the patients the classifier fails on, one by one (classification only, cheap), then
    match the others together; one by one if that still fails."""
    from ..reasoning import compiled
    from ..reasoning.reasoners import patient_subgraph

    classifier = compiled.classifier_for(_STATE["terms"])
    rest, errors = Graph(), []
    for patient in patients_in(graph):
        own = patient_subgraph(graph, patient)
        try:
            classifier.classify(own, [patient])
        except ReasonerError as exc:
            errors.append((str(patient), "", "", "error", "", str(exc), ""))
            continue
        rest += own
    try:
        return (_match(rest) if len(rest) else []), errors
    except ReasonerError:
        results, more = _match_one_by_one(rest)
        return results, errors + more


def match_chunk(chunk) -> ChunkMatch:
    out = ChunkMatch(chunk.index, chunk.end_offset)
    t0 = time.perf_counter()
    graph = Graph()
    try:
        graph.parse(data=chunk.data, format="nt" if chunk.fmt == "nt" else "turtle")
    except Exception as exc:  # rdflib raises several unrelated exception types
        out.error = str(rdf.syntax_error(chunk.path, chunk.fmt, exc, line_offset=chunk.first_line - 1 - chunk.header_lines))
        return out
    t1 = time.perf_counter()
    graph = with_compiled_verdicts(graph, _STATE["knowledge"])
    try:
        results, errors = _match(graph), []
    except ReasonerError:
        results, errors = _match_without_failures(graph)
    rows = rows_of(results) + errors
    out.patients = len(results) + len(errors)
    out.errors = len(errors)
    for row in rows:
        out.counts[(row[2], row[3])] += 1
        if row[3] == "to confirm":
            out.why[(row[2], row[5].rsplit("; would apply if", 1)[-1].strip())] += 1
    out.text = render_rows(rows, _STATE["fmt"], FIELDS)
    out.parse_s, out.match_s = t1 - t0, time.perf_counter() - t1
    return out




def _outputs(path: Path, in_fmt: str, fmt: str, workers: int, chunk_bytes: int):
    chunks = iter_chunks(path, in_fmt, chunk_bytes, record_class=PATIENT)
    if workers <= 1:
        _init_worker(fmt)
        for chunk in chunks:
            yield match_chunk(chunk)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(fmt,)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(match_chunk, (chunk,)))
            while len(pending) >= workers + 1:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def recommend_cohort(path, out=None, fmt: str = "csv", workers: int = 2,
                     progress: Callable[[int, int], None] | None = None,
                     chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> CohortMatch:
    """Match every patient of the cohort at ``path`` to every recommendation; write the rows
    (``csv`` with a header, or ``jsonl``) to ``out`` (a path: written to a temporary file and
    renamed, complete or absent). Raises :class:`InputError` for malformed input (file and line
    named), an unknown format, or a file without any skg:Patient."""
    from ..reasoning import compiled
    from ..reasoning.recommend import notation_of, recommendations

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
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
        parse_s = match_s = 0.0
        for chunk in _outputs(path, in_fmt, fmt, workers, chunk_bytes):
            if chunk.error is not None:
                raise InputError(chunk.error)
            result.chunks += 1
            result.patients += chunk.patients
            result.errors += chunk.errors
            result.counts.update(chunk.counts)
            result.why.update(chunk.why)
            parse_s, match_s = parse_s + chunk.parse_s, match_s + chunk.match_s
            if handle is not None:
                handle.write(chunk.text)
            if progress is not None:
                progress(min(chunk.end_offset, total), total)
        if result.patients == 0:
            raise InputError(f"{path}: no skg:Patient in the file: nothing was matched")
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
    result.timings = {"parse_s": parse_s, "match_s": match_s, "wall_s": time.perf_counter() - started}
    return result


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
    buf.write(f"phases parse={t.get('parse_s', 0):.2f} match={t.get('match_s', 0):.2f} "
              f"wall={t.get('wall_s', 0):.2f} (parse and match summed over workers)\n")
    return buf.getvalue()


def rows_for(graph: Graph, knowledge: Graph, terms: Graph) -> list[tuple]:
    """The rows of the patients of ``graph`` through the per-patient path (for comparisons)."""
    from ..reasoning import recommend

    return rows_of(recommend.recommend(graph, knowledge, "compiled", terms=terms, with_evidence=False))


__all__ = ["recommend_cohort", "write_summary", "rows_of", "rows_for", "FIELDS", "STATUSES"]

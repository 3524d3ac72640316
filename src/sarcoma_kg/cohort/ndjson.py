"""FHIR R4 mCODE bulk NDJSON → N-Triples grouped by patient, read in chunks of whole patients.

``cohort validate`` checks a bulk NDJSON file as the patient graph the FHIR reader
(:mod:`sarcoma_kg.patients.fhir`) makes of it. A file written patient by patient (each Patient line
followed by the resources that name it, as ``cohort generate --format ndjson`` writes it) is cut just
before a Patient line into chunks of about :data:`CHUNK_PATIENTS` patients; worker processes check each
chunk's resources with the R4B models and map them (the costly part), and the main process writes the
chunks' N-Triples in file order, so memory is bounded by the chunks in flight. The result is the graph
the whole-file reader gives (a test compares them), with the same input errors (file, line, resource,
element) and report rows (logged in file order).

A file not written patient by patient (a resource whose Patient sits in another chunk, e.g. a bulk
export sorted by resource type) is read whole instead, as ``validate`` reads it (memory grows with the
file); :attr:`Converted.notes` says so. Resource ids are checked across the whole file, as the
whole-file reader checks them: a resource given twice is an input error, never two patients sharing
one node of the graph.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..errors import InputError
from ..patients import fhir

log = logging.getLogger(fhir.__name__)

#: Patients per chunk: large enough to amortise a task, small enough to keep a worker's graph small.
CHUNK_PATIENTS = 250
#: A line holding a Patient (a cut in a wrong place, e.g. before a contained Patient, is caught: the
#: file is then read whole).
_PATIENT_LINE = re.compile(r'"resourceType"\s*:\s*"Patient"')


@dataclass
class Block:
    """Consecutive lines of the file: whole patients (unless the file is not written patient by patient)."""

    first_line: int
    lines: list[str]
    end_offset: int


@dataclass
class BlockOutput:
    ntriples: str = ""
    patients: dict[str, int] = field(default_factory=dict)   # Patient id -> line
    keys: dict[str, int] = field(default_factory=dict)       # type/id of every other resource -> line
    unmapped: list[fhir.Unmapped] = field(default_factory=list)
    grouped: bool = True


@dataclass
class Converted:
    patients: int = 0
    unmapped: int = 0
    grouped: bool = True
    notes: list[str] = field(default_factory=list)


def iter_blocks(path: Path, chunk_patients: int = CHUNK_PATIENTS) -> Iterator[Block]:
    """The file's lines in blocks cut just before a Patient line, each holding ``chunk_patients``
    Patients (the last one fewer)."""
    lines: list[str] = []
    first, patients, offset = 1, 0, 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            offset += len(raw)
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{number}: not UTF-8 text ({exc.reason} at byte {exc.start} of the line)") from None
            if _PATIENT_LINE.search(line):
                if patients == chunk_patients:
                    yield Block(first, lines, offset - len(raw))
                    lines, first, patients = [], number, 0
                patients += 1
            lines.append(line)
    if lines:
        yield Block(first, lines, offset)


def _patient_keys(found) -> set[str]:
    return {res.key for res in found if res.data["resourceType"] == "Patient"}


def _grouped(found) -> bool:
    """Whether every resource that names a Patient names one of the block's own."""
    own = _patient_keys(found)
    for res in found:
        ref = (res.data.get("subject") or res.data.get("patient") or {}).get("reference") or ""
        key = "/".join(ref.rstrip("/").split("/")[-2:])
        if key.startswith("Patient/") and key not in own:
            return False
    return True


def convert_block(path: Path, block: Block) -> BlockOutput:
    """One block's N-Triples and report rows (runs in the worker processes); raises InputError."""
    path = Path(path)
    numbered = enumerate((line.rstrip("\r\n") for line in block.lines), start=block.first_line)
    found = fhir.ndjson_resources(path, numbered)
    if not _grouped(found):
        return BlockOutput(grouped=False)
    fhir.check_resources(path, found)
    graph = fhir.map_resources(path, found, log_rows=False)
    patients = {res.data["id"]: res.line for res in found if res.data["resourceType"] == "Patient"}
    keys = {res.key: res.line for res in found if "id" in res.data and res.data["resourceType"] != "Patient"}
    return BlockOutput(fhir.patient_ntriples(graph), patients, keys, graph.unmapped)


def _outputs(path: Path, workers: int, chunk_patients: int) -> Iterator[tuple[Block, BlockOutput]]:
    blocks = iter_blocks(path, chunk_patients)
    if workers <= 1:
        for block in blocks:
            yield block, convert_block(path, block)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for block in blocks:
            pending.append((block, pool.apply_async(convert_block, (path, block))))
            while len(pending) >= 2 * workers:
                block_, result = pending.popleft()
                yield block_, result.get()
        while pending:
            block_, result = pending.popleft()
            yield block_, result.get()


def convert(path: Path | str, out: Path, workers: int = 2, chunk_patients: int = CHUNK_PATIENTS,
            progress: Callable[[int, int], None] | None = None) -> Converted:
    """Write the patient graph of the NDJSON file ``path`` to ``out`` as N-Triples grouped by patient,
    reading it in chunks of whole patients on ``workers`` processes. Raise InputError (file, line,
    resource, element) for the first resource that cannot be read, as the whole-file reader does."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    result, seen = Converted(), {}
    total = max(path.stat().st_size, 1)
    outputs = _outputs(path, workers, chunk_patients)
    try:
        with open(out, "w", encoding="utf-8") as handle:
            for block, output in outputs:
                if not output.grouped:
                    break
                _add(path, block, output, result, seen, handle)
                if progress:
                    progress(block.end_offset, total)
            else:
                return result
    finally:
        outputs.close()  # stops the worker processes when the file is read whole instead
    return _whole(path, out)


def _add(path: Path, block: Block, output: BlockOutput, result: Converted, seen: dict, handle) -> None:
    """One block's output into the file, its report rows into the log (in file order)."""
    for pid, line in output.patients.items():
        if pid in seen:
            raise InputError(f"{path}:{line}: Patient/{pid}: id: Patient/{pid} is given twice in the file "
                             f"(first at line {seen[pid]})")
        seen[pid] = line
    for key, line in output.keys.items():
        if key in seen:
            raise InputError(f"{path}:{line}: {key}: id: {key} is given twice in the file (first at line {seen[key]})")
        seen[key] = line
    for row in output.unmapped:
        log.warning("%s", row)
    handle.write(output.ntriples)
    result.patients += len(output.patients)
    result.unmapped += len(output.unmapped)


def _whole(path: Path, out: Path) -> Converted:
    """The file read whole, as ``validate`` reads it (a file not written patient by patient)."""
    graph = fhir.write_cohort(path, out)
    note = (f"{path}: not written patient by patient (a resource's Patient is in another part of the file), "
            "so it was read whole: memory grows with the file (write each Patient followed by its "
            "resources, as `cohort generate --format ndjson` does, to read it in chunks)")
    return Converted(len(set(graph.subjects(fhir.RDF.type, fhir.SKG.Patient))), len(graph.unmapped), False, [note])

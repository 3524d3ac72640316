"""``sarcoma-kg cohort generate``, ``cohort validate`` and ``cohort recommend``: registry-scale cohorts."""

from __future__ import annotations

import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import EXIT_INPUT, EXIT_NONCONFORMANT, EXIT_OK, InputError
from .common import EPILOG, reports_errors


@click.group("cohort", epilog=EPILOG)
def cohort_group() -> None:
    """Registry-scale cohorts: generate synthetic ones, validate them and match them to every recommendation."""


@cohort_group.command("generate", epilog=EPILOG)
@click.argument("n", type=click.IntRange(min=1))
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same bytes).")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "ndjson"]), default="ttl", show_default=True,
              help="Turtle, N-Triples, or FHIR R4 mCODE bulk NDJSON (one resource per line, each Patient "
                   "followed by its resources; facts mCODE has no element for are left out: docs/cohorts.md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Cohort file; the ground truth goes to OUTPUT.truth.json.")
@reports_errors
def cohort_generate_command(n: int, seed: int, fmt: str, output: Path) -> None:
    """Write a synthetic cohort of N patients, grouped by patient, with known defects."""
    from ..cohort.synthetic import generate

    result = generate(n, output, seed=seed, fmt=fmt)
    size = f"{result.resources} FHIR resources" if fmt == "ndjson" else f"{result.triples} triples"
    click.echo(f"{result.patients} patients, {size} -> {result.path} (ground truth: {result.truth_path})", err=True)


@contextmanager
def progress_over(files: Path | list[Path], label: str):
    """A progress bar on stderr as long as the bytes of ``files`` (the files of a folder counted);
    yields the callback the runs call with (done, total) in units of their own: the bar moves to
    the same fraction of its length."""
    paths = [files] if isinstance(files, Path) else files
    length = max(sum(_size(p) for p in paths), 1)
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            at = done * length // max(total, 1)
            bar.update(at - state["done"])
            state["done"] = at

        yield progress


def _size(path: Path) -> int:
    """The bytes of a file, or of the files under a folder (0 for what does not exist)."""
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size if path.exists() else 0


def _fhir_as_ntriples(file: Path, tmp: Path, workers: int) -> tuple[Path, list[str]]:
    """A FHIR file as the N-Triples of its patient graph, grouped by patient (bulk NDJSON read in
    chunks of whole patients on the workers, a Bundle whole); any other file as it is."""
    suffix = file.suffix.lower()
    if suffix not in (".json", ".ndjson"):
        return file, []
    converted = tmp / f"{file.stem}.nt"
    if suffix == ".ndjson":
        from ..cohort.ndjson import convert

        with progress_over(file, "reading FHIR") as progress:
            return converted, convert(file, converted, workers=workers, progress=progress).notes
    from ..patients.fhir import write_cohort

    write_cohort(file, converted)
    return converted, []


def run_cohort_validation(file: Path, output: Path | None, fmt: str, workers: int, results: Path | None,
                          shapes_files: tuple[Path, ...] = (), record_class: str | None = None,
                          whole_file: bool = False) -> None:
    """Shared by `cohort validate` and `validate --cohort`: progress and summary on stderr."""
    from ..cohort.compiler import UnsupportedShape, load_shapes
    from ..cohort.run import PATIENT, validate_cohort, write_summary
    from ..rdf import load

    shapes = None
    if shapes_files:
        load(shapes_files)  # malformed Turtle: InputError naming file and line
        shapes = load_shapes(shapes_files)  # the same graph, literals as written

    with tempfile.TemporaryDirectory() as tmp:
        checked, fhir_notes = _fhir_as_ntriples(file, Path(tmp), workers)
        with progress_over(checked, "validating") as progress:
            target = output if output is not None else Path(tmp) / f"verdicts.{fmt}"
            try:
                result = validate_cohort(checked, out=target, fmt=fmt, workers=workers, progress=progress,
                                         results_out=results, shapes=shapes,
                                         record_class=None if whole_file else (record_class or PATIENT).strip("<>"))
            except UnsupportedShape as exc:  # raised while compiling, before any chunk is read
                where = ", ".join(map(str, shapes_files)) if shapes_files else "shapes/patient-*.ttl"
                raise InputError(f"{where}: the cohort path cannot compile {exc}") from exc
            if output is None:
                with open(target, encoding="utf-8") as fh:
                    shutil.copyfileobj(fh, sys.stdout)
    result.notes.extend(fhir_notes)
    click.echo(write_summary(result), err=True, nl=False)
    if result.focus_nodes == 0:
        raise InputError(f"{file}: no node of the file is a focus node of the shapes: nothing was validated")
    for message in result.input_errors:
        click.echo(f"error: {message}", err=True)
    if result.input_errors:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_OK if result.conforms else EXIT_NONCONFORMANT)


@cohort_group.command("validate", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Verdict table (one row per patient × definition); stdout when absent. "
                   "Written to a temporary file and renamed: complete or absent.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes that parse and check chunks of whole patients.")
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every SHACL result (focus, source shape, severity, ...) as CSV.")
@click.option("--shapes", "shapes_files", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="Check against these SHACL files instead of shapes/patient-*.ttl (repeatable). "
                   "Criteria of a kind no given shape evaluates come out as unknown.")
@click.option("--record-class", default=None, metavar="IRI",
              help="The class whose instances each start a record: the file is checked record by "
                   "record [default: skg:Patient].")
@click.option("--whole-file", is_flag=True,
              help="Check the whole file at once (no records: memory grows with the file).")
@reports_errors
def cohort_validate_command(file: Path, output: Path | None, fmt: str, workers: int, results: Path | None,
                            shapes_files: tuple[Path, ...], record_class: str | None, whole_file: bool) -> None:
    """Check a cohort (Turtle or N-Triples; fastest grouped by patient, as `cohort generate` writes
    it; FHIR R4 mCODE bulk NDJSON, read in chunks of whole patients on the workers when each Patient
    line is followed by its resources, as `cohort generate --format ndjson` writes it; a Bundle, a
    tumour-board CSV or another patient file is read as `validate` reads it) against the patient
    shapes and every definition; exit 1 when any sh:Violation
    is found, 2 when nothing was checked (no focus node, or no skg:Patient for the project's shapes)
    or the file states something a patient record may not say (reported, ignored for every verdict)."""
    if record_class is not None and whole_file:
        raise click.UsageError("give either --record-class or --whole-file")
    run_cohort_validation(file, output, fmt, workers, results, shapes_files, record_class, whole_file)


@cohort_group.command("recommend", epilog=EPILOG)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="One row per patient × recommendation (applies, to confirm, does not apply, with the "
                   "reason and the conditions left to confirm); stdout when absent. Written to a temporary "
                   "file and renamed: complete or absent.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Worker processes that match chunks of whole patients.")
@reports_errors
def cohort_recommend_command(file: Path, output: Path | None, fmt: str, workers: int) -> None:
    """Match every patient of a cohort (the files `cohort validate` takes: Turtle or N-Triples, read
    in chunks of whole patients when each is written as one block, as `cohort generate` writes it;
    FHIR R4 mCODE bulk NDJSON or a Bundle; a tumour-board CSV or another patient file, read as
    `validate` reads it) to every recommendation with the compiled classifier; a summary per
    recommendation goes to stderr. Exit 1 when some patient could not be classified (an error row
    names why), 2 for malformed input, a file without any skg:Patient, or records left out (they do
    not parse, or state something a patient record may not say: reported, the others matched)."""
    from ..cohort.matching import recommend_cohort, write_summary

    with tempfile.TemporaryDirectory() as tmp:
        matched, notes = _fhir_as_ntriples(file, Path(tmp), workers)
        with progress_over(matched, "matching") as progress:
            target = output if output is not None else Path(tmp) / f"recommendations.{fmt}"
            result = recommend_cohort(matched, out=target, fmt=fmt, workers=workers, progress=progress)
            if output is None:
                with open(target, encoding="utf-8") as fh:
                    shutil.copyfileobj(fh, sys.stdout)
    result.notes[:0] = notes
    click.echo(write_summary(result), err=True, nl=False)
    for message in result.input_errors:
        click.echo(f"error: {message}", err=True)
    if result.input_errors:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_NONCONFORMANT if result.errors else EXIT_OK)

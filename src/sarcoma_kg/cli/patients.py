"""``sarcoma-kg validate``: patient data against the shapes and every definition."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cohort import run_cohort_validation
from .common import reports_errors, write_output


@click.command("validate", epilog=(
    "Exit codes: 0 every input is valid (whatever the verdicts; warnings allowed); 1 a data "
    "violation exists; 2 an input file is unreadable or malformed (named with its line; the other "
    "files are still validated and reported)."))
@click.argument("patient_files", nargs=-1, required=False, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "ttl", "csv", "jsonl"]), default=None,
              help="table (default) for people; json (summary) or ttl (write-back RDF) for machines; "
                   "with --cohort: csv (default) or jsonl, one row per patient × definition.")
@click.option("--cohort", "cohort_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Validate a registry cohort (Turtle or N-Triples) on the fast path: compiled shapes, "
                   "chunks of whole patients, --workers processes; progress and summary on stderr.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The report (with --cohort: the verdict table), written to a temporary file and renamed: "
                   "the old file or the new complete one, never half of it; stdout when omitted.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="With --cohort: worker processes.")
@click.option("--engine", type=click.Choice(["compiled", "pyshacl"]), default="compiled", show_default=True,
              help="What runs the shapes: compiled (SHACL compiled to SPARQL, run by pyoxigraph) or pyshacl "
                   "(the reference, seconds per patient). Same findings and verdicts; input the compiled "
                   "engine cannot check exactly is refused, naming --engine pyshacl.")
@reports_errors
def validate_command(patient_files, fmt, cohort_file, output, workers, engine):
    """Check patient data (Turtle, N-Triples, JSON-LD or RDF/XML patient graphs, the
    tumour-board .csv with one row per lesion, or FHIR R4 mCODE: a Bundle .json or bulk .ndjson,
    whose unmapped elements are listed on stderr; a folder stands for the patient files under it)
    against the structural shapes and every definition of oligometastatic disease in the
    knowledge base.

    Per patient and definition: meets / does not meet (every failed criterion) / cannot tell
    (the missing facts) / meets at the strict bound / meets only at the lenient bound; plus
    lesion and organ-site counts and synchronous or metachronous timing (6-month rule).
    """
    if cohort_file is not None:
        if engine != "compiled":
            raise click.UsageError("--cohort runs the compiled engine only")
        if patient_files:
            raise click.UsageError("give either PATIENT files or --cohort FILE, not both")
        fmt = fmt or "csv"
        if fmt not in ("csv", "jsonl"):
            raise click.UsageError("--cohort writes csv or jsonl")
        if not cohort_file.exists():
            raise FileNotFoundError(f"{cohort_file}: file not found")
        run_cohort_validation(cohort_file, output, fmt, workers, None)
        return
    if not patient_files:
        raise click.UsageError("give at least one PATIENT file or folder, or --cohort FILE")
    fmt = fmt or "table"
    if fmt not in ("table", "json", "ttl"):
        raise click.UsageError("--format csv/jsonl goes with --cohort")
    from ..patients.validate import render_json, render_table, render_turtle, validate_paths
    from .cohort import progress_over

    with progress_over([Path(p) for p in patient_files], "validating") as progress:
        result = validate_paths(patient_files, engine=engine, progress=progress)
    for error in result.errors:
        click.echo(f"error: {error.message}", err=True)
    render = {"json": render_json, "ttl": render_turtle, "table": render_table}[fmt]
    if output is not None:
        write_output(output, render(result))
    else:
        click.echo(render(result), nl=False)
    sys.exit(result.exit_code)

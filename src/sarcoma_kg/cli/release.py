"""``sarcoma-kg build`` and ``sarcoma-kg summary``: the release."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import EPILOG, RELEASE_DIR_HELP, Steps, reports_errors, summary_text


@click.command("build", epilog=(
    "Exit codes: 0 the release was written; 1 a check failed (KB integrity violation, QC error, "
    "inconsistency or unsatisfiable class under the reasoner) and the release directory was left untouched; "
    "2 an ontology or KB file is malformed (file and line named)."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=RELEASE_DIR_HELP)
@click.option("--reasoner", "build_reasoner", type=click.Choice(["hermit", "pellet"]), default="hermit",
              show_default=True, help="Reasoner for the consistency check.")
@click.option("--format", "build_fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@reports_errors
def build_command(out, build_reasoner, build_fmt):
    """Check the ontology and knowledge base and write the versioned release into the release directory.

    Steps: assemble; KB integrity (SHACL); QC queries; OWL typing axioms of the studies;
    consistency under HermiT; then Turtle, N-Triples, JSON-LD and RDF/XML of the ontology alone
    and of ontology + knowledge base, manifest.json (sha256, triple counts, version IRI), and
    HTML pages of the ontology and the query catalogue. Two builds give identical bytes.
    """
    from ..release.build import build, read_manifest

    steps = Steps()
    result = build(out, reasoner=build_reasoner, report=steps)
    steps(f"done: {result.out_dir}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if build_fmt == "json":
        click.echo(json.dumps(read_manifest(result.out_dir), indent=2, ensure_ascii=False))
        return
    click.echo(f"sarcoma-kg {result.version} ({result.version_iri}) -> {result.out_dir}")
    for f in result.files:
        triples = f"{f.triples:>7} triples" if f.triples is not None else " " * 15
        click.echo(f"  {f.path:<30} {triples}  sha256 {f.sha256[:16]}…")
    click.echo(summary_text(result.summary))


@click.command("summary", epilog=EPILOG)
@click.option("--format", "summary_fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@reports_errors
def summary_command(summary_fmt):
    """Count what the graph holds: studies, outcome figures, recommendations, definitions,
    evidence lines, and terms per family and concept scheme (no checks, no files written)."""
    from ..rdf import knowledge_graph
    from ..release.build import summary

    counts = summary(knowledge_graph())
    if summary_fmt == "json":
        click.echo(json.dumps(counts, indent=2, ensure_ascii=False))
    else:
        click.echo(summary_text(counts))

"""``sarcoma-kg demo``: the main job on the examples, end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import resources
from ..errors import EXIT_INPUT, EXIT_OK
from .common import RELEASE_DIR_HELP, Steps, reports_errors, summary_text


def _heading(text: str) -> None:
    click.echo("")
    click.echo(text)
    click.echo("=" * len(text))


@click.command("demo", epilog=(
    "Exit codes: 0 every step ran (whatever the verdicts); 1 the build's checks failed or the "
    "reasoner could not run; 2 an example file is malformed."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=RELEASE_DIR_HELP)
@click.option("--patient", "patient_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Patient graph to classify and give recommendations for "
                   "[default: examples/edge-cases/liver-oligometastatic.ttl].")
@reports_errors
def demo_command(out, patient_file):
    """The main job, on the examples: build the release, validate the example patients against
    every definition of oligometastatic disease, classify them with HermiT, and list the
    recommendations that apply to one patient with the evidence behind them."""
    from ..patients.read import read_patients
    from ..patients.validate import render_table, validate_paths
    from ..rdf import knowledge_graph, ontology_graph
    from ..reasoning import reasoners, recommend, render
    from ..release.build import build

    _heading("1. build: integrity shapes, QC queries, HermiT consistency, release files")
    result = build(out, report=Steps())
    click.echo(f"sarcoma-kg {result.version} ({result.version_iri}) -> {result.out_dir}")
    for f in result.files:
        click.echo(f"  {f.path}")
    click.echo(summary_text(result.summary))

    _heading("2. validate: the example patients against every definition of oligometastatic disease")
    example_dirs = [str(resources.EXAMPLES_DIR / d) for d in ("edge-cases", "yevich2016", "hakime2013")]
    validation = validate_paths(example_dirs)
    for error in validation.errors:
        click.echo(f"error: {error.message}", err=True)
    click.echo(render_table(validation), nl=False)

    patient = patient_file or resources.EXAMPLES_DIR / "edge-cases" / "liver-oligometastatic.ttl"
    knowledge = knowledge_graph()
    terms = ontology_graph()
    data = recommend.with_verdicts(read_patients([patient]).graph, knowledge)
    _heading(f"3. classify (HermiT): {patient.name}")
    # one HermiT run serves both steps
    raw = reasoners.classify_patients(data, terms, "hermit", chunk_size=reasoners.DEFAULT_CHUNK_SIZE,
                                      workers=reasoners.DEFAULT_WORKERS)
    classification = recommend.classify(data, knowledge, terms, "hermit", raw)
    click.echo(render.classification_to_text(classification, "hermit"))
    _heading(f"4. recommend: {patient.name}")
    recommendations = recommend.recommend(data, knowledge, "hermit", terms, classification=raw)
    click.echo(render.recommendations_to_text(recommendations, "hermit"))
    click.echo("")
    click.echo("Next: `sarcoma-kg query --list`, `sarcoma-kg serve`, `sarcoma-kg validate --help`.")
    sys.exit(EXIT_INPUT if validation.errors else EXIT_OK)

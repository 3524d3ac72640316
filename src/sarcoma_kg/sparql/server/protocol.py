"""The SPARQL endpoints: SPARQL 1.1 Protocol, Update and Graph Store Protocol, the catalogue runner.

* Queries (https://www.w3.org/TR/sparql11-protocol/#query-operation): ``GET /query?query=``,
  ``POST`` as ``application/x-www-form-urlencoded`` or ``application/sparql-query``, with
  ``default-graph-uri`` / ``named-graph-uri`` for the dataset (and Oxigraph's
  ``union-default-graph``). The answer's format is negotiated (:mod:`.media`).
* Updates (https://www.w3.org/TR/sparql11-protocol/#update-operation): ``POST /update``, only on a
  writable server.
* Graph Store (https://www.w3.org/TR/sparql11-http-rdf-update/): ``GET``/``HEAD`` ``/store?default``,
  ``?graph=IRI`` or the whole dataset; ``PUT``/``POST``/``DELETE`` only on a writable server.
* ``GET /catalogue/NAME?param=value``: a catalogue query with its parameters bound as RDF terms
  (pyoxigraph substitutions), never pasted into the text.

``LOAD`` and ``SERVICE`` are refused (HTTP 403) unless the server was started with
``--allow-remote-fetch`` (:mod:`.guard`).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ... import __version__
from . import media, pages, urls
from .guard import fetching_keywords
from .state import ServerState, error

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _text(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"the {what} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


async def _operation(request: Request, name: str, direct_type: str) -> tuple[str, list[tuple[str, str]]]:
    """The query or update text and the other parameters of a protocol request (ValueError: 400)."""
    params = list(request.query_params.multi_items())
    direct = None
    if request.method == "POST":
        kind = _content_type(request)
        body = await request.body()
        if kind == direct_type:
            direct = _text(body, name)
        elif kind == FORM:
            params += parse_qsl(_text(body, "form"), keep_blank_values=True, max_num_fields=1000)
        else:
            raise TypeError(f"send the {name} as {FORM} or {direct_type}, not {kind or 'no Content-Type'}")
    given = [v for k, v in params if k == name]
    if direct is not None:
        if given:
            raise ValueError(f"the {name} is given both in the URL and in the body")
        given = [direct]
    if len(given) != 1:
        raise ValueError(f"give exactly one {name} (got {len(given)})")
    if not given[0].strip():
        raise ValueError(f"the {name} is empty")
    return given[0], params


def _refused_fetch(state: ServerState, text: str) -> Response | None:
    found = fetching_keywords(text)
    if found and not state.config.allow_remote_fetch:
        return error(403, f"{' and '.join(found)} would make the server fetch a URL; this server refuses "
                          "it (start it with --allow-remote-fetch to allow it)")
    return None


def _first(params, name):
    return next((v for k, v in params if k == name), None)


def _base(request: Request) -> str:
    return str(request.url.replace(query=""))


async def query(request: Request) -> Response:
    state: ServerState = request.app.state.server
    try:
        text, params = await _operation(request, "query", SPARQL_QUERY)
        accept = media.accept_for(_first(params, "format"), request.headers.get("accept"))
    except TypeError as exc:
        return error(415, str(exc))
    except (ValueError, KeyError) as exc:
        return error(400, str(exc) if not isinstance(exc, KeyError) else f"unknown format {exc}")
    refused = _refused_fetch(state, text)
    if refused:
        return refused
    default_graphs = [v for k, v in params if k == "default-graph-uri"]
    named_graphs = [v for k, v in params if k == "named-graph-uri"]
    union = any(k == "union-default-graph" for k, _ in params)
    if union and (default_graphs or named_graphs):
        return error(400, "union-default-graph cannot be combined with default-graph-uri or named-graph-uri")
    union = union or (state.config.union_default_graph and not (default_graphs or named_graphs))
    job = {"kind": "query", "text": text, "accept": accept, "default_graphs": default_graphs,
           "named_graphs": named_graphs, "union": union, "base_iri": _base(request),
           "max_bytes": state.limits.max_result_bytes}
    key = ("query", text, tuple(default_graphs), tuple(named_graphs), union, accept, job["base_iri"])
    return await state.answer(request, job, key, query=text)


async def update(request: Request) -> Response:
    state: ServerState = request.app.state.server
    if not state.config.writable:
        return error(403, "this server is read-only: updates are refused (start it with --writable)")
    try:
        text, params = await _operation(request, "update", SPARQL_UPDATE)
    except TypeError as exc:
        return error(415, str(exc))
    except ValueError as exc:
        return error(400, str(exc))
    if any(k in ("using-graph-uri", "using-named-graph-uri") for k, _ in params):
        return error(400, "using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
    refused = _refused_fetch(state, text)
    if refused:
        return refused
    reply = await state.dispatcher.write({"kind": "update", "text": text, "base_iri": _base(request)})
    return Response(status_code=204) if reply.ok else error(reply.status, reply.message, reply.headers)


async def store(request: Request) -> Response:
    state: ServerState = request.app.state.server
    params = request.query_params
    default = "default" in params
    graph = params.get("graph")
    if default and graph is not None:
        return error(400, "give either ?default or ?graph=IRI, not both")
    if request.method in ("GET", "HEAD"):
        try:
            accept = media.accept_for(params.get("format"), request.headers.get("accept"))
        except KeyError as exc:
            return error(400, f"unknown format {exc}")
        dataset = not default and graph is None
        job = {"kind": "graph", "graph": graph, "dataset": dataset, "accept": accept,
               "max_bytes": state.limits.max_result_bytes}
        return await state.answer(request, job, ("graph", graph, dataset, accept))
    if not state.config.writable:
        return error(403, "this server is read-only: Graph Store writes are refused (start it with --writable)")
    if not default and graph is None:
        return error(400, "name the graph to write: ?default or ?graph=IRI")
    data = await request.body() if request.method != "DELETE" else b""
    job = {"kind": "gsp", "method": request.method, "graph": graph, "data": data,
           "media_type": request.headers.get("content-type", ""), "base_iri": graph or _base(request)}
    reply = await state.dispatcher.write(job)
    if not reply.ok:
        return error(reply.status, reply.message, reply.headers)
    return Response(status_code=reply.payload.get("status", 204))


async def run_catalogue_query(request: Request) -> Response:
    from ...errors import InputError
    from ..query import make_term

    state: ServerState = request.app.state.server
    entry = state.catalogue().get(request.path_params["name"])  # names only: never a path on disk
    if entry is None:
        return error(404, f"no query named {request.path_params['name']!r} in the catalogue (see {urls.HOME})")
    bindings = {}
    try:
        for name, raw in request.query_params.multi_items():
            if name != "format":
                bindings[name] = _encode(make_term(entry.parameter(name), raw, f"parameter of {entry.name}:"))
        accept = media.accept_for(request.query_params.get("format"), request.headers.get("accept"))
    except InputError as exc:
        return error(400, str(exc))
    except KeyError as exc:
        return error(400, f"unknown format {exc}")
    missing = [p.name for p in entry.parameters if not p.optional and p.name not in bindings]
    if missing:
        return error(400, f"query {entry.name} needs the parameter(s) {', '.join(missing)}")
    job = {"kind": "query", "text": entry.text, "accept": accept, "bindings": bindings,
           "union": state.config.union_default_graph, "base_iri": _base(request),
           "max_bytes": state.limits.max_result_bytes}
    key = ("catalogue", entry.name, tuple(sorted(bindings.items())), accept)
    return await state.answer(request, job, key, query=entry.text)


def _encode(term) -> tuple:
    from rdflib import Literal

    if isinstance(term, Literal):
        return ("l", str(term), str(term.datatype) if term.datatype else None, term.language)
    return ("u", str(term))


async def home(request: Request) -> Response:
    state: ServerState = request.app.state.server
    return HTMLResponse(state.home_page(), headers=pages.HEADERS)


async def status(request: Request) -> Response:
    state: ServerState = request.app.state.server
    body = {"version": __version__, "writable": state.config.writable,
            "allow_remote_fetch": state.config.allow_remote_fetch,
            "union_default_graph": state.config.union_default_graph,
            "limits": state.limits.as_dict(), **state.dispatcher.status()}
    return JSONResponse(json.loads(json.dumps(body)))


ROUTES = [
    Route(urls.HOME, home, methods=["GET"]),
    Route(urls.QUERY, query, methods=["GET", "POST"]),
    Route(urls.UPDATE, update, methods=["POST"]),
    Route(urls.STORE, store, methods=["GET", "PUT", "POST", "DELETE"]),
    Route(urls.CATALOGUE + "{name:path}", run_catalogue_query, methods=["GET"]),
    Route(urls.STATUS, status, methods=["GET"]),
]

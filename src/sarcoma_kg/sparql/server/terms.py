"""Project IRIs resolve locally: ``GET /sarcoma-kg/PATH`` (or ``/term?iri=``) describes the term.

Content negotiation (RFC 9110 section 12.5.1) picks the representation: an HTML page for a
browser (label, definition, cross-references as links, superclasses and subclasses, every
fact with its related IRIs as links, the terms that refer to it), or the term's concise bounded
description as Turtle, N-Triples, RDF/XML or JSON-LD for an RDF client. A client that accepts
anything (``*/*``) gets Turtle. An IRI that is not in the graph is a 404; one outside the project
namespace too (its own publisher describes it). The page is built by a query worker, under the
server's limits, and cached per store version like any answer.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from . import media, pages, urls
from .dispatch import ClientGone
from .state import ServerState, error

#: Representations of a term, in the server's order of preference.
OFFERS = ("text/turtle", media.HTML, "application/n-triples", "application/rdf+xml", "application/ld+json")


async def describe(request: Request, iri: str) -> Response:
    state: ServerState = request.app.state.server
    if not urls.is_project_iri(iri):
        return error(404, f"<{iri}> is not a project IRI (they start with {urls.BASE})")
    try:
        accept = media.accept_for(request.query_params.get("format"), request.headers.get("accept"))
    except KeyError as exc:
        return error(400, f"unknown format {exc}")
    chosen = media.choose(accept, OFFERS)
    vary = {"Vary": "Accept"}
    if chosen is None:
        return error(406, "a term is described as " + ", ".join(OFFERS), vary)
    html = chosen == media.HTML
    job = {"kind": "term", "iri": iri, "format": "data" if html else chosen,
           "max_bytes": state.limits.max_result_bytes}
    try:
        reply = await state.read(request, job, ("term", iri, chosen))
    except ClientGone:
        return Response(status_code=499)
    if not reply.ok:
        return error(reply.status, reply.message, {**reply.headers, **vary})
    if html:
        return HTMLResponse(pages.term_page(reply.payload), headers={**pages.HEADERS, **vary})
    return Response(reply.payload["body"], media_type=chosen, headers=vary)


async def term_by_parameter(request: Request) -> Response:
    iri = request.query_params.get("iri")
    if not iri:
        return error(400, "give the IRI: /term?iri=https://w3id.org/sarcoma-kg/...")
    return await describe(request, iri)


async def term_by_path(request: Request) -> Response:
    return await describe(request, urls.iri_of_path(request.path_params["path"]))


ROUTES = [
    Route(urls.TERM, term_by_parameter, methods=["GET"]),
    Route(urls.TERMS + "{path:path}", term_by_path, methods=["GET"]),
]

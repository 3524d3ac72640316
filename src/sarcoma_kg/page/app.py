"""The tumour-board page as a Starlette application (:func:`create_app`), served by ``sarcoma-kg page``.

Routes: ``GET /`` the forms; ``POST /check`` one patient (form fields, URL-encoded: ``kind`` and ``text``, or
the small form's fields) → the answer page; ``GET /term/<curie>`` what the knowledge graph says about a term,
study or seed passage. A body over ``max_bytes`` is refused with 413 before it is read in full; an input
error is shown on the page as the CLI shows it (status 400). Nothing submitted is kept after the response.
"""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from ..errors import SarcomaKgError
from ..patients import shapes
from ..union import union
from . import check, html

DEFAULT_MAX_BYTES = 1 << 20


class TooLarge(Exception):
    pass


async def _body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _fields(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def create_app(max_bytes: int = DEFAULT_MAX_BYTES, reasoner: str = "compiled") -> Starlette:
    knowledge = shapes.knowledge_context()  # loaded once, before the first request
    quiet = logging.getLogger("sarcoma_kg.patients.fhir")  # its report rows quote the record: shown, not logged
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    everything = union(knowledge, check.terms_graph())

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(html.page("tumour board", html.forms(max_bytes)))

    async def submit(request: Request) -> HTMLResponse:
        try:
            fields = _fields(await _body(request, max_bytes))
        except TooLarge:
            message = f"the submission is larger than the limit of {max_bytes // 1024} KiB"
            return HTMLResponse(html.page("tumour board", html.errors_html([message]) + html.forms(max_bytes)), 413)
        kind = fields.get("kind", "csv")
        text = check.form_to_csv(fields) if kind == "form" else fields.get("text", "")
        name = f"{fields.get('patient_id') or 'form'}.csv" if kind == "form" else fields.get("name")
        try:
            answer = await run_in_threadpool(partial(check.check, text, "csv" if kind == "form" else kind, name,
                                                     reasoner))
        except SarcomaKgError as exc:
            answer = check.Answer(name=name or "", errors=[str(exc)])
        status = 400 if answer.errors and answer.validation is None else 200
        body = html.answer_html(answer, everything) + html.forms(max_bytes, text if kind != "form" else "",
                                                                 kind if kind != "form" else "csv")
        return HTMLResponse(html.page("tumour board", body), status)

    async def term(request: Request) -> HTMLResponse:
        name = request.path_params["name"]
        iri = html.iri(name)
        if iri is None or (iri, None, None) not in everything and (None, None, iri) not in everything:
            return HTMLResponse(html.page("unknown term", f'<div class="error">error: {name!r} is not a term of the '
                                          "knowledge graph</div>"), 404)
        from ..rdf import label

        return HTMLResponse(html.page(label(everything, iri), html.term_html(iri, everything)))

    return Starlette(routes=[Route("/", home), Route("/check", submit, methods=["POST"]),
                             Route("/term/{name:path}", term)])

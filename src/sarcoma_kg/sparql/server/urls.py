"""The URL scheme of ``sarcoma-kg serve``, in one place: the server's routes and every link to them.

Routes (all relative to the server's root, ``http://127.0.0.1:7878`` by default):

* ``/``                       the query page (a form, the catalogue, the limits);
* ``/query``                  SPARQL 1.1 Protocol queries (GET, POST);
* ``/update``                 SPARQL 1.1 Update (POST; only on a server started ``--writable``);
* ``/store``                  SPARQL 1.1 Graph Store Protocol (``?default``, ``?graph=IRI``;
                              writes only on a writable server);
* ``/catalogue/NAME``         run catalogue query NAME, its parameters given as URL parameters
                              (``?histology=skg:Leiomyosarcoma``) and bound as RDF terms;
* ``/sarcoma-kg/PATH``        the page of the project IRI ``https://w3id.org/sarcoma-kg/PATH``
                              (the path mirrors the w3id one), HTML or RDF by content negotiation;
* ``/term?iri=IRI``           the same page, the IRI given as a (percent-encoded) parameter;
* ``/status``                 the limits and the state of the query workers, as JSON.

Documentation pages link to terms with :func:`term_url` and to runnable queries with
:func:`query_url` / :func:`catalogue_url`; the server routes with the constants below.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ...namespaces import BASE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878

HOME = "/"
QUERY = "/query"
UPDATE = "/update"
STORE = "/store"
STATUS = "/status"
TERM = "/term"
CATALOGUE = "/catalogue/"
#: Project IRIs ``https://w3id.org/sarcoma-kg/PATH`` are served at ``/sarcoma-kg/PATH``.
TERMS = "/sarcoma-kg/"

# RFC 3987 ipchar without the percent sign: what a path may keep unencoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def local_root(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """``http://HOST:PORT``, the root of a local server."""
    return f"http://{host}:{port}"


def is_project_iri(iri: str) -> bool:
    """True for IRIs in the project namespace (``https://w3id.org/sarcoma-kg/...``)."""
    return iri.startswith(BASE) and len(iri) > len(BASE)


def term_path(iri: str) -> str:
    """The server path of ``iri``'s page: ``/sarcoma-kg/PATH`` for a project IRI, else ``/term?iri=``."""
    if is_project_iri(iri):
        return TERMS + quote(iri[len(BASE):], safe=_PATH_SAFE)
    return TERM + "?" + urlencode({"iri": iri})


def term_url(iri: str, root: str = local_root()) -> str:
    """The full URL of ``iri``'s page on the server at ``root``."""
    return root.rstrip("/") + term_path(iri)


def iri_of_path(path: str) -> str:
    """The project IRI a ``/sarcoma-kg/PATH`` route stands for (``path`` is the part after it, decoded)."""
    return BASE + path


def query_url(text: str, root: str = local_root()) -> str:
    """A GET URL that runs the SPARQL query ``text`` on the server at ``root``."""
    return root.rstrip("/") + QUERY + "?" + urlencode({"query": text})


def catalogue_url(name: str, params: dict[str, str] | None = None, root: str = local_root()) -> str:
    """A GET URL that runs catalogue query ``name`` with ``params`` (``{"rec": "rec:IAC-12.1"}``)."""
    url = root.rstrip("/") + CATALOGUE + quote(name, safe="/")
    return url + ("?" + urlencode(params) if params else "")

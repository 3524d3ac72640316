"""Push the release into any SPARQL 1.1 store through the Graph Store Protocol.

``load(endpoint)`` sends ``dist/sarcoma-kg.nt`` (N-Triples: every store accepts it) with HTTP
``PUT`` (replace the graph) or ``POST`` (add to it) to ``endpoint?default`` or
``endpoint?graph=IRI`` (https://www.w3.org/TR/sparql11-http-rdf-update/). Endpoints: Oxigraph
``/store``, Fuseki ``/DATASET/data``, GraphDB ``/repositories/REPO/rdf-graphs/service``,
Virtuoso ``/sparql-graph-crud``, Blazegraph ``/bigdata/namespace/NS/sparql`` (no GSP: use its
bulk loader on the .nt file).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError
from ..release.build import release_files

MEDIA_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle", ".owl": "application/rdf+xml",
               ".jsonld": "application/ld+json"}


@dataclass
class LoadResult:
    url: str
    method: str
    status: int
    bytes: int
    graph: str | None


def gsp_url(endpoint: str, graph: str | None) -> str:
    """``endpoint?default`` or ``endpoint?graph=<IRI, percent-encoded>`` (keeping other query args)."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LoadError(f"not an http(s) Graph Store Protocol endpoint: {endpoint!r}")
    extra = "graph=" + urllib.parse.quote(graph, safe="") if graph else "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def load(endpoint: str, graph: str | None = None, release_dir: Path | str | None = None,
         file: Path | str | None = None, replace: bool = True, timeout: float = 300) -> LoadResult:
    """PUT (``replace``) or POST the release N-Triples (or ``file``) into ``graph`` at ``endpoint``."""
    path = Path(file) if file else release_files(release_dir, "full", "nt")
    if not path.exists():
        raise LoadError(f"{path}: file not found")
    media = MEDIA_TYPES.get(path.suffix.lower())
    if media is None:
        raise LoadError(f"{path}: unknown RDF format (use .nt, .ttl, .owl or .jsonld)")
    data = path.read_bytes()
    url = gsp_url(endpoint, graph)
    method = "PUT" if replace else "POST"
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": media})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip()[:300]
        raise LoadError(f"{method} {url} failed: HTTP {exc.code} {exc.reason}: {body}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise LoadError(f"{method} {url} failed: {exc}") from exc
    return LoadResult(url, method, status, len(data), graph)

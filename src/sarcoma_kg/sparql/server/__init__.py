"""``sarcoma-kg serve``: a SPARQL 1.1 endpoint over the release, backed by Oxigraph, that keeps
its limits whoever asks.

The modules, in the order a request meets them:

* :mod:`.process`  – ``start()`` loads the store (:mod:`.store`) and runs the server process;
* :mod:`.app`      – that process: Starlette on uvicorn, 127.0.0.1, a request-size limit;
* :mod:`.protocol` – SPARQL 1.1 Protocol, Update, Graph Store Protocol, the catalogue runner;
* :mod:`.terms`    – project IRIs resolved with content negotiation (HTML or RDF);
* :mod:`.dispatch` – the queue, the answer cache, the client's presence;
* :mod:`.pool`     – the query worker processes and the limits that end them;
* :mod:`.worker`   – a worker: pyoxigraph over the store, read-only (or the one writer);
* :mod:`.guard`    – ``LOAD`` and ``SERVICE``, refused unless allowed;
* :mod:`.media`, :mod:`.pages`, :mod:`.urls`, :mod:`.limits`, :mod:`.config` – formats, HTML,
  the URL scheme, the limits and the configuration.
"""

from importlib import import_module

#: Public names, and the module each lives in. They are imported on first use, so that a query
#: worker (which imports :mod:`.worker` from this package) starts without the server's imports.
_EXPORTS = {
    "Limits": "limits", "Server": "process", "start": "process", "PATIENT_GRAPH_BASE": "store",
    "free_port": "store", "load_store": "store", "oxigraph_executable": "store", "patient_graph_iri": "store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

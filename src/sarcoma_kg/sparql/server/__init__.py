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

from .limits import Limits
from .process import Server, start
from .store import PATIENT_GRAPH_BASE, free_port, load_store, oxigraph_executable, patient_graph_iri

__all__ = ["Limits", "PATIENT_GRAPH_BASE", "Server", "free_port", "load_store", "oxigraph_executable",
           "patient_graph_iri", "start"]

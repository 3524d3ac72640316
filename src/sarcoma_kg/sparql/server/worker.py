"""A query worker: one process that evaluates one job at a time over the Oxigraph store.

Readers open the store read-only (``pyoxigraph.Store.read_only``; a store of at most
``in_memory_bytes`` on disk is copied into the worker's memory, where Oxigraph evaluates the
catalogue 3 to 8 times faster) and answer queries, Graph Store reads and term descriptions; the one writer of a ``--writable`` server opens it read-write,
applies SPARQL Update and Graph Store writes, and after each write leaves a snapshot
(``Store.backup``: a RocksDB checkpoint, hard links) that the readers switch to on their next job.

A worker is a separate process so that the front can end a query at any moment by killing it:
the evaluation stops, and every byte the query held goes back to the system with the process.
The worker serialises an answer into a buffer that refuses to grow past ``max_bytes``, so an
answer over the limit is abandoned as soon as it reaches it.

Jobs and replies are plain Python values sent over a ``multiprocessing`` pipe. A reply is
``("ok", payload)`` or ``("error", http_status, message)``. RDF terms travel as tuples:
``("u", iri)``, ``("b", id)``, ``("l", lexical, datatype, language)``.

This module imports only pyoxigraph and the standard library, so a worker starts in a few
milliseconds from the fork server.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import resource
import signal

import pyoxigraph as ox

from . import media

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: At most this many triples of a term page, in each direction (the page says how many more).
TERM_TRIPLES = 500
#: Functions a ``call`` job may run: only the package's own.
CALLABLE_PACKAGE = "sarcoma_kg."


class JobError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class TooLarge(OSError):
    pass


class Bounded:
    """A binary sink that refuses to hold more than ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self.over = False

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            self.over = True
            raise TooLarge(f"more than {self.limit} bytes")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _too_large(limit: int) -> JobError:
    return JobError(422, f"the answer is larger than the server's limit of {limit / 1048576:g} MiB; "
                         "bind the query's parameters, select fewer columns or add LIMIT")


def _serialize(write, limit: int) -> bytes:
    out = Bounded(limit)
    try:
        write(out)
    except (OSError, RuntimeError, ValueError) as exc:
        if out.over:
            raise _too_large(limit) from None
        raise JobError(500, f"the query failed during evaluation: {exc}") from None
    return out.getvalue()


# --- terms -------------------------------------------------------------------------------------

def encode(term):
    if isinstance(term, ox.NamedNode):
        return ("u", term.value)
    if isinstance(term, ox.BlankNode):
        return ("b", term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else None
        return ("l", term.value, None if dt == XSD_STRING else dt, term.language)
    return ("u", str(term))


def decode(value):
    """An ``("u", iri)`` / ``("l", lexical, datatype, language)`` tuple as a pyoxigraph term."""
    kind = value[0]
    if kind == "u":
        return ox.NamedNode(value[1])
    if kind == "l":
        _, lexical, datatype, language = (tuple(value) + (None, None))[:4]
        if language:
            return ox.Literal(lexical, language=language)
        if datatype:
            return ox.Literal(lexical, datatype=ox.NamedNode(datatype))
        return ox.Literal(lexical)
    raise JobError(400, f"a parameter must be an IRI or a literal, not {kind!r}")


def _graph_term(iri: str | None):
    if iri is None:
        return ox.DefaultGraph()
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise JobError(400, f"not a valid graph IRI: {iri!r} ({exc})") from None


def _named(iris) -> list:
    try:
        return [ox.NamedNode(i) for i in iris]
    except ValueError as exc:
        raise JobError(400, f"not a valid graph IRI: {exc}") from None


# --- jobs of readers ---------------------------------------------------------------------------

def run_query(store, job, settings):
    """A SPARQL query; the answer serialised in the format the client accepts."""
    kwargs = {}
    if job.get("default_graphs") or job.get("named_graphs"):
        if job.get("default_graphs"):
            kwargs["default_graph"] = _named(job["default_graphs"])
        if job.get("named_graphs"):
            kwargs["named_graphs"] = _named(job["named_graphs"])
    elif job.get("union"):
        kwargs["use_default_graph_as_union"] = True
    subs = {ox.Variable(name): decode(value) for name, value in (job.get("bindings") or {}).items()}
    try:
        result = store.query(job["text"], base_iri=job.get("base_iri"), substitutions=subs or None, **kwargs)
    except SyntaxError as exc:
        raise JobError(400, f"invalid SPARQL query: {exc}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise JobError(400, f"the query cannot be evaluated: {exc}") from None
    limit = job["max_bytes"]
    graph = isinstance(result, ox.QueryTriples)
    offers = (media.GRAPHS if graph else media.RESULTS) + (media.HTML,)
    chosen = media.choose(job.get("accept"), offers)
    if chosen is None:
        raise JobError(406, "none of the accepted media types can hold this answer; the server writes "
                            + ", ".join(offers))
    html = chosen == media.HTML
    written = (media.GRAPHS[0] if graph else media.RESULTS[0]) if html else chosen
    if graph:
        fmt = ox.RdfFormat.from_media_type(written)
        body = _serialize(lambda out: ox.serialize(result, out, fmt, prefixes=settings.get("prefixes")), limit)
        form = "graph"
    else:
        fmt = ox.QueryResultsFormat.from_media_type(written)
        body = _serialize(lambda out: result.serialize(out, fmt), limit)
        form = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
    return {"body": body, "media_type": written, "html": html, "form": form}


def read_graph(store, job, settings):
    """A Graph Store Protocol read: one graph (``graph``: an IRI, or None for the default
    graph) or, with ``dataset``, every graph."""
    limit = job["max_bytes"]
    if job.get("dataset"):
        chosen = media.choose(job.get("accept"), media.DATASETS)
        if chosen is None:
            raise JobError(406, "the dataset is written as " + ", ".join(media.DATASETS))
        fmt = ox.RdfFormat.from_media_type(chosen)
        return {"body": _serialize(lambda out: store.dump(out, fmt), limit), "media_type": chosen}
    target = _graph_term(job.get("graph"))
    if isinstance(target, ox.NamedNode) and not store.contains_named_graph(target):
        raise JobError(404, f"no graph <{target.value}> in the store")
    chosen = media.choose(job.get("accept"), media.GRAPHS)
    if chosen is None:
        raise JobError(406, "a graph is written as " + ", ".join(media.GRAPHS))
    fmt = ox.RdfFormat.from_media_type(chosen)
    triples = (q.triple for q in store.quads_for_pattern(None, None, None, target))
    if fmt.supports_datasets:
        triples = store.quads_for_pattern(None, None, None, target)
    body = _serialize(lambda out: ox.serialize(triples, out, fmt, prefixes=settings.get("prefixes")), limit)
    return {"body": body, "media_type": chosen}


def _outgoing(store, subject, limit):
    seen, rows = set(), []
    for quad in store.quads_for_pattern(subject, None, None, None):
        key = (quad.predicate, quad.object)
        if key not in seen:
            seen.add(key)
            rows.append(key)
            if len(rows) >= limit:
                break
    return rows


def _description(store, iri: str):
    """The term's concise bounded description: its triples and, recursively, those of the
    blank nodes they reach (OWL restrictions, lists)."""
    node = ox.NamedNode(iri)
    out = _outgoing(store, node, TERM_TRIPLES)
    bnodes, todo, budget = {}, [o for _, o in out if isinstance(o, ox.BlankNode)], TERM_TRIPLES
    while todo and budget > 0:
        b = todo.pop()
        if b.value in bnodes:
            continue
        rows = _outgoing(store, b, budget)
        budget -= len(rows)
        bnodes[b.value] = rows
        todo.extend(o for _, o in rows if isinstance(o, ox.BlankNode))
    return node, out, bnodes


def _label(store, term) -> str | None:
    best = None
    for predicate in (RDFS_LABEL, SKOS_PREF_LABEL):
        for quad in store.quads_for_pattern(term, ox.NamedNode(predicate), None, None):
            lang = getattr(quad.object, "language", None)
            if lang == "en":
                return quad.object.value
            if best is None or not lang:
                best = quad.object.value
        if best is not None:
            return best
    return best


def describe_term(store, job, settings):
    """A project IRI: its description as data for the HTML page, or as RDF (``format`` a media type)."""
    iri = job["iri"]
    try:
        node, out, bnodes = _description(store, iri)
    except ValueError as exc:
        raise JobError(400, f"not a valid IRI: {iri!r} ({exc})") from None
    incoming, more = [], 0
    seen = set()
    for quad in store.quads_for_pattern(None, None, node, None):
        key = (quad.subject, quad.predicate)
        if key in seen:
            continue
        seen.add(key)
        if len(incoming) < TERM_TRIPLES:
            incoming.append(key)
        else:
            more += 1
    if not out and not incoming:
        raise JobError(404, f"<{iri}> is not in the knowledge graph")
    if job.get("format") != "data":
        fmt = ox.RdfFormat.from_media_type(job["format"])
        triples = [ox.Triple(node, p, o) for p, o in out]
        triples += [ox.Triple(ox.BlankNode(b), p, o) for b, rows in bnodes.items() for p, o in rows]
        body = _serialize(lambda sink: ox.serialize(triples, sink, fmt, prefixes=settings.get("prefixes")),
                          job["max_bytes"])
        return {"body": body, "media_type": job["format"]}
    named = {iri} | {t.value for pair in out + incoming for t in pair if isinstance(t, ox.NamedNode)}
    named |= {t.value for rows in bnodes.values() for pair in rows for t in pair if isinstance(t, ox.NamedNode)}
    labels = {}
    for value in sorted(named):
        found = _label(store, ox.NamedNode(value))
        if found is not None:
            labels[value] = found
    return {
        "iri": iri,
        "out": [(encode(p), encode(o)) for p, o in out],
        "in": [(encode(s), encode(p)) for s, p in incoming],
        "in_more": more,
        "bnodes": {b: [(encode(p), encode(o)) for p, o in rows] for b, rows in bnodes.items()},
        "labels": labels,
    }


def call(store, job, settings):
    """Run a function of the package (``module:function``) with the store and ``payload``: how
    a page does heavy work under the same limits as a query."""
    target = job["function"]
    module_name, _, attr = target.partition(":")
    if not module_name.startswith(CALLABLE_PACKAGE) or not attr:
        raise JobError(500, f"{target!r} is not a function of the package")
    function = getattr(importlib.import_module(module_name), attr)
    return function(store, **(job.get("payload") or {}))


def store_size(store) -> int:
    """The number of quads in the store (the status page)."""
    return len(store)


# --- jobs of the writer ------------------------------------------------------------------------

def _rdf_format(media_type: str):
    fmt = ox.RdfFormat.from_media_type(media_type.split(";")[0].strip()) if media_type else None
    if fmt is None:
        raise JobError(415, f"cannot read {media_type or 'data without a Content-Type'}; send one of "
                            + ", ".join(media.GRAPHS))
    return fmt


def update(store, job, settings):
    try:
        store.update(job["text"], base_iri=job.get("base_iri"))
    except SyntaxError as exc:
        raise JobError(400, f"invalid SPARQL update: {exc}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise JobError(400, f"the update failed: {exc}") from None
    return {"status": 204}


def write_graph(store, job, settings):
    """A Graph Store Protocol write: ``PUT`` replaces the graph, ``POST`` adds to it, ``DELETE``
    removes it. The data is parsed whole before the store is touched."""
    method, target = job["method"], _graph_term(job.get("graph"))
    named = isinstance(target, ox.NamedNode)
    existed = store.contains_named_graph(target) if named else True
    if method == "DELETE":
        if not existed:
            raise JobError(404, f"no graph <{target.value}> in the store")
        if named:
            store.remove_graph(target)
        else:
            store.clear_graph(target)
        return {"status": 204}
    fmt = _rdf_format(job.get("media_type", ""))
    try:
        quads = [ox.Quad(q.subject, q.predicate, q.object, target)
                 for q in ox.parse(job["data"], fmt, base_iri=job.get("base_iri"))]
    except SyntaxError as exc:
        raise JobError(400, f"the {fmt.name} data cannot be read: {exc}") from None
    except (ValueError, OSError) as exc:
        raise JobError(400, f"the data cannot be read: {exc}") from None
    if method == "PUT" and existed:
        store.clear_graph(target)
    store.extend(quads)
    return {"status": 204 if existed else 201}


def snapshot(store, path: str) -> None:
    store.flush()
    store.backup(path)


READER_JOBS = {"query": run_query, "graph": read_graph, "term": describe_term, "call": call}
def nothing(store, job, settings):
    """A write that changes nothing (the first snapshot of a writable server)."""
    return {"status": 204}


WRITER_JOBS = {"update": update, "gsp": write_graph, "snapshot": nothing}


# --- the process -------------------------------------------------------------------------------

def _die_with_parent() -> None:
    """Linux: be killed when the process that forked this one ends (prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _limit_memory(limit: int) -> None:
    """A hard ceiling on the data segment: what the worker holds now plus twice the memory
    limit. The front's watch stops a query at the limit; this stops an allocation spike that
    outruns the watch (the worker dies, and the front reports it)."""
    try:
        with open("/proc/self/status") as fh:
            held = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmData:"))
        resource.setrlimit(resource.RLIMIT_DATA, (held + 2 * limit, held + 2 * limit))
    except (ValueError, OSError, AttributeError, StopIteration):
        pass


def _directory_bytes(path: str) -> int:
    return sum(entry.stat().st_size for entry in os.scandir(path) if entry.is_file())


def open_store(path: str, role: str, settings: dict):
    """The writer's store read-write; a reader's read-only, copied into memory when its files
    are at most ``in_memory_bytes`` (3 to 8 times faster on the catalogue than RocksDB reads)."""
    if role == "writer":
        return ox.Store(path)
    disk = ox.Store.read_only(path)
    if _directory_bytes(path) > settings.get("in_memory_bytes", 0):
        return disk
    memory = ox.Store()
    memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    return memory


def main(conn, role: str, path: str, settings: dict) -> None:
    """Serve jobs from ``conn`` until it closes. ``role`` is ``reader`` (``path``: a store to open
    read-only, changed by a job's ``store``) or ``writer`` (``path``: the store, read-write)."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the front's to handle
    try:
        store = open_store(path, role, settings)
    except OSError as exc:
        conn.send(("failed", f"cannot open the store {path}: {exc}"))
        return
    _limit_memory(settings["memory_bytes"] + settings.get("in_memory_bytes", 0))
    conn.send(("ready", os.getpid()))
    jobs = WRITER_JOBS if role == "writer" else READER_JOBS
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if role == "reader" and job.get("store") and job["store"] != path:
                store = None
                store = open_store(job["store"], role, settings)
                path = job["store"]
            payload = jobs[job["kind"]](store, job, settings)
            if role == "writer" and job.get("snapshot"):
                snapshot(store, job["snapshot"])
            reply = ("ok", payload)
        except JobError as exc:
            reply = ("error", exc.status, str(exc))
        except MemoryError:
            reply = ("error", 422, "the query needed more memory than the server allows")
        except Exception as exc:  # a bug or an engine failure: reported, the worker stays up
            reply = ("error", 500, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return

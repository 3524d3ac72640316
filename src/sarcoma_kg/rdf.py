"""Shared RDF ground: reading RDF files, naming terms, and small graph helpers.

* :func:`parse_into` / :func:`load` read RDF files (format by suffix) and raise :class:`InputError`
  naming the file and line; :func:`syntax_error` is the one formatter of parser errors (rdflib's and
  pyoxigraph's), so every reader reports ``file:line: not valid Turtle: reason`` the same way;
* :func:`ontology_graph` / :func:`knowledge_graph` assemble the ontology and ontology + knowledge
  base (through :func:`cached_graph`: read from a cache keyed by the files' content when it holds
  them), :func:`kb_graph` the knowledge base alone
  (:func:`with_version` puts the package version on the ontology header);
* :func:`curie` and :func:`label` name a term for people (one shortener, one label rule);
  :func:`local_name` is the last segment of an IRI;
* :class:`PreparedQueryGraph` parses each SPARQL text once (pySHACL runs the same query per focus node);
* :func:`subclass_closure` follows ``rdfs:subClassOf`` edges down from a class;
* :func:`patients_in` lists the patients of a graph.
"""

from __future__ import annotations

import gc
import pickle
import re
from collections import defaultdict
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Callable, Hashable, Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from . import resources
from .errors import InputError
from .namespaces import ONTOLOGY_IRI, PREFIXES, SKG, bind_prefixes, version_iri

#: rdflib parser per file suffix; any other suffix is read as Turtle.
RDF_FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".n3": "n3", ".jsonld": "json-ld",
    ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".nq": "nquads", ".trig": "trig",
}
#: The name of a format in messages (rdflib parser names and the cohort's ``ttl``/``nt``).
FORMAT_NAMES = {
    "turtle": "Turtle", "ttl": "Turtle", "nt": "N-Triples", "n3": "N3", "json-ld": "JSON-LD",
    "xml": "RDF/XML", "nquads": "N-Quads", "trig": "TriG",
}

_LINE = re.compile(r"line (\d+)", re.IGNORECASE)
_RDFLIB_REASON = re.compile(r"Bad syntax \(([^)]*)\)")
_OXIGRAPH_HEAD = re.compile(r"^Parser error at line \d+ (between columns \d+ and \d+: )?")
_OXIGRAPH_TAIL = re.compile(r" \(line \d+\)$")


# --------------------------------------------------------------------------- reading RDF files

def rdf_format(path: Path) -> str:
    """The rdflib parser for ``path``, by its suffix (Turtle when the suffix says nothing)."""
    return RDF_FORMATS.get(Path(path).suffix.lower(), "turtle")


def syntax_error(where: Path | str, fmt: str, exc: BaseException | str, *, line_offset: int = 0,
                 last_line: int | None = None, default_line: int | None = None) -> InputError:
    """The :class:`InputError` for a parser's complaint: ``where:line: not valid <Format>: reason``.

    The line is the one the parser names (rdflib: ``at line 7``; pyoxigraph: ``Parser error at
    line 7``) plus ``line_offset`` (a chunk's position in its file), capped at ``last_line`` (rdflib
    counts past the end of a truncated file), or ``default_line`` when the parser names none. The
    reason is rdflib's ``Bad syntax (...)`` text, or the parser's last line without pyoxigraph's
    position prefix.
    """
    text = str(exc).strip()
    match = _LINE.search(text)
    line = int(match.group(1)) + line_offset if match else default_line
    if line is not None and last_line is not None:
        line = min(line, max(1, last_line))
    bad_syntax = _RDFLIB_REASON.search(text)
    if bad_syntax:
        reason = bad_syntax.group(1)
    else:
        last = (text.splitlines() or [type(exc).__name__ if isinstance(exc, BaseException) else "error"])[-1]
        reason = _OXIGRAPH_TAIL.sub("", _OXIGRAPH_HEAD.sub("", last))[:200]
    place = f"{where}:{line}" if line else str(where)
    return InputError(f"{place}: not valid {FORMAT_NAMES.get(fmt, fmt)}: {reason}")


def _line_count(path: Path) -> int | None:
    try:
        return len(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:  # pragma: no cover
        return None


def parse_into(graph: Graph, path: Path | str, fmt: str | None = None) -> Graph:
    """Parse ``path`` into ``graph``; raise :class:`InputError` with file and line on failure."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an RDF file")
    fmt = fmt or rdf_format(path)
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises several unrelated exception types
        raise located_error(path, fmt, exc) from exc
    return graph


def located_error(path: Path, fmt: str, exc: BaseException, data: bytes | None = None) -> InputError:
    """The :class:`InputError` for rdflib's complaint about ``path`` (or ``data``, read from it),
    with a line: when rdflib names none (N-Triples, or an internal error such as ``string index out
    of range``), pyoxigraph's parser, which always does, names the line and the reason. Structures
    nested deeper than rdflib's recursion allows get a message saying so, with the line."""
    if isinstance(exc, RecursionError) or "recursion depth" in str(exc):
        return InputError(too_deep_error(f"{path}:{too_deep_line(data if data is not None else path.read_bytes()) or 1}"))
    if _LINE.search(str(exc)) is None and fmt in ("turtle", "nt"):
        import pyoxigraph as ox

        try:
            source = data if data is not None else path.read_bytes()
            for _ in ox.parse(source, format=ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES):
                pass
        except SyntaxError as ox_exc:
            return syntax_error(path, fmt, ox_exc, last_line=_line_count(path))
        except (OSError, ValueError):
            pass
        if fmt == "nt":
            return syntax_error(path, fmt, exc, default_line=_first_bad_line(path))
    return syntax_error(path, fmt, exc, last_line=_line_count(path))


#: Nesting of ``[ ]`` and ``( )`` past which a file is reported as too deep.
MAX_NESTING = 64


def too_deep_error(where: str) -> str:
    """The message for a file (``where``: path and line) nested past :data:`MAX_NESTING`."""
    return (f"{where}: blank nodes or lists nested more than {MAX_NESTING} levels deep; a patient record "
            "has no such nesting: refused")


def too_deep_line(data: bytes) -> int | None:
    """The line where bracket nesting first exceeds :data:`MAX_NESTING`, or None (strings and
    comments are not told apart)."""
    depth, line = 0, 1
    for m in re.finditer(rb"[\[\]()\n]", data):
        char = m.group()
        if char == b"\n":
            line += 1
        elif char in b"[(":
            depth += 1
            if depth > MAX_NESTING:
                return line
        else:
            depth = max(depth - 1, 0)
    return None


def _first_bad_line(path: Path) -> int | None:
    """The first line of an N-Triples file that does not parse on its own (rdflib's N-Triples
    parser names the text of a bad line, not its number)."""
    try:
        lines = path.read_bytes().splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        try:
            Graph().parse(data=line + b"\n", format="nt")
        except Exception:  # rdflib raises several unrelated exception types
            return number
    return len(lines) or 1


def load(paths: Iterable[Path | str]) -> Graph:
    """A new graph (project prefixes bound) holding every file of ``paths``."""
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        parse_into(graph, path)
    return graph


def ontology_graph() -> Graph:
    """The ontology alone (terms, hierarchies, concept schemes), its header versioned."""
    files = resources.ontology_files()
    return cached_graph("ontology", files, lambda: with_version(load(files)))


def ontology_key() -> str:
    """The content key of :func:`ontology_graph` (its files' bytes, :func:`cache_key`): it names
    what is derived from a graph of that function left unmodified, without hashing the graph."""
    return cache_key("ontology", resources.ontology_files())


def knowledge_graph() -> Graph:
    """Ontology plus knowledge base: the content of the release, its header versioned."""
    files = [*resources.ontology_files(), *resources.kb_files()]
    return cached_graph("knowledge", files, lambda: with_version(load(files)))


def knowledge_key() -> str:
    """The content key of :func:`knowledge_graph`, as :func:`ontology_key` is of the ontology."""
    return cache_key("knowledge", [*resources.ontology_files(), *resources.kb_files()])


def graph_fingerprint(terms: Graph) -> str:
    """A hash of the content of ``terms``, independent of blank-node labels: a blank node is
    hashed by what it says (the class expressions and lists of OWL in RDF are trees of blank
    nodes), so two parses of the same files give the same fingerprint and any change gives
    another."""
    import hashlib

    memo: dict = {}

    def term(node, stack=()) -> str:
        if not isinstance(node, BNode):
            return node.n3()
        if node not in memo:
            if node in stack:
                raise ValueError(f"a cycle of blank nodes through {node}")
            inner = sorted(f"{p.n3()} {term(o, (*stack, node))}" for p, o in terms.predicate_objects(node))
            memo[node] = "_:" + hashlib.sha256("\n".join(inner).encode()).hexdigest()[:24]
        return memo[node]

    objects = {o for o in terms.objects() if isinstance(o, BNode)}
    lines = [f"{s.n3()} {p.n3()} {term(o)}" for s, p, o in terms if not isinstance(s, BNode)]
    lines += [f"root {term(b)}" for b in {s for s in terms.subjects() if isinstance(s, BNode)} - objects]
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def cache_key(kind: str, files: Iterable[Path]) -> str:
    """The hash of the bytes of ``files`` (with the package and rdflib versions): the name of a
    cached graph, so any change to a file names another cache entry (never a stale one)."""
    import hashlib

    import rdflib

    from . import __version__

    digest = hashlib.sha256(f"{kind}\x00{__version__}\x00{rdflib.__version__}".encode())
    for path in files:
        digest.update(b"\x00" + str(Path(path).name).encode() + b"\x00" + Path(path).read_bytes())
    return digest.hexdigest()[:32]


_PICKLE_FORMAT = "terms2"  # part of every cache entry's name: a change of how terms are written names new entries


def cached(path: Path, build):
    """What ``build()`` makes, read from the pickle at ``path`` when it holds it, else built and
    written there (a temporary file renamed: complete or absent). A cache that cannot be read or
    written is skipped; the key in ``path`` is the caller's (content hashes: never stale). RDF terms
    are written with their fields (:class:`_TermPickler`), so reading them back neither checks nor
    casts their text again."""
    import os

    path = path.with_name(f"{path.stem}.{_PICKLE_FORMAT}{path.suffix}")
    try:
        with path.open("rb") as handle, _collector_paused():
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            _TermPickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        partial.replace(path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
    return value


@contextmanager
def _collector_paused():
    """The cyclic garbage collector paused: reading a pickle makes tens of thousands of objects and
    no garbage, and each collection on the way would walk every object made so far."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _uriref(text: str) -> URIRef:
    return str.__new__(URIRef, text)


def _bnode(text: str) -> BNode:
    return str.__new__(BNode, text)


def _literal(text: str, language, datatype, value, ill_typed) -> Literal:
    term = str.__new__(Literal, text)
    term._language, term._datatype, term._value, term._ill_typed = language, datatype, value, ill_typed
    return term


class _TermPickler(pickle.Pickler):
    """Writes an IRI, a blank node or a literal as the fields rdflib made when it parsed it: the same
    term when read back (the same text, language, datatype, Python value and well-formedness),
    without rdflib's IRI check and lexical-to-value cast on every read."""

    def reducer_override(self, obj):
        kind = type(obj)
        if kind is URIRef:
            return _uriref, (str(obj),)
        if kind is BNode:
            return _bnode, (str(obj),)
        if kind is Literal:
            return _literal, (str(obj), obj._language, obj._datatype, obj._value, obj._ill_typed)
        return NotImplemented


def cached_graph(kind: str, files: list[Path], build) -> Graph:
    """The graph ``build()`` makes from ``files``, from the cache (:func:`resources.cache_dir`, keyed
    by :func:`cache_key`) when it holds it (:func:`cached`). Reading the pickled store takes a
    fraction of parsing the Turtle. Each call returns a new graph (callers may modify it)."""
    return cached(resources.cache_dir() / f"{kind}-{cache_key(kind, files)}.pickle", build)


def kb_graph() -> Graph:
    """The knowledge base alone (``ontology/kb/``), without the ontology's terms."""
    return load(resources.kb_files())


def with_version(graph: Graph) -> Graph:
    """``graph`` with the package version (pyproject.toml, the one version source) on the ontology
    header: ``owl:versionInfo "VERSION"`` and ``owl:versionIRI <.../releases/VERSION/sarcoma-kg.owl>``."""
    from . import __version__

    graph.add((ONTOLOGY_IRI, OWL.versionInfo, Literal(__version__)))
    graph.add((ONTOLOGY_IRI, OWL.versionIRI, version_iri("sarcoma-kg", __version__)))
    return graph


# --------------------------------------------------------------------------- naming terms

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f\ud800-\udfff]')
_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def iri_problem(iri: str) -> str | None:
    """Why ``iri`` is not an absolute IRI (RFC 3987: a scheme; no space, control character,
    ``<>"{}|\\^`` or backquote, no lone surrogate), or None when it is one."""
    bad = _IRI_FORBIDDEN.search(iri)
    if bad:
        char = bad.group()
        name = "a space" if char == " " else "a lone surrogate" if "\ud800" <= char <= "\udfff" else f"U+{ord(char):04X}"
        return f"{ascii(iri)} is not an IRI: it holds {name}"
    if not _IRI_SCHEME.match(iri):
        return f"{ascii(iri)} is not an absolute IRI (no scheme)"
    return None


def curie(term) -> str:
    """``skg:Lung`` for an IRI in a project namespace (the longest that matches: ``study:Falk2015``,
    not ``skg:study/Falk2015``), ``<iri>`` for any other IRI, and the text of a literal or blank node."""
    if not isinstance(term, URIRef):
        return "" if term is None else str(term)
    text = str(term)
    best = max((p for p, ns in PREFIXES.items() if text.startswith(str(ns))),
               key=lambda p: len(str(PREFIXES[p])), default=None)
    return f"{best}:{text[len(str(PREFIXES[best])):]}" if best else f"<{text}>"


def local_name(iri) -> str:
    """The last segment of an IRI, after its last ``/`` or ``#`` (``sh:Violation`` → ``Violation``)."""
    return str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def label(graph: Graph, term) -> str:
    """The English (or untagged) ``rdfs:label`` of ``term``, else any label, else its :func:`curie`;
    a literal is its own text."""
    if isinstance(term, Literal):
        return str(term)
    labels = sorted(graph.objects(term, RDFS.label), key=lambda v: (getattr(v, "language", None) not in (None, "en"), str(v)))
    return str(labels[0]) if labels else curie(term)


# --------------------------------------------------------------------------- graph helpers

class PreparedQueryGraph(Graph):
    """An rdflib graph that parses each distinct SPARQL text once and reuses the prepared query.

    pySHACL evaluates a SHACL-SPARQL constraint once per focus node with the same text (``$this``
    pre-bound through initBindings); parsing would dominate validation time. Bindings still apply
    per call; nothing else changes.
    """

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def subclass_closure(edges: Iterable[tuple[Hashable, Hashable]], root: Hashable) -> set:
    """``root`` and every class below it, following ``(subclass, superclass)`` ``edges`` (for
    example ``graph.subject_objects(RDFS.subClassOf)``; the terms may be of any RDF library)."""
    children: dict = defaultdict(set)
    for sub, sup in edges:
        children[sup].add(sub)
    seen, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def patients_in(graph: Graph) -> list[URIRef]:
    """The patients of a graph (IRIs typed ``skg:Patient``), sorted for deterministic output."""
    return sorted({s for s in graph.subjects(RDF.type, SKG.Patient) if isinstance(s, URIRef)}, key=str)


def patient_blocks(graph: Graph, follows: Callable[[object], bool] | None = None) -> str:
    """The patients of ``graph`` as N-Triples, one block per patient (sorted), each opening with its
    ``rdf:type skg:Patient`` line and holding the triples of every node reachable from the patient
    through objects that ``follows`` (default: any IRI or blank node the graph describes); a node
    shared by two patients is written in both blocks."""
    from rdflib import BNode

    if follows is None:
        follows = lambda o: isinstance(o, (URIRef, BNode)) and (o, None, None) in graph  # noqa: E731
    lines: list[str] = []
    for patient in patients_in(graph):
        lines.append(f"{patient.n3()} {RDF.type.n3()} {SKG.Patient.n3()} .\n")
        seen, todo = {patient}, [patient]
        while todo:
            node = todo.pop()
            for p, o in sorted(graph.predicate_objects(node)):
                if node == patient and p == RDF.type and o == SKG.Patient:
                    continue
                lines.append(f"{node.n3()} {p.n3()} {o.n3()} .\n")
                if o not in seen and follows(o):
                    seen.add(o)
                    todo.append(o)
    return "".join(lines)


def notation_of(graph: Graph, rec: URIRef) -> str:
    """A recommendation's skos:notation, or its local name without the source prefix (``IAC-5.4`` → ``5.4``)."""
    value = graph.value(rec, SKOS.notation)
    if value is not None:
        return str(value)
    local = str(rec).rsplit("/", 1)[-1]
    return local[4:] if local.startswith("IAC-") else local


def _notation_key(notation: str):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in notation.replace("-", ".").split(".")]


def recommendations(graph: Graph) -> list[URIRef]:
    """Every recommendation and actionable statement with an skg:appliesTo, in notation order (5.2 before 5.10)."""
    recs = {r for r in graph.subjects(SKG.appliesTo, None) if isinstance(r, URIRef)}
    return sorted(recs, key=lambda r: (_notation_key(notation_of(graph, r)), str(r)))

"""What a patient record may say: the rule that keeps patient files from changing the rules.

Verdicts depend only on the released knowledge base (ontology + ``ontology/kb/``) and on the
patient's own record. A patient file is therefore read into a graph of its own, and a statement of
it is **outside what a patient record may say** (reported, and ignored for every verdict) when

1. its subject is an IRI in a project namespace (``https://w3id.org/sarcoma-kg/``: terms,
   definitions, criteria, studies, recommendations ...) other than the namespaces of patient
   records: ``ex:`` (``https://w3id.org/sarcoma-kg/example/``, patients and their parts) and
   ``verdict:`` (assessments written back by validation, which ``classify`` and ``recommend`` read
   back) (e.g. ``definition:Falk2015-lesions skg:upperBound 0``, ``skg:Moon rdfs:subClassOf
   skg:AnatomicalSite``);
2. its predicate belongs to the schema vocabularies, whatever the subject: any ``owl:`` or
   ``sh:`` predicate, or ``rdfs:subClassOf``, ``rdfs:subPropertyOf``, ``rdfs:domain``,
   ``rdfs:range`` (``ex:Moon rdfs:subClassOf skg:Lung`` would make a new site);
3. it declares a class, property, datatype or shape: ``rdf:type`` with an object in the ``owl:``
   or ``sh:`` namespace (except ``owl:NamedIndividual``, which ontology editors add to every
   individual), or ``rdfs:Class``, ``rdfs:Datatype``, ``rdf:Property``.

A patient record also has no RDF list longer than :data:`MAX_LIST_ITEMS` items (the patient model
uses no lists; a file with ``( 1 2 ... 100000 )`` would only cost time): such a file is refused.

Everything else (facts about patients, lesions, tumours, therapies, under any namespace, pointing
at the project's terms) is patient data. :func:`refused` applies the rule to an rdflib graph;
:data:`REFUSED_QUERY` is the same rule in SPARQL, for stores (the cohort path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from ..namespaces import BASE, EX, VERDICT
from ..rdf import curie

#: The most RDF list items (``rdf:rest`` statements) a patient file may hold.
MAX_LIST_ITEMS = 1000
#: The same bound as a query over a store holding the file alone: true when it is exceeded.
LIST_ITEMS_QUERY = (f"ASK {{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{RDF.rest}> ?o }} }} "
                    f"FILTER(?n > {MAX_LIST_ITEMS}) }}")

#: Subjects under these namespaces are the project's (rule 1) ...
PROJECT_NAMESPACE = BASE
#: ... except the namespaces of patient records (patients and their parts; written-back assessments).
PATIENT_NAMESPACES = (str(EX), str(VERDICT))
#: Predicates of these namespaces state schema (rule 2), as do :data:`SCHEMA_PREDICATES`.
SCHEMA_NAMESPACES = (str(OWL), str(SH))
SCHEMA_PREDICATES = frozenset({RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range})
#: ``rdf:type`` with these objects (or one in :data:`SCHEMA_NAMESPACES`) declares schema (rule 3).
SCHEMA_TYPES = frozenset({RDFS.Class, RDFS.Datatype, RDF.Property})
#: ``rdf:type`` with this object is allowed (it says an individual is one).
INDIVIDUAL = OWL.NamedIndividual


_SCHEMA_PREDICATES = frozenset(map(str, SCHEMA_PREDICATES))
_SCHEMA_TYPES = frozenset(map(str, SCHEMA_TYPES))


def refuses(subject: str | None, predicate: str, obj: str | None) -> bool:
    """The rule on IRIs as text (``subject``/``obj``: None for a blank node or literal)."""
    if subject is not None and subject.startswith(PROJECT_NAMESPACE) and not subject.startswith(PATIENT_NAMESPACES):
        return True
    if predicate in _SCHEMA_PREDICATES or predicate.startswith(SCHEMA_NAMESPACES):
        return True
    return (predicate == str(RDF.type) and obj is not None and obj != str(INDIVIDUAL)
            and (obj in _SCHEMA_TYPES or obj.startswith(SCHEMA_NAMESPACES)))


def is_refused(s, p, o) -> bool:
    """Whether the rdflib statement ``(s, p, o)`` is outside what a patient record may say."""
    iri = lambda t: str(t) if isinstance(t, URIRef) else None  # noqa: E731
    return refuses(iri(s), str(p), iri(o))


def _quoted(values) -> str:
    return ", ".join(f"<{v}>" for v in sorted(values))


#: The rule as a SPARQL query over a store that holds the patient file only: ``?s ?p ?o`` refused.
REFUSED_QUERY = f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o .
  FILTER( (isIRI(?s) && STRSTARTS(STR(?s), "{PROJECT_NAMESPACE}")
           && {" && ".join(f'!STRSTARTS(STR(?s), "{ns}")' for ns in PATIENT_NAMESPACES)})
       || ?p IN ({_quoted(SCHEMA_PREDICATES)})
       || {" || ".join(f'STRSTARTS(STR(?p), "{ns}")' for ns in SCHEMA_NAMESPACES)}
       || (?p = <{RDF.type}> && ?o != <{INDIVIDUAL}> && (?o IN ({_quoted(SCHEMA_TYPES)})
           || {" || ".join(f'(isIRI(?o) && STRSTARTS(STR(?o), "{ns}"))' for ns in SCHEMA_NAMESPACES)})) )
}} ORDER BY ?s ?p ?o"""


@dataclass(frozen=True)
class Refusal:
    """One statement of a patient file outside what a patient record may say."""

    path: Path
    line: int | None
    statement: str        # the triple, in CURIEs

    @property
    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return (f"{where}: {self.statement} is outside what a patient record may say (the project's "
                "vocabulary, definitions, criteria and classes are the released knowledge base's); "
                "ignored for every verdict")


def statement(s, p, o, graph: Graph | None = None) -> str:
    """A rdflib triple as text, in CURIEs (literals in Turtle, with ``graph``'s prefixes)."""
    manager = graph.namespace_manager if graph is not None else None
    return " ".join(curie(t) if isinstance(t, URIRef) else t.n3(manager) for t in (s, p, o))


def file_text(path: Path | str) -> str | None:
    """The text of the file at ``path`` (undecodable bytes replaced), as :func:`line_of` searches it;
    None when the file cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def line_of(text: str | None, subject: str | None, prefixes, first_line: int = 1) -> int | None:
    """The first line of ``text`` that starts with the IRI ``subject`` (else the first that names
    it), as ``<IRI>`` or as a CURIE of one of ``prefixes``, (prefix, namespace) pairs, counted from
    ``first_line``; None when not found (blank nodes, JSON-LD)."""
    if text is None or subject is None:
        return None
    iri = subject
    spellings = [f"<{iri}>"]
    for prefix, ns in prefixes:
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            spellings.append(f"{prefix}:{iri[len(str(ns)):]}")
    names = "|".join(re.escape(s) + (r"(?![\w.-]*\w)" if not s.endswith(">") else "") for s in spellings)
    lines = text.splitlines()
    for pattern in (re.compile(rf"^\s*(?:{names})"), re.compile(names)):  # as a subject first
        for number, line in enumerate(lines, start=first_line):
            if pattern.search(line):
                return number
    return None


def list_items_error(path, count: int) -> str:
    """The message for a file holding ``count`` (> :data:`MAX_LIST_ITEMS`) RDF list items."""
    return (f"{path}: holds an RDF list of {count} items in all (more than {MAX_LIST_ITEMS}); a patient record "
            "has no lists: refused")


def split(graph: Graph, path: Path) -> list[Refusal]:
    """Remove from ``graph`` (read from ``path``) every statement a patient record may not make;
    return them, each with the line of the file that names its subject."""
    found = sorted((t for t in graph if is_refused(*t)), key=lambda t: tuple(map(str, t)))
    if not found:
        return []
    text = file_text(path)
    out = []
    for s, p, o in found:
        graph.remove((s, p, o))
        line = line_of(text, str(s) if isinstance(s, URIRef) else None, graph.namespaces())
        out.append(Refusal(path, line, statement(s, p, o, graph)))
    return out

"""Turtle parsed by pyoxigraph into an rdflib graph, with exactly the terms and prefixes rdflib's own
parser would give it.

rdflib's Turtle parser takes time superlinear in the size of a file (about 17 s for a file of 3,000
patients, 93,000 triples); pyoxigraph's takes well under a second. The two parsers do not read every
file alike, so :func:`parse_turtle` fills the graph only when the file is one they read term for term
alike, and otherwise declines (returns False, the graph untouched) and rdflib parses it as before,
with its own error messages (file, line, what is wrong) and checks. It declines when

* pyoxigraph cannot parse the file (a syntax error, an IRI pyoxigraph refuses, a relative IRI: no
  base is given, so rdflib's resolution against the file's location is never imitated);
* the file declares a base (``@base``/``BASE``), or declares a prefix twice, or writes a directive
  the count of prefix directives cannot account for (rdflib binds the prefixes it read, in their order);
* a term could read otherwise: a language tag written with a capital (pyoxigraph lowers it, rdflib
  keeps it) or one rdflib refuses, a datatype or language tag written apart from its string, a typed string (``^^xsd:string``, which pyoxigraph does not tell from a plain string),
  an integer or decimal rdflib would rewrite (rdflib writes ``+5`` or ``007`` as ``5`` or ``7``, the
  ``"007"^^xsd:integer`` it keeps cannot be told from ``007``), a carriage return in a literal
  (rdflib reads a line end in a long string as LF), or what rdflib cannot read at all (a base
  direction ``@en--ltr``, a triple term).

Blank nodes get fresh identifiers, as rdflib's parser gives them, so that two files never share one.
The caller parses inside :func:`~sarcoma_kg.patients.lexical_forms.as_written`, as it does with
rdflib, so that every literal keeps its lexical form.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef

_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING, _INTEGER, _DECIMAL = _XSD + "string", _XSD + "integer", _XSD + "decimal"

#: Text that could make a term read otherwise: a capital in a language tag (or anything after ``@``),
#: a Unicode escape (which could spell ``string`` in a datatype IRI), a datatype or language tag
#: apart from its string (``"2023-05-01"`` then a line break, then ``^^xsd:date``: rdflib refuses it).
_RISKY = re.compile(rb"@[A-Za-z0-9-]*[A-Z]|\\[uU]|(?<![\"'])(?:\^\^|@(?!prefix\b))")
#: The language tags rdflib's literals take (``en30`` is one for pyoxigraph, not for rdflib).
_LANGUAGE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
#: Every place a prefix directive could start (a superset: the word in any case, anywhere).
_PREFIX_WORD = re.compile(r"prefix", re.IGNORECASE)
#: A prefix directive as written plainly: ``@prefix ex: <IRI> .`` or ``PREFIX ex: <IRI>``.
_DIRECTIVE = re.compile(r"(?:@prefix|(?i:prefix))\s+([^\s:<>]*):\s*<([^<>\s]*)>")


def _may_type_strings(data: bytes) -> bool:
    """Whether ``data`` may write a literal typed ``xsd:string`` (no ``^^``, or no ``string``
    anywhere: it cannot)."""
    return b"^^" in data and b"string" in data


def _prefixes(data: bytes, parsed: dict[str, str]) -> list[tuple[str, str]] | None:
    """The prefix directives of ``data`` in their order, when each prefix is declared once and
    every directive is accounted for (they agree with pyoxigraph's ``parsed``); None otherwise."""
    text = data.decode("utf-8")
    found = [(m.group(1), m.group(2)) for m in _DIRECTIVE.finditer(text)]
    if len(found) != len(_PREFIX_WORD.findall(text)) or dict(found) != parsed or len(found) != len(parsed):
        return None
    return found


def _rewritten_number(value: str, datatype: str) -> bool:
    """Whether rdflib would write the bare number ``value`` otherwise (or it is no number)."""
    try:
        if datatype == _INTEGER:
            return str(int(value)) != value
        text = str(Decimal(value))
        return ("0" if text == "-0" else text) != value
    except (ValueError, InvalidOperation):
        return True


class _Declined(Exception):
    """A term rdflib's parser could read otherwise (see the module docstring)."""


def _literal(term) -> Literal:
    value, datatype = term.value, term.datatype.value
    if "\r" in value or getattr(term, "direction", None):
        raise _Declined
    if term.language:
        if not _LANGUAGE.fullmatch(term.language):
            raise _Declined
        return Literal(value, lang=term.language)
    if datatype == _STRING:
        return Literal(value)
    if datatype in (_INTEGER, _DECIMAL) and _rewritten_number(value, datatype):
        raise _Declined
    return Literal(value, datatype=URIRef(datatype))


def _converter():
    """A function from a pyoxigraph term to the rdflib term, each term converted once."""
    import pyoxigraph as ox

    seen: dict = {}

    def convert(term):
        found = seen.get(term)
        if found is None:
            if isinstance(term, ox.NamedNode):
                found = URIRef(term.value)
            elif isinstance(term, ox.BlankNode):
                found = BNode()
            elif isinstance(term, ox.Literal):
                found = _literal(term)
            else:  # a triple term
                raise _Declined
            seen[term] = found
        return found

    return convert


def parse_turtle(data: bytes, graph: Graph) -> bool:
    """Parse the Turtle ``data`` into ``graph`` with pyoxigraph, as rdflib would (see the module
    docstring); False, ``graph`` untouched, when it declines."""
    import pyoxigraph as ox

    if _RISKY.search(data) or _may_type_strings(data):
        return False
    parser = ox.parse(data, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    convert = _converter()
    try:
        triples = [(convert(q.subject), convert(q.predicate), convert(q.object)) for q in parser]
    except (SyntaxError, ValueError, OSError, _Declined):
        return False
    prefixes = _prefixes(data, parser.prefixes) if parser.base_iri is None else None
    if prefixes is None:
        return False
    for triple in triples:
        graph.add(triple)
    for prefix, namespace in prefixes:
        graph.bind(prefix, namespace)
    return True

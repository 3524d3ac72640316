"""Literals as written, in a store that rewrites some of them.

Oxigraph stores the literals of the XSD datatypes it computes with in canonical form: a derived
integer type becomes ``xsd:integer`` (``"5"^^xsd:int`` -> ``"5"^^xsd:integer``, even the
out-of-range ``"300"^^xsd:byte``), and lexical forms are normalised (``"8.0"^^xsd:decimal`` ->
``"8"``, ``"1"^^xsd:boolean`` -> ``"true"``, ``"PT24H"`` -> ``"P1D"``), in the data and in query
constants alike. SHACL compares RDF terms as written: ``sh:datatype xsd:int`` holds for
``"5"^^xsd:int``, ``sh:in ( 1 )`` does not hold for ``"1"^^xsd:int``, ``"8.0"`` and ``"8.00"`` are
two values. So every literal is classified before it reaches the store:

* *kept*: the store keeps it as written (most literals; :func:`well_formed_test` tells an
  ill-formed one apart in SPARQL);
* *renamed*: the store keeps its datatype and value but rewrites the lexical form (``"8.0"``).
  As long as no other literal of the data, the reference data or the shapes has the same stored
  form, the stored term stands for this one literal: values, datatype and identity are right,
  and :class:`Decoder` turns the stored term back into the written one in results;
* *stand-in*: the store would change its datatype, would merge it with another written literal,
  or it is ill-formed (outside the XSD lexical space as written, :mod:`sarcoma_kg.lexical`: the
  store would read ``"2023-02-30"^^xsd:date`` as a date). It is stored as
  ``"lexical form"^^<urn:sarcoma-kg:written:DATATYPE>`` (well-formed) or
  ``"lexical form"^^<urn:sarcoma-kg:ill-formed:DATATYPE>``, a literal the store keeps as it is
  and no other literal equals. The compiled Core constraints read the datatype and the value of a
  stand-in (:func:`value_of`); SHACL-SPARQL queries get a variant that reads every variable of an
  expression through :func:`value_of` (for stores that hold stand-ins), but a variable read as a
  term (the argument of COUNT, SAMPLE, STR, sameTerm ...: the stand-in itself is right there) and
  the argument of DATATYPE (:func:`datatype_of`); results are decoded.

Shapes that test lexical forms (``sh:pattern``, ``sh:minLength``, ``sh:maxLength``) make every
renamed literal a stand-in, so that ``STR()`` sees the lexical form as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import lexical as xsd_lexical

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
WRITTEN = "urn:sarcoma-kg:written:"
ILL_FORMED = "urn:sarcoma-kg:ill-formed:"

#: Datatypes Oxigraph parses and can cast to (``xsd:T(?v)`` is an error exactly when ``?v`` is an
#: ill-formed ``xsd:T`` literal, which the store keeps verbatim).
CASTABLE = {XSD + t for t in (
    "string", "boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time", "gYear",
    "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration", "yearMonthDuration", "dayTimeDuration")}

_LONG = 2 ** 63
#: Derived integer types (the store turns them into xsd:integer) and their value ranges.
DERIVED_INTEGERS = {XSD + name: bounds for name, bounds in {
    "long": (-_LONG, _LONG - 1), "int": (-2 ** 31, 2 ** 31 - 1), "short": (-2 ** 15, 2 ** 15 - 1),
    "byte": (-128, 127), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "unsignedLong": (0, 2 * _LONG - 1),
    "unsignedInt": (0, 2 ** 32 - 1), "unsignedShort": (0, 2 ** 16 - 1), "unsignedByte": (0, 255),
}.items()}

_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
#: Lexical spaces (after whitespace collapsing) of datatypes the store neither parses nor casts.
LEXICAL = {XSD + name: re.compile(pattern + r"\Z") for name, pattern in {
    "dateTimeStamp": r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)",
    "language": r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*",
    "hexBinary": r"(?:[0-9a-fA-F]{2})*",
    "base64Binary": r"(?:(?:[A-Za-z0-9+/] ?){4})*(?:(?:[A-Za-z0-9+/] ?){2}(?:[AEIMQUYcgkosw048] ?)= ?"
                    r"|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?",
    "NCName": r"[^\W\d][\w.-]*", "Name": r"[^\W\d][\w.:-]*", "NMTOKEN": r"[\w.:-]+",
}.items()}


def well_formed_test(var: str, datatype: str) -> str:
    """SPARQL: true when ``var`` (a literal typed ``datatype`` in the store) is well formed."""
    if datatype in CASTABLE:
        return f"COALESCE(isLiteral(<{datatype}>({var})), false)"
    return "true"


def value_of(var: str) -> str:
    """SPARQL: the value of ``var`` for comparisons: a stand-in of a well-formed literal becomes the
    literal as written (the store then computes with it), anything else stays itself."""
    dt = f"STR(DATATYPE({var}))"
    return (f"COALESCE(IF(STRSTARTS({dt}, \"{WRITTEN}\"), STRDT(STR({var}), IRI(STRAFTER({dt}, \"{WRITTEN}\"))), "
            f"{var}), {var})")


def datatype_of(var: str) -> str:
    """SPARQL: the datatype of ``var`` as written (a stand-in's is named in its own datatype IRI)."""
    dt = f"DATATYPE({var})"
    return (f"IF(STRSTARTS(STR({dt}), \"{WRITTEN}\") || STRSTARTS(STR({dt}), \"{ILL_FORMED}\"), "
            f"IRI(REPLACE(STR({dt}), \"^urn:sarcoma-kg:[a-z-]+:\", \"\")), {dt})")


def _collapse(lexical: str) -> str:
    return " ".join(lexical.split())


def well_formed(lexical: str, datatype: str) -> bool:
    """Whether a literal is well formed: XSD lexical spaces as written (:mod:`sarcoma_kg.lexical`,
    stricter than the store, which reads ``2023-02-30`` as a date), else :data:`LEXICAL`."""
    strict = xsd_lexical.well_formed(lexical, datatype)
    if strict is not None:
        return strict
    pattern = LEXICAL.get(datatype)
    return pattern is None or pattern.match(_collapse(lexical)) is not None


#: Appended to the lexical form of a literal the store would read although it is outside its XSD
#: lexical space (``"2023-02-30"^^xsd:date``): the store then holds it verbatim as ill-formed, as it
#: does ``"abc"^^xsd:date``, and the decoder gives the form as written back.
MARK = "\u2047"


def marks(lexical: str, datatype: str) -> bool:
    """Whether a literal is held marked (:data:`MARK`): a datatype the store casts, a lexical form
    outside its XSD lexical space as written (:mod:`sarcoma_kg.lexical`)."""
    return datatype in CASTABLE and xsd_lexical.well_formed(lexical, datatype) is False


def held_as(lexical: str, datatype: str) -> ox.Literal:
    """The term a literal that is not kept as written is held as: marked, or a stand-in."""
    if marks(lexical, datatype):
        return ox.Literal(lexical + MARK, datatype=ox.NamedNode(datatype))  # after it: string order kept
    return standin(lexical, datatype)


def standin(lexical: str, datatype: str) -> ox.Literal:
    prefix = WRITTEN if well_formed(lexical, datatype) else ILL_FORMED
    return ox.Literal(lexical, datatype=ox.NamedNode(prefix + datatype))


STANDIN_PREFIXES = (WRITTEN, ILL_FORMED)


def is_standin(term) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value.startswith(STANDIN_PREFIXES)


def written(term):
    """The literal a stand-in stands for (any other term: itself)."""
    if not is_standin(term):
        return term
    dt = term.datatype.value
    return ox.Literal(term.value, datatype=ox.NamedNode(dt.split(":", 3)[3]))


# ---------------------------------------------------------------------------------------------
# what the store makes of a literal


class Forms:
    """The stored form of literals, computed by the store itself (cached)."""

    def __init__(self):
        self.cache: dict[tuple[str, str], tuple[str, str]] = {}

    def of(self, keys) -> None:
        """Computes the stored form of every (lexical form, datatype IRI) in ``keys``."""
        todo = [k for k in set(keys) if k not in self.cache]
        if not todo:
            return
        if len(self.cache) > 500_000:
            self.cache.clear()
        store = ox.Store()
        p = ox.NamedNode("urn:sarcoma-kg:p")
        store.extend(ox.Quad(ox.NamedNode(f"urn:sarcoma-kg:i:{i}"), p, ox.Literal(lex, datatype=ox.NamedNode(dt)))
                     for i, (lex, dt) in enumerate(todo))
        for q in store:
            i = int(q.subject.value.rsplit(":", 1)[1])
            self.cache[todo[i]] = (q.object.value, q.object.datatype.value)

    def kind(self, lexical: str, datatype: str) -> str:
        """``kept``, ``renamed`` or ``standin`` (see the module docstring), before collisions."""
        if datatype in (XSD + "string", RDF_LANGSTRING):
            return "kept"
        if marks(lexical, datatype):
            return "marked"
        if datatype in DERIVED_INTEGERS or not well_formed(lexical, datatype):
            return "standin"  # the store would rewrite the type, or reads it more liberally than XSD
        stored = self.cache[(lexical, datatype)]
        if stored == (lexical, datatype):
            return "kept"
        return "renamed" if stored[1] == datatype else "standin"


# ---------------------------------------------------------------------------------------------
# scanning data for literals


_TYPED = re.compile(rb'"([^"\\\n]*)"\^\^(<[^>\s]*>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*)')
_PREFIXES = [re.compile(word + rb"\s+([\w.-]*):\s*<([^>]*)>") for word in (b"@prefix", b"PREFIX", b"prefix")]
_NUMBER = re.compile(rb"([+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+)|[+-]?\d*\.\d+|[+-]?\d+)")
#: Tokens that start like a number, once white space and punctuation are spaces.
_NUMBER_TOKEN = re.compile(rb" ([-+.\d][^ ]*)")
_SEPARATORS = bytes.maketrans(b"\t\n\r,;()[]", b"         ")
#: Turtle syntax :func:`scan` does not read: escapes, long strings, single-quoted typed literals,
#: white space around ``^^``.
_TRICKY_BYTES = (b"\\", b'"""', b"'''", b"'^^")
_TRICKY = (re.compile(rb"\^\^\s"), re.compile(rb'"\s+\^\^'))


def scan(data: bytes, fmt: str) -> set[tuple[str, str]] | None:
    """The (lexical form, datatype) of every typed or numeric literal in ``data`` (Turtle or
    N-Triples), possibly with a few extra ones (numbers in strings or comments); None when the
    text uses a syntax this scan does not read (escapes, long or single-quoted typed strings)."""
    if any(b in data for b in _TRICKY_BYTES) or any(rx.search(data) for rx in _TRICKY):
        return None
    prefixes = {p.decode(): ns.decode() for rx in _PREFIXES for p, ns in rx.findall(data)} if fmt == "ttl" else {}
    found = set()
    for lexical, dt in set(_TYPED.findall(data)):
        dt = dt.decode()
        if dt.startswith("<"):
            dt = dt[1:-1]
        else:
            pfx, local = dt.split(":", 1)
            if pfx not in prefixes:
                return None
            dt = prefixes[pfx] + local
        if ":" not in dt:
            return None  # a relative datatype IRI
        found.add((lexical.decode(), dt))
    if fmt == "ttl":
        for token in set(_NUMBER_TOKEN.findall(b" " + data.translate(_SEPARATORS))):
            m = _NUMBER.match(token)
            if m is None:
                continue
            text = m.group(1).decode()
            kind = "double" if "e" in text.lower() else "decimal" if "." in text else "integer"
            found.add((text, XSD + kind))
    return found


# ---------------------------------------------------------------------------------------------
# loading data


@dataclass
class Decoder:
    """Stored term -> term as written, for the renamed literals of one store (stand-ins decode
    themselves)."""

    renamed: dict = field(default_factory=dict)
    standins: int = 0      # literals held as stand-ins in the store (reference data included)

    def __call__(self, term):
        if type(term) is not ox.Literal:
            return term
        if self.standins and is_standin(term):
            return written(term)
        return self.renamed.get(term, term)


@dataclass
class Fixed:
    """Literals every store holds besides the chunk: the shapes' constants and the reference data.

    ``constants``: stored form -> written form of each constant (a chunk literal written otherwise
    but stored the same way becomes a stand-in: ``sh:in ( 1 )`` must not accept ``"01"``);
    ``standins``: written forms held as stand-ins (a chunk literal written the same way is one too);
    ``renamed``: stored term -> written term of the renamed constants; ``reference``: the same for
    the reference data, which may share a stored term with a chunk literal written otherwise (they
    are then one node, as for the store: the reference data is never what is validated)."""

    constants: dict = field(default_factory=dict)
    standins: set = field(default_factory=set)
    renamed: dict = field(default_factory=dict)
    reference: dict = field(default_factory=dict)


class Encoder:
    """Classifies literals and loads data with the stand-ins it needs (see the module docstring)."""

    def __init__(self, lexical: bool = False):
        self.forms = Forms()
        self.fixed = Fixed()
        self.lexical = lexical   # renamed literals become stand-ins (the shapes test lexical forms)
        self.known: dict = {}    # (lexical, datatype) -> (kind, stored form)

    def kind(self, key: tuple[str, str]) -> str:
        self.forms.of([key])
        kind = self.forms.kind(*key)
        return "standin" if kind == "renamed" and self.lexical else kind

    def classify(self, keys) -> dict:
        """(kind, stored form) of each (lexical form, datatype) in ``keys`` (cached)."""
        known = self.known
        todo = [k for k in keys if k not in known]
        if todo:
            self.forms.of(k for k in todo if k[1] not in (XSD + "string", RDF_LANGSTRING))
            if len(known) > 500_000:
                known.clear()
            for k in todo:
                known[k] = (self.kind(k), self.forms.cache.get(k, k))
        return known

    def plan(self, keys, fixed: Fixed, merge: bool = False) -> tuple[set, dict]:
        """(written literals to store as stand-ins, stored term -> written term of the renamed).

        ``merge``: literals written differently but stored the same way stay one node (for the
        reference data) instead of all but one becoming stand-ins."""
        known = self.classify(keys)
        swap, groups, marked = set(), {}, {}
        for key in keys:
            kind, stored = known[key]
            if kind == "marked":
                swap.add(key)
                marked[held_as(*key)] = _literal(*key)
            elif kind == "standin" or key in fixed.standins:
                swap.add(key)
            elif kind == "renamed" or stored in fixed.constants:
                groups.setdefault(stored, set()).add(key)
        for stored, members in groups.items():  # a literal kept as written that a renamed one meets
            if stored in keys and known[stored][0] == "kept":
                members.add(stored)
        renamed = {}
        for stored, members in groups.items():
            owner = fixed.constants.get(stored) or (stored if stored in members else min(members))
            if not merge:
                swap |= members - {owner}
            if owner in members and owner != stored:
                renamed[_literal(*stored)] = _literal(*owner)
        renamed.update(marked)
        return swap, renamed

    def fix(self, constants, reference: bytes | None) -> bytes | None:
        """Registers the shapes' constants (written (lexical, datatype) pairs the queries name as
        themselves) and the reference data (N-Triples); the reference data to load, with stand-ins."""
        known = self.classify(set(constants))
        for key in constants:
            stored = known[key][1]
            self.fixed.constants.setdefault(stored, key)
            if stored != key:
                self.fixed.renamed[_literal(*stored)] = _literal(*key)
        if not reference:
            return reference
        quads = list(ox.parse(reference, format=ox.RdfFormat.N_TRIPLES))
        swap, renamed = self.plan(_keys(quads), Fixed(), merge=True)
        self.fixed.standins |= swap
        self.fixed.reference = renamed
        if not swap:
            return reference
        return ox.serialize(_swap(quads, swap), format=ox.RdfFormat.N_TRIPLES)

    def decoder(self, keys, swap: set, renamed: dict) -> Decoder:
        """The decoder of a store holding the reference data and a chunk with these literals."""
        reference = self.fixed.reference
        if reference:
            stored = {self.known[k][1] for k in keys if k not in swap}
            reference = {t: w for t, w in reference.items() if (t.value, t.datatype.value) not in stored}
        held = sum(1 for k in keys if k[1].startswith(STANDIN_PREFIXES))  # stand-ins already (regrouped data)
        standins = {k for k in swap if not marks(*k)} | self.fixed.standins
        return Decoder({**reference, **self.fixed.renamed, **renamed}, len(standins) + held)

    def load(self, store: ox.Store, data: bytes, fmt: str) -> Decoder:
        """Loads ``data`` (``nt`` or ``ttl``) into ``store``'s default graph; the decoder of its
        renamed literals. Raises SyntaxError for malformed data."""
        rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.TURTLE
        keys = scan(data, fmt) if not _has_blank_nodes(data, fmt) else None
        if keys is not None:
            swap, renamed = self.plan(keys, self.fixed)
            if not swap:
                store.bulk_load(data, format=rdf_format)
                return self.decoder(keys, swap, renamed)
        quads = list(ox.parse(data, format=rdf_format))
        keys = _keys(quads)
        swap, renamed = self.plan(keys, self.fixed)
        store.bulk_extend(_swap(quads, swap) if swap else quads)
        return self.decoder(keys, swap, renamed)


def _has_blank_nodes(data: bytes, fmt: str) -> bool:
    """Whether ``data`` may hold blank nodes (loading through the parser keeps their labels as written;
    the store's own loader would rename them)."""
    return b"_:" in data or (fmt == "ttl" and (b"[" in data or b"(" in data))


def _keys(quads) -> set:
    return {(o.value, o.datatype.value) for q in quads
            if isinstance(o := q.object, ox.Literal) and o.language is None}


def _swap(quads, swap: set) -> list:
    out = []
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal) and o.language is None and (o.value, o.datatype.value) in swap:
            q = ox.Quad(q.subject, q.predicate, held_as(o.value, o.datatype.value), q.graph_name)
        out.append(q)
    return out


def _literal(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(datatype))

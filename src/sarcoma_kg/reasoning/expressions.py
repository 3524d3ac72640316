"""OWL 2 class expressions read from RDF into a small tree the compiled classifier evaluates.

Only the constructors the compiled classifier evaluates exactly are read
(https://www.w3.org/TR/owl2-mapping-to-rdf/#Parsing_of_Expressions): ``owl:intersectionOf``,
``owl:unionOf``, ``owl:oneOf`` (individuals), and restrictions ``owl:someValuesFrom`` /
``owl:hasValue`` on object and data properties, with data ranges that are a datatype, a
``owl:oneOf`` of literals, or ``xsd:integer``/``xsd:decimal`` with numeric facets. Anything else
(``owl:complementOf``, ``owl:allValuesFrom``, cardinalities, ``owl:hasSelf`` ...) raises
:class:`UnsupportedExpression` naming the class it occurs in: it is refused, never approximated.

:func:`to_rdf` writes an expression back as fresh RDF, so the one tree that is evaluated is also
the one a DL reasoner classifies at build time (:mod:`.entailments`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..errors import ReasonerError


class UnsupportedExpression(ReasonerError):
    """A class expression or axiom the compiled classifier cannot evaluate exactly."""


# --- the tree -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Named:
    iri: URIRef


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class OneOf:
    individuals: frozenset


@dataclass(frozen=True)
class Some:
    prop: URIRef
    filler: object


@dataclass(frozen=True)
class HasValue:
    prop: URIRef
    value: URIRef


@dataclass(frozen=True)
class DataRange:
    """A data range: values of ``datatype`` (rdfs:Literal for any), restricted by numeric
    ``facets`` ((facet IRI, Decimal) pairs) or to the literals of ``literals`` (data owl:oneOf)."""

    datatype: URIRef
    facets: tuple = ()
    literals: frozenset | None = None


@dataclass(frozen=True)
class DataSome:
    prop: URIRef
    range: DataRange


@dataclass(frozen=True)
class DataHasValue:
    prop: URIRef
    value: tuple  # a literal's value (see value_key)


# --- literal values (the OWL 2 datatype map, the part used here) ---------------------------------

#: xsd:decimal and the datatypes derived from it share one value space in OWL 2 (1 = 1.0).
NUMERIC = frozenset({XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.nonPositiveInteger,
                     XSD.positiveInteger, XSD.negativeInteger, XSD.long, XSD.int, XSD.short,
                     XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte})
INTEGERS = NUMERIC - {XSD.decimal}
_BOUNDS = {XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
           XSD.nonPositiveInteger: (None, 0), XSD.negativeInteger: (None, -1),
           XSD.long: (-2**63, 2**63 - 1), XSD.int: (-2**31, 2**31 - 1), XSD.short: (-2**15, 2**15 - 1),
           XSD.byte: (-128, 127), XSD.unsignedLong: (0, 2**64 - 1), XSD.unsignedInt: (0, 2**32 - 1),
           XSD.unsignedShort: (0, 2**16 - 1), XSD.unsignedByte: (0, 255)}
_STRINGS = frozenset({XSD.string, RDF.PlainLiteral})
FACETS = frozenset({XSD.minInclusive, XSD.maxInclusive, XSD.minExclusive, XSD.maxExclusive})


def value_key(literal: Literal) -> tuple:
    """The value of ``literal`` in the OWL 2 datatype map, as a comparable key: ``("number", Decimal)``
    for xsd:decimal and its derived types, ``("boolean", bool)``, ``("string", text, language)``,
    otherwise ``("other", datatype, lexical form)``. Raises :class:`ReasonerError` for a lexical form
    that is not in its datatype's lexical space (a DL reasoner rejects it too)."""
    dt = literal.datatype
    text = str(literal)
    if dt is None or dt in _STRINGS:
        return ("string", text, literal.language)
    if dt in NUMERIC:
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or (dt in INTEGERS and ("." in text or "e" in text.lower())):
            raise ReasonerError(f"malformed literal {text!r} of datatype {dt}")
        return ("number", number)
    if dt == XSD.boolean:
        if text.strip() not in ("true", "false", "1", "0"):
            raise ReasonerError(f"malformed literal {text!r} of datatype {dt}")
        return ("boolean", text.strip() in ("true", "1"))
    return ("other", dt, text)


def in_datatype(key: tuple, datatype: URIRef) -> bool:
    """Whether a value (:func:`value_key`) lies in the value space of ``datatype``."""
    if datatype == RDFS.Literal:
        return True
    kind = key[0]
    if datatype in NUMERIC:
        if kind != "number":
            return False
        if datatype == XSD.decimal:
            return True
        number = key[1]
        if number != number.to_integral_value():
            return False
        low, high = _BOUNDS.get(datatype, (None, None))
        return (low is None or number >= low) and (high is None or number <= high)
    if datatype in _STRINGS:
        return kind == "string" and (datatype == RDF.PlainLiteral or key[2] is None)
    if datatype == XSD.boolean:
        return kind == "boolean"
    return kind == "other" and key[1] == datatype


def checkable_datatype(datatype: URIRef) -> bool:
    """Whether :func:`in_datatype` decides membership of ``datatype`` by value (not by name only)."""
    return datatype in NUMERIC or datatype in _STRINGS or datatype in (XSD.boolean, RDFS.Literal)


def in_range(key: tuple, data_range: DataRange) -> bool:
    """Whether a value (:func:`value_key`) lies in ``data_range``."""
    if data_range.literals is not None:
        return key in data_range.literals
    if not in_datatype(key, data_range.datatype):
        return False
    for facet, bound in data_range.facets:
        number = key[1]
        if facet == XSD.minInclusive and not number >= bound:
            return False
        if facet == XSD.maxInclusive and not number <= bound:
            return False
        if facet == XSD.minExclusive and not number > bound:
            return False
        if facet == XSD.maxExclusive and not number < bound:
            return False
    return True


# --- reading RDF ----------------------------------------------------------------------------------

_RESTRICTION_REFUSED = (OWL.allValuesFrom, OWL.hasSelf, OWL.cardinality, OWL.minCardinality, OWL.maxCardinality,
                        OWL.qualifiedCardinality, OWL.minQualifiedCardinality, OWL.maxQualifiedCardinality,
                        OWL.onProperties, OWL.onClass, OWL.onDataRange)


class Reader:
    """Reads class expressions of ``terms`` into trees; ``data_properties`` tells a data
    restriction from an object one. ``where`` names the axiom being read in refusals."""

    def __init__(self, terms: Graph, data_properties: frozenset):
        self.terms = terms
        self.data_properties = data_properties

    def refuse(self, where: str, what: str) -> UnsupportedExpression:
        return UnsupportedExpression(f"{where}: {what}: the compiled classifier cannot evaluate it exactly "
                                     "(use --reasoner hermit)")

    def _list(self, node) -> list:
        return list(Collection(self.terms, node))

    def expression(self, node, where: str):
        if isinstance(node, URIRef):
            return Named(node)
        if isinstance(node, Literal):
            raise self.refuse(where, f"a literal {node!r} where a class is expected")
        t = self.terms
        if (node, OWL.complementOf, None) in t:
            raise self.refuse(where, "owl:complementOf (negation under the open world)")
        members = t.value(node, OWL.intersectionOf)
        if members is not None:
            return And(tuple(self.expression(m, where) for m in self._list(members)))
        members = t.value(node, OWL.unionOf)
        if members is not None:
            return Or(tuple(self.expression(m, where) for m in self._list(members)))
        members = t.value(node, OWL.oneOf)
        if members is not None:
            individuals = self._list(members)
            if not all(isinstance(i, URIRef) for i in individuals):
                raise self.refuse(where, "owl:oneOf of something other than named individuals")
            return OneOf(frozenset(individuals))
        if (node, RDF.type, OWL.Restriction) in t or (node, OWL.onProperty, None) in t:
            return self._restriction(node, where)
        raise self.refuse(where, f"a class expression without a known constructor ({node})")

    def _restriction(self, node, where: str):
        t = self.terms
        for refused in _RESTRICTION_REFUSED:
            if (node, refused, None) in t:
                raise self.refuse(where, f"a restriction with {refused.n3(t.namespace_manager)}")
        prop = t.value(node, OWL.onProperty)
        if not isinstance(prop, URIRef):
            raise self.refuse(where, "a restriction on an inverse or unnamed property")
        is_data = prop in self.data_properties
        filler = t.value(node, OWL.someValuesFrom)
        if filler is not None:
            return DataSome(prop, self.data_range(filler, where)) if is_data else Some(prop, self.expression(filler, where))
        value = t.value(node, OWL.hasValue)
        if value is not None:
            if isinstance(value, Literal):
                if not is_data:
                    raise self.refuse(where, f"a literal value on {prop}, which is not a data property")
                return DataHasValue(prop, value_key(value))
            if is_data or not isinstance(value, URIRef):
                raise self.refuse(where, f"owl:hasValue {value} on {prop}")
            return HasValue(prop, value)
        raise self.refuse(where, f"a restriction on {prop} without owl:someValuesFrom or owl:hasValue")

    def data_range(self, node, where: str) -> DataRange:
        t = self.terms
        if isinstance(node, URIRef):
            if not checkable_datatype(node):
                raise self.refuse(where, f"the datatype {node}")
            return DataRange(node)
        members = t.value(node, OWL.oneOf)
        if members is not None:
            literals = self._list(members)
            if not all(isinstance(v, Literal) for v in literals):
                raise self.refuse(where, "a data owl:oneOf with a non-literal")
            return DataRange(RDFS.Literal, (), frozenset(value_key(v) for v in literals))
        base = t.value(node, OWL.onDatatype)
        restrictions = t.value(node, OWL.withRestrictions)
        if base not in NUMERIC or restrictions is None or len(set(t.predicates(node, None)) - {RDF.type, OWL.onDatatype, OWL.withRestrictions}):
            raise self.refuse(where, "a data range other than a datatype, a literal owl:oneOf or numeric facets")
        facets = []
        for item in self._list(restrictions):
            pairs = [(p, o) for p, o in t.predicate_objects(item) if p != RDF.type]
            if len(pairs) != 1 or pairs[0][0] not in FACETS or not isinstance(pairs[0][1], Literal):
                raise self.refuse(where, "a facet other than xsd:min/maxInclusive/Exclusive")
            key = value_key(pairs[0][1])
            if key[0] != "number":
                raise self.refuse(where, "a non-numeric facet value")
            facets.append((pairs[0][0], key[1]))
        return DataRange(base, tuple(facets))


# --- writing RDF ----------------------------------------------------------------------------------

def _literal(key: tuple) -> Literal:
    if key[0] == "number":
        number = key[1]
        return Literal(str(number), datatype=XSD.integer if number == number.to_integral_value() and "E" not in str(number) and "." not in str(number) else XSD.decimal)
    if key[0] == "boolean":
        return Literal("true" if key[1] else "false", datatype=XSD.boolean)
    if key[0] == "string":
        return Literal(key[1], lang=key[2])
    return Literal(key[2], datatype=key[1])


def _rdf_list(graph: Graph, items: list) -> BNode:
    head = BNode()
    Collection(graph, head, items)
    return head


def to_rdf(expr, graph: Graph):
    """Write ``expr`` into ``graph`` with fresh blank nodes; return its node."""
    if isinstance(expr, Named):
        return expr.iri
    node = BNode()
    if isinstance(expr, (And, Or)):
        graph.add((node, RDF.type, OWL.Class))
        link = OWL.intersectionOf if isinstance(expr, And) else OWL.unionOf
        graph.add((node, link, _rdf_list(graph, [to_rdf(p, graph) for p in expr.parts])))
    elif isinstance(expr, OneOf):
        graph.add((node, RDF.type, OWL.Class))
        graph.add((node, OWL.oneOf, _rdf_list(graph, sorted(expr.individuals))))
    elif isinstance(expr, (Some, HasValue, DataSome, DataHasValue)):
        graph.add((node, RDF.type, OWL.Restriction))
        graph.add((node, OWL.onProperty, expr.prop))
        if isinstance(expr, Some):
            graph.add((node, OWL.someValuesFrom, to_rdf(expr.filler, graph)))
        elif isinstance(expr, HasValue):
            graph.add((node, OWL.hasValue, expr.value))
        elif isinstance(expr, DataHasValue):
            graph.add((node, OWL.hasValue, _literal(expr.value)))
        else:
            graph.add((node, OWL.someValuesFrom, _range_rdf(expr.range, graph)))
    else:
        raise TypeError(expr)
    return node


def _range_rdf(data_range: DataRange, graph: Graph):
    if data_range.literals is not None:
        node = BNode()
        graph.add((node, RDF.type, RDFS.Datatype))
        graph.add((node, OWL.oneOf, _rdf_list(graph, sorted((_literal(k) for k in data_range.literals), key=str))))
        return node
    if not data_range.facets:
        return data_range.datatype
    node = BNode()
    graph.add((node, RDF.type, RDFS.Datatype))
    graph.add((node, OWL.onDatatype, data_range.datatype))
    items = []
    for facet, bound in data_range.facets:
        item = BNode()
        graph.add((item, facet, Literal(str(bound), datatype=XSD.integer if data_range.datatype in INTEGERS else XSD.decimal)))
        items.append(item)
    graph.add((node, OWL.withRestrictions, _rdf_list(graph, items)))
    return node


def parts(expr) -> list:
    """Every sub-expression of ``expr`` that is not a named class, ``expr`` first (pre-order)."""
    out = []
    todo = [expr]
    while todo:
        e = todo.pop()
        if isinstance(e, Named):
            continue
        out.append(e)
        if isinstance(e, (And, Or)):
            todo.extend(reversed(e.parts))
        elif isinstance(e, Some):
            todo.append(e.filler)
    return out

"""Comparing SELECT results across engines: as multisets of rows, not as ordered lists."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rdflib import Literal
from rdflib.namespace import XSD

from sarcoma_kg.sparql.backends import ResultSet
from sarcoma_kg.sparql.query import LIST_SEPARATOR


def _normal_term(term):
    """A comparable key: numeric literals by value, lists joined by LIST_SEPARATOR as sorted sets."""
    if term is None:
        return ("", "")
    if isinstance(term, Literal):
        if term.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long):
            try:
                return ("num", str(Decimal(str(term)).normalize()), str(term.datatype))
            except InvalidOperation:
                pass
        text = str(term)
        if LIST_SEPARATOR in text:
            text = LIST_SEPARATOR.join(sorted(text.split(LIST_SEPARATOR)))
        return ("lit", text, str(term.datatype or ""), term.language or "")
    return (type(term).__name__, str(term))


def canonical_rows(result: ResultSet) -> list[tuple]:
    """The rows as a sorted multiset of comparable keys (columns in header order)."""
    return sorted(tuple(_normal_term(t) for t in row) for row in result.rows)

"""XSD lexical spaces, checked on literals as written: the one test both validation paths apply.

Python and the stores read more than XSD allows (``Decimal("1_000")``, ``Decimal("１２")``,
``float("Infinity")``, a dateTime where a date is expected, the 30th of February), so a literal is
checked here, on its lexical form, before any of them parses it (`XSD 1.1 Part 2
<https://www.w3.org/TR/xmlschema11-2/>`_, section 3.3). Digits are ASCII digits only; leading and
trailing XML whitespace is allowed (the ``collapse`` facet), inner whitespace is not.

One restriction on XSD: years of dates have **four digits** (0001-9999). XSD allows longer years,
but no clinical date lies beyond 9999, Python cannot represent one, and a fifth digit is a typo.

:func:`well_formed` returns None for a datatype it does not check (strings, IRIs ...).
"""

from __future__ import annotations

import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_DATE = r"(?P<y>-?[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
_TIME = r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_FLOAT = r"(?:[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF)|-INF|NaN)"

#: datatype local name -> lexical space (a full match after stripping XML whitespace).
PATTERNS = {name: re.compile(pattern + r"\Z") for name, pattern in {
    "decimal": _DECIMAL,
    "integer": r"[+-]?[0-9]+",
    "double": _FLOAT,
    "float": _FLOAT,
    "boolean": r"true|false|1|0",
    "date": _DATE + _TZ,
    "dateTime": _DATE + "T" + _TIME + _TZ,
    "dateTimeStamp": _DATE + "T" + _TIME + r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
    "time": _TIME + _TZ,
    "gYear": r"-?[0-9]{4}" + _TZ,
    "gYearMonth": r"-?[0-9]{4}-(?:0[1-9]|1[0-2])" + _TZ,
}.items()}

_LONG = 2 ** 63
#: Integer types derived from xsd:integer, with their value ranges.
INTEGER_RANGES = {name: bounds for name, bounds in {
    "long": (-_LONG, _LONG - 1), "int": (-2 ** 31, 2 ** 31 - 1), "short": (-2 ** 15, 2 ** 15 - 1),
    "byte": (-128, 127), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "unsignedLong": (0, 2 * _LONG - 1),
    "unsignedInt": (0, 2 ** 32 - 1), "unsignedShort": (0, 2 ** 16 - 1), "unsignedByte": (0, 255),
}.items()}

#: Every datatype IRI :func:`well_formed` checks.
CHECKED = frozenset(XSD + name for name in [*PATTERNS, *INTEGER_RANGES])

_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _calendar(match: re.Match) -> bool:
    """Whether the date of ``match`` (groups y, m, d) exists (proleptic Gregorian, XSD 1.1: year 0
    is a leap year)."""
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not 1 <= month <= 12 or day < 1:
        return False
    days = 28 if month == 2 and not _leap(abs(year)) else _DAYS[month - 1]
    return day <= days


def well_formed(lexical: str, datatype: str) -> bool | None:
    """Whether ``lexical`` is in the lexical space of ``datatype`` (an IRI); None when the datatype
    is not one this module checks (:data:`CHECKED`)."""
    if not datatype.startswith(XSD):
        return None
    name = datatype[len(XSD):]
    text = lexical.strip(" \t\n\r")
    if name in INTEGER_RANGES:
        if not PATTERNS["integer"].match(text):
            return False
        low, high = INTEGER_RANGES[name]
        n = int(text)
        return (low is None or n >= low) and (high is None or n <= high)
    pattern = PATTERNS.get(name)
    if pattern is None:
        return None
    match = pattern.match(text)
    if match is None:
        return False
    return _calendar(match) if "d" in pattern.groupindex else True


def explain(lexical: str, datatype: str) -> str:
    """Why ``lexical`` is not a ``datatype`` literal, in words (for messages)."""
    name = datatype.rsplit("#", 1)[-1]
    if name in ("date", "dateTime", "dateTimeStamp") and re.search(r"[0-9]{5,}-", lexical):
        return f"{lexical!r} is not an xsd:{name}: a year has four digits"
    if name in ("date", "dateTime", "dateTimeStamp") and PATTERNS[name].match(lexical.strip()):
        return f"{lexical!r} is not an xsd:{name}: no such day"
    if re.search(r"[^\x00-\x7f]", lexical) and re.search(r"\d", lexical):
        return f"{lexical!r} is not an xsd:{name}: digits must be 0-9"
    return f"{lexical!r} is not an xsd:{name}"

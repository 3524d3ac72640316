"""Operations that make the engine fetch a URL: SPARQL Update ``LOAD`` and the ``SERVICE`` pattern.

Oxigraph (the server binary and pyoxigraph alike) dereferences the IRI of ``LOAD <iri>``
(https://www.w3.org/TR/sparql11-update/#load) and of ``SERVICE <iri> { ... }``
(https://www.w3.org/TR/sparql11-federated-query/). The server refuses both unless it was
started with ``--allow-remote-fetch``; :func:`fetching_keywords` finds them before the text
reaches the engine.

It tokenises the request as the SPARQL grammar does (section 19.8: comments, the four string
forms, IRI references, variables, language tags, prefixed names) and reports every ``LOAD`` or
``SERVICE`` that stands as a keyword token, in any letter case. Because some engines process
``\\uXXXX`` escapes before parsing (SPARQL 1.1 section 19.2) and Oxigraph does not, the text is
checked both as written and with those escapes expanded. A keyword inside a string, an IRI, a
comment, a variable or the local part of a prefixed name (``ex:download``) is not reported; a
false alarm is possible for a prefix whose name holds one of the words (``load:``), which the
client can rename.
"""

from __future__ import annotations

import re
from functools import lru_cache

FETCHING = ("LOAD", "SERVICE")

# Token patterns after the grammar's terminals (SPARQL 1.1 section 19.8).
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)+")
_IRIREF = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
_ESC = r"""\\[tbnrf\\"']|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""
_STRINGS = (
    re.compile(r"'''(?:(?:'|'')?(?:[^'\\]|" + _ESC + r"))*'''"),
    re.compile(r'"""(?:(?:"|"")?(?:[^"\\]|' + _ESC + r'))*"""'),
    re.compile(r"'(?:[^'\\\r\n]|" + _ESC + r")*'"),
    re.compile(r'"(?:[^"\\\r\n]|' + _ESC + r')*"'),
)
_VAR = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+")
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
# Names: keywords, prefixed names (with ':' and PN_LOCAL escapes), numbers, blank node labels.
_NAME = re.compile(r"(?:[\w\u00B7\u0300-\u036F\u203F-\u2040.:\-%]|\\[_~.\-!$&'()*+,;=/?#@%])+")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _expand_unicode_escapes(text: str) -> str:
    def replace(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _UNICODE_ESCAPE.sub(replace, text)


def _keywords(text: str) -> set[str]:
    found: set[str] = set()
    i, n = 0, len(text)
    while i < n:
        skip = _SKIP.match(text, i)
        if skip:
            i = skip.end()
            continue
        ch = text[i]
        match = None
        if ch == "<":
            match = _IRIREF.match(text, i)
        elif ch in "'\"":
            for pattern in _STRINGS:
                match = pattern.match(text, i)
                if match:
                    break
        elif ch in "?$":
            match = _VAR.match(text, i)
        elif ch == "@":
            match = _LANG.match(text, i)
        else:
            match = _NAME.match(text, i)
            if match:
                _names(match.group(0), found)
        i = match.end() if match else i + 1
    return found


def _names(token: str, found: set[str]) -> None:
    """Keywords in a run of name characters. Oxigraph's parser matches a keyword wherever a
    token may start, with no word boundary after it (``SERVICESILENT<...>``, ``LOAD:x`` and
    ``trueSERVICE<...>`` all fetch), so a keyword anywhere before the run's first ':' counts.
    After a ':' the run is the local part of a prefixed name, which the parser reads whole."""
    head = token.split(":", 1)[0].upper()
    for keyword in FETCHING:
        if keyword in head:
            found.add(keyword)


@lru_cache(maxsize=4096)
def _fetching(text: str) -> tuple[str, ...]:
    found = _keywords(text)
    if "\\u" in text or "\\U" in text:
        found |= _keywords(_expand_unicode_escapes(text))
    return tuple(sorted(found))


def fetching_keywords(text: str) -> list[str]:
    """The fetching operations (``LOAD``, ``SERVICE``) that ``text`` contains, sorted (the
    answers for the last few thousand texts are remembered: clients repeat their queries)."""
    return list(_fetching(text))

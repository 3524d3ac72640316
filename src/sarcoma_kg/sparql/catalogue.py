"""The SPARQL query catalogue: one competency question per ``.rq`` file, described by its header.

Every catalogue file opens with a header of ``#+`` comment lines (house style, after
sib-swiss/sparql-examples and grlc)::

    #+ summary: Studies behind each recommendation
    #+ question: For recommendation ?rec, which studies support it ...?
    #+ parameters:
    #+   - {name: rec, type: iri, optional: true, example: rec:IAC-12.1}
    #+ returns: [rec, notation, study, ...]
    #+ golden: tests/golden/queries/cq-recommendation-evidence.srj

A quality-control query (``queries/qc/``) also has ``problem``, ``principle`` and ``solution``
(after ROBOT's report queries); a long value goes on over ``#+   `` lines.

This module parses those headers (a tiny, strict subset of YAML: no PyYAML dependency). It knows
nothing about engines (see :mod:`~sarcoma_kg.sparql.query`); the catalogue page of the release is
written by :mod:`~sarcoma_kg.release.pages`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import resources
from ..errors import InputError

#: Parameter types a header may declare, and what a value on the command line must look like.
PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean")

_HEADER = re.compile(r"^#\+\s?(.*)$")
_KEY = re.compile(r"^([A-Za-z_]+):\s*(.*)$")
_ITEM = re.compile(r"^\s+-\s*\{(.*)\}\s*$")
#: Header keys whose value may go on over the following ``#+   `` lines.
_TEXT_KEYS = ("summary", "question", "notes", "problem", "principle", "solution")
_KIND = re.compile(r"^\s*(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str = "iri"
    optional: bool = False
    example: str | None = None
    description: str = ""


@dataclass
class CatalogueQuery:
    name: str
    path: Path
    text: str
    kind: str                      # SELECT, CONSTRUCT, ASK or DESCRIBE
    summary: str = ""
    question: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    golden: str | None = None
    notes: str = ""
    #: Quality-control queries (``queries/qc/``) say, as ROBOT's report queries do, what is wrong
    #: with a row, the principle it breaks and how to fix it.
    problem: str = ""
    principle: str = ""
    solution: str = ""

    @property
    def family(self) -> str:
        """``cq``, ``qc`` or ``construct``: the prefix of the file name."""
        return "qc" if self.path.parent.name == "qc" else self.name.split("-", 1)[0]

    def parameter(self, name: str) -> Parameter:
        for param in self.parameters:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise InputError(f"{self.path}: query {self.name} has no parameter {name!r} (parameters: {known})")


def _scalar(value: str):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside quotes."""
    parts, buf, quote = [], [], None
    for ch in text:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            buf.append(ch)
        elif ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if "".join(buf).strip():
        parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


def _mapping(body: str, where: str) -> dict:
    out = {}
    for part in _split_top(body):
        key, sep, value = part.partition(":")
        if not sep:
            raise InputError(f"{where}: expected 'key: value' in parameter, got {part!r}")
        out[key.strip()] = _scalar(value)
    return out


def parse_query_file(path: Path) -> CatalogueQuery:
    """Read one ``.rq`` file and its ``#+`` header; raise :class:`InputError` on a bad header."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    text = path.read_text(encoding="utf-8")
    fields: dict[str, object] = {}
    params: list[Parameter] = []
    current = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if not match:
            continue
        where = f"{path}:{lineno}"
        content = match.group(1)
        item = _ITEM.match(content)
        if item and current == "parameters":
            data = _mapping(item.group(1), where)
            if "name" not in data:
                raise InputError(f"{where}: a parameter needs a name")
            ptype = data.get("type", "iri")
            if ptype not in PARAM_TYPES:
                raise InputError(f"{where}: unknown parameter type {ptype!r} (one of {', '.join(PARAM_TYPES)})")
            params.append(Parameter(
                name=str(data["name"]), type=str(ptype), optional=bool(data.get("optional", False)),
                example=None if data.get("example") is None else str(data["example"]),
                description=str(data.get("description", "")),
            ))
            continue
        key = _KEY.match(content)
        if key:
            current = key.group(1)
            value = key.group(2).strip()
            if current == "returns":
                fields[current] = [v.strip() for v in value.strip("[]").split(",") if v.strip()]
            elif current != "parameters":
                fields[current] = value
            elif value not in ("", "[]"):
                raise InputError(f"{where}: list parameters on the following lines as '#+   - {{name: ..., type: ...}}'")
            continue
        if current in _TEXT_KEYS and content.strip():
            fields[current] = f"{fields.get(current, '')} {content.strip()}".strip()
    kind = _KIND.search(re.sub(r"(?m)^\s*#.*$", "", text))
    return CatalogueQuery(
        name=path.stem, path=path, text=text,
        kind=kind.group(1).upper() if kind else "UPDATE",
        summary=str(fields.get("summary", "")), question=str(fields.get("question", "")),
        parameters=params, returns=list(fields.get("returns", [])),
        golden=fields.get("golden") or None, notes=str(fields.get("notes", "")),
        problem=str(fields.get("problem", "")), principle=str(fields.get("principle", "")),
        solution=str(fields.get("solution", "")),
    )


def load_query(name_or_path: str | Path) -> CatalogueQuery:
    """A catalogue query by name (``cq-definitions``, ``qc/...``) or by file path."""
    try:
        path = resources.query_file(str(name_or_path))
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from exc
    return parse_query_file(path)


def catalogue(include_qc: bool = True) -> list[CatalogueQuery]:
    """Every query of the catalogue, in name order (``queries/*.rq``, then ``queries/qc/*.rq``)."""
    files = list(resources.query_files())
    if include_qc:
        files += resources.query_files("qc")
    return [parse_query_file(p) for p in files]

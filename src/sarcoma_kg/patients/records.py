"""One bad record costs one patient: a Turtle or N-Triples patient file that does not parse as a
whole is read record by record (:func:`read_records`), each record a patient's block, cut where
``cohort validate`` cuts files; a record that does not parse is reported with its line and patient
and left out, the others are read."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ..errors import InputError
from ..namespaces import bind_prefixes
from ..rdf import patients_in, syntax_error
from .lexical_forms import bad_iri


def read_records(path: Path, fmt: str, whole: InputError) -> tuple[Graph, list[InputError]]:
    """A Turtle or N-Triples file that does not parse, read record by record: the file is cut just
    before each line that starts a patient's block (``ex:P a skg:Patient``, as ``cohort validate``
    cuts files), each block is parsed with the prefixes declared before it, and a block that does
    not parse is an error naming its line and patient, the others are kept. Raises ``whole`` (the
    error of the whole file) when no block parses or the file has no such line."""
    from ..cohort.run import NT_PATIENT_START, TTL_PATIENT_START, _directives, first_subject

    data = path.read_bytes()
    if fmt == "nt":
        cuts = sorted({data.rfind(b"\n", 0, m) + 1 for m in _finditer(data, NT_PATIENT_START)})
    else:
        cuts = [m.start() + 1 for m in TTL_PATIENT_START.finditer(data)]
    cuts = [c for c in cuts if c > 0]
    if not cuts:
        raise whole
    graph, errors, header = Graph(), [], b""
    bind_prefixes(graph)
    for start, end in zip([0, *cuts], [*cuts, len(data)]):
        block = data[start:end]
        first_line = data.count(b"\n", 0, start) + 1
        part = Graph()
        try:
            part.parse(data=header + block, format=fmt)
        except Exception as exc:  # rdflib raises several unrelated exception types
            error = syntax_error(path, fmt, exc, line_offset=first_line - 1 - header.count(b"\n"),
                                 default_line=first_line)
        else:
            error = bad_iri(part, path, first_line)
            if error is None:
                graph += part
        if error is not None:
            errors.append(InputError(f"{error} (record {first_subject(block)} left out)"))
        if fmt == "turtle":
            header += b"".join(line + b"\n" for line in _directives(block))
    if not patients_in(graph):
        raise whole
    return graph, errors


def _finditer(data: bytes, needle: bytes):
    at = data.find(needle)
    while at >= 0:
        yield at
        at = data.find(needle, at + 1)

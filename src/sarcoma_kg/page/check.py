"""One submitted patient (a CSV row, Turtle, a FHIR Bundle or NDJSON, or the small form) → the answer of the
product's own functions: :func:`~sarcoma_kg.patients.validate.validate_paths` for the verdicts and
:func:`~sarcoma_kg.reasoning.recommend.recommend` for the recommendations and their evidence.

The text is written to a temporary folder under the name it came with (so that errors read as the CLI's,
naming that name and line), read by the one patient reader, and deleted before the answer is returned.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from ..errors import InputError, SarcomaKgError
from ..patients import shapes
from ..patients.fhir import FhirGraph, Unmapped, load_resources
from ..patients.validate import ValidationResult, as_dict, validate_paths

#: What each input kind is read as: the suffix the reader dispatches on.
SUFFIXES = {"csv": ".csv", "turtle": ".ttl", "fhir": ".json", "ndjson": ".ndjson"}
#: The fields of the small form, and the CSV column each fills (the CSV mapping reads them).
FORM_PATIENT = {"patient_id": "patient_id", "primary_histology": "primary_histology",
                "primary_site": "primary_site", "diagnosis_date": "diagnosis_date", "ecog": "ecog",
                "diffuse_serosal_involvement": "diffuse_serosal_involvement"}
FORM_LESION = ("lesion_site", "lesion_diameter_mm", "detection_date", "lesion_amenable_radical")
FORM_LESIONS = 3


@dataclass
class Answer:
    """What the page shows for one submission."""

    name: str
    validation: dict | None = None
    recommendations: list = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def terms_graph() -> Graph:
    from ..rdf import ontology_graph

    return ontology_graph()


def safe_name(name: str | None, kind: str) -> str:
    """The file name a submission is read under: its own (letters, digits, ``._-``) with its kind's suffix."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name or "").name).strip("._") or "patient"
    suffix = SUFFIXES[kind]
    if kind == "fhir" and stem.lower().endswith(".ndjson"):
        suffix = ".ndjson"
    return stem if stem.lower().endswith(suffix) else f"{stem}{suffix}"


def form_to_csv(fields: dict[str, str]) -> str:
    """The small form as a tumour-board CSV (one row per filled lesion): read by the CSV mapping."""
    lesions = [{c: fields.get(f"{c}_{i}", "").strip() for c in FORM_LESION} for i in range(1, FORM_LESIONS + 1)]
    lesions = [l for l in lesions if any(l.values())] or [dict.fromkeys(FORM_LESION, "")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FORM_PATIENT.values(), *FORM_LESION])
    for lesion in lesions:
        writer.writerow([fields.get(k, "").strip() for k in FORM_PATIENT] + [lesion[c] for c in FORM_LESION])
    return out.getvalue()


def check(text: str, kind: str, name: str | None = None, reasoner: str = "compiled") -> Answer:
    """Validate the patient(s) of ``text`` and find their recommendations; nothing is kept afterwards."""
    if kind not in SUFFIXES:
        raise InputError(f"unknown input kind {kind!r} (one of {', '.join(SUFFIXES)})")
    filename = safe_name(name, kind)
    answer = Answer(name=filename)
    with tempfile.TemporaryDirectory(prefix="sarcoma-kg-page-") as tmp:
        path = Path(tmp) / filename
        path.write_text(text, encoding="utf-8")
        hide = f"{tmp}/"
        try:
            if kind in ("fhir", "ndjson"):  # said to be FHIR: its own errors, even when the text is not JSON
                load_resources(path)
            result = validate_paths([path], knowledge=shapes.knowledge_context())
        except SarcomaKgError as exc:
            answer.errors.append(str(exc).replace(hide, ""))
            return answer
        answer.errors = [e.message.replace(hide, "") for e in result.errors]
        if not result.files:
            return answer
        _collect_report(answer, result, hide)
        answer.validation = as_dict(result)
        for patient in answer.validation["patients"]:
            patient["file"] = filename
        if not result.errors:
            answer.recommendations = _recommend(result, reasoner)
    return answer


def _collect_report(answer: Answer, result: ValidationResult, hide: str) -> None:
    from ..rdf import curie

    for pf in result.files:
        if isinstance(pf.graph, FhirGraph):
            answer.unmapped.extend(Unmapped(r.file.replace(hide, ""), r.line, r.resource, r.element, r.code,
                                            r.display, r.reason) for r in pf.graph.unmapped)
            for patient, notes in pf.graph.notes.items():
                answer.notes.setdefault(curie(patient), []).extend(notes)


def _recommend(result: ValidationResult, reasoner: str) -> list:
    from ..reasoning.recommend import recommend

    merged = Graph()
    for pf in result.files:
        merged += pf.graph
    merged += result.graph  # the verdicts already derived: recommend does not derive them again
    return recommend(merged, shapes.knowledge_context(), reasoner=reasoner, terms=terms_graph())

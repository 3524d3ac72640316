"""Synthetic registry cohorts for scale testing: seeded, realistic, with known defects.

A cohort is a set of patient graphs in the model of docs/model.md, written **grouped**: every
triple of one patient (the patient node, its primary tumour, its lesions, its therapy course)
is written in one contiguous block, the patient's own triples first. :mod:`~sarcoma_kg.cohort.run`
relies on that grouping to validate in chunks of whole patients (and detects files that break it).

Distributions (fixed, seeded with :class:`random.Random`, so the same seed gives the same bytes):

* 1–9 metastatic lesions per patient, skewed to few (weights :data:`LESION_WEIGHTS`);
* lesion sites skewed to lung and liver (:data:`ORGAN_WEIGHTS`); further lesions stay in the same
  organ with probability 0.65, so most patients have one or two organ sites;
* about 4 % diffuse serosal disease (pleural, peritoneal, pericardial, leptomeningeal), 16 % unknown;
* unknown facts (absent triples) for amenability to radical treatment, sizes and ECOG;
* histologies from the ontology's histology terms (docs/model.md), skewed to the common ones.

A known share (:data:`DEFECT_SHARE` of the patients, at least one when N allows) carries each kind
of structural defect in :data:`DEFECT_KINDS`. The ground truth is written next to the cohort as
``FILE.truth.json``: the patient indexes of every defect kind and per-patient summary counts.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..namespaces import EX, SKG, XSD

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: Histology classes used by the generator (docs/model.md "Term IRIs"), with relative weights.
HISTOLOGY_WEIGHTS: dict[str, int] = {
    "Leiomyosarcoma": 20, "UndifferentiatedPleomorphicSarcoma": 14, "DedifferentiatedLiposarcoma": 6,
    "MyxoidLiposarcoma": 5, "PleomorphicLiposarcoma": 2, "SynovialSarcoma": 8, "Myxofibrosarcoma": 6,
    "Angiosarcoma": 4, "MalignantPeripheralNerveSheathTumour": 3, "SolitaryFibrousTumour": 3,
    "Rhabdomyosarcoma": 3, "Fibrosarcoma": 2, "EpithelioidHemangioendothelioma": 1,
    "Osteosarcoma": 8, "EwingSarcoma": 5, "Chondrosarcoma": 5, "Chordoma": 1, "SoftTissueSarcoma": 4,
}

#: Organ groups: organ -> (weight, site classes a lesion in that organ may carry).
ORGAN_WEIGHTS: dict[str, tuple[int, tuple[str, ...]]] = {
    "Lung": (46, ("RightLung", "LeftLung", "Lung")),
    "Liver": (22, ("RightLobeOfLiver", "LeftLobeOfLiver", "Liver")),
    "Bone": (11, ("ThoracicSpine", "LumbarSpine", "Pelvis", "Femur", "Rib", "Humerus", "Sacrum")),
    "SoftTissue": (6, ("SoftTissue",)),
    "LymphNode": (4, ("LymphNode",)),
    "Brain": (2, ("Brain",)),
    "AdrenalGland": (2, ("AdrenalGland",)),
    "Kidney": (1, ("Kidney",)),
    "Skin": (1, ("Skin",)),
    "Peritoneum": (3, ("Peritoneum",)),
    "Pleura": (2, ("Pleura",)),
}

SEROSAE = ("Pleura", "Peritoneum", "Pericardium", "Leptomeninges")
AGENTS = ("Doxorubicin", "Ifosfamide", "Gemcitabine", "Docetaxel", "Dacarbazine", "Imatinib")
RESPONSES = ("CompleteResponse", "PartialResponse", "StableDisease", "ProgressiveDisease")

#: Number of lesions 1..9 and their weights.
LESION_WEIGHTS = (30, 20, 14, 10, 8, 6, 5, 4, 3)

#: Structural defect kinds: name -> what is wrong (the ground truth names these).
DEFECT_KINDS: dict[str, str] = {
    "missing-primary": "patient without skg:hasPrimaryTumour",
    "missing-histology": "primary tumour without skg:hasHistology",
    "missing-diagnosis-date": "primary tumour without skg:diagnosisDate",
    "two-diagnosis-dates": "primary tumour with two skg:diagnosisDate values",
    "diagnosis-date-not-date": "skg:diagnosisDate as a plain string, not xsd:date",
    "missing-lesion-site": "one lesion without skg:hasSite",
    "lesion-site-not-anatomy": "one lesion whose skg:hasSite is a histology class",
    "size-not-number": "skg:longestDiameterMm as a string ('23 mm')",
    "size-negative": "skg:longestDiameterMm below zero",
    "missing-detection-date": "one lesion without skg:detectionDate",
    "ecog-out-of-range": "skg:ecogPerformanceStatus 7 (allowed 0..5)",
    "serosal-not-boolean": "skg:hasDiffuseSerosalInvolvement as the string 'yes'",
    "lesion-untyped": "one lesion node without rdf:type skg:MetastaticLesion",
    "detection-before-diagnosis": "a lesion detected before the primary's diagnosis date",
}

#: Share of patients carrying each defect kind (each kind independently).
DEFECT_SHARE = 0.01


@dataclass
class Term:
    """An RDF term pre-rendered for N-Triples (``nt``) and Turtle (``ttl``)."""

    nt: str
    ttl: str


def _iri(ns_local: str) -> Term:
    return Term(f"<{SKG}{ns_local}>", f"skg:{ns_local}")


def _ex(local: str) -> Term:
    return Term(f"<{EX}{local}>", f"ex:{local}")


def _typed(lex: str, dt: str) -> Term:
    return Term(f'"{lex}"^^<{XSD}{dt}>', f'"{lex}"^^xsd:{dt}')


def _decimal(value: float) -> Term:
    lex = f"{value:.1f}"
    return Term(f'"{lex}"^^<{XSD}decimal>', lex)


def _integer(value: int) -> Term:
    return Term(f'"{value}"^^<{XSD}integer>', str(value))


def _boolean(value: bool) -> Term:
    lex = "true" if value else "false"
    return Term(f'"{lex}"^^<{XSD}boolean>', lex)


def _string(value: str) -> Term:
    return Term(f'"{value}"', f'"{value}"')


def _date(day: _dt.date) -> Term:
    return _typed(day.isoformat(), "date")


A = Term(f"<{RDF_TYPE}>", "a")


@dataclass
class PatientRecord:
    """One patient: its subjects in write order, each with (predicate, object) pairs."""

    index: int
    blocks: list[tuple[Term, list[tuple[Term, Term]]]] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    lesions: int = 0
    organs: int = 0
    diffuse_serosal: bool | None = None


def patient_id(index: int) -> str:
    """Local name of the patient with 0-based ``index`` (``C0000001`` for index 0)."""
    return f"C{index + 1:07d}"


def _choose_defects(n: int, rng: random.Random) -> dict[int, list[str]]:
    """Exactly ``max(1, round(DEFECT_SHARE * n))`` patients per defect kind (when n allows)."""
    chosen: dict[int, list[str]] = {}
    for kind in DEFECT_KINDS:
        count = max(1, round(DEFECT_SHARE * n)) if n >= len(DEFECT_KINDS) else 0
        for idx in sorted(rng.sample(range(n), count)):
            chosen.setdefault(idx, []).append(kind)
    return chosen


def _weighted(rng: random.Random, names: list[str], cum: list[int]) -> str:
    return names[_bisect(cum, rng.random() * cum[-1])]


def _bisect(cum: list[int], x: float) -> int:
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _cumulative(weights) -> list[int]:
    out, total = [], 0
    for w in weights:
        total += w
        out.append(total)
    return out


class Generator:
    """Deterministic patient generator: ``Generator(seed).patient(i, defects)``."""

    def __init__(self, seed: int):
        self.seed = seed
        self._hist = list(HISTOLOGY_WEIGHTS)
        self._hist_cum = _cumulative(HISTOLOGY_WEIGHTS.values())
        self._organs = list(ORGAN_WEIGHTS)
        self._organ_cum = _cumulative(w for w, _ in ORGAN_WEIGHTS.values())
        self._lesion_cum = _cumulative(LESION_WEIGHTS)

    def patient(self, index: int, defects: list[str]) -> PatientRecord:
        """Patient ``index`` with the structural ``defects`` (names of :data:`DEFECT_KINDS`)."""
        rng = random.Random(self.seed * 1_000_003 + index)
        pid = patient_id(index)
        rec = PatientRecord(index, defects=list(defects))
        prim = _ex(f"{pid}-primary")
        d = set(defects)
        diagnosis = _dt.date(2012, 1, 1) + _dt.timedelta(days=rng.randrange(0, 12 * 365))
        n_les = _bisect(self._lesion_cum, rng.random() * self._lesion_cum[-1]) + 1
        lesion_ids = [_ex(f"{pid}-L{k + 1}") for k in range(n_les)]
        course = self._patient_node(rng, rec, pid, prim, lesion_ids, d)
        hist = self._primary(rng, rec, prim, diagnosis, d)
        self._lesions(rng, rec, lesion_ids, diagnosis, hist, d)
        if course is not None:
            ct = [(A, _iri("SystemicTherapyCourse")), (_iri("usesAgent"), _iri(rng.choice(AGENTS))),
                  (_iri("bestResponse"), _iri(rng.choice(RESPONSES)))]
            rec.blocks.append((course, ct))
        return rec

    def _patient_node(self, rng: random.Random, rec: PatientRecord, pid: str, prim: Term,
                      lesion_ids: list[Term], d: set[str]) -> Term | None:
        """The patient's own triples; returns its systemic therapy course, if it has one."""
        pt: list[tuple[Term, Term]] = [(A, _iri("Patient"))]
        pt.append((_iri("ageAtDiagnosisYears"), _decimal(rng.randrange(80, 850) / 10)))
        if "ecog-out-of-range" in d:
            pt.append((_iri("ecogPerformanceStatus"), _integer(7)))
        elif rng.random() < 0.85:
            pt.append((_iri("ecogPerformanceStatus"), _integer(rng.choice((0, 0, 1, 1, 1, 2, 2, 3)))))
        r = rng.random()
        serosal: bool | None = True if r < 0.04 else (False if r < 0.84 else None)
        rec.diffuse_serosal = serosal
        if "serosal-not-boolean" in d:
            pt.append((_iri("hasDiffuseSerosalInvolvement"), _string("yes")))
        elif serosal is not None:
            pt.append((_iri("hasDiffuseSerosalInvolvement"), _boolean(serosal)))
            if serosal:
                pt.append((_iri("hasSerosalInvolvement"), _iri(rng.choice(SEROSAE))))
        if rng.random() < 0.7:
            pt.append((_iri("surgicalCandidate"), _boolean(rng.random() < 0.7)))
        if "missing-primary" not in d:
            pt.append((_iri("hasPrimaryTumour"), prim))
        for les in lesion_ids:
            pt.append((_iri("hasLesion"), les))
        course = None
        if rng.random() < 0.5:
            course = _ex(f"{pid}-chemo")
            pt.append((_iri("receivedSystemicTherapy"), course))
        rec.blocks.append((_ex(pid), pt))
        return course

    def _primary(self, rng: random.Random, rec: PatientRecord, prim: Term, diagnosis: _dt.date, d: set[str]) -> str:
        """The primary tumour's triples; returns its histology (drawn even when left out)."""
        pr: list[tuple[Term, Term]] = [(A, _iri("PrimaryTumour"))]
        hist = _weighted(rng, self._hist, self._hist_cum)
        if "missing-histology" not in d:
            pr.append((_iri("hasHistology"), _iri(hist)))
        if "missing-diagnosis-date" not in d:
            if "diagnosis-date-not-date" in d:
                pr.append((_iri("diagnosisDate"), _string(diagnosis.isoformat())))
            else:
                pr.append((_iri("diagnosisDate"), _date(diagnosis)))
            if "two-diagnosis-dates" in d:
                pr.append((_iri("diagnosisDate"), _date(diagnosis + _dt.timedelta(days=30))))
        pr.append((_iri("primaryResected"), _boolean(rng.random() < 0.8)))
        r = rng.random()
        if r < 0.8:
            pr.append((_iri("amenableToRadicalTreatment"), _boolean(True)))
        elif r < 0.9:
            pr.append((_iri("amenableToRadicalTreatment"), _boolean(False)))
        if "missing-primary" not in d:
            rec.blocks.append((prim, pr))
        return hist

    def _lesions(self, rng: random.Random, rec: PatientRecord, lesion_ids: list[Term], diagnosis: _dt.date,
                 hist: str, d: set[str]) -> None:
        """The lesions' triples; the first lesion carries the lesion-level defects."""
        organs: list[str] = []
        organ = _weighted(rng, self._organs, self._organ_cum)
        synchronous = rng.random() < 0.4
        base_months = rng.randrange(0, 6) if synchronous else rng.randrange(7, 60)
        for k, les in enumerate(lesion_ids):
            if k and rng.random() >= 0.65:
                organ = _weighted(rng, self._organs, self._organ_cum)
            organs.append(organ)
            site = rng.choice(ORGAN_WEIGHTS[organ][1])
            first = d if k == 0 else set()  # the defects this lesion carries
            lt: list[tuple[Term, Term]] = []
            if "lesion-untyped" not in first:
                lt.append((A, _iri("MetastaticLesion")))
            if "lesion-site-not-anatomy" in first:
                lt.append((_iri("hasSite"), _iri(hist)))
            elif "missing-lesion-site" not in first:
                lt.append((_iri("hasSite"), _iri(site)))
            if "size-not-number" in first:
                lt.append((_iri("longestDiameterMm"), _string("23 mm")))
            elif "size-negative" in first:
                lt.append((_iri("longestDiameterMm"), _decimal(-5.0)))
            elif rng.random() < 0.92:
                lt.append((_iri("longestDiameterMm"), _decimal(round(rng.lognormvariate(3.0, 0.6), 1))))
            months = base_months + (rng.randrange(0, 4) if k else 0)
            detected = diagnosis + _dt.timedelta(days=int(months * 30.4))
            if "detection-before-diagnosis" in first:
                detected = diagnosis - _dt.timedelta(days=40)
            if "missing-detection-date" not in first:
                lt.append((_iri("detectionDate"), _date(detected)))
            r = rng.random()
            if r < 0.78:
                lt.append((_iri("amenableToRadicalTreatment"), _boolean(True)))
            elif r < 0.88:
                lt.append((_iri("amenableToRadicalTreatment"), _boolean(False)))
            rec.blocks.append((les, lt))
        rec.lesions = len(lesion_ids)
        rec.organs = len(set(organs))


def iter_patients(n: int, seed: int = 1) -> Iterator[PatientRecord]:
    """The ``n`` patients of the cohort with ``seed``, in order."""
    gen = Generator(seed)
    defects = _choose_defects(n, random.Random(seed))
    for i in range(n):
        yield gen.patient(i, defects.get(i, []))


#: The formats :func:`generate` writes.
FORMATS = ("ttl", "nt", "ndjson")

TURTLE_HEADER = (
    f"@prefix skg: <{SKG}> .\n@prefix ex: <{EX}> .\n@prefix xsd: <{XSD}> .\n\n"
)


def render_nt(rec: PatientRecord) -> str:
    return "".join(f"{s.nt} {p.nt} {o.nt} .\n" for s, pairs in rec.blocks for p, o in pairs)


def render_ttl(rec: PatientRecord) -> str:
    out = []
    for s, pairs in rec.blocks:
        body = " ;\n    ".join(f"{p.ttl} {o.ttl}" for p, o in pairs)
        out.append(f"{s.ttl} {body} .\n")
    return "".join(out)


@dataclass
class GenerateResult:
    path: Path
    truth_path: Path
    patients: int
    triples: int
    resources: int = 0  # FHIR resources (lines) of an NDJSON cohort


def truth_path_for(path: Path) -> Path:
    return Path(str(path) + ".truth.json")


def _count_truth(truth: dict, rec: PatientRecord) -> None:
    """Add one patient to the ground truth: its defects and its lesion, organ and serosal counts."""
    for kind in rec.defects:
        truth["defects"][kind].append(patient_id(rec.index))
    h = truth["lesion_count_histogram"]
    h[str(rec.lesions)] = h.get(str(rec.lesions), 0) + 1
    h = truth["organ_count_histogram"]
    h[str(rec.organs)] = h.get(str(rec.organs), 0) + 1
    key = {True: "true", False: "false", None: "unknown"}[rec.diffuse_serosal]
    truth["diffuse_serosal"][key] += 1


def generate(n: int, out: Path, seed: int = 1, fmt: str = "ttl",
             progress: Callable[[int], None] | None = None) -> GenerateResult:
    """Write a cohort of ``n`` patients to ``out`` (Turtle, N-Triples or FHIR R4 mCODE bulk NDJSON,
    :mod:`~sarcoma_kg.cohort.mcode`) and its ground truth (``triples``: the patients' facts as triples,
    whatever the format).

    Files are written to a temporary name and renamed, so ``out`` is either complete or absent.
    """
    if n < 1:
        raise ValueError("a cohort needs at least one patient")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    if fmt == "ndjson":
        from .mcode import render_ndjson as render
    else:
        render = render_ttl if fmt == "ttl" else render_nt
    truth = {
        "seed": seed, "patients": n, "format": fmt, "grouped": True,
        "defect_share": DEFECT_SHARE, "defect_kinds": DEFECT_KINDS,
        "defects": {kind: [] for kind in DEFECT_KINDS},
        "lesion_count_histogram": {}, "organ_count_histogram": {},
        "diffuse_serosal": {"true": 0, "false": 0, "unknown": 0},
    }
    triples = lines = 0
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        if fmt == "ttl":
            fh.write(TURTLE_HEADER)
        buf: list[str] = []
        for rec in iter_patients(n, seed):
            buf.append(render(rec))
            lines += buf[-1].count("\n") if fmt == "ndjson" else 0
            triples += sum(len(pairs) for _, pairs in rec.blocks)
            _count_truth(truth, rec)
            if len(buf) >= 2000:
                fh.write("".join(buf))
                buf.clear()
                if progress:
                    progress(rec.index + 1)
        fh.write("".join(buf))
    truth["triples"] = triples
    if fmt == "ndjson":
        from .mcode import DEFECTS_NOT_HELD

        truth["resources"], truth["defects_not_held_by_format"] = lines, list(DEFECTS_NOT_HELD)
    truth["lesion_count_histogram"] = dict(sorted(truth["lesion_count_histogram"].items()))
    truth["organ_count_histogram"] = dict(sorted(truth["organ_count_histogram"].items()))
    tpath = truth_path_for(out)
    ttmp = tpath.with_name(tpath.name + ".part")
    ttmp.write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    os.replace(ttmp, tpath)
    if progress:
        progress(n)
    return GenerateResult(out, tpath, n, triples, lines)

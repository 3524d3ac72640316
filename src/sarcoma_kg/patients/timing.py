"""Metastatic episodes, their timing (synchronous or metachronous), and the disease-free and
treatment-free intervals, in calendar months (docs/model.md, "Metastatic episodes", "Intervals").

An **episode** is the lesions detected together: the same ``skg:inEpisode``, or else the same
``skg:detectionDate`` (:func:`episodes`). The patient's **current episode** is the latest dated one
with a present lesion (:func:`current_episode`); lesions resected or ablated still give their dates
to their episodes.

Timing (the ``skg:TimingRule`` of the knowledge base, :func:`timing_rule`: the one stated in
recommendations that assume a definition, recommendations 2.1 and 2.2 of the Ibero-American
consensus; its window is ``skg:synchronousWindowMonths``) is that of the current episode: synchronous when it was detected on or before the diagnosis date of the primary tumour plus
the window in calendar months ("within six months thereafter": exactly 6 calendar months later is
synchronous, one day later metachronous; 31 August + 6 months = 28/29 February), metachronous
otherwise. A detection before diagnosis is synchronous (negative interval). Without dates, a timing
recorded by the source (``skg:recordedMetastasisTiming``) is carried over.

The **disease-free interval** (8.1, "DFI ≥ 6 months") runs from the resection of the primary tumour
to the detection of the current episode (0 when the episode was found before the resection). The
**treatment-free interval** (9.1, "TFI longer than 12–18 months") runs from the last liver resection
(the latest of ``skg:priorLiverResectionDate`` and the resection dates of resected liver lesions) to
the detection of the latest episode with a present liver lesion, when that came after it. Intervals
in months are whole calendar months plus the remaining days as a fraction of the next calendar
month, to 2 decimals; neither is derived when a date it needs is missing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import SKG
from ..rdf import label


@dataclass(frozen=True)
class Timing:
    """The timing of one patient's current episode; every field is None when it cannot be told."""

    timing: URIRef | None = None          # skg:Synchronous or skg:Metachronous
    interval_months: Decimal | None = None
    basis: str | None = None              # "dates" or "recorded"


@dataclass(frozen=True)
class Episode:
    """Lesions detected together: ``key`` is the skg:inEpisode IRI or the detection date."""

    key: str
    detected: dt.date | None              # the earliest detection date of its lesions
    lesions: tuple = ()
    present: tuple = ()                   # its present lesions


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month arithmetic, clamping to the end of the month (31 Aug + 6 → 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> Decimal:
    """Months from ``start`` to ``end`` (negative if ``end`` is earlier), to 2 decimals."""
    if end < start:
        return -months_between(end, start)
    whole = (end.year - start.year) * 12 + (end.month - start.month)
    while whole > 0 and add_months(start, whole) > end:
        whole -= 1
    anchor = add_months(start, whole)
    span = (add_months(start, whole + 1) - anchor).days
    value = Decimal(whole) + Decimal((end - anchor).days) / Decimal(span)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TimingRule:
    """The ``skg:TimingRule`` that times patients, as the knowledge base states it."""

    iri: URIRef
    label: str
    window: int                           # skg:synchronousWindowMonths
    #: The definitions assumed (skg:assumesDefinition) by the recommendations that state the rule
    #: (skg:statedInRecommendation): written for the same patients, the rule times their disease.
    definitions: tuple[URIRef, ...] = ()


def _window(knowledge: Graph, rule: URIRef) -> int | None:
    value = knowledge.value(rule, SKG.synchronousWindowMonths)
    try:
        return int(Decimal(str(value))) if value is not None else None
    except (ArithmeticError, ValueError):
        return None


def rule_definitions(knowledge: Graph, rule: URIRef) -> tuple[URIRef, ...]:
    """The definitions assumed by the recommendations that state ``rule`` (see :class:`TimingRule`)."""
    return tuple(sorted({d for rec in knowledge.objects(rule, SKG.statedInRecommendation)
                         for d in knowledge.objects(rec, SKG.assumesDefinition)}, key=str))


def timing_rule(knowledge: Graph) -> TimingRule | None:
    """The timing rule of the knowledge base that has a synchronous window: one stated in a
    recommendation that assumes a definition (the rule the recommendations are evaluated with)
    before any other, then by IRI."""
    ranked = sorted(((rule_definitions(knowledge, r), r) for r in set(knowledge.subjects(RDF.type, SKG.TimingRule))),
                    key=lambda found: (not found[0], str(found[1])))
    for definitions, rule in ranked:
        window = _window(knowledge, rule)
        if window is not None:
            return TimingRule(rule, label(knowledge, rule), window, definitions)
    return None


def synchronous_window(knowledge: Graph) -> int | None:
    """The synchronous window in months of the :func:`timing_rule` of the knowledge base."""
    rule = timing_rule(knowledge)
    return rule.window if rule is not None else None


def _date(value) -> dt.date | None:
    """A well-formed xsd:date (other values are structural violations, and ignored here)."""
    if value is None or getattr(value, "datatype", None) != XSD.date:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def episodes(data: Graph, lesions: list, present: set) -> list[Episode]:
    """The episodes of ``lesions`` (see the module docstring), dated ones first in date order."""
    groups: dict[str, list] = {}
    for lesion in lesions:
        episode = data.value(lesion, SKG.inEpisode)
        detected = _date(data.value(lesion, SKG.detectionDate))
        key = str(episode) if episode is not None else (detected.isoformat() if detected else f"undated {lesion}")
        groups.setdefault(key, []).append(lesion)
    out = []
    for key, members in groups.items():
        dates = [d for m in members if (d := _date(data.value(m, SKG.detectionDate))) is not None]
        out.append(Episode(key, min(dates) if dates else None, tuple(sorted(members, key=str)),
                           tuple(sorted((m for m in members if m in present), key=str))))
    return sorted(out, key=lambda e: (e.detected is None, e.detected or dt.date.min, e.key))


def current_episode(found: list[Episode], lesions: set | None = None) -> Episode | None:
    """The latest dated episode with a present lesion (among ``lesions`` when given)."""
    dated = [e for e in found if e.detected is not None and
             any(lesions is None or m in lesions for m in e.present)]
    return dated[-1] if dated else None


def _dates(data: Graph, subjects, prop) -> list[dt.date]:
    return [d for s in subjects for v in data.objects(s, prop) if (d := _date(v)) is not None]


def metastasis_timing(data: Graph, patient: URIRef, current: Episode | None, window: int | None) -> Timing:
    """The timing of ``patient``'s ``current`` episode from the diagnosis date of the primary, or as
    recorded by the source when the dates do not tell."""
    diagnoses = _dates(data, data.objects(patient, SKG.hasPrimaryTumour), SKG.diagnosisDate)
    timing = interval = basis = None
    if diagnoses and current is not None:
        diagnosis = min(diagnoses)
        interval, basis = months_between(diagnosis, current.detected), "dates"
        if window is not None:
            timing = SKG.Synchronous if current.detected <= add_months(diagnosis, window) else SKG.Metachronous
    if timing is None:
        recorded = data.value(patient, SKG.recordedMetastasisTiming)
        if recorded in (SKG.Synchronous, SKG.Metachronous):
            timing, basis = recorded, "recorded"
    return Timing(timing, interval, basis)


def disease_free_interval(data: Graph, patient: URIRef, current: Episode | None) -> Decimal | None:
    """Months from the resection of the primary tumour to the current episode (0 if found before it)."""
    resections = _dates(data, data.objects(patient, SKG.hasPrimaryTumour), SKG.primaryResectionDate)
    if not resections or current is None:
        return None
    return max(months_between(min(resections), current.detected), Decimal("0.00"))


def treatment_free_interval(data: Graph, patient: URIRef, found: list[Episode], liver_lesions: set) -> Decimal | None:
    """Months from the last liver resection to the latest episode with a present liver lesion after it."""
    resected = [m for m in liver_lesions if (m, SKG.lesionStatus, SKG.LesionResected) in data]
    last = _dates(data, [patient], SKG.priorLiverResectionDate) + _dates(data, resected, SKG.resectionDate)
    recurrence = current_episode(found, liver_lesions)
    if not last or recurrence is None or recurrence.detected <= max(last):
        return None
    return months_between(max(last), recurrence.detected)

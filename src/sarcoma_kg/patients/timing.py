"""Metastasis timing: synchronous or metachronous, and the interval from diagnosis in months.

Recommendations 2.1 and 2.2 of the Ibero-American consensus; the window comes from the knowledge
base (``skg:synchronousWindowMonths`` of the ``skg:TimingRule``). The first detection of metastatic
disease is the earliest ``skg:detectionDate`` of the lesions; it is synchronous when it is on or
before the diagnosis date of the primary tumour plus the window in calendar months ("within six
months thereafter": detection exactly 6 calendar months later is synchronous, one day later
metachronous; 31 August + 6 months = 28/29 February), metachronous otherwise. A detection before
diagnosis is synchronous (negative interval). The interval in months is whole calendar months plus
the remaining days as a fraction of the next calendar month, to 2 decimals. Without dates, a
timing recorded by the source (``skg:recordedMetastasisTiming``) is carried over.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import DEFINITION, SKG


@dataclass(frozen=True)
class Timing:
    """The timing of one patient's metastases; every field is None when it cannot be told."""

    timing: URIRef | None = None          # skg:Synchronous or skg:Metachronous
    interval_months: Decimal | None = None
    basis: str | None = None              # "dates" or "recorded"


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


def synchronous_window(knowledge: Graph) -> int | None:
    """The synchronous window in months of the timing rule in the knowledge base."""
    rules = sorted(set(knowledge.subjects(RDF.type, SKG.TimingRule)), key=str)
    preferred = DEFINITION["IberoAmerican2025-timing"]
    if preferred in rules:
        rules.remove(preferred)
        rules.insert(0, preferred)
    for rule in rules:
        value = knowledge.value(rule, SKG.synchronousWindowMonths)
        if value is not None:
            try:
                return int(Decimal(str(value)))
            except Exception:
                continue
    return None


def _date(value) -> dt.date | None:
    """A well-formed xsd:date (other values are structural violations, and ignored here)."""
    if value is None or getattr(value, "datatype", None) != XSD.date:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def metastasis_timing(data: Graph, patient: URIRef, lesions: list, window: int | None) -> Timing:
    """The timing of ``patient`` from the diagnosis date of the primary and the detection dates of
    ``lesions``, or as recorded by the source when the dates do not tell."""
    diagnoses = [d for primary in data.objects(patient, SKG.hasPrimaryTumour)
                 for value in data.objects(primary, SKG.diagnosisDate) if (d := _date(value)) is not None]
    detections = [d for lesion in lesions for value in data.objects(lesion, SKG.detectionDate)
                  if (d := _date(value)) is not None]
    timing = interval = basis = None
    if diagnoses and detections:
        diagnosis, first = min(diagnoses), min(detections)
        interval, basis = months_between(diagnosis, first), "dates"
        if window is not None:
            timing = SKG.Synchronous if first <= add_months(diagnosis, window) else SKG.Metachronous
    if timing is None:
        recorded = data.value(patient, SKG.recordedMetastasisTiming)
        if recorded in (SKG.Synchronous, SKG.Metachronous):
            timing, basis = recorded, "recorded"
    return Timing(timing, interval, basis)

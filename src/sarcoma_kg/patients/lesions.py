"""The present disease of a patient, closed world over the patient graph (docs/model.md).

* :func:`present_lesions`: the lesions still present (``skg:lesionStatus`` neither resected nor
  ablated; no status = present);
* :func:`organ_sites`: the organ-level sites of the present lesions plus every diffuse organ involved
  by sarcomatosis (one unnamed diffuse organ when only the flag is recorded): the organ sites the
  criteria shapes count (shapes/patient-criteria.ttl, "organ sites");
* :func:`derived_flags`: the three-valued facts of ontology/patient.ttl (every lesion resectable,
  every or some liver lesion resectable, some lesion amenable to local treatment, some liver lesion
  ablatable, liver involved, bilobar, responded to systemic therapy): true, false, or not derived
  (None) when something they need is not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ..namespaces import SKG

TREATED = frozenset({SKG.LesionResected, SKG.LesionAblated})
RESPONDING = frozenset({SKG.CompleteResponse, SKG.PartialResponse, SKG.StableDisease})


def is_present(data: Graph, lesion) -> bool:
    """A lesion is present unless its status says resected or ablated."""
    return not set(data.objects(lesion, SKG.lesionStatus)) & TREATED


def lesions_of(data: Graph, patient: URIRef) -> list:
    return sorted(set(data.objects(patient, SKG.hasLesion)), key=str)


def present_lesions(data: Graph, patient: URIRef) -> list:
    """The present lesions of ``patient``, sorted."""
    return [lesion for lesion in lesions_of(data, patient) if is_present(data, lesion)]


def organ_of(data: Graph, lesion) -> URIRef | None:
    """The organ-level site of the lesion's site (None: no site, or a body region without its tissue)."""
    organs = sorted({o for s in data.objects(lesion, SKG.hasSite) for o in data.objects(s, SKG.organLevelSite)}, key=str)
    return organs[0] if organs else None


@dataclass
class OrganSites:
    """The organ sites of a patient's present disease."""

    sites: list[URIRef] = field(default_factory=list)   # sorted, diffuse organs included
    count: int | None = None                             # None when a present lesion's organ site is unknown
    diffuse: list[URIRef] = field(default_factory=list)  # the diffuse organs counted for sarcomatosis


def _is_diffuse_organ(data: Graph, organ: URIRef) -> bool:
    todo, seen = [organ], set()
    while todo:
        node = todo.pop()
        if node == SKG.DiffuseOrgan:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(data.objects(node, RDFS.subClassOf))
    return False


def organ_sites(data: Graph, patient: URIRef, present: Iterable) -> OrganSites:
    """Organ sites as the criteria shapes count them (see the module docstring)."""
    organs, unknown = set(), False
    for lesion in present:
        organ = organ_of(data, lesion)
        unknown |= organ is None
        organs |= {organ} if organ is not None else set()
    diffuse = {o for s in data.objects(patient, SKG.hasSerosalInvolvement) for o in data.objects(s, SKG.organLevelSite)}
    flagged = (patient, SKG.hasDiffuseSerosalInvolvement, Literal(True)) in data
    if flagged and not diffuse and not any(_is_diffuse_organ(data, o) for o in organs):
        diffuse = {SKG.DiffuseOrgan}
    organs |= diffuse
    return OrganSites(sorted(organs, key=str), None if unknown else len(organs), sorted(diffuse, key=str))


# --------------------------------------------------------------------------- three-valued facts

def every(values: Iterable[bool | None]) -> bool | None:
    """True when every value is true (and there is one), false when one is false, else None."""
    values = list(values)
    if any(v is False for v in values):
        return False
    return True if values and all(v is True for v in values) else None


def some(values: Iterable[bool | None]) -> bool | None:
    """True when one value is true, false when every value is false (and there is one), else None."""
    values = list(values)
    if any(v is True for v in values):
        return True
    return False if values and all(v is False for v in values) else None


def _flag(data: Graph, lesion, prop: URIRef) -> bool | None:
    value = data.value(lesion, prop)
    return value.toPython() if isinstance(value, Literal) and isinstance(value.toPython(), bool) else None


def amenable_to_local_treatment(data: Graph, lesion) -> bool | None:
    """Amenable to radical treatment, resection or ablation (true if any is recorded true); not
    amenable when radical treatment is recorded false, or resection and ablation both false."""
    radical, resection, ablation = (_flag(data, lesion, p) for p in
                                    (SKG.amenableToRadicalTreatment, SKG.amenableToResection, SKG.amenableToAblation))
    if True in (radical, resection, ablation):
        return True
    if radical is False or (resection is False and ablation is False):
        return False
    return None


def _maybe_liver(values: list[bool | None], unknown_site: list[bool | None], over_every: bool) -> bool | None:
    """A present lesion whose organ site is unknown may be in the liver: it can confirm nothing the
    liver lesions do not, and it keeps "every" from being true unless it holds for it too."""
    if over_every:
        return every(values + [v if v is True else None for v in unknown_site])
    found = some(values)
    return None if found is False and unknown_site else found


def _lobes(data: Graph, lesion) -> set[str]:
    lobes = set()
    for site in data.objects(lesion, SKG.hasSite):
        todo, seen = [site], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if node == SKG.RightLobeOfLiver:
                lobes.add("right")
            elif node == SKG.LeftLobeOfLiver:
                lobes.add("left")
            todo.extend(data.objects(node, RDFS.subClassOf))
    return lobes


def bilobar(data: Graph, liver: list, unknown_site: list) -> bool | None:
    """Present liver lesions in both lobes: true; a single one, or all in one recorded lobe: false."""
    lobes = [_lobes(data, lesion) for lesion in liver]
    seen = set().union(*lobes) if lobes else set()
    if {"right", "left"} <= seen:
        return True
    if unknown_site or not liver:
        return None
    if len(liver) == 1 or (all(len(lobe) == 1 for lobe in lobes) and len(seen) == 1):
        return False
    return None


def responded(data: Graph, patient: URIRef) -> bool | None:
    """At least stable disease on a course: true; every course progressive disease: false."""
    courses = sorted(set(data.objects(patient, SKG.receivedSystemicTherapy)), key=str)
    responses = [set(data.objects(course, SKG.bestResponse)) for course in courses]
    if any(r & RESPONDING for r in responses):
        return True
    if responses and all(r == {SKG.ProgressiveDisease} for r in responses):
        return False
    return None


def derived_flags(data: Graph, patient: URIRef, present: list) -> dict[URIRef, bool]:
    """The derived facts of ontology/patient.ttl that can be told (property -> value)."""
    organs = {lesion: organ_of(data, lesion) for lesion in present}
    liver = [lesion for lesion in present if organs[lesion] == SKG.Liver]
    unknown = [lesion for lesion in present if organs[lesion] is None]
    resect = lambda lesions: [_flag(data, x, SKG.amenableToResection) for x in lesions]  # noqa: E731
    ablate = lambda lesions: [_flag(data, x, SKG.amenableToAblation) for x in lesions]  # noqa: E731
    facts = {
        SKG.everyLesionResectable: every(resect(present)),
        SKG.anyLesionAmenableToLocalTreatment: some(amenable_to_local_treatment(data, x) for x in present),
        SKG.liverInvolved: True if liver else (False if not unknown else None),
        SKG.bilobarLiverMetastases: bilobar(data, liver, unknown),
        SKG.respondedToSystemicTherapy: responded(data, patient),
    }
    if liver:
        facts[SKG.everyLiverLesionResectable] = _maybe_liver(resect(liver), resect(unknown), over_every=True)
        facts[SKG.anyLiverLesionResectable] = _maybe_liver(resect(liver), resect(unknown), over_every=False)
        facts[SKG.anyLiverLesionAmenableToAblation] = _maybe_liver(ablate(liver), ablate(unknown), over_every=False)
    return {prop: value for prop, value in facts.items() if value is not None}

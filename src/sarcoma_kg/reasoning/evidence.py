"""The evidence behind recommendations, from the catalogue queries: the studies of each evidence line
(``cq-recommendation-evidence``), how directly each line bears on its recommendation
(``cq-evidence-directness``: population, sites, setting, sarcoma-only or mixed) and every figure as the
seed prints it (``cq-study-figures``: statistic, confidence interval, p-value, comparison, and whether
the figure is inconsistent as printed). Parameters are bound, never pasted into query text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from ..rdf import curie, label
from ..sparql import query


def plain(value):
    """A literal as a Python number, boolean or string (a whole decimal as an int); a term as its IRI."""
    if isinstance(value, Literal):
        py = value.toPython()
        if isinstance(py, Decimal):
            return float(py) if py != py.to_integral_value() else int(py)
        return py if isinstance(py, (int, float, bool, str)) else str(value)
    return None if value is None else str(value)


@dataclass
class Outcome:
    outcome: str
    measure: str | None
    value: object
    unit: str | None
    timepoint: str | None
    subgroup: str | None
    sources: list[str]
    statistic: str | None = None
    ci_lower: object = None
    ci_upper: object = None
    p_value: object = None
    comparison: str | None = None
    numerator: object = None
    denominator: object = None
    #: the seed prints the figure inconsistently (kept as printed); ``note`` says how
    inconsistent_as_printed: bool = False
    note: str | None = None


@dataclass
class StudyEvidence:
    study: str | None
    label: str
    first_author: str | None
    year: object
    designs: str
    n: object
    line: str | None
    line_sources: list[str]
    outcomes: list[Outcome] = field(default_factory=list)
    #: associations the study reports by their p-value only (skg:reportsAssociation: no value, no unit)
    associations: list[Outcome] = field(default_factory=list)
    # how directly the line bears on the recommendation (cq-evidence-directness)
    population: str | None = None
    sites: str | None = None
    setting: str | None = None
    scope: str | None = None
    directness: str | None = None
    directness_note: str | None = None


def _listed(value) -> list[str]:
    """The values of a GROUP_CONCAT column (joined with :data:`~sarcoma_kg.sparql.query.LIST_SEPARATOR`)."""
    return [v for v in str(value or "").split(query.LIST_SEPARATOR) if v]


class Labels:
    """:func:`~sarcoma_kg.rdf.label` of terms of one graph, each looked up once (the evidence names
    the same measures, units and statistics hundreds of times); None for None."""

    def __init__(self, graph: Graph):
        self.graph, self.known = graph, {}

    def __call__(self, term) -> str | None:
        if term is None:
            return None
        if term not in self.known:
            self.known[term] = label(self.graph, term)
        return self.known[term]


def _labels(knowledge: Graph | Labels) -> Labels:
    return knowledge if isinstance(knowledge, Labels) else Labels(knowledge)


def figures(backend, knowledge: Graph | Labels, rows: list[dict] | None = None) -> dict[str, dict]:
    """Every figure of every study, by its IRI: statistic, interval, p-value, comparison, n/N, and the
    inconsistency note (``cq-study-figures``; its ``rows`` when already run)."""
    labels = _labels(knowledge)
    rows = rows if rows is not None else _figure_rows(backend)
    return {str(row["figure"]): _printed(row, labels) for row in rows}


def _figure_rows(backend) -> list[dict]:
    return list(query.run(query.resolve("cq-study-figures"), backend, {}).result.as_dicts())


def _printed(row: dict, labels: Labels) -> dict:
    return {
        "statistic": labels(row.get("statistic")),
        "ci_lower": plain(row.get("ciLower")), "ci_upper": plain(row.get("ciUpper")),
        "p_value": plain(row.get("pValue")), "comparison": plain(row.get("comparison")),
        "numerator": plain(row.get("numerator")), "denominator": plain(row.get("denominator")),
        "inconsistent_as_printed": bool(plain(row.get("inconsistentAsPrinted"))),
        "note": plain(row.get("note")),
    }


def associations(backend, knowledge: Graph | Labels, rows: list[dict] | None = None) -> dict[str, list[Outcome]]:
    """The associations each study reports by a p-value only, by study IRI (``cq-study-figures``; its
    ``rows`` when already run)."""
    labels = _labels(knowledge)
    out: dict[str, list[Outcome]] = {}
    for row in rows if rows is not None else _figure_rows(backend):
        if str(row.get("kind")) == "association":
            out.setdefault(str(row["study"]), []).append(Outcome(
                outcome=curie(row["figure"]), measure=labels(row.get("measure")), value=None,
                unit=None, timepoint=None, subgroup=None, sources=[], **_printed(row, labels)))
    return out


def directness(backend, knowledge: Graph | Labels) -> dict[str, dict]:
    """How directly each evidence line bears on its recommendation, by line IRI (``cq-evidence-directness``)."""
    labels = _labels(knowledge)
    out: dict[str, dict] = {}
    for row in query.run(query.resolve("cq-evidence-directness"), backend, {}).result.as_dicts():
        out[str(row["line"])] = {
            "population": plain(row.get("population")),
            "sites": " | ".join(sorted(_listed(row.get("sites")))) or None,
            "setting": labels(row.get("setting")), "scope": labels(row.get("scope")),
            "directness": labels(row.get("directness")), "directness_note": plain(row.get("note")),
        }
    return out


def _outcome(row: dict, labels: Labels, printed: dict[str, dict]) -> Outcome:
    return Outcome(
        outcome=curie(row["outcome"]),
        measure=labels(row.get("measure")), value=plain(row.get("value")),
        unit=labels(row.get("unit")),
        timepoint=plain(row.get("timepoint")), subgroup=plain(row.get("subgroup")),
        sources=_listed(row.get("outcomeSources")), **printed.get(str(row["outcome"]), {}),
    )


def evidence_backend(knowledge: Graph, key: str | None = None):
    """The embedded SPARQL backend (pyoxigraph) the evidence queries run on, over ``knowledge``.
    With ``key`` (:func:`sarcoma_kg.rdf.knowledge_key`: ``knowledge`` is the knowledge graph read
    from its files, unmodified) its N-Triples come from the cache folder, written there from
    ``knowledge`` on a miss; without, ``knowledge`` is serialised afresh."""
    from ..rdf import cached
    from ..resources import cache_dir
    from ..sparql.backends import OxigraphBackend, backend_for, ntriples_store

    if key is None:
        return backend_for(knowledge, engine="oxigraph")
    data = cached(cache_dir() / f"knowledge-ntriples-{key}.pickle",
                  lambda: knowledge.serialize(format="nt", encoding="utf-8"))
    return OxigraphBackend(ntriples_store(data))


def evidence_for(backend, rec: URIRef | None, knowledge: Graph) -> dict[URIRef, list[StudyEvidence]]:
    """The studies, their figures and the directness of each line behind ``rec`` (or behind every
    recommendation when ``rec`` is None); ``rec`` is bound as a parameter."""
    bindings = {"rec": rec} if rec is not None else {}
    outcome = query.run(query.resolve("cq-recommendation-evidence"), backend, bindings)
    labels, figure_rows = Labels(knowledge), _figure_rows(backend)
    printed, direct = figures(backend, labels, figure_rows), directness(backend, labels)
    reported = associations(backend, labels, figure_rows)
    by_key: dict[tuple, StudyEvidence] = {}
    per_rec: dict[URIRef, list[StudyEvidence]] = {}
    for row in outcome.result.as_dicts():
        study, line = row.get("study"), row.get("line")
        key = (str(row.get("rec")), str(study) if study is not None else None, str(line))
        item = by_key.get(key)
        if item is None:
            item = StudyEvidence(
                study=curie(study) if study is not None else None,
                label=labels(study) if study is not None else "no study in the seeds (evidence gap)",
                first_author=plain(row.get("firstAuthor")), year=plain(row.get("year")),
                # GROUP_CONCAT order is undefined in SPARQL: sort the parts for stable output
                designs=query.LIST_SEPARATOR.join(sorted(_listed(row.get("designs")))),
                n=plain(row.get("n")),
                line=curie(line) if line is not None else None,
                line_sources=sorted(_listed(row.get("lineSources"))),
                associations=list(reported.get(str(study), [])),
                **direct.get(str(line), {}),
            )
            by_key[key] = item
            per_rec.setdefault(row.get("rec") if rec is None else rec, []).append(item)
        if row.get("outcome") is not None:
            item.outcomes.append(_outcome(row, labels, printed))
    return per_rec

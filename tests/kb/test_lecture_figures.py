"""Spot-check of figures read by hand from the seeds against the curated graph, through SPARQL.

Each row names a study, what the figure measures and where (timepoint in months, subgroup), and the
numbers the seed prints. The query finds the figure by its meaning, not by its IRI, and the test
asserts there is exactly one such figure with exactly these numbers.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from sarcoma_kg.namespaces import sparql_prologue


# (study, measure, timepointMonths, subgroup, expected {field: value}); None = not constrained
D = Decimal
FIGURES = [
    # seed 000, de Baère table (value, SE) and bullet OS rates
    ("DeBaereLungRFA", "OverallSurvival", 12, "Sarcoma (N = 51)", {"value": D("94.1"), "se": D("3.3"), "unit": "Percent"}),
    ("DeBaereLungRFA", "OverallSurvival", 36, "Sarcoma (N = 51)", {"value": D("58.0"), "se": D("8.2")}),
    ("DeBaereLungRFA", "OverallSurvival", 60, "Sarcoma (N = 51)", {"value": D("41.5"), "se": D("9.3")}),
    ("DeBaereLungRFA", "OverallSurvival", 60, "Colon (N = 191)", {"value": D("56.0"), "se": D("6.0")}),
    ("DeBaereLungRFA", "OverallSurvival", 36, "Rectum (N = 102)", {"value": D("64.9"), "se": D("6.3")}),
    ("DeBaereLungRFA", "ProgressionFreeSurvival", 12, "Sarcoma (N = 51)", {"value": D("43.0"), "se": D("7.0")}),
    ("DeBaereLungRFA", "ProgressionFreeSurvival", 36, "Sarcoma (N = 51)", {"value": D("26.5"), "se": D("6.6")}),
    ("DeBaereLungRFA", "ProgressionFreeSurvival", 60, "Kidney (N = 68)", {"value": D("9.2"), "se": D("5.0")}),
    ("DeBaereLungRFA", "ProgressionFreeSurvival", 60, "Other (N = 154)", {"value": D("7.6"), "se": D("3.9")}),
    ("DeBaereLungRFA", "TreatmentFailure", 12, "Sarcoma (N = 51)", {"value": D("6.1"), "se": D("3.4")}),
    ("DeBaereLungRFA", "TreatmentFailure", 24, "Rectum (N = 102)", {"value": D("30.7"), "se": D("5.7")}),
    ("DeBaereLungRFA", "TreatmentFailure", 36, "Kidney (N = 68)", {"value": D("25.1"), "se": D("9.3")}),
    ("DeBaereLungRFA", "OverallSurvival", 12, None, {"value": D("92.4"), "se": D("1.2")}),
    ("DeBaereLungRFA", "OverallSurvival", 48, None, {"value": D("58.9"), "se": D("2.8")}),
    ("DeBaereLungRFA", "OverallSurvival", 60, None, {"value": D("51.5"), "se": D("3.3")}),
    # Yevich 2016
    ("Yevich2016", "LocalControl", None, None, {"value": D("100"), "unit": "Percent"}),
    ("Yevich2016", "CompleteRemission", None, None, {"value": D("5"), "num": 5, "den": 11}),
    ("Yevich2016", "LesionSize", None, None, {"value": D("6.7"), "lo": D("2"), "hi": D("16"), "unit": "Millimetre"}),
    # Bourgouin 2022
    ("Bourgouin2022", "TechnicalSuccess", None, None, {"value": D("97")}),
    ("Bourgouin2022", "ReceivedTreatment", None, "MWA", {"value": D("21")}),
    # lung table
    ("Koelblinger2014", "OverallSurvival", 24, None, {"value": D("94")}),
    ("Koelblinger2014", "ProgressionFreeSurvival", 24, None, {"value": D("23")}),
    ("NakamuraLungRFA", "OverallSurvival", 36, None, {"value": D("29")}),
    ("PalussiereLungRFA", "OverallSurvival", 12, None, {"value": D("92.2")}),
    ("SatoLungRFA", "SecondaryTechniqueEfficacy", 24, None, {"value": D("81.4")}),
    ("SatoLungRFA", "OverallSurvival", 24, None, {"value": D("70.1")}),
    ("GravelLungAblation", "OverallSurvival", 60, None, {"value": D("28.3")}),
    ("GravelLungAblation", "LocalControl", 36, None, {"value": D("89.4")}),
    # Hakime 2013 PFS table (CIs) and liver table
    ("Hakime2013", "ProgressionFreeSurvival", 6, "Group A", {"value": D("58.7"), "lo_ci": D("49"), "hi_ci": D("97")}),
    ("Hakime2013", "ProgressionFreeSurvival", 18, "Group A", {"value": D("28.6"), "lo_ci": D("8"), "hi_ci": D("64")}),
    ("Hakime2013", "ProgressionFreeSurvival", 24, "Group B", {"value": D("75"), "lo_ci": D("30"), "hi_ci": D("95")}),
    ("Hakime2013", "ProgressionFreeSurvival", 12, "Group C", {"value": D("60"), "lo_ci": D("23"), "hi_ci": D("88")}),
    ("Hakime2013", "ProgressionFreeSurvival", 24, "group A", {"value": D("29")}),
    ("JonesLiverRFA", "OverallSurvival", 24, None, {"value": D("77")}),
    ("JungLiverRFA", "LocalRecurrence", None, None, {"value": D("6"), "unit": "Percent"}),
    # Vaswani 2018 local tumour control (n/N)
    ("Vaswani2018", "LocalControl", 3, "Overall local tumor control (n = 64)", {"value": D("88"), "num": 35, "den": 40}),
    ("Vaswani2018", "LocalControl", 12, "Overall local tumor control (n = 64)", {"value": D("70"), "num": 19, "den": 27}),
    ("Vaswani2018", "LocalControl", 12, "Local tumor control in the setting of chemoradiation", {"value": D("100"), "num": 4, "den": 4}),
    ("Vaswani2018", "LocalControl", 6, "Local tumor control in the setting of progression of untreated metastases", {"value": D("71"), "num": 15, "den": 21}),
    ("Vaswani2018", "TumourVolume", None, None, {"value": D("42.5"), "lo": D("0.1"), "hi": D("484.7"), "unit": "CubicCentimetre"}),
    # bone table
    ("Yamakado2014", "ResidualTumour", None, None, {"value": D("59.6"), "num": 31, "den": 52}),
    ("Yamakado2014", "OverallSurvival", 60, None, {"value": D("34.3")}),
    ("Saumet2015", "CompleteRemission", None, None, {"value": D("3"), "unit": "PatientCount"}),
    # Falk 2015
    ("Falk2015", "ReceivedTreatment", None, "local treatment incl. surgery", {"value": D("77.9"), "num": 164, "den": 281}),
    ("Falk2015", "MetastaticSiteDistribution", None, "pulmonary", {"value": D("71.5")}),
    ("Falk2015", "FollowUpDuration", None, None, {"value": D("25.7"), "unit": "Month"}),
    # seed 004
    ("Navarria2015", "LocalControl", 60, None, {"value": D("96")}),
    ("Navarria2015", "OverallSurvival", 60, None, {"value": D("61")}),
    ("Navarria2015", "FollowUpDuration", None, None, {"value": D("65"), "unit": "Month"}),
    ("Folkert2014", "LocalControl", 12, None, {"value": D("88")}),
]

QUERY = sparql_prologue() + """
SELECT ?o ?value ?unit ?se ?lo_ci ?hi_ci ?lo ?hi ?num ?den WHERE {
  ?study skg:hasOutcome ?o .
  ?o skg:measure ?measure ; skg:unit ?unitIri .
  BIND(STRAFTER(STR(?unitIri), STR(skg:)) AS ?unit)
  OPTIONAL { ?o skg:timepointMonths ?tp }
  OPTIONAL { ?o skg:subgroup ?sg }
  OPTIONAL { ?o skg:value ?value }
  OPTIONAL { ?o skg:standardError ?se }
  OPTIONAL { ?o skg:ciLower ?lo_ci } OPTIONAL { ?o skg:ciUpper ?hi_ci }
  OPTIONAL { ?o skg:rangeLower ?lo } OPTIONAL { ?o skg:rangeUpper ?hi }
  OPTIONAL { ?o skg:numerator ?num } OPTIONAL { ?o skg:denominator ?den }
  FILTER(IF(BOUND(?wantTp), BOUND(?tp) && ?tp = ?wantTp, !BOUND(?tp)))
  FILTER(IF(BOUND(?wantSg), BOUND(?sg) && STR(?sg) = ?wantSg, !BOUND(?sg)))
} ORDER BY ?o
"""

@pytest.mark.parametrize("study, measure, months, subgroup, expected", FIGURES,
                         ids=[f"{s}-{m}-{t}-{g}" for s, m, t, g, _ in FIGURES])
def test_figure_matches_the_seed(lecture_graph, study, measure, months, subgroup, expected):
    from rdflib import Literal
    from rdflib.namespace import XSD
    from sarcoma_kg.namespaces import SKG, STUDY

    bindings = {"study": STUDY[study], "measure": SKG[measure]}
    if months is not None:
        bindings["wantTp"] = Literal(str(months), datatype=XSD.decimal)
    if subgroup is not None:
        bindings["wantSg"] = Literal(subgroup)
    rows = list(lecture_graph.query(QUERY, initBindings=bindings))
    assert len(rows) == 1, f"expected one figure, found {[r.o for r in rows]}"
    row = rows[0]
    for field, want in expected.items():
        got = row[field]
        assert got is not None, f"{field} missing"
        got = got.toPython()
        if isinstance(want, Decimal):
            assert Decimal(str(got)) == want, f"{field}: {got} != {want}"
        else:
            assert got == want, f"{field}: {got} != {want}"


def test_table_has_enough_rows():
    assert len(FIGURES) >= 40
    # the whole de Baère table: 3 measures x 3 timepoints x 5 primaries
    assert sum(1 for f in FIGURES if f[0] == "DeBaereLungRFA") >= 12


def test_whole_debaere_table_is_encoded(lecture_graph):
    q = sparql_prologue() + """
    SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {
      study:DeBaereLungRFA skg:hasOutcome ?o . ?o skg:inArm ?arm ; skg:standardError ?se ; skg:timepointMonths ?t .
    }"""
    (n,), = list(lecture_graph.query(q))
    assert n.toPython() == 45


def test_whole_vaswani_control_table_is_encoded(lecture_graph):
    q = sparql_prologue() + """
    SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {
      study:Vaswani2018 skg:hasOutcome ?o . ?o skg:timepointMonths ?t .
    }"""
    (n,), = list(lecture_graph.query(q))
    assert n.toPython() == 5 * 4 + 4 * 4

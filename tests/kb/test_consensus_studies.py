"""Studies and outcome figures of the Ibero-American consensus tables (seed 003).

FIGURES is a checklist typed from the seed's four tables, independently of
ontology/kb/studies-consensus.ttl: every figure must be present exactly once, with its measure,
value, unit and (where given) timepoint, interval, p-value and numerator, and the file must hold
no other figure. Bibliographic data are checked against the seed's reference list, whose
entries are numbered by position ([20] = the 20th entry).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from sarcoma_kg import resources
from sarcoma_kg.namespaces import BIBO, OUTCOME, PROV, SKG, SOURCE, STUDY

SEEDS = resources.SEEDS_DIR
SEED3 = SEEDS / "003_3b181430475482de.txt"

OS, RFS, RT, PFI = SKG.OverallSurvival, SKG.RecurrenceFreeSurvival, SKG.ReceivedTreatment, SKG.ProgressionFreeInterval
DFI = SKG.DiseaseFreeIntervalOrProgressionFreeSurvival
PCT, MON, RATIO, N = SKG.Percent, SKG.Month, SKG.Ratio, SKG.PatientCount

# (study, measure, value, unit, extras) ; extras: tp=timepoint months, ci=(lo, hi), r=(lo, hi), p=p-value, num=numerator
FIGURES = [
    # table of section 3.11 (induction)
    ("Goumard2018", RT, "52", PCT, dict(num=65)),
    ("Goumard2018", RT, "32", N, {}), ("Goumard2018", RT, "33", N, {}), ("Goumard2018", RT, "26", N, {}),
    ("Goumard2018", RT, "20", N, {}), ("Goumard2018", RT, "6", N, {}),
    ("Goumard2018", OS, "1.38", RATIO, dict(ci=("0.86", "2.23"), p="0.18")),
    ("Goumard2018", OS, "1.57", RATIO, dict(ci=("0.87", "2.83"), p="0.13")),
    ("Goumard2018", RFS, "1.06", RATIO, dict(ci=("0.71", "1.57"), p="0.78")),
    ("Tirotta2020", RT, "13", PCT, dict(num=3)),
    ("GonzalezAbos2023", RT, "33", PCT, dict(num=4)),
    ("Pawlik2006", RT, "35", PCT, dict(num=14)),
    ("Groeschl2012", RT, "56", PCT, dict(num=55, uncertain=True)),  # printed "55 (5%)": best reading
    # table of section 3.12 (adjuvant)
    ("Brudvik2015", RT, "57", PCT, dict(num=27)), ("Brudvik2015", RT, "58", PCT, dict(num=28)),
    ("Brudvik2015", RFS, "7.9", MON, dict(p="0.434")), ("Brudvik2015", RFS, "9.0", MON, dict(p="0.434")),
    ("Brudvik2015", RFS, "7.4", MON, dict(p="0.805")), ("Brudvik2015", RFS, "9.4", MON, dict(p="0.805")),
    ("Goumard2018", RT, "26", PCT, dict(num=33)),
    ("Goumard2018", OS, "1.27", RATIO, dict(ci=("0.74", "2.17"), p="0.39")),
    ("Goumard2018", RFS, "1.19", RATIO, dict(ci=("0.76", "1.86"), p="0.45")),
    ("Tirotta2020", RT, "50", PCT, dict(num=12)),
    ("GonzalezAbos2023", RT, "50", PCT, dict(num=6)),
    ("Pawlik2006", RT, "7.5", PCT, dict(num=3)),
    ("DeMatteo2001", RT, "41", PCT, dict(num=23)),
    ("Groeschl2012", RT, "56", PCT, dict(num=54)),
    # surgical-series table
    ("Brudvik2015", DFI, "7.9", MON, {}), ("Brudvik2015", DFI, "8.8", MON, {}),
    ("Brudvik2015", OS, "48.4", PCT, dict(tp=60)), ("Brudvik2015", OS, "44.9", PCT, dict(tp=60)),
    ("Goumard2018", DFI, "12", MON, dict(r=("0", "298"))),
    ("Goumard2018", OS, "98", PCT, dict(tp=12, uncertain=True)), ("Goumard2018", OS, "83", PCT, dict(tp=12, uncertain=True)),
    ("Goumard2018", OS, "52", PCT, dict(tp=60, uncertain=True)), ("Goumard2018", OS, "47", PCT, dict(tp=60, uncertain=True)),
    ("Goumard2018", OS, "58", MON, {}),
    ("Grimme2019", DFI, "16", MON, dict(r=("1", "61"))), ("Grimme2019", OS, "86", PCT, dict(tp=12)),
    ("Grimme2019", OS, "42", PCT, dict(tp=60)), ("Grimme2019", OS, "46", MON, dict(r=("1", "161"))),
    ("Tirotta2020", DFI, "33", MON, dict(r=("0", "208"))), ("Tirotta2020", OS, "94", PCT, dict(tp=12)),
    ("Tirotta2020", OS, "18", PCT, dict(tp=60)), ("Tirotta2020", OS, "35", MON, dict(r=("10", "113"))),
    ("Outani2022", OS, "51.1", PCT, dict(tp=24)), ("Outani2022", OS, "24.4", PCT, dict(tp=60)),
    ("Outani2022", OS, "25", MON, dict(r=("13", "34"))),
    ("GonzalezAbos2023", DFI, "27", MON, dict(r=("5", "27"), uncertain=True)),
    ("GonzalezAbos2023", OS, "100", PCT, dict(tp=12)), ("GonzalezAbos2023", OS, "42.9", PCT, dict(tp=60)),
    ("GonzalezAbos2023", OS, "38", MON, {}),
    ("BurkhardMeier2024", DFI, "6.9", MON, dict(r=("5.9", "8.5"))), ("BurkhardMeier2024", OS, "93.7", PCT, dict(tp=12)),
    ("BurkhardMeier2024", OS, "53.1", PCT, dict(tp=60)), ("BurkhardMeier2024", OS, "64.8", MON, dict(r=("52.8", "93.6"))),
    # liver-directed local therapies table
    ("Maluccio2006", PFI, "22", MON, {}), ("Maluccio2006", OS, "61", PCT, dict(tp=12)), ("Maluccio2006", OS, "41", PCT, dict(tp=24)),
    ("Chapiro2015", PFI, "6.3", MON, dict(uncertain=True)), ("Chapiro2015", OS, "21.2", MON, {}),
    ("Miller2018", OS, "30.0", MON, {}),
    ("Awad2024", OS, "66", PCT, dict(tp=12)), ("Awad2024", OS, "40", PCT, dict(tp=24)),
    ("Bourgouin2022", OS, "100", PCT, dict(tp=12)), ("Bourgouin2022", OS, "89", PCT, dict(tp=24)),
    ("Rodriguez2024", PFI, "82.9", PCT, dict(tp=24)), ("Rodriguez2024", PFI, "76.5", PCT, dict(tp=36)),
    ("Rodriguez2024", OS, "27.7", MON, {}),
]

# study: (reference number, year, first-author surname as printed in the reference list, designs, numberOfPatients, studyPeriod)
STUDIES = {
    "Brudvik2015": (20, 2015, "Brudvik", set(), 146, "1998–2013"),
    "Goumard2018": (18, 2018, "Goumard", set(), 126, "1998–2015"),
    "Grimme2019": (21, 2019, "Grimme", {SKG.NationwideStudy}, 37, "1998–2014"),
    "Tirotta2020": (19, 2020, "Tirotta", {SKG.SystematicReview}, 24, "2009–2019"),
    "Outani2022": (34, 2022, "Outani", set(), 89, "2000–2018"),
    "GonzalezAbos2023": (17, 2023, "González-Abós", set(), 12, "2003–2019"),
    "BurkhardMeier2024": (35, 2024, "Burkhard-Meier", {SKG.RetrospectiveStudy, SKG.MulticentreStudy}, 40, "2017–2021"),
    "Pawlik2006": (63, 2006, "Pawlik", {SKG.SingleCentreStudy}, None, None),
    "Groeschl2012": (41, 2012, "Groeschl", {SKG.MulticentreStudy}, None, None),
    "DeMatteo2001": (40, 2001, "DeMatteo", set(), None, None),
    "Adam2006": (68, 2006, "Adam", set(), 1452, None),
    "Maluccio2006": (47, 2006, "Maluccio", set(), 24, "1996–2002"),
    "Chapiro2015": (48, 2015, "Chapiro", set(), 50, "2000–2013"),
    "Miller2018": (49, 2018, "Miller", {SKG.MulticentreStudy, SKG.RetrospectiveStudy}, 39, "2006–2015"),
    "Awad2024": (62, 2024, "Awad", set(), 55, "2011–2021"),
    "Rodriguez2024": (61, 2024, "Rodríguez", {SKG.ProspectiveStudy, SKG.MulticentreStudy}, 52, "2015–2018"),
}
MODALITY = {"Maluccio2006": SKG.BlandEmbolization, "Chapiro2015": SKG.Chemoembolization, "Miller2018": SKG.Radioembolization,
            "Awad2024": SKG.RadiofrequencyAblation, "Rodriguez2024": SKG.StereotacticBodyRadiotherapy}


@pytest.fixture(scope="module")
def kb() -> Graph:
    g = Graph()
    for name in ("sources.ttl", "studies-consensus.ttl"):
        g.parse(resources.KB_DIR / name)
    return g


def references() -> list[str]:
    lines = SEED3.read_text(encoding="utf-8").splitlines()
    start = lines.index("References")
    refs = []
    for line in lines[start + 1:]:
        if not line.startswith("- "):
            break
        refs.append(line[2:])
    return refs


def _dec(node):
    return None if node is None else Decimal(str(node))


def test_every_figure_of_the_checklist_is_present_exactly_once(kb):
    outcomes = set(kb.subjects(RDF.type, SKG.OutcomeMeasurement))
    owner = {o: s for s, o in kb.subject_objects(SKG.hasOutcome)}
    remaining = set(outcomes)
    for study, measure, value, unit, extra in FIGURES:
        matches = []
        for o in remaining:
            if owner.get(o) != STUDY[study] or kb.value(o, SKG.measure) != measure or kb.value(o, SKG.unit) != unit:
                continue
            if _dec(kb.value(o, SKG.value)) != Decimal(value):
                continue
            if "tp" in extra and _dec(kb.value(o, SKG.timepointMonths)) != Decimal(extra["tp"]):
                continue
            if "num" in extra and kb.value(o, SKG.numerator).toPython() != extra["num"]:
                continue
            matches.append(o)
        assert len(matches) >= 1, (study, measure, value)
        o = sorted(matches)[0]
        remaining.discard(o)
        if "ci" in extra:
            assert (_dec(kb.value(o, SKG.ciLower)), _dec(kb.value(o, SKG.ciUpper))) == tuple(map(Decimal, extra["ci"]))
        if "r" in extra:
            assert (_dec(kb.value(o, SKG.rangeLower)), _dec(kb.value(o, SKG.rangeUpper))) == tuple(map(Decimal, extra["r"]))
        if "p" in extra:
            assert _dec(kb.value(o, SKG.pValue)) == Decimal(extra["p"])
        uncertain = kb.value(o, SKG.readingUncertain)
        assert bool(uncertain and uncertain.toPython()) == extra.get("uncertain", False), o
        if extra.get("uncertain"):
            assert kb.value(o, SKG.curationNote) is not None
    assert remaining == set(), "figures not in the checklist: " + ", ".join(sorted(map(str, remaining)))


def test_value_text_is_verbatim_in_its_quoted_seed_row(kb):
    for o in kb.subjects(RDF.type, SKG.OutcomeMeasurement):
        text = str(kb.value(o, SKG.valueText))
        quote = str(kb.value(o, SKG.sourceQuote))
        seed = SEED3.read_text(encoding="utf-8")
        assert quote in seed, o
        core = text.split(": ", 1)[-1]
        assert core in seed, o


@pytest.mark.parametrize("study", list(STUDIES))
def test_study_bibliography_matches_the_reference_list(kb, study):
    ref, year, surname, designs, n, period = STUDIES[study]
    node = STUDY[study]
    entry = references()[ref - 1]
    assert entry.startswith(surname + ", "), entry
    assert (node, RDF.type, SKG.Study) in kb
    assert kb.value(node, SKG.referenceNumber).toPython() == ref
    assert kb.value(node, SKG.publicationYear).toPython() == year
    assert str(kb.value(node, SKG.firstAuthor)).startswith(surname + " ")
    title = str(kb.value(node, URIRef("http://purl.org/dc/terms/title")))
    assert f" {title}. " in entry
    journal, volume, pages = (str(kb.value(node, p)) for p in (SKG.journal, BIBO.volume, BIBO.pages))
    assert f"{journal} {year}, {volume}, {pages}" in entry
    assert kb.value(node, BIBO.doi) is None  # the reference list gives no DOI ("[CrossRef]" only)
    assert set(kb.objects(node, SKG.hasDesign)) == designs
    assert (kb.value(node, SKG.numberOfPatients).toPython() if n else None) == n
    assert (str(kb.value(node, SKG.studyPeriod)) if period else None) == period
    assert kb.value(node, SKG.reportedIn) == STUDY.LopesBras2025
    assert SOURCE["seed003-references"] in set(kb.objects(node, PROV.wasDerivedFrom))


def test_liver_directed_modalities(kb):
    for study, modality in MODALITY.items():
        assert set(kb.objects(STUDY[study], SKG.usesModality)) == {modality}, study
        assert SKG.Liver in set(kb.objects(STUDY[study], SKG.studiesSite))


def test_garbled_cells_keep_the_raw_reading(kb):
    ga = STUDY.GonzalezAbos2023
    assert kb.value(ga, SKG.readingUncertain).toPython() is True
    assert any("2003–209" in str(n) for n in kb.objects(ga, SKG.curationNote))
    assert str(kb.value(OUTCOME["Chapiro2015-pfi"], SKG.valueText)) == "6,3"
    assert str(kb.value(OUTCOME["Groeschl2012-preop-received"], SKG.valueText)) == "55 (5%)"
    assert str(kb.value(OUTCOME["GonzalezAbos2023-dfipfs-median"], SKG.valueText)) == "27 (5−27)"


def test_subgroups_are_arms(kb):
    arms = {str(kb.value(a, SKG.armLabel)): kb.value(a, SKG.numberOfPatients).toPython()
            for a in kb.objects(STUDY.Brudvik2015, SKG.hasArm)}
    assert arms == {"LMS": 47, "Non-LMS (non-GIST)": 50}
    lms = OUTCOME["Brudvik2015-arm-lms"]
    assert {o for o in kb.subjects(SKG.inArm, lms)} == {
        OUTCOME["Brudvik2015-adjuvant-received-lms"], OUTCOME["Brudvik2015-rfs-median-lms-adjuvant"],
        OUTCOME["Brudvik2015-rfs-median-lms-no-adjuvant"], OUTCOME["Brudvik2015-dfipfs-median-lms"],
        OUTCOME["Brudvik2015-os-5y-lms"]}
    for o in kb.subjects(SKG.inArm, OUTCOME["Goumard2018-arm-lms"]):
        assert kb.value(o, SKG.readingUncertain).toPython() is True  # "98% 83%": assignment is a reading


def test_hazard_ratios_state_what_they_compare(kb):
    hrs = list(kb.subjects(SKG.statistic, SKG.HazardRatio))
    assert len(hrs) == 5
    for o in hrs:
        assert kb.value(o, SKG.unit) == RATIO
        assert "vs." in str(kb.value(o, SKG.comparison))


def test_bourgouin_row_of_the_liver_table(kb):
    for o in kb.objects(STUDY.Bourgouin2022, SKG.hasOutcome):
        note = " ".join(map(str, kb.objects(o, SKG.curationNote)))
        assert "Bourguoin" in note and "lung" in note
    assert kb.value(STUDY.Bourgouin2022, SKG.referenceNumber).toPython() == 52


def test_seed_003_references_of_studies_curated_elsewhere(kb):
    refs = references()
    for study, number, surname in (("Falk2015", 43, "Falk"), ("Koelblinger2014", 51, "Koelblinger"),
                                   ("Navarria2015", 60, "Navarria"), ("Bourgouin2022", 52, "Bourgouin")):
        assert kb.value(STUDY[study], SKG.referenceNumber).toPython() == number
        assert refs[number - 1].startswith(surname + ", ")


def test_every_quote_of_curation_b_is_verbatim_in_its_seed(knowledge_graph):
    g = Graph()
    for name in ("sources.ttl", "studies-lecture.ttl", "studies-consensus.ttl", "recommendations.ttl", "statements.ttl", "evidence.ttl"):
        g.parse(resources.KB_DIR / name)
    seeds = {f.name[:3]: f.read_text(encoding="utf-8") for f in SEEDS.glob("0*.txt")}
    mine = Graph()
    for name in ("studies-consensus.ttl", "recommendations.ttl", "statements.ttl", "evidence.ttl"):
        mine.parse(resources.KB_DIR / name)
    checked = 0
    for node, quote in mine.subject_objects(SKG.sourceQuote):
        docs = {str(d)[-3:] for sec in g.objects(node, PROV.wasDerivedFrom) for d in g.objects(sec, SKG.inDocument)}
        assert docs, node
        assert any(str(quote) in seeds[d] for d in docs), (node, str(quote)[:80])
        checked += 1
    assert checked > 300

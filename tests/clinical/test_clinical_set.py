"""The clinical test set: patients written as a tumour board records them (tests/clinical/patients/,
Turtle; the ones the CSV can carry also in tests/clinical/tumour-board.csv), each with a manifest
(tests/clinical/expected/) saying which recommendations and statements must apply, must not apply,
must be shown "to confirm", or are findings never listed as recommendations, each with the words of
the seed that decide it; and the verdicts and organ-site counts validation must give.

Every expectation is run through ``recommend`` (and ``validate``'s derivation): its status, and where the
manifest says so, what the "to confirm" list must mention, the recommendations it must be shown
conflicting with, the branch of the text that holds, and a range met only at its lenient end.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from sarcoma_kg import resources
from sarcoma_kg.namespaces import EX, REC, SKG
from sarcoma_kg.patients import verdicts
from sarcoma_kg.patients.compiled import compiled_report
from sarcoma_kg.patients.csv_mapping import read_csv
from sarcoma_kg.reasoning import recommend

HERE = Path(__file__).parent
CT = Namespace("https://w3id.org/sarcoma-kg/test/clinical#")
PATIENT_FILES = sorted((HERE / "patients").glob("*.ttl"))
CSV_FILE = HERE / "tumour-board.csv"
IAC = ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5",
       "6.1", "6.2", "6.3", "6.4", "6.5", "7.1", "7.2", "8.1", "8.2", "8.3", "9.1", "9.2", "10.1", "10.2",
       "11.1", "11.2", "12.1", "13.1", "13.2"]
BOUNDARIES = {"six months exactly", "six months and one day", "DFI exactly six months", "TFI 12 months", "TFI 18 months",
              "sarcomatosis", "bilobar", "not a surgical candidate", "bone sarcoma", "GIST", "paediatric", "episodes"}
STATUS = {CT.Applies: "applies", CT.DoesNotApply: "does not apply", CT.ToConfirm: "to confirm",
          CT.NotARecommendation: "not listed"}


def _manifest() -> Graph:
    graph = Graph()
    for path in sorted((HERE / "expected").glob("*.ttl")):
        graph.parse(path)
    return graph


MANIFEST = _manifest()


def _local(node) -> str:
    return str(node).rsplit("#", 1)[-1]


def _check(node, facet: str):
    return pytest.param(node, facet, id=f"{_local(node)}-{facet}")


#: the facets of an expectation checked besides its status, each when the manifest gives it
FACETS = {"confirm": CT.confirmMentions, "conflict": CT.conflictsWith, "branch": CT.branch,
          "lenient": CT.atLenientBound}


def _expectation_checks() -> list:
    checks = []
    for node in sorted(MANIFEST.subjects(RDF.type, CT.Expectation)):
        checks.append(_check(node, "status"))
        checks.extend(_check(node, facet) for facet, prop in FACETS.items() if (node, prop, None) in MANIFEST)
    return checks


# --- running the software once over all the patients -----------------------------------------------

@pytest.fixture(scope="module")
def patients() -> Graph:
    graph = Graph()
    for path in PATIENT_FILES:
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def derivation(patients, knowledge_graph):
    """The verdicts ``validate`` gives by default (the compiled SHACL engine; it gives pySHACL's on
    every file of the set, tests/patients/test_compiled.py), derived once for every test of the set."""
    return verdicts.derive_all(patients, knowledge_graph, report=compiled_report(patients))


@pytest.fixture(scope="module")
def results(patients, derivation, knowledge_graph) -> dict:
    """HermiT's recommendations for the patients with those verdicts written back (``recommend``
    derives them itself for a patient without them, as :func:`recommend.with_verdicts` says)."""
    assessed = patients + derivation.graph
    return {pr.patient: pr for pr in recommend.recommend(assessed, knowledge_graph, "hermit")}


def _case_of(expectation) -> URIRef:
    return next(MANIFEST.subjects(CT.expect, expectation))


def _find(pr, rec: URIRef):
    """(status, result) of ``rec`` for one patient. A result object may carry ``status`` itself;
    without it, listed applicable is "applies", "may apply once the missing facts are known" is
    "to confirm", otherwise "does not apply"; a statement in neither list is "not listed"."""
    for r in pr.applicable:
        if r.rec == rec:
            return getattr(r, "status", None) or "applies", r
    for r in pr.not_applicable:
        if r.rec == rec:
            return getattr(r, "status", None) or ("to confirm" if r.may_apply else "does not apply"), r
    return "not listed", None


def _to_confirm_text(result) -> str:
    parts = list(getattr(result, "not_checked", []) or []) + [str(x) for x in getattr(result, "to_confirm", []) or []]
    return " | ".join(str(p) for p in parts)


@pytest.mark.parametrize("expectation,facet", _expectation_checks())
def test_expectation(expectation, facet, results):
    case = _case_of(expectation)
    patient = MANIFEST.value(case, CT.patient)
    rec = MANIFEST.value(expectation, CT.recommendation)
    wanted = STATUS[MANIFEST.value(expectation, CT.status)]
    why = f"{_local(case)} {recommend.curie(rec)}: {MANIFEST.value(expectation, CT.why)}"
    status, result = _find(results[patient], rec)
    if facet == "status":
        assert status == wanted, f"{why} -- expected {wanted}, got {status}" + (f" ({result.reason})" if result else "")
    elif facet == "confirm":
        text = _to_confirm_text(result) if result is not None else ""
        for mention in MANIFEST.objects(expectation, CT.confirmMentions):
            assert str(mention) in text, f"{why} -- 'to confirm' should mention {mention!r}, shows {text!r}"
    elif facet == "conflict":
        shown = {str(c) for c in (getattr(result, "conflicts", None) or [])}
        for other in MANIFEST.objects(expectation, CT.conflictsWith):
            assert str(other) in shown or recommend.curie(other) in shown, f"{why} -- should be shown conflicting with {recommend.curie(other)}"
    elif facet == "branch":
        branch = str(getattr(result, "branch", "") or "")
        assert str(MANIFEST.value(expectation, CT.branch)) in branch, f"{why} -- the branch that holds should be shown"
    elif facet == "lenient":
        assert getattr(result, "at_lenient_bound", False), f"{why} -- should be marked as met only at the lenient end of the range"


# --- verdicts, organ sites, populations --------------------------------------------------------------

def _verdict_checks() -> list:
    return [_check(node, "verdict") for node in sorted(MANIFEST.subjects(RDF.type, CT.VerdictExpectation))]


@pytest.mark.parametrize("node,facet", _verdict_checks())
def test_verdict(node, facet, derivation):
    case = next(MANIFEST.subjects(CT.verdict, node))
    patient, definition = MANIFEST.value(case, CT.patient), MANIFEST.value(node, CT.definition)
    assessment = next(a for a in derivation.assessments if a.patient == patient and a.definition == definition)
    assert assessment.verdict == MANIFEST.value(node, CT["is"]), (_local(node), assessment.verdict, assessment.reasons, assessment.missing)
    for mention in MANIFEST.objects(node, CT.reasonMentions):
        assert any(str(mention) in r for r in assessment.reasons), (_local(node), assessment.reasons)


def _organ_checks() -> list:
    return [_check(case, "organ-sites") for case in sorted(MANIFEST.subjects(CT.organSiteCount, None))]


@pytest.mark.parametrize("case,facet", _organ_checks())
def test_organ_site_count_written_back(case, facet, derivation):
    patient = MANIFEST.value(case, CT.patient)
    assert derivation.graph.value(patient, SKG.organSiteCount) == Literal(int(MANIFEST.value(case, CT.organSiteCount))), _local(case)


def _outside_checks() -> list:
    return [_check(case, "outside-population") for case in sorted(MANIFEST.subjects(CT.outsidePopulationOf, None))]


@pytest.mark.parametrize("case,facet", _outside_checks())
def test_definition_outside_the_patients_population_is_said_so(case, facet, derivation):
    patient = MANIFEST.value(case, CT.patient)
    for definition in MANIFEST.objects(case, CT.outsidePopulationOf):
        assessment = next(a for a in derivation.assessments if a.patient == patient and a.definition == definition)
        assert assessment.verdict == SKG.OutsidePopulation, (_local(case), assessment.verdict)


# --- the set itself: size, coverage, provenance, well-formed patients, CSV twin ------------------------

def _expectations(status=None) -> dict:
    out: dict[URIRef, set] = {}
    for node in MANIFEST.subjects(RDF.type, CT.Expectation):
        if status is None or MANIFEST.value(node, CT.status) == status:
            out.setdefault(MANIFEST.value(node, CT.recommendation), set()).add(node)
    return out


def test_at_least_thirty_patients_each_with_its_manifest():
    cases = set(MANIFEST.subjects(RDF.type, CT.ClinicalCase))
    assert len(cases) >= 30 and len(PATIENT_FILES) == len(cases)
    files = {p.relative_to(HERE).as_posix() for p in PATIENT_FILES}
    for case in cases:
        assert str(MANIFEST.value(case, CT.patientFile)) in files, case


def test_every_recommendation_is_expected_to_apply_and_not_to_apply_somewhere(knowledge_graph):
    applies, not_applies = _expectations(CT.Applies), _expectations(CT.DoesNotApply)
    actionable = [REC[f"IAC-{n}"] for n in IAC] + sorted(knowledge_graph.subjects(RDF.type, SKG.ExpertStatement))
    assert len(actionable) == 34 + 9
    missing = [recommend.curie(r) for r in actionable if r not in applies or r not in not_applies]
    assert missing == []


def test_every_finding_is_expected_never_to_be_a_recommendation(knowledge_graph):
    listed = _expectations(CT.NotARecommendation)
    findings = set(knowledge_graph.subjects(RDF.type, SKG.Finding))
    assert findings and findings <= set(listed)


def test_the_boundaries_are_covered():
    assert BOUNDARIES <= {str(b) for b in MANIFEST.objects(None, CT.boundary)}


def test_to_confirm_is_exercised():
    assert len(_expectations(CT.ToConfirm)) >= 5


def test_every_expectation_quotes_its_seed_verbatim():
    for node in MANIFEST.subjects(RDF.type, CT.Expectation):
        seed = (resources.SEEDS_DIR / str(MANIFEST.value(node, CT.seedFile))).read_text(encoding="utf-8")
        quote = str(MANIFEST.value(node, CT.quote))
        assert quote in seed, f"{_local(node)}: not verbatim in {MANIFEST.value(node, CT.seedFile)}: {quote!r}"
        assert MANIFEST.value(node, CT.why) is not None, node


def test_the_patients_are_well_formed(derivation):
    """No structural violation: the patients are written as a clinician would, and correctly."""
    report = derivation.report
    violations = [(report.value(r, SH.focusNode), str(report.value(r, SH.resultMessage)))
                  for r in report.subjects(RDF.type, SH.ValidationResult)
                  if report.value(r, SH.resultSeverity) == SH.Violation]
    assert violations == []


def _normalised(graph: Graph) -> set:
    """The triples with numbers compared by value (the CSV reads 58 as a decimal, Turtle as an integer)."""
    out = set()
    for s, p, o in graph:
        if isinstance(o, Literal) and isinstance(o.toPython(), (int, float, Decimal)) and not isinstance(o.toPython(), bool):
            o = ("number", Decimal(str(o.toPython())))
        out.add((s, p, o))
    return out


def test_the_csv_twin_gives_the_same_patients(patients):
    """Every patient is in tumour-board.csv too (ct:inCsv), and reads into the same graph as its Turtle:
    the CSV columns carry everything the model records of a patient."""
    in_csv = {MANIFEST.value(case, CT.patient) for case in MANIFEST.subjects(CT.inCsv, Literal(True))}
    assert len(in_csv) == len(PATIENT_FILES)
    with CSV_FILE.open(encoding="utf-8") as fh:
        assert {EX[row["patient_id"]] for row in csv.DictReader(fh)} == in_csv
    from_csv = read_csv(CSV_FILE)
    for patient in sorted(in_csv):
        ttl = Graph()
        for s in {patient, *patients.objects(patient, SKG.hasPrimaryTumour), *patients.objects(patient, SKG.hasLesion)}:
            for triple in patients.triples((s, None, None)):
                ttl.add(triple)
        csv_part = Graph()
        for s in {patient, *from_csv.objects(patient, SKG.hasPrimaryTumour), *from_csv.objects(patient, SKG.hasLesion)}:
            for triple in from_csv.triples((s, None, None)):
                csv_part.add(triple)
        assert _normalised(ttl) == _normalised(csv_part), patient

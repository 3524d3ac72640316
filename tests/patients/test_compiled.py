"""``validate``'s two engines: the compiled one (the default) gives pySHACL's findings, verdicts and
exit code on every example, every patient fixture and every patient of the clinical set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bad_inputs import CASES
from sht import case_files, load_case
from sarcoma_kg import resources
from sarcoma_kg.cohort.synthetic import generate
from sarcoma_kg.patients import shapes
from sarcoma_kg.patients.validate import as_dict, validate_paths

pytestmark = pytest.mark.slow
READABLE = [c for c in CASES if c.exit_code != 2]
TESTS = Path(__file__).resolve().parents[1]
#: Every patient file of examples/ and of the test fixtures, and the clinical set (a file each).
INPUTS = sorted(
    [p for p in resources.EXAMPLES_DIR.rglob("*") if p.suffix in (".ttl", ".csv")]
    + sorted((TESTS / "clinical" / "patients").glob("*.ttl")) + [TESTS / "clinical" / "tumour-board.csv"]
    + [TESTS / "reasoning" / "fixtures" / "patients.ttl"]
    + sorted((TESTS / "fixtures" / "fhir" / "cases").glob("*.json"))
    + [TESTS / "fixtures" / "fhir" / "mcode" / "mcode-patient-bundle-jenny-m.json"])
CASE_FILES = case_files("patients")


@pytest.fixture(autouse=True)
def _knowledge(monkeypatch, knowledge_graph):
    monkeypatch.setattr(shapes, "knowledge_context", lambda fresh=False: knowledge_graph)


def summary(result) -> dict:
    d = as_dict(result)
    for p in d["patients"]:
        for key in ("violations", "warnings"):
            # a set: pySHACL reports a value that is not a number once, the compiled engine once per
            # constraint it fails (sh:or, sh:minExclusive), with the same shape, path and message
            p[key] = sorted({(f["focus"], f["severity"], f["shape"], f["path"], f["message"]) for f in p[key]})
    return d


def both(paths: list[Path]) -> tuple[dict, dict]:
    slow = validate_paths(paths, engine="pyshacl")
    fast = validate_paths(paths, engine="compiled")
    return summary(slow), summary(fast)


def test_the_inputs_are_found():
    assert len([p for p in INPUTS if "clinical" in p.parts and p.suffix == ".ttl"]) == 33
    assert all(p.exists() for p in INPUTS)
    assert len(CASE_FILES) >= 10


@pytest.mark.parametrize("path", INPUTS, ids=[f"{p.parent.name}/{p.name}" for p in INPUTS])
def test_both_engines_give_one_answer_on_every_patient_file(path: Path):
    slow, fast = both([path])
    if not path.name.startswith("error-"):  # an error fixture: both engines refuse it alike
        assert fast["patients"] and not fast["errors"], f"{path}: {fast['errors']}"
    assert slow == fast


#: The one known difference: an ill-formed xsd:date the reader retyped is read by pySHACL's SHACL-SPARQL
#: with the retyped datatype, by the compiled engine's with its declared one (xsd:date), so the
#: detected-long-before-diagnosis warning of structure.ttl's "2024-02-30" comes from the compiled engine only.
KNOWN = {"structure": "an ill-formed date compared by a SHACL-SPARQL warning (compiled engine only)"}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWN[p.stem]))
                                  if p.stem in KNOWN else p for p in CASE_FILES], ids=[p.stem for p in CASE_FILES])
def test_both_engines_give_one_answer_on_every_shape_case(path: Path, tmp_path):
    data = tmp_path / path.name
    load_case(path).data.serialize(data, format="turtle")
    slow, fast = both([data])
    assert slow == fast


def test_both_engines_give_one_report_over_the_corpus(tmp_path):
    paths = [case.write(tmp_path) for case in READABLE]
    slow, fast = both(paths)
    assert slow["exitCode"] == fast["exitCode"] == 1
    assert slow == fast


def test_both_engines_agree_on_literals_the_store_would_rewrite(tmp_path):
    """``"01"^^xsd:integer`` and ``"12"^^xsd:int``: the compiled engine holds them as written
    (stand-ins) and gives pySHACL's answer."""
    path = tmp_path / "rewritten.ttl"
    path.write_text(
        "@prefix skg: <https://w3id.org/sarcoma-kg/> . @prefix ex: <https://w3id.org/sarcoma-kg/example/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:P1 a skg:Patient ; skg:ecogPerformanceStatus "01"^^xsd:integer ; skg:hasLesion ex:P1-L1 .\n'
        'ex:P1-L1 a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm "12"^^xsd:int ;\n'
        '    skg:detectionDate "2023-05-01"^^xsd:date .\n', encoding="utf-8")
    slow, fast = both([path])
    assert fast["patients"] and not fast["errors"]
    assert slow == fast


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown validation engine"):
        validate_paths([INPUTS[0]], engine="fast")


def test_a_file_of_a_thousand_patients_is_validated_with_progress(tmp_path):
    """Every patient gets its verdicts; progress is reported in order up to the end (bench/README.md
    has the times)."""
    path = generate(1000, tmp_path / "board.ttl", seed=5, fmt="ttl").path
    seen: list[tuple[int, int]] = []
    result = validate_paths([path], progress=lambda done, total: seen.append((done, total)))
    assert len(result.patients) == 1000
    assert len({a.patient for a in result.derivation.assessments}) == 1000
    assert seen[-1] == (2000, 2000) and [d for d, _ in seen] == sorted(d for d, _ in seen)

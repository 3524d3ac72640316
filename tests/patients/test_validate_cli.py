"""``sarcoma-kg validate`` in-process (click's CliRunner): formats and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph

from sarcoma_kg.patients import shapes
from sarcoma_kg.cli import main
from sarcoma_kg.namespaces import EX, SKG, VERDICT

PREFIXES = """@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
GOOD = PREFIXES + """
ex:Good a skg:Patient ; skg:hasDiffuseSerosalInvolvement false ; skg:hasPrimaryTumour ex:Good-primary ;
    skg:hasLesion ex:Good-L1 , ex:Good-L2 , ex:Good-L3 , ex:Good-L4 , ex:Good-L5 , ex:Good-L6 .
ex:Good-primary a skg:PrimaryTumour ; skg:hasHistology skg:Leiomyosarcoma ; skg:primaryResected true .
""" + "".join(
    f"ex:Good-L{i} a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm 10 ; skg:amenableToRadicalTreatment true .\n"
    for i in range(1, 7))
VIOLATING = PREFIXES + """
ex:Bad a skg:Patient ; skg:hasLesion ex:Bad-L1 .
ex:Bad-L1 a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm 0 .
"""
MALFORMED = PREFIXES + """
ex:Broken a skg:Patient ;
    skg:hasLesion ex:Broken-L1
ex:Broken-L1 a skg:MetastaticLesion .
"""


@pytest.fixture(autouse=True)
def _knowledge(monkeypatch, knowledge_graph):
    monkeypatch.setattr(shapes, "knowledge_context", lambda fresh=False: knowledge_graph)


@pytest.fixture
def files(tmp_path):
    out = {}
    for name, text in {"good.ttl": GOOD, "violating.ttl": VIOLATING, "malformed.ttl": MALFORMED}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[name] = str(tmp_path / name)
    (tmp_path / "bad.csv").write_text("patient_id,lesion_diameter_mm\nP9,12\nP9,abc\n", encoding="utf-8")
    out["bad.csv"] = str(tmp_path / "bad.csv")
    return out


def run(*args):
    return CliRunner().invoke(main, ["validate", *args])


def test_valid_input_exits_0_whatever_the_verdicts(files):
    result = run(files["good.ttl"])
    assert result.exit_code == 0, result.output
    assert "ex:Good" in result.output
    assert "does not meet" in result.output and "6 lesions > 5" in result.output


def test_violation_exits_1(files):
    result = run(files["violating.ttl"], files["good.ttl"])
    assert result.exit_code == 1
    assert "VIOLATION" in result.output and "greater than 0" in result.output
    assert "ex:Good" in result.output  # the good file is still reported


def test_malformed_turtle_exits_2_with_file_and_line(files):
    result = run(files["malformed.ttl"])
    assert result.exit_code == 2
    assert f"{files['malformed.ttl']}:7: not valid Turtle" in result.output


def test_malformed_csv_exits_2_with_file_and_line(files):
    result = run(files["bad.csv"])
    assert result.exit_code == 2
    assert f"{files['bad.csv']}:3: column lesion_diameter_mm" in result.output


def test_one_bad_file_does_not_hide_the_others(files):
    result = run(files["malformed.ttl"], files["good.ttl"], "--format", "json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert [p["id"] for p in payload["patients"]] == ["ex:Good"]
    assert payload["errors"][0]["file"] == files["malformed.ttl"]
    ibero = next(a for a in payload["patients"][0]["assessments"] if a["definition"] == "definition:IberoAmerican2025")
    assert ibero["verdict"] == "skg:DoesNotMeet" and ibero["reasons"] == ["6 lesions > 5"]


def test_missing_file_exits_2(files, tmp_path):
    result = run(str(tmp_path / "nope.ttl"))
    assert result.exit_code == 2
    assert "nope.ttl: file not found" in result.output


def test_ttl_output_is_the_write_back_graph(files):
    result = run(files["good.ttl"], "--format", "ttl")
    assert result.exit_code == 0
    g = Graph().parse(data=result.stdout, format="turtle")
    node = VERDICT["Good--IberoAmerican2025"]
    assert (EX.Good, SKG.hasAssessment, node) in g
    assert (node, SKG.verdict, SKG.DoesNotMeet) in g
    assert (EX.Good, SKG.lesionCount, None) in g
    assert not any(isinstance(x, BNode) for t in g for x in t)


def test_usage_error_without_files():
    result = run()
    assert result.exit_code == 2


def test_a_folder_stands_for_its_patient_files(files, tmp_path):
    result = run(str(tmp_path), "--format", "json")
    payload = json.loads(result.stdout)
    assert result.exit_code == 2  # the folder holds malformed files too
    assert sorted(p["id"] for p in payload["patients"]) == ["ex:Bad", "ex:Good"]
    assert len(payload["errors"]) == 2


def test_malformed_json_ld_names_the_format(tmp_path):
    path = tmp_path / "p.jsonld"
    path.write_text('{"@id": ', encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2
    assert "not valid JSON-LD" in result.output

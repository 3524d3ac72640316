"""`sarcoma-kg cohort generate|validate` in-process (CliRunner)."""

import csv
import json

from click.testing import CliRunner

from sarcoma_kg.cli import main


def test_generate_then_validate(tmp_path):
    runner = CliRunner()
    cohort = tmp_path / "c.nt"
    res = runner.invoke(main, ["cohort", "generate", "30", "--seed", "5", "--format", "nt", "-o", str(cohort)])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "c.nt.truth.json").read_text())["patients"] == 30
    out = tmp_path / "v.csv"
    res = runner.invoke(main, ["cohort", "validate", str(cohort), "-o", str(out), "--workers", "1"])
    assert res.exit_code == 1                       # the generated defects are sh:Violations
    rows = list(csv.DictReader(out.open()))
    assert len({r["patient"] for r in rows}) == 30
    assert "verdicts (patient × definition)" in res.stderr and "failed criteria" in res.stderr


def test_validate_jsonl_to_stdout(tmp_path):
    runner = CliRunner()
    cohort = tmp_path / "c.ttl"
    runner.invoke(main, ["cohort", "generate", "3", "-o", str(cohort)])   # too few for defects
    res = runner.invoke(main, ["cohort", "validate", str(cohort), "--format", "jsonl", "--workers", "1"])
    assert res.exit_code == 0, res.stderr
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(lines) == 3 * len({line["definition"] for line in lines})
    assert {"patient", "definition", "verdict", "failed_criteria"} <= set(lines[0])


def test_malformed_input_exits_2_naming_file_and_line(tmp_path):
    cohort = tmp_path / "bad.nt"
    cohort.write_text('<https://w3id.org/sarcoma-kg/example/A> <https://w3id.org/sarcoma-kg/p> "x" .\n'
                      "<https://w3id.org/sarcoma-kg/example/A> oops\n")
    out = tmp_path / "v.csv"
    res = CliRunner().invoke(main, ["cohort", "validate", str(cohort), "-o", str(out), "--workers", "1"])
    assert res.exit_code == 2
    assert f"{cohort}:2:" in res.stderr
    assert not out.exists()


def test_validate_against_given_shapes(tmp_path):
    """--shapes replaces the project's shapes: only the structure shapes -> no criterion is
    evaluated, so every verdict is CannotTell; a malformed or uncompilable shapes file exits 2."""
    from sarcoma_kg import resources

    runner = CliRunner()
    cohort = tmp_path / "c.ttl"
    assert runner.invoke(main, ["cohort", "generate", "12", "--seed", "4", "-o", str(cohort)]).exit_code == 0
    out = tmp_path / "v.csv"
    structure = resources.SHAPES_DIR / "patient-structure.ttl"
    res = runner.invoke(main, ["cohort", "validate", str(cohort), "-o", str(out), "--workers", "1",
                               "--shapes", str(structure)])
    assert res.exit_code in (0, 1), res.output
    assert {r["verdict"] for r in csv.DictReader(out.open())} == {"CannotTell"}
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a> a sh:NodeShape ;\n  sh:targetClass \n")
    res = runner.invoke(main, ["cohort", "validate", str(cohort), "--shapes", str(bad)])
    assert res.exit_code == 2 and str(bad) in res.stderr
    unsupported = tmp_path / "recursive.ttl"
    unsupported.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                           "<https://example.org/S> a sh:NodeShape ; sh:targetClass <https://example.org/C> ; "
                           "sh:property [ sh:path <https://example.org/p> ; sh:not <https://example.org/S> ] .\n")
    res = runner.invoke(main, ["cohort", "validate", str(cohort), "--shapes", str(unsupported)])
    assert res.exit_code == 2 and "cannot compile" in res.stderr and "sh:not" in res.stderr


def test_generate_ndjson_then_validate(tmp_path):
    runner = CliRunner()
    cohort = tmp_path / "c.ndjson"
    res = runner.invoke(main, ["cohort", "generate", "20", "--seed", "5", "--format", "ndjson", "-o", str(cohort)])
    assert res.exit_code == 0, res.output
    lines = cohort.read_text().splitlines()
    assert f"20 patients, {len(lines)} FHIR resources -> {cohort}" in res.stderr
    assert json.loads(lines[0])["resourceType"] == "Patient"
    out = tmp_path / "v.csv"
    res = runner.invoke(main, ["cohort", "validate", str(cohort), "-o", str(out), "--workers", "1"])
    assert res.exit_code == 1, res.stderr           # the defects mCODE can carry are sh:Violations
    assert len({r["patient"] for r in csv.DictReader(out.open())}) == 20

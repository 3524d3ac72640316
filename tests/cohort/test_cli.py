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

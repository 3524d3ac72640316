"""`validate --cohort FILE` runs the cohort path behind the validate verb."""

import csv

from click.testing import CliRunner

from sarcoma_kg.cli import main


def test_validate_cohort_writes_one_row_per_patient_and_definition(tmp_path):
    runner = CliRunner()
    cohort = tmp_path / "cohort.nt"
    assert runner.invoke(main, ["cohort", "generate", "30", "--seed", "7", "--format", "nt", "-o", str(cohort)]).exit_code == 0
    out = tmp_path / "verdicts.csv"
    result = runner.invoke(main, ["validate", "--cohort", str(cohort), "-o", str(out)])
    # the generator plants structural defects, so violations exist: exit 1 as for `validate`
    assert result.exit_code == 1, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    patients = {r["patient"] for r in rows}
    definitions = {r["definition"].rsplit("/", 1)[-1] for r in rows}
    assert len(patients) == 30
    assert {"IberoAmerican2025", "Gangi2010", "DeSouza2017", "Falk2015"} <= definitions
    assert len(rows) == len(patients) * len(definitions)


def test_validate_cohort_missing_file_is_an_input_error(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--cohort", str(tmp_path / "absent.nt")])
    assert result.exit_code == 2
    assert "absent.nt" in result.output


def test_validate_without_input_is_a_usage_error():
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "--cohort" in result.output


def test_cohort_and_patient_files_together_are_refused(tmp_path):
    result = CliRunner().invoke(main, ["validate", "x.ttl", "--cohort", str(tmp_path / "c.nt")])
    assert result.exit_code == 2

"""One validation contract: ``validate`` and ``cohort validate`` accept and reject the same files,
with the same exit code, the same patients reported and the same verdicts, file by file, over the
corpus of valid, invalid and unreadable files of :mod:`bad_inputs`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from bad_inputs import CASES, Case
from sarcoma_kg.cli import main
from sarcoma_kg.namespaces import EX, PREFIXES
from sarcoma_kg.patients import shapes

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _knowledge(monkeypatch, knowledge_graph):
    monkeypatch.setattr(shapes, "knowledge_context", lambda fresh=False: knowledge_graph)


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return str(PREFIXES[prefix]) + local if prefix in PREFIXES else curie


def plain_verdicts(path) -> tuple[int, set]:
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 2 and not result.stdout.strip():
        return 2, set()
    report = json.loads(result.stdout)
    return result.exit_code, {(p["patient"], expand(a["definition"]), expand(a["verdict"]).rsplit("/", 1)[-1])
                              for p in report["patients"] for a in p["assessments"]}


def cohort_verdicts(path) -> tuple[int, set]:
    result = CliRunner().invoke(main, ["cohort", "validate", "--workers", "1", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    rows = list(csv.DictReader(io.StringIO(result.stdout.split("\nvalidating", 1)[0]))) if "patient,definition" in result.stdout else []
    return result.exit_code, {(r["patient"], r["definition"], r["verdict"]) for r in rows}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_both_validation_paths_keep_one_contract(case: Case, tmp_path):
    path = case.write(tmp_path)
    plain_code, plain = plain_verdicts(path)
    cohort_code, cohort = cohort_verdicts(path)
    assert plain_code == cohort_code == case.exit_code
    assert plain == cohort
    reported = {p for p, _, _ in plain}
    assert {str(EX[pid]) for pid in case.reported} <= reported

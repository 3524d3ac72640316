"""The W3C SHACL test suite (core and sparql) through the cohort compiler, in every mode (plain,
cohort, and plain read by the queries for stores holding stand-in literals): every test is passed
or refused with a message naming the feature, never answered wrongly; and at most one test is
refused (``$shapesGraph``)."""

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("w3c_runner", Path(__file__).with_name("runner.py"))
runner = importlib.util.module_from_spec(_spec)
sys.modules["w3c_runner"] = runner
_spec.loader.exec_module(runner)

CASES = runner.cases()
REFUSED = {"sparql/pre-binding/shapesGraph-001"}   # $shapesGraph: the shapes graph is not in the store


def test_the_whole_suite_is_here():
    assert len(CASES) == 120


@pytest.mark.parametrize("mode", runner.MODES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c(case, mode):
    outcome = runner.check(case, mode)
    assert outcome.verdict in ("pass", "refused"), (outcome.detail, outcome.missing, outcome.extra)
    assert (outcome.verdict == "refused") == (case.name in REFUSED), outcome.detail

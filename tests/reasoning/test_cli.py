"""classify and recommend read every input form the patient reader reads: files of any RDF
syntax, the tumour-board CSV, folders (in-process, click's CliRunner). With HermiT:
test_recommend.test_cli_classify_json."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sarcoma_kg import __version__, resources
from sarcoma_kg.cli import main
from sarcoma_kg.namespaces import EX
from sarcoma_kg.rdf import patients_in
from sarcoma_kg.reasoning import recommend

EDGE_CASES = resources.EXAMPLES_DIR / "edge-cases"
CSV = resources.EXAMPLES_DIR / "tumour-board.csv"


@pytest.fixture
def seen(monkeypatch) -> list:
    """The patients that reach the reasoning step (stand-ins for classify and recommend, no HermiT)."""
    received: list = []

    def classify(data, knowledge, *args, **kwargs):
        received.extend(patients_in(data))
        return {}

    def recommend_(data, knowledge, *args, **kwargs):
        received.extend(patients_in(data))
        return []

    monkeypatch.setattr(recommend, "classify", classify)
    monkeypatch.setattr(recommend, "recommend", recommend_)
    return received


@pytest.mark.parametrize("verb", ["classify", "recommend"])
def test_a_folder_and_the_csv_reach_the_reasoner(verb, seen):
    result = CliRunner().invoke(main, [verb, str(EDGE_CASES), str(CSV), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["patients"] == []
    assert EX["TB-001"] in seen and EX["TB-002"] in seen
    assert len(seen) == len(set(seen)) >= len(list(EDGE_CASES.glob("*.ttl"))) + 2


@pytest.mark.parametrize("verb", ["classify", "recommend"])
def test_a_malformed_csv_is_an_input_error(verb, tmp_path, seen):
    bad = tmp_path / "bad.csv"
    bad.write_text("patient_id,lesion_diameter_mm\nP9,abc\n", encoding="utf-8")
    result = CliRunner().invoke(main, [verb, str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: column lesion_diameter_mm" in result.output
    assert seen == []


def test_version_option_says_where_data_and_release_are():
    for flag in ("-V", "--version"):
        result = CliRunner().invoke(main, [flag])
        assert result.exit_code == 0 and result.output.startswith(f"sarcoma-kg {__version__}\n")
        assert f"data: {resources.ROOT} (source tree)" in result.output
        assert f"release: {resources.DIST_DIR}" in result.output

"""The build and summary verbs, in-process with click's CliRunner."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from samples import sample_study_count

from sarcoma_kg import __version__
from sarcoma_kg.cli import main
from sarcoma_kg.reasoning.reasoners import ConsistencyReport


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_build_command(small_pipeline, tmp_path):
    result = invoke("build", "--out", str(tmp_path / "dist"))
    assert result.exit_code == 0, result.output
    assert "sarcoma-kg.nt" in result.stdout and f"studies: {sample_study_count()}" in result.stdout
    manifest = json.loads((tmp_path / "dist" / "manifest.json").read_text())
    assert manifest["version"] == __version__
    # the steps, with the time since the start, on stderr; stdout keeps the listing only
    for step in ("assembling", "knowledge-base integrity", "quality control", "consistency", "writing sarcoma-kg-kb"):
        assert step in result.stderr and step not in result.stdout
    assert re.match(r"\[ +\d+\.\d s\] assembling", result.stderr)


def test_build_command_failure_exits_1(small_pipeline, tmp_path, monkeypatch):
    monkeypatch.setattr(small_pipeline.reasoners, "check_consistency",
                        lambda g, reasoner="hermit": ConsistencyReport(reasoner, False, [], "clash"))
    result = invoke("build", "--out", str(tmp_path / "dist"))
    assert result.exit_code == 1
    assert "build failed" in result.output and not (tmp_path / "dist").exists()


def test_summary_command_counts_the_live_graph():
    result = invoke("summary", "--format", "json")
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["definitions"] >= 4 and counts["recommendations"] >= 34
    assert set(counts["termsPerFamily"]) == {"histology", "anatomy", "modality", "agents"}
    assert counts["termsPerFamily"]["histology"] > 1

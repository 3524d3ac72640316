"""The README and the documentation site: a short README whose links resolve, a site that builds
with ``mkdocs build --strict``, the generated ontology page in it, shell completion as documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sarcoma_kg.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_short_and_has_what_a_newcomer_needs():
    assert len(README.encode("utf-8")) <= 10_000
    for heading in ("## Two commands", "## The command line", "## Python", "## Layout", "## Documentation"):
        assert heading in README
    assert "./run.sh" in README and "./test.sh" in README and "Exit codes" in README
    verbs = set(main.commands) - {"cohort"} | {"cohort generate", "cohort validate"}
    assert {v for v in verbs if f"| `{v}` |" not in README} == set()


def test_every_relative_link_of_the_readme_resolves():
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README)
    assert links
    assert [link for link in links if not link.startswith("http") and not (REPO / link).exists()] == []


def test_every_page_of_docs_is_in_the_site_navigation():
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md"))
    assert [p for p in pages if p not in nav] == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts_are_generated_as_documented(shell):
    install = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    assert f"_SARCOMA_KG_COMPLETE={shell}_source sarcoma-kg" in install
    result = CliRunner().invoke(main, [], prog_name="sarcoma-kg", env={"_SARCOMA_KG_COMPLETE": f"{shell}_source"})
    assert "sarcoma_kg" in result.output.replace("-", "_").lower() and "_SARCOMA_KG_COMPLETE" in result.output


@pytest.mark.slow
def test_the_site_builds_strictly_with_the_generated_pages(tmp_path):
    mkdocs = Path(sys.executable).parent / "mkdocs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=REPO,
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ontology = (tmp_path / "site" / "reference" / "ontology" / "index.html").read_text(encoding="utf-8")
    assert 'id="skg-BilobarLiverDisease"' in ontology and '<span class="kw">some</span>' in ontology
    queries = (tmp_path / "site" / "reference" / "queries" / "index.html").read_text(encoding="utf-8")
    assert "http://127.0.0.1:7878/query?query=" in queries

"""scripts/release.py: a version is tagged only when pyproject, CHANGELOG and the release agree."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from sarcoma_kg import __version__

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "release.py"
_spec = importlib.util.spec_from_file_location("release_script", SCRIPT)
release = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(release)

CHANGELOG = """# Changelog

## [Unreleased]

## [0.2.0]
### Added
- a thing

## [0.1.0]
- the first
"""


def _repo(tmp_path: Path, version: str, changelog: str = CHANGELOG) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "sarcoma-kg"\nversion = "{version}"\n')
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "release"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, env=env)
    return tmp_path


def test_the_project_changelog_has_notes_for_the_current_version():
    text = (SCRIPT.parents[1] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert release.changelog_section(text, __version__)
    assert release.changelog_section(text, "Unreleased") is not None


def test_changelog_section_is_the_text_up_to_the_next_version():
    assert release.changelog_section(CHANGELOG, "0.2.0") == "### Added\n- a thing"
    assert release.changelog_section(CHANGELOG, "0.3.0") is None


def test_a_ready_version_is_tagged_with_its_notes(tmp_path):
    root = _repo(tmp_path, "0.2.0")
    assert release.problems(root, "0.2.0") == []
    assert release.main(["0.2.0", "--skip-tests", "--skip-build"], root=root) == 0
    message = subprocess.run(["git", "tag", "-n9", "v0.2.0"], cwd=root, capture_output=True, text=True).stdout
    assert "sarcoma-kg 0.2.0" in message and "a thing" in message
    assert any("exists already" in p for p in release.problems(root, "0.2.0"))


@pytest.mark.parametrize("version, changelog, expected", [
    ("0.3.0", CHANGELOG, "pyproject.toml says version '0.2.0'"),
    ("0.2.0", "# Changelog\n\n## [0.2.0]\n\n## [0.1.0]\n- x\n", "CHANGELOG.md has no notes"),
])
def test_a_version_that_disagrees_is_not_tagged(tmp_path, version, changelog, expected):
    root = _repo(tmp_path, "0.2.0", changelog)
    assert release.main([version, "--skip-tests", "--skip-build"], root=root) == 1
    assert any(expected in p for p in release.problems(root, version))
    assert not subprocess.run(["git", "tag"], cwd=root, capture_output=True, text=True).stdout.strip()


def test_the_built_release_must_state_the_version(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"version": "0.2.0", "versionIRI": "https://w3id.org/sarcoma-kg/releases/0.2.0/sarcoma-kg.owl"}))
    assert release.check_manifest(tmp_path, "0.2.0") == []
    assert len(release.check_manifest(tmp_path, "0.3.0")) == 2

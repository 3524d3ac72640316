#!/usr/bin/env python3
"""Make a release: check that everything says VERSION, build it, and tag it ``vVERSION``.

    scripts/release.py VERSION [--skip-tests] [--dry-run]

Before running it: set ``version = "VERSION"`` in pyproject.toml (the one version source) and move
the notes under ``## [Unreleased]`` in CHANGELOG.md to a new ``## [VERSION]`` section; commit both.

The script then checks that the working tree is clean, that pyproject.toml says VERSION, that
CHANGELOG.md has a non-empty ``## [VERSION]`` section and that no tag ``vVERSION`` exists; runs the
test suite (``./test.sh``, unless ``--skip-tests``); builds the release into ``dist/`` and checks that
its manifest states VERSION and the version IRI ``https://w3id.org/sarcoma-kg/releases/VERSION/sarcoma-kg.owl``;
and finally creates the annotated tag ``vVERSION`` whose message is the CHANGELOG section
(``--dry-run`` stops before the tag). Exit codes: 0 tagged (or all checks passed with
``--dry-run``), 1 a check failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION_IRI = "https://w3id.org/sarcoma-kg/releases/{version}/sarcoma-kg.owl"


def changelog_section(text: str, version: str) -> str | None:
    """The notes of ``## [VERSION]`` in a Keep-a-Changelog text, or None when there is no such section."""
    match = re.search(rf"^## \[{re.escape(version)}\][^\n]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else None


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def problems(root: Path, version: str) -> list[str]:
    """What stops VERSION from being released from ``root`` (empty: ready)."""
    found = []
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:[-.]?(?:a|b|rc)\d+)?", version):
        found.append(f"{version!r} is not a version such as 1.2.0 or 1.2.0rc1")
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    if declared != version:
        found.append(f"pyproject.toml says version {declared!r}, not {version!r}")
    changelog = root / "CHANGELOG.md"
    notes = changelog_section(changelog.read_text(encoding="utf-8"), version) if changelog.exists() else None
    if not notes:
        found.append(f"CHANGELOG.md has no notes under '## [{version}]'")
    if _git(root, "status", "--porcelain").strip():
        found.append("the working tree has uncommitted changes")
    if _git(root, "tag", "--list", f"v{version}").strip():
        found.append(f"the tag v{version} exists already")
    return found


def check_manifest(release_dir: Path, version: str) -> list[str]:
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    found = []
    if manifest.get("version") != version:
        found.append(f"the release says version {manifest.get('version')!r}")
    if manifest.get("versionIRI") != VERSION_IRI.format(version=version):
        found.append(f"the release's version IRI is {manifest.get('versionIRI')!r}")
    return found


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(prog="scripts/release.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("version")
    parser.add_argument("--skip-tests", action="store_true", help="do not run ./test.sh first")
    parser.add_argument("--skip-build", action="store_true", help="do not build the release (checks only)")
    parser.add_argument("--dry-run", action="store_true", help="check and build, but create no tag")
    args = parser.parse_args(argv)
    found = problems(root, args.version)
    if not found and not args.skip_tests:
        if subprocess.run(["./test.sh", "-q"], cwd=root).returncode != 0:
            found.append("the test suite failed")
    if not found and not args.skip_build:
        dist = root / "dist"
        if subprocess.run([str(root / ".venv" / "bin" / "sarcoma-kg"), "build", "--out", str(dist)], cwd=root).returncode:
            found.append("sarcoma-kg build failed")
        else:
            found += check_manifest(dist, args.version)
    for problem in found:
        print(f"release: {problem}", file=sys.stderr)
    if found:
        return 1
    if args.dry_run:
        print(f"release: v{args.version} is ready (dry run: no tag created)", file=sys.stderr)
        return 0
    notes = changelog_section((root / "CHANGELOG.md").read_text(encoding="utf-8"), args.version)
    _git(root, "tag", "-a", f"v{args.version}", "-m", f"sarcoma-kg {args.version}\n\n{notes}")
    print(f"release: tagged v{args.version}; publish with `git push origin v{args.version}` and attach the "
          "files of dist/ to the release", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

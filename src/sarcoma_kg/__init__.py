"""sarcoma-kg: an open knowledge graph of oligometastatic sarcoma care."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version as _distribution_version
from pathlib import Path


def _version() -> str:
    """The version of ``pyproject.toml`` (the one version source): read from the file in a source
    tree, from the installed distribution's metadata otherwise."""
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == "sarcoma-kg" and "version" in project:
            return str(project["version"])
    try:
        return _distribution_version("sarcoma-kg")
    except PackageNotFoundError:  # pragma: no cover - neither a source tree nor installed
        return "0.0.0"


__version__ = _version()

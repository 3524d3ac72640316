"""Where the project's data lives: the only module that knows the paths of
``ontology/``, ``shapes/``, ``queries/``, ``examples/`` and ``sources/``.

The package is installed in editable mode from the repository (``scripts/setup.sh``), so the
data folders are found next to ``src/``. ``SARCOMA_KG_HOME`` overrides the root.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("SARCOMA_KG_HOME", Path(__file__).resolve().parents[2]))
ONTOLOGY_DIR = ROOT / "ontology"
KB_DIR = ONTOLOGY_DIR / "kb"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
EXAMPLES_DIR = ROOT / "examples"
DIST_DIR = ROOT / "dist"
MAPPINGS_FILE = ONTOLOGY_DIR / "mappings" / "terms.sssom.tsv"
SOURCES_DIR = ROOT / "sources"
#: The seed documents the knowledge base is curated from (copies of the originals).
SEEDS_DIR = SOURCES_DIR / "seeds"
#: The verified cross-reference list the project's SSSOM rows must be copied from.
VERIFIED_MAPPINGS_FILE = SOURCES_DIR / "mappings" / "terms.sssom.tsv"
HEADER_FILE = ONTOLOGY_DIR / "sarcoma-kg.ttl"


def ontology_files() -> list[Path]:
    """The ontology (terms only): the header first, then every module, in name order."""
    modules = sorted(p for p in ONTOLOGY_DIR.glob("*.ttl") if p != HEADER_FILE)
    return [HEADER_FILE, *modules]


def kb_files() -> list[Path]:
    """The curated knowledge: studies, outcomes, definitions, recommendations, evidence."""
    return sorted(KB_DIR.glob("*.ttl"))


def shape_files(topic: str | None = None) -> list[Path]:
    """SHACL shape files, optionally only those whose name starts with ``topic``."""
    files = sorted(SHAPES_DIR.glob("*.ttl"))
    return [f for f in files if topic is None or f.name.startswith(topic)]


def query_files(subdir: str | None = None) -> list[Path]:
    """SPARQL files of the catalogue (``queries/*.rq``) or of one sub-folder (``qc``)."""
    folder = QUERIES_DIR / subdir if subdir else QUERIES_DIR
    return sorted(folder.glob("*.rq"))


def query_file(name: str) -> Path:
    """A catalogue query by name (``cq-definitions``) or by path."""
    candidate = Path(name)
    if candidate.suffix == ".rq" and candidate.exists():
        return candidate
    for path in QUERIES_DIR.rglob(f"{name}.rq"):
        return path
    raise FileNotFoundError(f"no query named {name!r} in {QUERIES_DIR}")

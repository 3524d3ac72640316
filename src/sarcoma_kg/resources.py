"""Where the project's data lives: the only module that knows the paths of ``ontology/``,
``shapes/``, ``queries/``, ``examples/``, ``sources/`` and of the release directory.

The data is found in the first of these places:

1. ``SARCOMA_KG_HOME``, when set: a folder laid out like the repository (a developer override);
2. the installed package: a wheel ships ``ontology/``, ``shapes/``, ``queries/`` and ``examples/``
   as package data under ``sarcoma_kg/data/``, read through :mod:`importlib.resources`;
3. the source tree: an editable install (``scripts/setup.sh``) reads them from the repository
   root beside ``src/``, which stays the one place they are edited.

The release (what ``build`` writes and ``serve``, ``load`` and ``demo`` read) goes to
:data:`DIST_DIR`: ``SARCOMA_KG_RELEASE_DIR`` when set; ``dist/`` in a source tree or
``SARCOMA_KG_HOME``; otherwise, for an installed package, the user's data folder
(``$XDG_DATA_HOME/sarcoma-kg/VERSION``, by default ``~/.local/share/sarcoma-kg/VERSION``; on macOS
``~/Library/Application Support/sarcoma-kg/VERSION``; on Windows ``%LOCALAPPDATA%\\sarcoma-kg\\VERSION``),
one folder per installed version, so an upgrade never serves an older release by mistake.
"""

from __future__ import annotations

import os
import sys
from importlib import resources as _importlib_resources
from pathlib import Path


def _installed_data() -> Path | None:
    """``sarcoma_kg/data`` of an installed wheel, as a real folder (None in a source tree)."""
    data = _importlib_resources.files(__package__) / "data"
    if isinstance(data, Path) and data.is_dir():
        return data
    return None


def _user_data_home() -> Path:
    """The per-user folder for application data (XDG on Linux; the platform's own elsewhere)."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _version() -> str:
    from . import __version__

    return __version__


def _locate() -> tuple[str, Path, Path]:
    """``(where the data comes from, data root, default release directory)``."""
    home = os.environ.get("SARCOMA_KG_HOME")
    installed = _installed_data()
    if home:
        found = ("SARCOMA_KG_HOME", Path(home), Path(home) / "dist")
    elif installed is not None:
        found = ("installed package", installed, _user_data_home() / "sarcoma-kg" / _version())
    else:
        tree = Path(__file__).resolve().parents[2]
        found = ("source tree", tree, tree / "dist")
    release = os.environ.get("SARCOMA_KG_RELEASE_DIR")
    return (found[0], found[1], Path(release) if release else found[2])


#: ``SARCOMA_KG_HOME``, ``installed package`` or ``source tree``.
DATA_FROM, ROOT, DIST_DIR = _locate()
ONTOLOGY_DIR = ROOT / "ontology"
KB_DIR = ONTOLOGY_DIR / "kb"
MAPPINGS_DIR = ONTOLOGY_DIR / "mappings"
MAPPINGS_FILE = MAPPINGS_DIR / "terms.sssom.tsv"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
EXAMPLES_DIR = ROOT / "examples"
HEADER_FILE = ONTOLOGY_DIR / "sarcoma-kg.ttl"
#: Copies of the project's inputs, in a source tree only (the tests check quotes against them).
SOURCES_DIR = ROOT / "sources"
#: The seed documents the knowledge base is curated from (copies of the originals).
SEEDS_DIR = SOURCES_DIR / "seeds"
#: The verified cross-reference list the project's SSSOM rows must be copied from.
VERIFIED_MAPPINGS_FILE = SOURCES_DIR / "mappings" / "terms.sssom.tsv"


def where() -> dict[str, str]:
    """Where the data and the release are (``sarcoma-kg --version`` prints it)."""
    return {"data": f"{ROOT} ({DATA_FROM})", "release": str(DIST_DIR)}


def ontology_files() -> list[Path]:
    """The ontology (terms only): the header first, then every module, in name order."""
    modules = sorted(p for p in ONTOLOGY_DIR.glob("*.ttl") if p != HEADER_FILE)
    return [HEADER_FILE, *modules]


def kb_files() -> list[Path]:
    """The curated knowledge: studies, outcomes, definitions, recommendations, evidence."""
    return sorted(KB_DIR.glob("*.ttl"))


def mapping_files() -> list[Path]:
    """The SSSOM mapping sets (``ontology/mappings/*.sssom.tsv``), in name order."""
    return sorted(MAPPINGS_DIR.glob("*.sssom.tsv"))


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


def cache_dir() -> Path:
    """Where derived data kept between runs is written (the compiled classifier, keyed by the hash
    of the files it was made from): ``SARCOMA_KG_CACHE_DIR`` when set, else
    ``$XDG_CACHE_HOME/sarcoma-kg`` (by default ``~/.cache/sarcoma-kg``)."""
    explicit = os.environ.get("SARCOMA_KG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sarcoma-kg"

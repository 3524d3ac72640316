"""sarcoma-kg: an open knowledge graph of oligometastatic sarcoma care.

The public Python API (each function imports what it needs when called, so ``import sarcoma_kg``
starts neither owlready2 nor Java)::

    import sarcoma_kg

    kg = sarcoma_kg.knowledge_graph()                       # ontology + knowledge base (rdflib Graph)
    result = sarcoma_kg.validate(["patient.ttl"])           # verdicts per patient and definition
    for patient in sarcoma_kg.recommend(["patient.ttl"]):   # HermiT; recommendations with evidence
        print(patient.patient, [r.notation for r in patient.applicable])
    rows = sarcoma_kg.query("cq-studies-by-histology", histology="skg:Leiomyosarcoma")

Errors are :class:`sarcoma_kg.errors.SarcomaKgError` (an input error names the file and line).
"""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version as _distribution_version
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover - names for the signatures only
    from rdflib import Graph

    from .patients.validate import ValidationResult
    from .reasoning.recommend import PatientClassification, PatientRecommendations
    from .release.build import BuildResult
    from .sparql.backends import ResultSet

__all__ = ["__version__", "knowledge_graph", "ontology_graph", "read_patients", "validate", "classify",
           "recommend", "query", "build"]

PathLike = str | Path


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


def knowledge_graph() -> Graph:
    """The ontology and the knowledge base in one rdflib graph (what the full release holds,
    without the typing axioms ``build`` adds)."""
    from .rdf import knowledge_graph as assemble

    return assemble()


def ontology_graph() -> Graph:
    """The ontology alone: terms, hierarchies, defined classes, concept schemes."""
    from .rdf import ontology_graph as assemble

    return assemble()


def read_patients(paths: Iterable[PathLike]) -> Graph:
    """One graph of the patients in ``paths``: patient graphs in any RDF syntax, the tumour-board
    CSV, or folders of them."""
    from .patients.read import read_patients as read

    return read(paths).graph


def validate(paths: Iterable[PathLike], engine: str = "compiled") -> ValidationResult:
    """Check patient files against the structural shapes and every definition of oligometastatic
    disease; ``result.conforms``, ``result.findings`` and ``result.derivation.assessments`` (one
    verdict per patient and definition, with reasons and missing facts). A malformed file is
    reported in ``result.errors`` while the others are still checked. ``engine``: ``"compiled"``
    (the shapes compiled to SPARQL) or ``"pyshacl"`` (the reference): the same answers; a file the
    compiled engine cannot check exactly is reported in ``result.errors``, naming pySHACL."""
    from .patients.validate import validate_paths

    return validate_paths(paths, engine=engine)


def classify(paths: Iterable[PathLike], reasoner: str = "hermit") -> dict[str, PatientClassification]:
    """The defined classes each patient of ``paths`` belongs to (HermiT or Pellet), with the facts
    behind them: ``{patient IRI: PatientClassification}``."""
    from .reasoning.recommend import classify as run

    return run(read_patients(paths), knowledge_graph(), reasoner=reasoner)


def recommend(paths: Iterable[PathLike], reasoner: str = "hermit") -> list[PatientRecommendations]:
    """For each patient of ``paths``: the recommendations that apply (with their evidence: studies
    and outcome figures) and those that do not, with the reason."""
    from .reasoning.recommend import recommend as run

    return run(read_patients(paths), knowledge_graph(), reasoner=reasoner)


def query(name: str, data: Iterable[PathLike] = (), endpoint: str | None = None, **parameters: str) -> ResultSet | Graph | bool:
    """Run catalogue query ``name`` (``sarcoma-kg query --list``) with its parameters given as
    keywords (``histology="skg:Leiomyosarcoma"``, bound as RDF terms, never pasted into the text)
    on the knowledge graph plus the RDF files ``data``, or on a SPARQL ``endpoint``. A SELECT gives
    a :class:`~sarcoma_kg.sparql.backends.ResultSet` (``.variables``, ``.rows``, ``.as_dicts()``)."""
    from .rdf import parse_into
    from .sparql.backends import RemoteBackend, backend_for
    from .sparql.query import run_query

    if endpoint:
        backend = RemoteBackend(endpoint)
    else:
        graph = knowledge_graph()
        for path in data:
            parse_into(graph, path)
        backend = backend_for(graph)
    return run_query(name, backend, [f"{key}={value}" for key, value in parameters.items()]).result


def build(out_dir: PathLike | None = None, reasoner: str = "hermit") -> BuildResult:
    """Check the ontology and knowledge base and write the release (default: the release
    directory, ``sarcoma-kg --version`` shows it)."""
    from .release.build import build as run

    return run(out_dir, reasoner=reasoner)

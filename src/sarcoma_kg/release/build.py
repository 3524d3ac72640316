"""Build the versioned release into ``dist/``.

Pipeline (each step stops the build with a :class:`BuildError` naming what failed):

1. assemble the ontology and ontology + knowledge base (:mod:`sarcoma_kg.rdf`; malformed Turtle
   is an :class:`~sarcoma_kg.errors.InputError`);
2. knowledge-base integrity: :func:`~sarcoma_kg.release.integrity.check_integrity` (SHACL,
   shapes/kb-integrity.ttl);
3. quality control: :func:`~sarcoma_kg.release.qc.run_qc` (queries/qc/*.rq; ERROR-severity rows
   fail the build, WARN/INFO rows are reported);
4. the OWL typing axioms of the punned class values
   (:func:`~sarcoma_kg.reasoning.owl_view.typing_axioms`), so that reasoners classify studies
   through the hierarchies;
5. consistency of what is released (ontology + KB + typing axioms) under HermiT
   (:func:`~sarcoma_kg.reasoning.reasoners.check_consistency`): inconsistency or unsatisfiable
   classes fail;
6. write every file into a temporary directory beside ``out_dir``, then swap it in, so a failed
   build never leaves a half-written ``dist/``.

Version and version IRI come from the ontology header (``owl:versionInfo``, ``owl:versionIRI``),
never from the clock: two builds give byte-identical files (see :mod:`~sarcoma_kg.release.serialize`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .. import rdf, resources
from ..errors import BuildError, InputError
from ..namespaces import ONTOLOGY_IRI, SKG
from ..reasoning.owl_view import typing_axioms
from ..sparql.catalogue import catalogue
from . import integrity, pages, qc, serialize

RELEASE_NAME = "sarcoma-kg"
#: file stem → (graph key, description)
RELEASES = {
    f"{RELEASE_NAME}-ontology": ("ontology", "the ontology alone: terms, hierarchies, concept schemes"),
    RELEASE_NAME: ("full", "ontology + knowledge base (studies, outcome figures, definitions, recommendations, "
                           "evidence lines, provenance) + the OWL typing axioms of the studies"),
}

TERM_FAMILIES = {
    "histology": SKG.Neoplasm,
    "anatomy": SKG.AnatomicalSite,
    "modality": SKG.Intervention,
    "agents": SKG.AntineoplasticAgent,
}


@dataclass
class ReleaseFile:
    path: str
    sha256: str
    bytes: int
    media_type: str
    description: str
    triples: int | None = None

    def as_dict(self) -> dict:
        out = {"path": self.path, "sha256": self.sha256, "bytes": self.bytes,
               "mediaType": self.media_type, "description": self.description}
        if self.triples is not None:
            out["triples"] = self.triples
        return out


@dataclass
class BuildResult:
    out_dir: Path
    version: str
    version_iri: str
    files: list[ReleaseFile] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# --- version and summary --------------------------------------------------------------------

def version_of(graph: Graph) -> tuple[str, str]:
    """``(owl:versionInfo, owl:versionIRI)`` of the ontology header; BuildError if absent."""
    info = sorted(str(v) for v in graph.objects(ONTOLOGY_IRI, OWL.versionInfo))
    iri = sorted(str(v) for v in graph.objects(ONTOLOGY_IRI, OWL.versionIRI))
    if len(info) != 1 or len(iri) != 1:
        raise BuildError(f"{resources.HEADER_FILE}: the ontology header needs exactly one owl:versionInfo "
                         f"and one owl:versionIRI (found {len(info)} and {len(iri)})")
    return info[0], iri[0]


def _instances(graph: Graph, *classes: URIRef) -> int:
    return len({s for c in classes for s in graph.subjects(RDF.type, c)})


def _family(graph: Graph, root: URIRef) -> set:
    """``root`` (when it is a class of ``graph``) and the named classes below it."""
    edges = ((s, o) for s, o in graph.subject_objects(RDFS.subClassOf) if isinstance(s, URIRef))
    family = rdf.subclass_closure(edges, root)
    if (root, RDF.type, OWL.Class) not in graph:
        family.discard(root)
    return family


def summary(graph: Graph) -> dict:
    """Counts of what is in the graph: knowledge items, and terms per family and concept scheme."""
    out = {
        "triples": len(graph),
        "studies": _instances(graph, SKG.Study),
        "publications": _instances(graph, SKG.Publication),
        "studyArms": _instances(graph, SKG.StudyArm),
        "outcomeFigures": _instances(graph, SKG.OutcomeMeasurement),
        "recommendations": _instances(graph, SKG.ConsensusRecommendation, SKG.ExpertStatement, SKG.Recommendation),
        "clinicalQuestions": _instances(graph, SKG.ClinicalQuestion),
        "definitions": _instances(graph, SKG.OligometastaticDiseaseDefinition),
        "evidenceLines": _instances(graph, SKG.EvidenceLine),
        "evidenceGaps": _instances(graph, SKG.EvidenceGap),
        "sourceSections": _instances(graph, SKG.SourceSection),
        "classes": len({c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}),
    }
    out["termsPerFamily"] = {name: len(_family(graph, root)) for name, root in TERM_FAMILIES.items()}
    schemes = {}
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme)):
        label = next(iter(sorted(str(v) for v in graph.objects(scheme, RDFS.label))), str(scheme))
        schemes[label] = len(set(graph.subjects(SKOS.inScheme, scheme)))
    out["conceptsPerScheme"] = schemes
    return out


# --- checks ---------------------------------------------------------------------------------

def check_release(kb: Graph, reasoner: str = "hermit") -> tuple[Graph, list[str]]:
    """Run integrity, QC and consistency on ``kb``; return the release graph and the warnings."""
    warnings: list[str] = []
    report = integrity.check_integrity(kb)
    if not report.conforms:
        lines = [f"  {rdf.local_name(severity)} {focus}: {message}"
                 for focus, _shape, severity, message in list(report.results)[:20]]
        more = len(report.results) - len(lines)
        raise BuildError("the knowledge base violates shapes/kb-integrity.ttl:\n" + "\n".join(lines)
                         + (f"\n  ... and {more} more" if more > 0 else ""))
    warnings += [f"integrity {rdf.local_name(severity)} {focus}: {message}" for focus, _s, severity, message in report.results]

    findings = qc.run_qc(kb)
    errors = [f for f in findings if f.severity == "ERROR"]
    if errors:
        lines = [f"  {f.query}: {f.entity} {f.property} {f.value}".rstrip() for f in errors[:20]]
        more = len(errors) - len(lines)
        raise BuildError(f"{len(errors)} quality-control finding(s) (queries/qc/):\n" + "\n".join(lines)
                         + (f"\n  ... and {more} more" if more > 0 else ""))
    warnings += [f"qc {f.severity} {f.query}: {f.entity} {f.property} {f.value}".rstrip()
                 for f in findings if f not in errors]

    release = Graph()
    for triple in kb:
        release.add(triple)
    for triple in typing_axioms(kb):
        release.add(triple)

    from ..reasoning import reasoners  # starts owlready2 and Java: only when a release is checked

    consistency = reasoners.check_consistency(release, reasoner=reasoner)
    if not consistency.consistent:
        raise BuildError(f"the release is inconsistent under {reasoner}: {consistency.message}")
    if consistency.unsatisfiable:
        raise BuildError(f"unsatisfiable classes under {reasoner}: {', '.join(consistency.unsatisfiable)}")
    return release, warnings


# --- writing --------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_release(out_dir: Path, ontology: Graph, release: Graph, warnings: list[str] | None = None) -> BuildResult:
    """Write every release file for ``ontology`` and ``release`` into ``out_dir`` atomically."""
    out_dir = Path(out_dir).resolve()
    version, version_iri = version_of(ontology)
    result = BuildResult(out_dir, version, version_iri, warnings=list(warnings or []))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-build-", dir=out_dir.parent))
    try:
        graphs_by_key = {"ontology": serialize.canonical(ontology), "full": serialize.canonical(release)}
        for stem, (key, description) in RELEASES.items():
            graph = graphs_by_key[key]
            for suffix, (_fmt, media, purpose) in serialize.FORMATS.items():
                data = serialize.serialize(graph, suffix)
                name = f"{stem}.{suffix}"
                serialize.write_bytes(tmp / name, data)
                result.files.append(ReleaseFile(name, _sha256(data), len(data), media,
                                                f"{description}. {purpose}", len(graph)))
        documents = {
            "docs/ontology.html": (pages.ontology_html(graphs_by_key["ontology"], "sarcoma-kg ontology",
                                                       version, version_iri), "ontology documentation (HTML)"),
            "docs/queries.html": (pages.catalogue_html(catalogue(include_qc=True), version=version),
                                  "SPARQL query catalogue (HTML), generated from the query headers"),
        }
        for name, (text, description) in documents.items():
            data = text.encode("utf-8")
            serialize.write_bytes(tmp / name, data)
            result.files.append(ReleaseFile(name, _sha256(data), len(data), "text/html", description))
        result.files.sort(key=lambda f: f.path)
        result.summary = summary(graphs_by_key["full"])
        manifest = {
            "name": RELEASE_NAME,
            "version": version,
            "versionIRI": version_iri,
            "ontologyIRI": str(ONTOLOGY_IRI),
            "files": [f.as_dict() for f in result.files],
            "summary": result.summary,
        }
        serialize.write_bytes(tmp / "manifest.json",
                           (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _swap_in(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp`` with renames (the old release is removed only afterwards)."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}-old-{tmp.name}")
        out_dir.rename(old)
    try:
        tmp.rename(out_dir)
    except BaseException:
        if old is not None:
            old.rename(out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(out_dir: Path | str | None = None, reasoner: str = "hermit") -> BuildResult:
    """Assemble, check and write the release into ``out_dir`` (default ``dist/``)."""
    out_dir = Path(out_dir) if out_dir is not None else resources.DIST_DIR
    ontology = rdf.ontology_graph()
    kb = rdf.knowledge_graph()
    version_of(ontology)  # fail early on a header without version
    release, warnings = check_release(kb, reasoner=reasoner)
    return write_release(out_dir, ontology, release, warnings)


def read_manifest(out_dir: Path | str | None = None) -> dict:
    path = Path(out_dir or resources.DIST_DIR) / "manifest.json"
    if not path.exists():
        raise InputError(f"{path}: no release here; run `sarcoma-kg build` first")
    return json.loads(path.read_text(encoding="utf-8"))


def release_files(out_dir: Path | str | None = None, which: str = "full", suffix: str = "nt") -> Path:
    """Path of one release file (``which`` = ``full`` or ``ontology``)."""
    stem = RELEASE_NAME if which == "full" else f"{RELEASE_NAME}-ontology"
    path = Path(out_dir or resources.DIST_DIR) / f"{stem}.{suffix}"
    if not path.exists():
        raise InputError(f"{path}: no release file; run `sarcoma-kg build` first")
    return path

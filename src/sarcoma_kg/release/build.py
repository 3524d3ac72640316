"""Build the versioned release into the release directory (:data:`sarcoma_kg.resources.DIST_DIR`).

Pipeline (each step stops the build with a :class:`BuildError` naming what failed; ``report``
hears the name of each step as it starts):

1. assemble the ontology and ontology + knowledge base (:mod:`sarcoma_kg.rdf`; malformed Turtle
   is an :class:`~sarcoma_kg.errors.InputError`);
2. knowledge-base integrity: :func:`~sarcoma_kg.release.integrity.check_integrity` (SHACL,
   shapes/kb-integrity.ttl);
3. quality control: :func:`~sarcoma_kg.release.qc.run_qc` (queries/qc/*.rq; ERROR-severity rows
   fail the build with the query's solution beside each, WARN/INFO rows are reported);
4. the OWL typing axioms of the punned class values
   (:func:`~sarcoma_kg.reasoning.owl_view.typing_axioms`), so that reasoners classify studies
   through the hierarchies;
5. consistency of what is released (ontology + KB + typing axioms) under HermiT
   (:func:`~sarcoma_kg.reasoning.reasoners.check_consistency`): inconsistency or unsatisfiable
   classes fail;
6. write every file into a temporary directory beside ``out_dir``, then swap it in, so a failed
   build never leaves a half-written release.

Three file sets, each in Turtle, N-Triples, JSON-LD and RDF/XML, after the OBO/ODK conventions
(:data:`FILE_SETS`): ``sarcoma-kg-ontology`` (the base: terms only), ``sarcoma-kg-kb`` (the
knowledge base, which ``owl:imports`` the ontology of the same version) and ``sarcoma-kg`` (both in
one self-contained file, the main release). Each has its own ontology IRI
(``https://w3id.org/sarcoma-kg/STEM.owl``) and version IRI
(``https://w3id.org/sarcoma-kg/releases/VERSION/STEM.owl``); ``VERSION`` is the package version
(pyproject.toml), also written as ``owl:versionInfo``. ``catalog-v001.xml`` maps every one of these
IRIs to its local file (Protégé, ROBOT and the OWL API resolve the import with it), and
``manifest.json`` names the version, the IRIs, the imports and every file with its sha256.
Nothing comes from the clock: two builds give byte-identical files (see
:mod:`~sarcoma_kg.release.serialize`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import quoteattr

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from .. import rdf, resources
from ..errors import BuildError, InputError
from ..namespaces import ONTOLOGY_IRI, SKG, release_iri, version_iri
from ..reasoning.owl_view import typing_axioms
from ..sparql.catalogue import catalogue
from . import integrity, pages, qc, serialize

RELEASE_NAME = "sarcoma-kg"


@dataclass(frozen=True)
class FileSet:
    """One ontology of the release, written in every format of :data:`serialize.FORMATS`."""

    stem: str
    key: str                      # which graph: ontology, knowledge or full
    label: str
    title: str                    # dcterms:title (the full release keeps the source header's)
    description: str
    imports: tuple[str, ...] = ()  # stems whose version IRI this one owl:imports
    parts: tuple[str, ...] = ()    # stems whose content this one holds (dcterms:hasPart)

    @property
    def iri(self) -> URIRef:
        return release_iri(self.stem)

    def version_iri(self, version: str) -> URIRef:
        return version_iri(self.stem, version)


FILE_SETS: tuple[FileSet, ...] = (
    FileSet(f"{RELEASE_NAME}-ontology", "ontology", "sarcoma-kg ontology",
            "sarcoma-kg ontology: sarcoma subtypes, metastatic sites, treatment modalities, the patient model "
            "and the concept schemes of evidence",
            "the ontology alone (base): terms, hierarchies, concept schemes"),
    FileSet(f"{RELEASE_NAME}-kb", "knowledge", "sarcoma-kg knowledge base",
            "sarcoma-kg knowledge base: clinical studies and their outcome figures, definitions of "
            "oligometastatic disease, and recommendations with their evidence",
            "the knowledge base alone (studies, outcome figures, definitions, recommendations, evidence lines, "
            "provenance, and the OWL typing axioms of the studies); owl:imports the ontology of the same version",
            imports=(f"{RELEASE_NAME}-ontology",)),
    FileSet(RELEASE_NAME, "full", "sarcoma-kg",
            "sarcoma-kg: an ontology and knowledge graph of oligometastatic sarcoma care",
            "ontology + knowledge base in one self-contained file (the main release)",
            parts=(f"{RELEASE_NAME}-ontology", f"{RELEASE_NAME}-kb")),
)

#: Annotations of the source header that every file set's header repeats.
_HEADER_ANNOTATIONS = (DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.source, RDFS.comment)

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


#: ``report(step)``: told the name of each step of the build as it starts.
Report = Callable[[str], None]


def _silent(_step: str) -> None:
    pass


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

def _listing(lines: list[str], more: int) -> str:
    return "\n".join(lines) + (f"\n  ... and {more} more" if more > 0 else "")


def check_release(kb: Graph, reasoner: str = "hermit", report: Report = _silent) -> tuple[Graph, list[str]]:
    """Run integrity, QC and consistency on ``kb``; return the release graph and the warnings."""
    warnings: list[str] = []
    report("knowledge-base integrity (SHACL, shapes/kb-integrity.ttl)")
    result = integrity.check_integrity(kb)
    if not result.conforms:
        lines = [f"  {rdf.local_name(severity)} {focus}: {message}"
                 for focus, _shape, severity, message in list(result.results)[:20]]
        raise BuildError("the knowledge base violates shapes/kb-integrity.ttl:\n"
                         + _listing(lines, len(result.results) - len(lines)))
    warnings += [f"integrity {rdf.local_name(severity)} {focus}: {message}" for focus, _s, severity, message in result.results]

    report("quality control (queries/qc/*.rq)")
    findings = qc.run_qc(kb)
    errors = [f for f in findings if f.severity == "ERROR"]
    if errors:
        lines = []
        for f in errors[:20]:
            lines.append(f"  {f.query}: {f.entity} {f.property} {f.value}".rstrip())
            if f.solution:
                lines.append(f"      solution: {f.solution}")
        raise BuildError(f"{len(errors)} quality-control finding(s) (queries/qc/):\n"
                         + _listing(lines, len(errors) - min(len(errors), 20)))
    warnings += [f"qc {f.severity} {f.query}: {f.entity} {f.property} {f.value}".rstrip()
                 for f in findings if f not in errors]

    report("OWL typing axioms of the studies")
    release = Graph()
    for triple in kb:
        release.add(triple)
    for triple in typing_axioms(kb):
        release.add(triple)

    from ..reasoning import reasoners  # starts owlready2 and Java: only when a release is checked

    report(f"consistency and unsatisfiable classes ({reasoner}; the longest step)")
    consistency = reasoners.check_consistency(release, reasoner=reasoner)
    if not consistency.consistent:
        raise BuildError(f"the release is inconsistent under {reasoner}: {consistency.message}")
    if consistency.unsatisfiable:
        raise BuildError(f"unsatisfiable classes under {reasoner}: {', '.join(consistency.unsatisfiable)}")
    from ..reasoning import compiled
    from ..reasoning.expressions import UnsupportedExpression

    report("compiled classifier (HermiT classifies the TBox once; cached by content)")
    try:
        compiled.classifier_for(rdf.ontology_graph())
    except UnsupportedExpression as exc:
        raise BuildError(f"the compiled classifier refuses the ontology: {exc}") from exc
    return release, warnings


# --- the file sets ----------------------------------------------------------------------------

def _with_header(content: Graph, source: Graph, file_set: FileSet, version: str) -> Graph:
    """``content`` with the ontology header of ``file_set``: its own ontology IRI and version IRI,
    ``owl:versionInfo``, imports and parts, and the source header's description, licence, creator,
    source and comment. Any other ``owl:Ontology`` header of ``content`` is left out."""
    out = Graph()
    headers = set(content.subjects(RDF.type, OWL.Ontology))
    for triple in content:
        if triple[0] not in headers:
            out.add(triple)
    iri = file_set.iri
    source_title = next(iter(sorted(source.objects(ONTOLOGY_IRI, DCTERMS.title))), None)
    out.add((iri, RDF.type, OWL.Ontology))
    out.add((iri, RDFS.label, Literal(file_set.label, lang="en")))
    keep_title = file_set.key == "full" and source_title is not None
    out.add((iri, DCTERMS.title, source_title if keep_title else Literal(file_set.title, lang="en")))
    for prop in _HEADER_ANNOTATIONS:
        for value in source.objects(ONTOLOGY_IRI, prop):
            out.add((iri, prop, value))
    out.add((iri, OWL.versionIRI, file_set.version_iri(version)))
    out.add((iri, OWL.versionInfo, Literal(version)))
    for stem in file_set.imports:
        out.add((iri, OWL.imports, version_iri(stem, version)))
    if file_set.parts:
        out.add((DCTERMS.hasPart, RDF.type, OWL.AnnotationProperty))
        for stem in file_set.parts:
            out.add((iri, DCTERMS.hasPart, version_iri(stem, version)))
    return out


def knowledge_alone(full: Graph, ontology: Graph) -> Graph:
    """What ``full`` holds beyond ``ontology`` (blank nodes compared by structure); :func:`build`
    reads the knowledge base files instead, this serves callers that have only the two graphs."""
    _both, only_full, _only_ontology = graph_diff(full, ontology)
    out = Graph()
    for triple in only_full:
        out.add(triple)
    return out


def catalog_xml(version: str) -> str:
    """``catalog-v001.xml``: every ontology IRI and version IRI of the release → its RDF/XML file."""
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
             '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">']
    for fs in FILE_SETS:
        for name in (fs.iri, fs.version_iri(version)):
            lines.append(f"  <uri name={quoteattr(str(name))} uri={quoteattr(fs.stem + '.owl')}/>")
    lines += ["</catalog>", ""]
    return "\n".join(lines)


# --- writing --------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(tmp: Path, result: BuildResult, name: str, data: bytes, media: str, description: str,
           triples: int | None = None) -> None:
    serialize.write_bytes(tmp / name, data)
    result.files.append(ReleaseFile(name, _sha256(data), len(data), media, description, triples))


def _manifest(result: BuildResult) -> dict:
    return {
        "name": RELEASE_NAME,
        "version": result.version,
        "versionIRI": result.version_iri,
        "ontologyIRI": str(ONTOLOGY_IRI),
        "ontologies": [
            {"stem": fs.stem, "ontologyIRI": str(fs.iri), "versionIRI": str(fs.version_iri(result.version)),
             "versionInfo": result.version, "description": fs.description,
             "imports": [str(version_iri(s, result.version)) for s in fs.imports],
             "hasPart": [str(version_iri(s, result.version)) for s in fs.parts],
             "files": [f"{fs.stem}.{suffix}" for suffix in serialize.FORMATS]}
            for fs in FILE_SETS
        ],
        "catalog": "catalog-v001.xml",
        "files": [f.as_dict() for f in result.files],
        "summary": result.summary,
    }


def write_release(out_dir: Path, ontology: Graph, release: Graph, warnings: list[str] | None = None,
                  knowledge: Graph | None = None, report: Report = _silent,
                  modules: dict[URIRef, str] | None = None) -> BuildResult:
    """Write every release file for ``ontology``, ``knowledge`` (default: what ``release`` holds
    beyond ``ontology``) and ``release`` (ontology + knowledge) into ``out_dir`` atomically;
    ``modules`` (term → source module) groups the ontology page."""
    out_dir = Path(out_dir).resolve()
    version, version_iri_ = version_of(ontology)
    result = BuildResult(out_dir, version, version_iri_, warnings=list(warnings or []))
    if knowledge is None:
        knowledge = knowledge_alone(release, ontology)
    content = {"ontology": ontology, "knowledge": knowledge, "full": release}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-build-", dir=out_dir.parent))
    try:
        graphs = {fs.key: _with_header(content[fs.key], ontology, fs, version) for fs in FILE_SETS}
        for fs in FILE_SETS:
            report(f"writing {fs.stem}.{{{','.join(serialize.FORMATS)}}}")
            triples = serialize.canonical_triples(graphs[fs.key], first=str(fs.iri))
            for suffix, (_fmt, media, purpose) in serialize.FORMATS.items():
                _write(tmp, result, f"{fs.stem}.{suffix}", serialize.serialize(triples, suffix), media,
                       f"{fs.description}. {purpose}", len(triples))
        _write(tmp, result, "catalog-v001.xml", catalog_xml(version).encode("utf-8"), "application/xml",
               "OASIS XML catalog: every ontology IRI and version IRI of the release mapped to its local file")
        report("writing the documentation pages")
        documentation = pages.release_pages(graphs["ontology"], catalogue(include_qc=True), version,
                                            version_iri(f"{RELEASE_NAME}-ontology", version),
                                            modules=modules, families=TERM_FAMILIES)
        for name, (text, description) in documentation.items():
            _write(tmp, result, name, text.encode("utf-8"), "text/html", description)
        result.files.sort(key=lambda f: f.path)
        result.summary = summary(graphs["full"])
        serialize.write_bytes(tmp / "manifest.json", (json.dumps(_manifest(result), indent=2, sort_keys=True,
                                                                 ensure_ascii=False) + "\n").encode("utf-8"))
        _make_readable(tmp)
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _make_readable(folder: Path) -> None:
    """Give the temporary folder the permissions of a folder made with ``mkdir`` (mkdtemp makes it
    private to its owner), so a release can be served or shared like any other folder."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system cannot."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap_in(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp``: in one atomic exchange where the system allows it (a process
    killed at any moment leaves the old release or the new one), else with two renames (the old
    release is removed only afterwards)."""
    if out_dir.is_dir() and _exchange(tmp, out_dir):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old release
        return
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


def build(out_dir: Path | str | None = None, reasoner: str = "hermit", report: Report = _silent) -> BuildResult:
    """Assemble, check and write the release into ``out_dir`` (default: the release directory,
    :data:`sarcoma_kg.resources.DIST_DIR`)."""
    out_dir = Path(out_dir) if out_dir is not None else resources.DIST_DIR
    report("assembling the ontology and the knowledge base")
    ontology = rdf.ontology_graph()
    kb = rdf.knowledge_graph()
    knowledge = rdf.kb_graph()
    version_of(ontology)  # fail early on a header without version
    release, warnings = check_release(kb, reasoner=reasoner, report=report)
    for triple in typing_axioms(kb):
        knowledge.add(triple)
    return write_release(out_dir, ontology, release, warnings, knowledge=knowledge, report=report,
                         modules=pages.term_modules(resources.ontology_files()))


def read_manifest(out_dir: Path | str | None = None) -> dict:
    path = Path(out_dir or resources.DIST_DIR) / "manifest.json"
    if not path.exists():
        raise InputError(f"{path}: no release here; run `sarcoma-kg build` first")
    return json.loads(path.read_text(encoding="utf-8"))


def release_files(out_dir: Path | str | None = None, which: str = "full", suffix: str = "nt") -> Path:
    """Path of one release file (``which`` = ``full``, ``ontology`` or ``knowledge``)."""
    stem = next(fs.stem for fs in FILE_SETS if fs.key == which)
    path = Path(out_dir or resources.DIST_DIR) / f"{stem}.{suffix}"
    if not path.exists():
        raise InputError(f"{path}: no release file; run `sarcoma-kg build` first")
    return path

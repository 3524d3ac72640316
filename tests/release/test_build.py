"""The release: three file sets in four formats holding one graph each, deterministic bytes,
OBO-style IRIs and versions, atomic writes, clear failures."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from samples import CATALOGUE_SAMPLE, ONTOLOGY_SAMPLE, catalogue_sample, release_graphs, sample_study_count

from sarcoma_kg import __version__, rdf, resources
from sarcoma_kg.namespaces import ONTOLOGY_IRI, SKG, version_iri
from sarcoma_kg.release import build, serialize
from sarcoma_kg.release.qc import query_files as qc_query_files, run_qc as real_run_qc

RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "owl": "xml"}
STEMS = [fs.stem for fs in build.FILE_SETS]
#: every file of a release: 3 file sets x 4 formats, the catalog, 2 pages, the manifest
RELEASE_FILE_COUNT = len(STEMS) * len(serialize.FORMATS) + 4


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("rel") / "dist"
    onto, full = release_graphs()
    return build.write_release(out, onto, full, knowledge=catalogue_sample())


def _headerless(graph: Graph) -> Graph:
    headers = set(graph.subjects(RDF.type, OWL.Ontology))
    out = Graph()
    for triple in graph:
        if triple[0] not in headers:
            out.add(triple)
    return out


def test_release_layout_and_manifest(release):
    names = {f.path for f in release.files}
    assert names == ({f"{stem}.{s}" for stem in STEMS for s in serialize.FORMATS}
                     | {"catalog-v001.xml", "docs/ontology.html", "docs/queries.html"})
    manifest = json.loads((release.out_dir / "manifest.json").read_text())
    assert manifest["version"] == __version__
    assert manifest["versionIRI"] == f"https://w3id.org/sarcoma-kg/releases/{__version__}/sarcoma-kg.owl"
    for entry in manifest["files"]:
        data = (release.out_dir / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    assert manifest["summary"]["studies"] == sample_study_count()
    assert manifest["summary"]["recommendations"] == 4
    by_stem = {o["stem"]: o for o in manifest["ontologies"]}
    assert sorted(by_stem) == sorted(STEMS)
    assert by_stem["sarcoma-kg-kb"]["imports"] == [by_stem["sarcoma-kg-ontology"]["versionIRI"]]
    for o in manifest["ontologies"]:
        assert all(name in names for name in o["files"])
    assert (release.out_dir.stat().st_mode & 0o055) == 0o055, "a release folder is readable by others"


@pytest.mark.parametrize("stem", STEMS)
def test_every_format_of_a_file_set_holds_the_same_graph(release, stem):
    """Parsed by rdflib, each of .ttl .jsonld .owl is isomorphic to the .nt (blank nodes and all);
    pyoxigraph reads the same number of triples as the manifest states."""
    entries = {f.path: f for f in release.files}
    reference = Graph().parse(release.out_dir / f"{stem}.nt", format="nt")
    for suffix, fmt in RDFLIB_FORMATS.items():
        path = release.out_dir / f"{stem}.{suffix}"
        graph = Graph().parse(path, format=fmt)
        assert isomorphic(graph, reference), path.name
        assert len(serialize.parse(path)) == entries[path.name].triples == len(reference), path.name


def test_literals_keep_their_exact_lexical_form(tmp_path):
    graph = Graph()
    values = [Literal("13", datatype=XSD.decimal), Literal("1.50", datatype=XSD.decimal),
              Literal("007", datatype=XSD.integer), Literal("1.5E0", datatype=XSD.double),
              Literal("a\nb \"q\" <&>", lang="en"), Literal("true", datatype=XSD.boolean)]
    for i, value in enumerate(values):
        graph.add((SKG[f"x{i}"], SKG.value, value))
    triples = serialize.canonical_triples(graph)
    expected = {str(t) for t in triples}
    for suffix in serialize.FORMATS:
        path = tmp_path / f"literals.{suffix}"
        path.write_bytes(serialize.serialize(triples, suffix))
        assert {str(t) for t in serialize.parse(path)} == expected, suffix
    assert b'"13"^^xsd:decimal' in serialize.serialize(triples, "ttl")


def test_each_file_set_has_its_own_ontology_iri_and_version_iri(release):
    iris, version_iris = set(), set()
    for fs in build.FILE_SETS:
        graph = Graph().parse(release.out_dir / f"{fs.stem}.nt", format="nt")
        (header,) = set(graph.subjects(RDF.type, OWL.Ontology))
        assert header == URIRef(f"https://w3id.org/sarcoma-kg/{fs.stem}.owl")
        assert set(graph.objects(header, OWL.versionIRI)) == {version_iri(fs.stem, __version__)}
        assert set(graph.objects(header, OWL.versionInfo)) == {Literal(__version__)}
        assert str(version_iri(fs.stem, __version__)).split("/")[-2] == __version__
        assert set(graph.objects(header, DCTERMS.license)), "the licence is repeated in every header"
        iris.add(header)
        version_iris.add(next(graph.objects(header, OWL.versionIRI)))
    assert len(iris) == len(version_iris) == len(build.FILE_SETS)


def test_the_knowledge_base_imports_the_ontology_and_the_full_release_is_both(release):
    graphs = {stem: Graph().parse(release.out_dir / f"{stem}.nt", format="nt") for stem in STEMS}
    kb_header = URIRef("https://w3id.org/sarcoma-kg/sarcoma-kg-kb.owl")
    assert set(graphs["sarcoma-kg-kb"].objects(kb_header, OWL.imports)) == {version_iri("sarcoma-kg-ontology", __version__)}
    assert set(graphs["sarcoma-kg"].objects(ONTOLOGY_IRI, OWL.imports)) == set(), "the main release is self-contained"
    union = _headerless(graphs["sarcoma-kg-ontology"]) + _headerless(graphs["sarcoma-kg-kb"])
    union.remove((DCTERMS.hasPart, None, None))
    full = _headerless(graphs["sarcoma-kg"])
    full.remove((DCTERMS.hasPart, None, None))
    assert isomorphic(union, full)


def test_the_knowledge_base_alone_is_what_the_full_graph_adds_to_the_ontology():
    onto, full = release_graphs()
    alone = build.knowledge_alone(full, onto)
    assert isomorphic(alone + onto, full)
    assert not [t for t in alone if t in onto]
    assert len(alone) == len(full) - len(onto)


def test_the_catalog_maps_every_iri_to_its_local_file(release):
    import xml.etree.ElementTree as ET

    root = ET.parse(release.out_dir / "catalog-v001.xml").getroot()
    mapped = {u.get("name"): u.get("uri") for u in root}
    for fs in build.FILE_SETS:
        assert mapped[str(fs.iri)] == mapped[str(fs.version_iri(__version__))] == f"{fs.stem}.owl"
        assert (release.out_dir / mapped[str(fs.iri)]).is_file()


def test_the_source_header_states_no_version_and_the_assembled_one_states_the_package_version():
    source = rdf.load([resources.HEADER_FILE])
    assert not set(source.objects(ONTOLOGY_IRI, OWL.versionInfo)) | set(source.objects(ONTOLOGY_IRI, OWL.versionIRI))
    assert build.version_of(rdf.ontology_graph()) == (__version__, str(version_iri("sarcoma-kg", __version__)))


def test_ntriples_are_sorted(release):
    for stem in STEMS:
        lines = (release.out_dir / f"{stem}.nt").read_text(encoding="utf-8").splitlines()
        header = [line for line in lines if line.startswith(f"<https://w3id.org/sarcoma-kg/{stem}.owl> ")]
        assert lines[:len(header)] == header, "the ontology header comes first"
        assert lines[len(header):] == sorted(lines[len(header):])


_SCRIPT = """
import sys
from pathlib import Path
from rdflib import Graph
from sarcoma_kg.release import build
from sarcoma_kg.rdf import with_version
from sarcoma_kg.namespaces import bind_prefixes
onto, full = Graph(), Graph()
bind_prefixes(onto); bind_prefixes(full)
onto.parse({onto!r}); full.parse({onto!r}); full.parse({kb!r})
build.write_release(Path(sys.argv[1]), with_version(onto), with_version(full))
"""


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_two_builds_are_byte_identical_under_different_hash_seeds(tmp_path):
    script = _SCRIPT.format(onto=str(ONTOLOGY_SAMPLE), kb=str(CATALOGUE_SAMPLE))
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, capture_output=True)
        outs.append(out)
    assert _files(outs[0]) == _files(outs[1]) and len(_files(outs[0])) == RELEASE_FILE_COUNT
    for rel in _files(outs[0]):
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), str(rel)


def test_blank_node_labels_do_not_depend_on_parse_order():
    onto_a, _ = release_graphs()
    onto_b, _ = release_graphs()  # a second parse gets fresh random blank-node ids
    triples_a, triples_b = serialize.canonical_triples(onto_a), serialize.canonical_triples(onto_b)
    assert serialize.serialize(triples_a, "nt") == serialize.serialize(triples_b, "nt")
    assert len(triples_a) == len(onto_a)  # the twin restrictions stay two


# --- the pipeline ---------------------------------------------------------------------------

def test_build_runs_the_pipeline_and_reports_each_step(small_pipeline, tmp_path):
    steps = []
    result = build.build(tmp_path / "dist", report=steps.append)
    assert (tmp_path / "dist" / "manifest.json").exists()
    assert result.version == __version__
    # the typing axioms of the studies are in the full release and in the knowledge base
    for stem in ("sarcoma-kg", "sarcoma-kg-kb"):
        graph = Graph().parse(tmp_path / "dist" / f"{stem}.nt", format="nt")
        assert any(True for _ in graph.subjects(OWL.someValuesFrom, None)), stem
    assert [s.split(" ")[0] for s in steps[:5]] == ["assembling", "knowledge-base", "quality", "OWL", "consistency"]
    assert any(s.startswith("writing sarcoma-kg-kb.") for s in steps)


@pytest.mark.parametrize("failure, message", [
    ("integrity", "violates shapes/kb-integrity.ttl"),
    ("qc", "quality-control finding"),
    ("inconsistent", "inconsistent under hermit"),
    ("unsatisfiable", "unsatisfiable classes"),
])
def test_failed_check_stops_the_build_and_leaves_dist_untouched(small_pipeline, tmp_path, monkeypatch, failure, message):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "previous.txt").write_text("old release")
    if failure == "integrity":
        monkeypatch.setattr(small_pipeline.integrity, "check_integrity", lambda g: small_pipeline.FakeIntegrity(
            False, [("study:X", "shape", "Violation", "a study needs a first author")]))
    elif failure == "qc":
        from sarcoma_kg.release.qc import QCFinding
        monkeypatch.setattr(small_pipeline.qc, "run_qc", lambda g: [QCFinding("qc-missing-label", "skg:X", "rdfs:label", "")])
    elif failure == "inconsistent":
        monkeypatch.setattr(small_pipeline.reasoners, "check_consistency",
                            lambda g, reasoner="hermit": small_pipeline.FakeConsistency(False, [], "hermit: inconsistent"))
    else:
        monkeypatch.setattr(small_pipeline.reasoners, "check_consistency",
                            lambda g, reasoner="hermit": small_pipeline.FakeConsistency(True, ["https://w3id.org/sarcoma-kg/X"]))
    with pytest.raises(build.BuildError, match=message):
        build.build(out)
    assert sorted(p.name for p in out.iterdir()) == ["previous.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist-")], "no temp dir left behind"


def test_a_qc_failure_prints_the_solution_beside_each_finding(small_pipeline, tmp_path, monkeypatch):
    """As ROBOT's report does: the person who must fix the term reads how, next to the row."""
    broken, _ = release_graphs()
    broken.remove((SKG.Lung, None, None))
    broken.add((SKG.Lung, RDF.type, OWL.Class))
    findings = real_run_qc(broken, queries=[p for p in qc_query_files() if p.stem == "qc-missing-label"])
    assert findings and findings[0].solution.startswith("Add one rdfs:label")
    monkeypatch.setattr(small_pipeline.qc, "run_qc", lambda g: findings)
    with pytest.raises(build.BuildError) as failure:
        build.build(tmp_path / "dist")
    message = str(failure.value)
    assert f"qc-missing-label: {SKG.Lung}" in message
    assert f"solution: {findings[0].solution}" in message


def test_header_without_version_is_a_build_error():
    with pytest.raises(build.BuildError, match="owl:versionInfo"):
        build.version_of(Graph())


# --- the live release (written without the reasoner step) ----------------------------------

_BUILD_SCRIPT = """
import sys
from pathlib import Path
from sarcoma_kg.release import build
from sarcoma_kg import rdf
from sarcoma_kg.reasoning.owl_view import typing_axioms
kb = rdf.knowledge_graph()
typing = typing_axioms(kb)
build.write_release(Path(sys.argv[1]), rdf.ontology_graph(), kb + typing, knowledge=rdf.kb_graph() + typing)
"""


@pytest.fixture(scope="module")
def live_releases(tmp_path_factory):
    """The live release written twice, in interpreters with different hash seeds."""
    base = tmp_path_factory.mktemp("live")
    outs = []
    for seed in ("0", "31337"):
        out = base / seed
        subprocess.run([sys.executable, "-c", _BUILD_SCRIPT, str(out)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append(out)
    return outs


@pytest.mark.slow
def test_real_release_files_are_byte_identical_across_processes(live_releases):
    first, second = live_releases
    assert _files(first) == _files(second) and len(_files(first)) == RELEASE_FILE_COUNT
    for name in _files(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), str(name)


def _canonical(path: Path) -> set[str]:
    """The triples of a file, blank nodes relabelled by RDFC-1.0: equal sets mean isomorphic graphs."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in serialize.parse(path))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q.triple) for q in dataset}


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_real_release_formats_hold_one_graph(live_releases, stem):
    """Every format, re-read by pyoxigraph and canonicalised, is the same graph as the N-Triples;
    rdflib reads every file with the same number of triples."""
    folder = live_releases[0]
    reference = _canonical(folder / f"{stem}.nt")
    for suffix, fmt in RDFLIB_FORMATS.items():
        path = folder / f"{stem}.{suffix}"
        assert _canonical(path) == reference, path.name
        assert len(Graph().parse(path, format=fmt)) == len(reference), path.name


@pytest.mark.slow
def test_real_release_loads_in_owlready2_with_the_import_resolved_locally(live_releases):
    """The main release stands alone; the knowledge base finds the ontology it imports in the
    release folder (owlready2 looks in onto_path by file name, as Protégé uses the catalog)."""
    import owlready2

    folder = live_releases[0]
    world = owlready2.World()
    full = world.get_ontology((folder / "sarcoma-kg.owl").as_uri()).load()
    assert full.search_one(iri=str(SKG.Leiomyosarcoma)) is not None
    assert not full.imported_ontologies
    owlready2.onto_path.insert(0, str(folder))
    try:
        world = owlready2.World()
        kb = world.get_ontology((folder / "sarcoma-kg-kb.owl").as_uri()).load()
    finally:
        owlready2.onto_path.remove(str(folder))
    (imported,) = kb.imported_ontologies
    assert imported.search_one(iri=str(SKG.Leiomyosarcoma)) is not None
    assert world.search_one(iri=str(SKG) + "study/Falk2015") is not None


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_real_release_owl_files_read_in_horned_owl(live_releases, stem):
    """py-horned-owl (a Rust OWL parser, independent of rdflib and pyoxigraph) reads each RDF/XML
    file with its own ontology IRI and version IRI and every named class rdflib sees declared."""
    import pyhornedowl

    path = live_releases[0] / f"{stem}.owl"
    ontology = pyhornedowl.open_ontology_from_file(str(path), "rdf")
    graph = Graph().parse(path, format="xml")
    (iri,) = graph.subjects(RDF.type, OWL.Ontology)
    assert str(ontology.get_iri()) == str(iri)
    assert str(ontology.get_version_iri()) == str(graph.value(iri, OWL.versionIRI))
    declared = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert declared <= set(ontology.get_classes())
    assert len(ontology.get_axioms()) > len(declared)

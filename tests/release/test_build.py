"""The release: deterministic files, re-parsed by two parsers, atomic writes, clear failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from samples import CATALOGUE_SAMPLE, ONTOLOGY_SAMPLE, release_graphs

from sarcoma_kg.release import build, serialize

RDF_SUFFIXES = {"ttl": ("turtle", ox.RdfFormat.TURTLE), "nt": ("nt", ox.RdfFormat.N_TRIPLES),
                "jsonld": ("json-ld", ox.RdfFormat.JSON_LD), "owl": ("xml", ox.RdfFormat.RDF_XML)}


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("rel") / "dist"
    onto, full = release_graphs()
    return build.write_release(out, onto, full)


def test_release_layout_and_manifest(release):
    names = {f.path for f in release.files}
    for stem in ("sarcoma-kg", "sarcoma-kg-ontology"):
        assert {f"{stem}.{s}" for s in RDF_SUFFIXES} <= names
    assert {"docs/ontology.html", "docs/queries.html"} <= names
    manifest = json.loads((release.out_dir / "manifest.json").read_text())
    assert manifest["version"] == "0.1.0"
    assert manifest["versionIRI"] == "https://w3id.org/sarcoma-kg/releases/2026-11-24/sarcoma-kg.owl"
    import hashlib
    for entry in manifest["files"]:
        data = (release.out_dir / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    assert manifest["summary"]["studies"] == 5
    assert manifest["summary"]["recommendations"] == 4


def test_every_rdf_file_is_reparsed_by_rdflib_and_oxigraph(release):
    for entry in release.files:
        if entry.triples is None:
            continue
        path = release.out_dir / entry.path
        rdflib_fmt, ox_fmt = RDF_SUFFIXES[path.suffix[1:]]
        by_rdflib = Graph().parse(path, format=rdflib_fmt)
        by_oxigraph = set(ox.parse(path=str(path), format=ox_fmt))
        assert len(by_rdflib) == entry.triples == len(by_oxigraph), entry.path


def test_formats_hold_the_same_graph(release):
    """N-Triples and every other format give the same ground triples and blank-node count."""
    def split(g):
        ground = {t for t in g if not any(isinstance(x, __import__("rdflib").BNode) for x in t)}
        return ground, len(g) - len(ground)
    reference = split(Graph().parse(release.out_dir / "sarcoma-kg.nt", format="nt"))
    for suffix in ("ttl", "jsonld", "owl"):
        fmt = RDF_SUFFIXES[suffix][0]
        assert split(Graph().parse(release.out_dir / f"sarcoma-kg.{suffix}", format=fmt)) == reference, suffix


def test_ntriples_are_sorted(release):
    lines = (release.out_dir / "sarcoma-kg.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == release.files[0].triples or lines == sorted(lines)


_SCRIPT = """
import sys
from pathlib import Path
from rdflib import Graph
from sarcoma_kg.release import build
from sarcoma_kg.namespaces import bind_prefixes
onto, full = Graph(), Graph()
bind_prefixes(onto); bind_prefixes(full)
onto.parse({onto!r}); full.parse({onto!r}); full.parse({kb!r})
build.write_release(Path(sys.argv[1]), onto, full)
"""


def test_two_builds_are_byte_identical_under_different_hash_seeds(tmp_path):
    script = _SCRIPT.format(onto=str(ONTOLOGY_SAMPLE), kb=str(CATALOGUE_SAMPLE))
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, capture_output=True)
        outs.append(out)
    files_a = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) == 11
    for rel in files_a:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), str(rel)


def test_blank_node_labels_do_not_depend_on_parse_order():
    onto_a, _ = release_graphs()
    onto_b, _ = release_graphs()  # a second parse gets fresh random blank-node ids
    assert serialize.ntriples(serialize.canonical(onto_a)) == serialize.ntriples(serialize.canonical(onto_b))
    assert len(serialize.canonical(onto_a)) == len(onto_a)  # the twin restrictions stay two


def test_jsonld_has_no_object_in_type(release):
    data = (release.out_dir / "sarcoma-kg-ontology.jsonld").read_text(encoding="utf-8")
    assert '"@type": {' not in data
    for node in json.loads(data)["@graph"]:
        types_ = node.get("@type", [])
        assert all(isinstance(t, str) for t in (types_ if isinstance(types_, list) else [types_]))


# --- the pipeline ---------------------------------------------------------------------------

def test_build_runs_the_pipeline(small_pipeline, tmp_path):
    result = build.build(tmp_path / "dist")
    assert (tmp_path / "dist" / "manifest.json").exists()
    assert result.version == "0.1.0"
    # the typing axioms of the studies are in the release
    full = Graph().parse(tmp_path / "dist" / "sarcoma-kg.nt", format="nt")
    from rdflib.namespace import OWL
    assert any(True for _ in full.subjects(OWL.someValuesFrom, None))


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


def test_header_without_version_is_a_build_error():
    with pytest.raises(build.BuildError, match="owl:versionInfo"):
        build.version_of(Graph())


_BUILD_SCRIPT = """
import sys
from pathlib import Path
from sarcoma_kg.release import build
from sarcoma_kg import rdf
from sarcoma_kg.reasoning.owl_view import typing_axioms
kb = rdf.knowledge_graph()
build.write_release(Path(sys.argv[1]), rdf.ontology_graph(), kb + typing_axioms(kb))
"""


def test_real_release_files_are_byte_identical_across_processes(tmp_path):
    """Two writes of the live release in interpreters with different hash seeds: same bytes."""
    outs = []
    for seed in ("0", "31337"):
        out = tmp_path / seed
        subprocess.run([sys.executable, "-c", _BUILD_SCRIPT, str(out)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outs.append(out)
    names = sorted(str(p.relative_to(outs[0])) for p in outs[0].rglob("*") if p.is_file())
    assert len(names) == 11
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name

"""No silent pass at the edges of the cohort path: files with nothing to check, other vocabularies."""

import csv

import pytest
from click.testing import CliRunner

from sarcoma_kg.cli import main
from sarcoma_kg.cohort import run
from sarcoma_kg.errors import InputError

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:DatasetShape a sh:NodeShape ; sh:targetClass ex:Dataset ;
    sh:property [ sh:path ex:title ; sh:minCount 1 ] ,
                [ sh:path ex:byteSize ; sh:datatype xsd:nonNegativeInteger ] ,
                [ sh:path ex:distribution ; sh:node ex:DistributionShape ] .
ex:DistributionShape a sh:NodeShape ; sh:property [ sh:path ex:url ; sh:nodeKind sh:IRI ; sh:minCount 1 ] .
"""
DATA = """@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:catalog ex:dataset ex:d1 , ex:d2 , ex:d3 .
ex:d1 a ex:Dataset ; ex:title "one" ; ex:byteSize "10"^^xsd:nonNegativeInteger ; ex:distribution ex:d1-x .
ex:d1-x ex:url <https://example.org/file1> .
ex:d2 a ex:Dataset ; ex:byteSize "-1"^^xsd:nonNegativeInteger ; ex:distribution ex:d2-x .
ex:d2-x ex:url "not an IRI" .
ex:d3 a ex:Dataset ; ex:title "three" .
"""
EXPECTED = {("https://example.org/d2", "MinCountConstraintComponent"),
            ("https://example.org/d2", "DatatypeConstraintComponent"),
            ("https://example.org/d2", "NodeConstraintComponent")}


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "shapes.ttl").write_text(SHAPES)
    (tmp_path / "data.ttl").write_text(DATA)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(main, ["cohort", "validate", *map(str, args), "--workers", "1"])


def keys(result) -> set:
    return {(r.focus.value, r.component.rsplit("#", 1)[-1]) for r in result.all_report}


def test_project_shapes_on_a_file_without_patients_is_an_input_error(files):
    """Nodes outside any patient send the file to regrouping, which finds no patient to group by."""
    with pytest.raises(InputError, match="no instance of <https://w3id.org/sarcoma-kg/Patient>"):
        run.validate_cohort(files / "data.ttl", workers=1)
    res = invoke(files / "data.ttl", "-o", files / "v.csv")
    assert res.exit_code == 2 and "no instance of <https://w3id.org/sarcoma-kg/Patient>" in res.stderr
    assert not (files / "v.csv").exists()


def test_another_vocabulary_needs_its_record_class_or_the_whole_file(files):
    res = invoke(files / "data.ttl", "--shapes", files / "shapes.ttl")
    assert res.exit_code == 2 and "--record-class" in res.stderr and "--whole-file" in res.stderr
    whole = run.validate_cohort(files / "data.ttl", workers=1, collect=True, record_class=None,
                                shapes=run.load_shapes([files / "shapes.ttl"]), reference=b"")
    assert keys(whole) == EXPECTED
    res = invoke(files / "data.ttl", "--shapes", files / "shapes.ttl", "--whole-file", "--results", files / "r.csv")
    assert res.exit_code == 1, res.stderr
    assert {(r["focus"], r["component"].rsplit("#", 1)[-1]) for r in csv.DictReader((files / "r.csv").open())} == EXPECTED


def test_records_of_another_class_are_checked_one_by_one(files):
    """The catalog is reachable from no dataset: it is not checked, and a note says so."""
    by_record = run.validate_cohort(files / "data.ttl", workers=1, collect=True, record_class="https://example.org/Dataset",
                                    shapes=run.load_shapes([files / "shapes.ttl"]), reference=b"", chunk_bytes=200)
    assert keys(by_record) == EXPECTED
    assert any("reachable from no record" in n for n in by_record.notes)


def test_shapes_that_match_nothing_are_an_error_not_a_pass(files):
    (files / "other.ttl").write_text(SHAPES.replace("ex:Dataset ;", "ex:Thing ;"))
    res = invoke(files / "data.ttl", "--shapes", files / "other.ttl", "--whole-file")
    assert res.exit_code == 2 and "nothing was validated" in res.stderr
    result = run.validate_cohort(files / "data.ttl", workers=1, record_class=None,
                                 shapes=run.load_shapes([files / "other.ttl"]), reference=b"")
    assert result.focus_nodes == 0 and any("no focus node" in n for n in result.notes)


def test_an_empty_cohort_is_not_zero_patients_and_exit_0(tmp_path):
    path = tmp_path / "empty.ttl"
    path.write_text("@prefix skg: <https://w3id.org/sarcoma-kg/> .\n")
    with pytest.raises(InputError, match="no skg:Patient"):
        run.validate_cohort(path, workers=1)
    assert invoke(path).exit_code == 2


def test_a_shuffled_file_of_another_vocabulary_is_regrouped_with_its_literals_as_written(files):
    import random

    import pyoxigraph as ox

    lines = ox.serialize(ox.parse(path=str(files / "data.ttl"), format=ox.RdfFormat.TURTLE),
                         format=ox.RdfFormat.N_TRIPLES).decode().splitlines(keepends=True)
    random.Random(3).shuffle(lines)
    (files / "shuffled.nt").write_text("".join(lines))
    result = run.validate_cohort(files / "shuffled.nt", workers=1, collect=True, record_class="https://example.org/Dataset",
                                 shapes=run.load_shapes([files / "shapes.ttl"]), reference=b"", chunk_bytes=300)
    assert not result.grouped
    assert keys(result) == EXPECTED
    assert {str(r.value) for r in result.all_report if r.component.endswith("DatatypeConstraintComponent")} == {
        '"-1"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>'}

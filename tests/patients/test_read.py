"""The one patient reader: every input form, folders, and the checks every form gets."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from bad_inputs import BY_NAME

from sarcoma_kg import resources
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import EX, SKG, bind_prefixes
from sarcoma_kg.patients.csv_mapping import CsvReader
from sarcoma_kg.patients.rdf_reader import RdfReader
from sarcoma_kg.patients.read import expand, read_patient_file, read_patients, reader_for

TURTLE = """@prefix skg: <https://w3id.org/sarcoma-kg/> . @prefix ex: <https://w3id.org/sarcoma-kg/example/> .
ex:{name} a skg:Patient ; skg:hasLesion ex:{name}-L1 . ex:{name}-L1 a skg:MetastaticLesion ; skg:hasSite skg:Lung .
"""


def _graph(name: str) -> Graph:
    return Graph().parse(data=TURTLE.format(name=name), format="turtle")


@pytest.mark.parametrize("suffix, fmt", [("nt", "nt"), ("jsonld", "json-ld"), ("owl", "xml"), ("rdf", "xml")])
def test_every_rdf_syntax_is_read_by_its_suffix(tmp_path, suffix, fmt):
    path = tmp_path / f"p.{suffix}"
    graph = _graph("P1")
    bind_prefixes(graph)
    graph.serialize(path, format=fmt)
    pf = read_patient_file(path)
    assert pf.patients == (EX.P1,)
    assert (EX["P1-L1"], SKG.hasSite, SKG.Lung) in pf.graph


def test_readers_by_suffix(tmp_path):
    assert isinstance(reader_for(tmp_path / "a.csv"), CsvReader)
    assert isinstance(reader_for(tmp_path / "a.TSV"), CsvReader)
    assert isinstance(reader_for(tmp_path / "a.ttl"), RdfReader)
    assert isinstance(reader_for(tmp_path / "a.txt"), RdfReader)  # read as Turtle


def test_the_tumour_board_csv_is_read_into_a_graph_of_its_own():
    pf = read_patient_file(resources.EXAMPLES_DIR / "tumour-board.csv")
    assert EX["TB-001"] in pf.patients
    assert not any(pf.graph.subjects(None, SKG.OligometastaticDiseaseDefinition)), "no knowledge base in it"


def test_a_folder_stands_for_the_patient_files_under_it(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.ttl").write_text(TURTLE.format(name="A"))
    _graph("B").serialize(tmp_path / "sub" / "b.nt", format="nt")
    (tmp_path / "c.csv").write_text("patient_id,lesion_site\nC,Lung\n")
    (tmp_path / "truth.json").write_text("{}")
    (tmp_path / "notes.md").write_text("not patient data")
    assert [p.name for p in expand([tmp_path])] == ["a.ttl", "c.csv", "b.nt"]
    assert read_patients([tmp_path]).patients == [EX.A, EX.B, EX.C]


def test_a_patient_described_in_two_files_is_an_input_error(tmp_path):
    (tmp_path / "one.ttl").write_text(TURTLE.format(name="Twice"))
    (tmp_path / "two.ttl").write_text(TURTLE.format(name="Twice"))
    with pytest.raises(InputError, match="ex:Twice is also described in"):
        read_patients([tmp_path])


def test_a_file_without_patients_is_named(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    with pytest.raises(InputError, match=f"{empty}: no skg:Patient"):
        read_patients([empty])


def test_a_record_that_does_not_parse_costs_its_patient_only(tmp_path):
    pf = read_patient_file(BY_NAME["one record does not parse"].write(tmp_path))
    assert pf.patients == (EX.R1, EX.R3)
    assert [str(e).rsplit("(", 1)[-1] for e in pf.errors] == ["record ex:R2 left out)"]
    assert str(pf.errors[0]).startswith(f"{tmp_path / 'one-bad-record.ttl'}:")


def test_a_literal_outside_its_lexical_space_stops_the_reading_verbs_at_its_line(tmp_path):
    path = BY_NAME["full-width digits"].write(tmp_path)
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}:5: ex:F1-L1 skg:longestDiameterMm: "):
        read_patients([path])


def test_an_iri_with_a_space_is_an_error_at_its_line(tmp_path):
    pf = read_patient_file(BY_NAME["space in an IRI"].write(tmp_path))
    assert pf.patients == (EX.G1,)
    assert [str(e).split(": ", 1)[0] for e in pf.errors] == [f"{tmp_path / 'space-iri.ttl'}:6"]  # the line that writes the IRI

"""``cohort recommend``: chunked matching gives, patient by patient, the rows of the per-patient path."""

import csv
import json

import pytest
from click.testing import CliRunner
from rdflib import Graph

from sarcoma_kg.cli import main
from sarcoma_kg.cohort import matching
from sarcoma_kg.cohort.synthetic import generate
from sarcoma_kg.errors import InputError

N = 10


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    path = tmp_path_factory.mktemp("matching") / "cohort.ttl"
    generate(N, path, seed=7)
    return path


def comparable(rows) -> set:
    """Rows without the reason text (its fact order follows graph iteration), with its status."""
    return {(r[0], r[1], r[3], r[4], r[6]) for r in rows}


@pytest.fixture(scope="module")
def chunked(cohort, tmp_path_factory):
    out = tmp_path_factory.mktemp("matching-out") / "rows.csv"
    result = matching.recommend_cohort(cohort, out=out, workers=1, chunk_bytes=2500)
    with open(out, encoding="utf-8") as fh:
        rows = [tuple(r) for r in csv.reader(fh)]
    return result, rows


@pytest.mark.slow
def test_chunks_give_the_per_patient_rows(cohort, chunked, knowledge_graph, ontology_graph):
    result, rows = chunked
    assert rows[0] == matching.FIELDS
    assert result.chunks > 1
    graph = Graph().parse(cohort)
    per_patient = matching.rows_for(graph, knowledge_graph, ontology_graph)
    errors = [r for r in rows[1:] if r[3] == "error"]
    matched = [r for r in rows[1:] if r[3] != "error"]
    assert comparable(matched) == comparable(per_patient)
    assert result.patients == N and result.errors == len(errors)


@pytest.mark.slow
def test_summary_counts_every_status_of_every_recommendation(chunked):
    result, rows = chunked
    assert sum(n for (_, status), n in result.counts.items() if status != "error") == len(
        [r for r in rows[1:] if r[3] != "error"])
    text = matching.write_summary(result)
    assert f"patients: {N}" in text
    assert any(status == "applies" and n > 0 for (_, status), n in result.counts.items())


def test_malformed_input_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix skg: <https://w3id.org/sarcoma-kg/> .\n<urn:p> a skg:Patient ;\n  skg:x \"unclosed .\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="bad.ttl"):
        matching.recommend_cohort(bad, workers=1)


def test_a_file_without_patients_is_an_input_error_with_exit_2(tmp_path):
    empty = tmp_path / "none.nt"
    empty.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["cohort", "recommend", str(empty), "--workers", "1"])
    assert result.exit_code == 2
    assert "no skg:Patient" in result.output


@pytest.mark.slow
def test_jsonl_rows_carry_every_field(cohort, tmp_path):
    out = tmp_path / "rows.jsonl"
    matching.recommend_cohort(cohort, out=out, fmt="jsonl", workers=1)
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == set(matching.FIELDS)


def test_a_record_that_does_not_parse_is_reported_and_the_others_are_matched(tmp_path):
    good = tmp_path / "one.ttl"
    generate(1, good, seed=7)
    text = good.read_text(encoding="utf-8")
    bad = tmp_path / "two.ttl"
    bad.write_text(text + "ex:Broken a skg:Patient ;\n    skg:ageAtDiagnosisYears \"unclosed .\n", encoding="utf-8")
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(main, ["cohort", "recommend", str(bad), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 2
    assert "two.ttl" in result.output and "Broken" in result.output
    with open(out, encoding="utf-8") as fh:
        patients = {r["patient"] for r in csv.DictReader(fh)}
    assert len(patients) == 1 and not any("Broken" in p for p in patients)


def _rows(path) -> list[tuple]:
    with open(path, encoding="utf-8") as fh:
        return [tuple(r) for r in csv.reader(fh)][1:]


def test_patients_not_written_one_block_each_are_regrouped_not_matched_in_pieces(tmp_path):
    """N-Triples lines reversed: each patient's lesions come before his type line, so the chunks
    cut before a patient would hold other patients' nodes; the rows are those of the grouped file."""
    grouped = generate(N, tmp_path / "cohort.nt", seed=7, fmt="nt").path
    lines = grouped.read_text(encoding="utf-8").splitlines(keepends=True)
    scattered = tmp_path / "scattered.nt"
    scattered.write_text("".join(reversed(lines)), encoding="utf-8")
    expected = matching.recommend_cohort(grouped, out=tmp_path / "grouped.csv", workers=1, chunk_bytes=2500)
    result = matching.recommend_cohort(scattered, out=tmp_path / "scattered.csv", workers=1, chunk_bytes=2500)
    assert expected.chunks > 1 and not expected.notes
    assert set(_rows(tmp_path / "scattered.csv")) == set(_rows(tmp_path / "grouped.csv"))
    assert result.patients == N and result.counts == expected.counts
    assert any("described apart from their patient" in note for note in result.notes)


def test_the_tumour_board_csv_is_matched_as_the_patient_reader_reads_it(tmp_path, knowledge_graph, ontology_graph):
    from sarcoma_kg.patients.read import read_patient_file
    from sarcoma_kg.resources import EXAMPLES_DIR

    table = EXAMPLES_DIR / "tumour-board.csv"
    per_patient = matching.rows_for(read_patient_file(table).graph, knowledge_graph, ontology_graph)
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(main, ["cohort", "recommend", str(table), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert per_patient and set(_rows(out)) == {tuple(r) for r in per_patient}

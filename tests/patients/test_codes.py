"""Codes of the mapping sets (ontology/mappings/*.sssom.tsv) in patient input: the CSV takes a CURIE with a
row wherever it takes a term name, and refuses codes without a row; the FHIR reader maps the same codes."""

from __future__ import annotations

import pytest

from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.patients import codes
from sarcoma_kg.patients.csv_mapping import read_csv


def _csv(tmp_path, text):
    path = tmp_path / "board.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_takes_codes_with_a_mapping_row(tmp_path):
    graph = read_csv(_csv(tmp_path, "patient_id,primary_histology,lesion_site\n"
                                     "P1,NCIT:C3158,SNOMEDCT:10200004\nP1,,UBERON:0000955\n"))
    assert (EX["P1-primary"], SKG.hasHistology, SKG.Leiomyosarcoma) in graph
    assert (EX["P1-L1"], SKG.hasSite, SKG.Liver) in graph
    assert (EX["P1-L2"], SKG.hasSite, SKG.Brain) in graph


def test_a_related_match_is_not_a_term(tmp_path):
    # SNOMED CT 94225005 is a disorder (secondary malignant neoplasm of brain): only a secondary
    # condition's code reads it as a site, never a CSV cell
    assert codes.terms_for_curie("SNOMEDCT:94225005") == set()
    with pytest.raises(InputError, match=r"board.csv:2: column lesion_site: 'SNOMEDCT:94225005': no mapping row"):
        read_csv(_csv(tmp_path, "patient_id,lesion_site\nP1,SNOMEDCT:94225005\n"))


@pytest.mark.parametrize("cell, words", [
    ("NCIT:C0000000", "no mapping row"),
    ("FOO:123", "neither a term name nor a code of a mapping set"),
])
def test_csv_refuses_codes_without_a_row(tmp_path, cell, words):
    with pytest.raises(InputError, match=f"board.csv:2: column primary_histology: '{cell}'") as caught:
        read_csv(_csv(tmp_path, f"patient_id,primary_histology\nP1,{cell}\n"))
    assert words in str(caught.value)


def test_fhir_codings_resolve_through_the_same_rows():
    assert codes.terms_for_coding("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "C3158") == {SKG.Leiomyosarcoma}
    assert codes.terms_for_coding("http://snomed.info/sct", "10200004") == {SKG.Liver}
    assert codes.terms_for_coding("http://snomed.info/sct", "94225005", related=True) == {SKG.Brain}
    assert codes.terms_for_coding("http://example.org/local", "LMS") is None


def test_an_exact_match_wins_over_a_close_match_of_the_same_code():
    """NCIt C4247 is undifferentiated pleomorphic sarcoma exactly and close to the historical
    malignant fibrous histiocytoma: the code names the exact term, not an ambiguity."""
    assert codes.terms_for_curie("NCIT:C4247") == {SKG.UndifferentiatedPleomorphicSarcoma}

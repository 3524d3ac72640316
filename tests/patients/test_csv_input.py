"""Tumour-board CSV → patient graph: documented columns, unknown cells, file:line errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, XSD

from sarcoma_kg.patients.csv_mapping import read_csv
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import EX, SKG

HEADER = "patient_id,diffuse_serosal_involvement,primary_histology,diagnosis_date,lesion_site,lesion_diameter_mm,detection_date,lesion_amenable_ablation\n"


def write(tmp_path, text, name="board.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_become_a_patient_graph(tmp_path):
    g = read_csv(write(tmp_path, HEADER
                       + "P1,no,Leiomyosarcoma,2023-03-01,RightLung,12,2023-10-01,yes\n"
                       + "P1,,,,skg:LeftLung,8.5,2023-10-01,\n"))
    assert (EX.P1, RDF.type, SKG.Patient) in g
    assert (EX.P1, SKG.hasDiffuseSerosalInvolvement, Literal(False)) in g
    assert (EX["P1-primary"], SKG.hasHistology, SKG.Leiomyosarcoma) in g
    assert (EX["P1-primary"], SKG.diagnosisDate, Literal("2023-03-01", datatype=XSD.date)) in g
    assert set(g.objects(EX.P1, SKG.hasLesion)) == {EX["P1-L1"], EX["P1-L2"]}
    assert (EX["P1-L2"], SKG.hasSite, SKG.LeftLung) in g
    assert (EX["P1-L2"], SKG.longestDiameterMm, Literal(Decimal("8.5"), datatype=XSD.decimal)) in g
    # an empty cell is unknown: absent, not false
    assert (EX["P1-L2"], SKG.amenableToAblation, None) not in g


def test_patient_without_lesion_row(tmp_path):
    g = read_csv(write(tmp_path, HEADER + "P2,yes,,,,,,\n"))
    assert (EX.P2, RDF.type, SKG.Patient) in g
    assert (EX.P2, SKG.hasLesion, None) not in g


TREATED = ("patient_id,surgical_candidate,on_systemic_therapy,adjuvant_chemotherapy,induction_therapy_planned,"
           "primary_resection_date,systemic_agents,therapy_ongoing,lesion_id,lesion_site,lesion_status,lesion_treatment_date\n")


def test_candidacy_therapy_and_treated_lesions(tmp_path):
    g = read_csv(write(tmp_path, TREATED
                       + "P3,no,yes,no,yes,2021-02-01,Doxorubicin,yes,L1,RightLobeOfLiver,resected,2021-06-01\n"
                       + "P3,,,,,,,,L2,RightLung,ablated,2022-01-10\n"
                       + "P3,,,,,,,,L3,LeftLung,present,\n"))
    assert (EX.P3, SKG.surgicalCandidate, Literal(False)) in g
    assert (EX.P3, SKG.onSystemicTherapy, Literal(True)) in g
    assert (EX.P3, SKG.receivedAdjuvantChemotherapy, Literal(False)) in g
    assert (EX.P3, SKG.preoperativeSystemicTherapyPlanned, Literal(True)) in g
    assert (EX["P3-primary"], SKG.primaryResectionDate, Literal("2021-02-01", datatype=XSD.date)) in g
    assert (EX["P3-systemic"], SKG.ongoing, Literal(True)) in g
    assert (EX["P3-L1"], SKG.lesionStatus, SKG.LesionResected) in g
    assert (EX["P3-L1"], SKG.resectionDate, Literal("2021-06-01", datatype=XSD.date)) in g
    assert (EX["P3-L2"], SKG.ablationDate, Literal("2022-01-10", datatype=XSD.date)) in g
    assert (EX["P3-L2"], SKG.resectionDate, None) not in g
    assert (EX["P3-L3"], SKG.lesionStatus, SKG.LesionPresent) in g


@pytest.mark.parametrize("text, where", [
    (TREATED + "P1,,,,,,,,L1,Liver,gone,\n", ":2: column lesion_status"),
    (TREATED + "P1,,,,,,,,L1,Liver,,2021-06-01\n", ":2: column lesion_treatment_date"),
    (TREATED + "P1,,,,,,,,L1,Liver,present,2021-06-01\n", ":2: column lesion_treatment_date"),
    (TREATED + "P1,perhaps,,,,,,,L1,Liver,,\n", ":2: column surgical_candidate"),
    (TREATED + "P1,,,,,June 2021,,,L1,Liver,,\n", ":2: column primary_resection_date"),
    (HEADER + "P1,no,Leiomyosarcoma,2023-03-01,RightLung,twelve,2023-10-01,yes\n", ":2: column lesion_diameter_mm"),
    (HEADER + "P1,no,Leiomyosarcoma,01/03/2023,RightLung,12,2023-10-01,yes\n", ":2: column diagnosis_date"),
    (HEADER + "P1,no,Leiomyosarcoma,2023-03-01,RightLung,12,2023-10-01,maybe\n", ":2: column lesion_amenable_ablation"),
    (HEADER + "P1,no,Leiomyosarcoma,2023-03-01,RightLung,12\n", ":2: 6 cells"),
    (HEADER + "P1,no,Leiomyosarcoma,2023-03-01,RightLung,12,2023-10-01,yes\nP1,yes,,,Liver,3,,\n", ":3: column diffuse_serosal_involvement"),
    (HEADER + "P1,no,Leio sarcoma,2023-03-01,RightLung,12,2023-10-01,yes\n", ":2: column primary_histology"),
    (HEADER + ",no,Leiomyosarcoma,2023-03-01,RightLung,12,2023-10-01,yes\n", ":2: column patient_id"),
    ("patient,size\nP1,3\n", ":1: unknown column"),
    ("", ":1: empty file"),
    (HEADER + 'P1,no,"Leiomyosarcoma,2023-03-01,RightLung,12,2023-10-01,yes\n', "not valid CSV"),
])
def test_malformed_csv_names_file_and_line(tmp_path, text, where):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_csv(path)
    assert str(path) in str(info.value)
    assert where in str(info.value)

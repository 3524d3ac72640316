"""The per-patient facts' view (patients/fact_view.py) answers as the union of the knowledge and
patient graphs it stands for: the same objects in the same order, the same first value, the same
membership, and so the same derived facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import RDFS

from sarcoma_kg.namespaces import SKG
from sarcoma_kg.patients import shapes, verdicts
from sarcoma_kg.patients.fact_view import FactView, fact_view
from sarcoma_kg.patients.read import read_patient_file
from sarcoma_kg.rdf import patients_in
from sarcoma_kg.resources import EXAMPLES_DIR

FILES = sorted(p for p in Path(EXAMPLES_DIR).rglob("*.ttl"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_view_answers_as_the_union(path):
    patients = read_patient_file(path).graph
    union = shapes.data_graph(patients, shapes.knowledge_context())
    view = fact_view(union)
    assert isinstance(view, FactView)
    subjects = set(patients.subjects()) | {SKG.Liver, SKG.RightLobeOfLiver, SKG.DiffuseOrgan}
    props = set(patients.predicates()) | {RDFS.subClassOf, SKG.organLevelSite}
    for s in subjects:
        for p in props:
            assert list(view.objects(s, p)) == list(union.objects(s, p))
            assert view.value(s, p) == union.value(s, p)
            for o in union.objects(s, p):
                assert (s, p, o) in view
    rule = verdicts.timing_rule(union)
    for patient in patients_in(patients):
        assert verdicts.patient_facts(view, patient, rule) == verdicts.patient_facts(union, patient, rule)


def test_view_refuses_open_questions():
    union = shapes.data_graph(read_patient_file(FILES[0]).graph, shapes.knowledge_context())
    with pytest.raises(TypeError):
        fact_view(union).value(None, SKG.hasLesion)

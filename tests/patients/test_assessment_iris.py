"""Assessment IRIs are derived from the full patient IRI: look-alike patients in different
namespaces, or whose names differ only in characters a slug would flatten, never share one."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from rdflib import URIRef

from sarcoma_kg.namespaces import DEFINITION, EX, SKG
from sarcoma_kg.patients.verdicts import Assessment, to_graph

OTHER = URIRef("http://other.org/DUP")


def test_look_alike_patients_in_two_namespaces_get_two_assessments():
    mine = Assessment(EX.DUP, DEFINITION.Falk2015, SKG.DoesNotMeet)
    theirs = Assessment(OTHER, DEFINITION.Falk2015, SKG.Meets)
    assert mine.iri != theirs.iri
    graph = to_graph([mine, theirs], [])
    for a in (mine, theirs):
        assert list(graph.objects(a.iri, SKG.verdict)) == [a.verdict]
        assert list(graph.subjects(SKG.hasAssessment, a.iri)) == [a.patient]


def test_a_plain_example_name_keeps_its_readable_iri():
    assert str(Assessment(EX["TB-001"], DEFINITION.Falk2015, SKG.Meets).iri).endswith("/verdict/TB-001--Falk2015")


def test_names_a_slug_would_flatten_stay_apart():
    names = [EX["a/b"], EX["a-b"], EX["a--b"], EX["a b"], EX["a_b"], URIRef("urn:x:a-b"), EX["a-b~0"]]
    iris = {Assessment(n, DEFINITION.Falk2015, SKG.Meets).iri for n in names}
    assert len(iris) == len(names)


iris = st.one_of(
    st.builds(lambda s: EX[s], st.text(min_size=1, max_size=12)),
    st.builds(lambda ns, s: URIRef(f"http://{ns}.org/{s}"), st.sampled_from(["a", "b"]), st.text(min_size=1, max_size=8)),
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(iris, iris)
def test_two_patient_iris_two_assessment_iris(a, b):
    same = Assessment(a, DEFINITION.Falk2015, SKG.Meets).iri == Assessment(b, DEFINITION.Falk2015, SKG.Meets).iri
    assert same == (a == b)

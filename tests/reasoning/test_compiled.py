"""The compiled classifier against HermiT: the same named classes for every patient, class by
class; what it cannot evaluate exactly is refused, never approximated."""

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, XSD

from sarcoma_kg import resources
from sarcoma_kg.errors import ReasonerError
from sarcoma_kg.namespaces import EX, SKG
from sarcoma_kg.patients.compiled import with_compiled_verdicts
from sarcoma_kg.patients.read import read_patients
from sarcoma_kg.rdf import patients_in
from sarcoma_kg.reasoning import applicability, compiled, reasoners, recommend
from sarcoma_kg.reasoning.expressions import UnsupportedExpression

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").rglob("*.ttl")) + [ROOT / "examples" / "tumour-board.csv"]
CLINICAL = sorted((ROOT / "tests" / "clinical" / "patients").glob("*.ttl"))


@pytest.fixture(scope="session")
def compiled_classifier(reasoning_terms):
    return compiled.classifier_for(reasoning_terms)


def differences(ours: dict, theirs) -> dict:
    """Per patient, the classes only one side infers (empty when they agree class by class)."""
    out = {}
    for patient, classes in ours.items():
        other = theirs.of(patient)
        if classes != other:
            out[patient] = {"compiled only": sorted(classes - other), "hermit only": sorted(other - classes)}
    return out


def test_fixture_patients_get_exactly_hermits_classes(compiled_classifier, ra_patients, hermit_result, defined):
    ours = compiled_classifier.classify(ra_patients)
    assert set(ours) == set(patients_in(ra_patients))
    assert differences(ours, hermit_result) == {}
    # the comparison is not vacuous: the patients are in many defined classes, and not all in the same
    assert sum(len(c & defined) for c in ours.values()) > 100
    assert len({frozenset(c) for c in ours.values()}) == len(ours)


def test_the_reasoner_option_reaches_the_compiled_classifier(ra_patients, reasoning_terms, hermit_result):
    result = reasoners.classify_patients(ra_patients, reasoning_terms, reasoners.COMPILED)
    assert result.reasoner == "compiled"
    assert all(result.of(p) == hermit_result.of(p) for p in patients_in(ra_patients))


def test_recommendations_with_the_compiled_classifier_are_hermits(ra_patients, knowledge_graph, reasoning_terms):
    """Applies, to confirm and does not apply agree recommendation by recommendation, with the same
    reasons and conditions left to confirm (both classify the patients with their verdicts written back)."""
    def view(results):
        return {r.patient: [(x.notation, x.status, x.reason, tuple(x.to_confirm))
                            for x in r.applicable + r.not_applicable] for r in results}

    hermit = recommend.recommend(ra_patients, knowledge_graph, "hermit", terms=reasoning_terms, with_evidence=False)
    ours = recommend.recommend(ra_patients, knowledge_graph, "compiled", terms=reasoning_terms, with_evidence=False)
    assert view(ours) == view(hermit)
    assert {x.status for r in ours for x in r.applicable + r.not_applicable} == {
        applicability.APPLIES, applicability.TO_CONFIRM, applicability.DOES_NOT_APPLY}


@pytest.mark.slow
def test_examples_and_the_clinical_set_get_exactly_hermits_classes(compiled_classifier, reasoning_terms,
                                                                   knowledge_graph):
    # verdicts written back by the compiled SHACL engine (tests/patients/test_compiled.py shows it
    # gives pySHACL's on these very files): both classifiers read the same data
    data = Graph()
    for path in EXAMPLES + CLINICAL:
        data += with_compiled_verdicts(read_patients([path]).graph, knowledge_graph)
    hermit = reasoners.classify_patients(data, reasoning_terms, "hermit", chunk_size=20, workers=2)
    ours = compiled_classifier.classify(data)
    assert len(ours) >= len(CLINICAL) + 6
    assert differences(ours, hermit) == {}


# --- refused, never approximated ---------------------------------------------------------------------

def _terms_with(definition_triples) -> Graph:
    terms = Graph()
    terms.parse(resources.ONTOLOGY_DIR / "core.ttl")
    for triple in definition_triples:
        terms.add(triple)
    return terms


def _restriction(graph: Graph, prop, link, value) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, OWL.Restriction))
    graph.add((node, OWL.onProperty, prop))
    graph.add((node, link, value))
    return node


def test_negation_in_a_definition_is_refused_naming_the_class():
    scratch = Graph()
    complement = BNode()
    scratch.add((complement, RDF.type, OWL.Class))
    scratch.add((complement, OWL.complementOf, SKG.MetastaticLesion))
    terms = _terms_with([*scratch, (EX.NotALesion, RDF.type, OWL.Class), (EX.NotALesion, OWL.equivalentClass, complement)])
    with pytest.raises(UnsupportedExpression, match="NotALesion.*complementOf"):
        compiled.compile_classifier(terms)


def test_universal_restrictions_and_cardinalities_are_refused():
    for link, value in ((OWL.allValuesFrom, SKG.MetastaticLesion), (OWL.minCardinality, Literal(2, datatype=XSD.nonNegativeInteger))):
        scratch = Graph()
        node = _restriction(scratch, SKG.hasLesion, link, value)
        terms = _terms_with([*scratch, (EX.Defined, RDF.type, OWL.Class), (EX.Defined, OWL.equivalentClass, node)])
        with pytest.raises(UnsupportedExpression, match="Defined"):
            compiled.compile_classifier(terms)


def test_a_general_class_inclusion_and_an_inverse_property_are_refused():
    scratch = Graph()
    node = _restriction(scratch, SKG.hasLesion, OWL.someValuesFrom, SKG.MetastaticLesion)
    with pytest.raises(UnsupportedExpression, match="general class inclusion"):
        compiled.compile_classifier(_terms_with([*scratch, (node, RDFS.subClassOf, SKG.Patient)]))
    with pytest.raises(UnsupportedExpression, match="inverseOf"):
        compiled.compile_classifier(_terms_with([(EX.lesionOf, OWL.inverseOf, SKG.hasLesion)]))


# --- patients the compiled classifier refuses or finds inconsistent -------------------------------------

def _patient(*triples) -> Graph:
    graph = Graph()
    graph.add((EX.P, RDF.type, SKG.Patient))
    for triple in triples:
        graph.add(triple)
    return graph


def test_equality_between_individuals_is_left_to_the_reasoners(compiled_classifier):
    with pytest.raises(compiled.CannotDecide, match="sameAs"):
        compiled_classifier.classify(_patient((EX.P, OWL.sameAs, EX.Q)))
    lesion = (EX.P, SKG.hasLesion, EX.L)
    with pytest.raises(compiled.CannotDecide, match="functional"):
        compiled_classifier.classify(_patient(lesion, (EX.L, SKG.lesionStatus, SKG.LesionPresent),
                                              (EX.L, SKG.lesionStatus, SKG.LesionResected)))


def test_contradictions_are_reported_as_hermit_reports_them(compiled_classifier, reasoning_terms):
    two_counts = _patient((EX.P, SKG.lesionCount, Literal(2)), (EX.P, SKG.lesionCount, Literal(3)))
    disjoint = _patient((EX.P, RDF.type, SKG.MetastaticLesion))
    for graph in (two_counts, disjoint):
        with pytest.raises(ReasonerError, match="inconsistent"):
            compiled_classifier.classify(graph)
        with pytest.raises(ReasonerError, match="inconsistent"):
            reasoners.classify_patients(graph, reasoning_terms, "hermit")


def test_equal_values_of_a_functional_data_property_are_one_value(compiled_classifier):
    same = _patient((EX.P, SKG.lesionCount, Literal("2", datatype=XSD.integer)),
                    (EX.P, SKG.lesionCount, Literal("2.0", datatype=XSD.decimal)))
    assert SKG.Patient in compiled_classifier.classify(same)[EX.P]


def test_the_fingerprint_ignores_blank_node_labels_and_sees_every_change(reasoning_terms):
    reparsed = Graph().parse(data=reasoning_terms.serialize(format="nt"), format="nt")
    assert compiled.fingerprint(reparsed) == compiled.fingerprint(reasoning_terms)
    node, bound = next(reparsed.subject_objects(XSD.minInclusive))
    reparsed.remove((node, XSD.minInclusive, bound))
    reparsed.add((node, XSD.minInclusive, Literal(bound.toPython() + 1)))
    assert compiled.fingerprint(reparsed) != compiled.fingerprint(reasoning_terms)


def test_the_cache_is_named_by_the_files_key_when_given_and_a_changed_file_is_another_name(tmp_path, monkeypatch):
    from sarcoma_kg import rdf

    terms = Graph()
    files = resources.ontology_files()
    assert compiled.cache_path(terms, rdf.ontology_key()) != compiled.cache_path(terms)
    copy = tmp_path / files[0].name
    copy.write_bytes(files[0].read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(resources, "ontology_files", lambda: [copy, *files[1:]])
    changed = rdf.ontology_key()
    monkeypatch.undo()
    assert compiled.cache_path(terms, changed) != compiled.cache_path(terms, rdf.ontology_key())


@pytest.mark.parametrize("verb", ["classify", "recommend"])
def test_classify_and_recommend_default_to_the_compiled_classifier_and_keep_the_reasoners(verb, monkeypatch):
    from click.testing import CliRunner

    from sarcoma_kg.cli import main

    seen = []
    monkeypatch.setattr(recommend, verb, lambda data, knowledge, **kw: seen.append(kw["reasoner"]) or ({} if verb == "classify" else []))
    example = ROOT / "examples" / "edge-cases" / "liver-oligometastatic.ttl"
    for option, expected in (([], "compiled"), (["--reasoner", "hermit"], "hermit"), (["--reasoner", "pellet"], "pellet")):
        result = CliRunner().invoke(main, [verb, str(example), "--format", "json", *option])
        assert result.exit_code == 0, result.output
    assert seen == ["compiled", "hermit", "pellet"]


# --- many patients at once ------------------------------------------------------------------------------

def test_patients_classified_together_get_the_classes_each_gets_alone(compiled_classifier, ra_patients):
    people = patients_in(ra_patients)
    together = compiled_classifier.classify_each(ra_patients, people)
    assert list(together) == people
    assert together == {p: compiled_classifier.classify(ra_patients, [p])[p] for p in people}


def test_a_node_two_patients_reach_gets_from_each_only_his_own_edges(compiled_classifier):
    """EX.N is a metastatic lesion of EX.P and, through skg:issuedBy, a publication for EX.Q: the
    two classes are disjoint, so a run that let one patient's edges type the other's node would find
    both inconsistent."""
    graph = _patient((EX.P, SKG.hasLesion, EX.N), (EX.Q, RDF.type, SKG.Patient), (EX.Q, SKG.issuedBy, EX.N))
    alone = {p: compiled_classifier.classify(graph, [p])[p] for p in (EX.P, EX.Q)}
    assert compiled_classifier.classify_each(graph, [EX.P, EX.Q]) == alone


def test_a_refused_patient_leaves_the_others_classified(compiled_classifier):
    graph = _patient((EX.Q, RDF.type, SKG.Patient), (EX.Q, RDF.type, SKG.MetastaticLesion),
                     (EX.R, RDF.type, SKG.Patient), (EX.R, OWL.sameAs, EX.S))
    found = compiled_classifier.classify_each(graph, [EX.P, EX.Q, EX.R])
    assert found[EX.P] == compiled_classifier.classify(_patient(), [EX.P])[EX.P]
    assert isinstance(found[EX.Q], ReasonerError) and "inconsistent" in str(found[EX.Q])
    assert isinstance(found[EX.R], compiled.CannotDecide)
    with pytest.raises(ReasonerError, match="inconsistent"):
        compiled_classifier.classify(graph)  # the first refused patient, in order

"""The knowledge taken from seeds 000, 001 and 004 keeps the ontology consistent under HermiT, and its studies classify
through the term hierarchies once the typing axioms of the OWL view are added."""

from __future__ import annotations

from sarcoma_kg.reasoning import owl_view, reasoners
from sarcoma_kg.namespaces import SKG, STUDY


def test_consistent_under_hermit_with_typing_axioms(lecture_with_ontology):
    graph = lecture_with_ontology + owl_view.typing_axioms(lecture_with_ontology)
    report = reasoners.check_consistency(graph, "hermit")
    assert report.consistent, report.message
    assert report.unsatisfiable == []


def test_study_values_are_classes_so_the_typing_axioms_cover_them(lecture_with_ontology):
    """Every modality, site and histology value is a declared class, so no value escapes the
    hierarchies (a typo such as skg:Lungs would leave a study unclassified)."""
    from rdflib.namespace import OWL, RDF

    g = lecture_with_ontology
    values = {(s, p, o) for p in (SKG.usesModality, SKG.studiesSite, SKG.studiesHistology)
              for s, o in g.subject_objects(p) if str(s).startswith(str(STUDY))}
    assert values
    assert sorted(str(o) for _, _, o in values if (o, RDF.type, OWL.Class) not in g) == []
    axioms = owl_view.typing_axioms(g)
    typed = {s for s in axioms.subjects(RDF.type, None)}
    assert {s for s, _, _ in values} <= typed


EXPECTED_CLASSES = [
    ("Koelblinger2014", "ThermalAblationLungStudy"),      # RFA ⊑ thermal ablation, lung
    ("Bourgouin2022", "ThermalAblationLungStudy"),        # MWA and cryoablation
    ("Yevich2016", "ThermalAblationLungStudy"),
    ("Hakime2013", "ThermalAblationLiverStudy"),
    ("JonesLiverRFA", "ThermalAblationLiverStudy"),
    ("Vaswani2018", "ThermalAblationBoneStudy"),
    ("Yamakado2014", "ThermalAblationBoneStudy"),
    ("Navarria2015", "SBRTStudy"),
    ("Folkert2014", "StereotacticRadiotherapyStudy"),     # SRS, spine
    ("Folkert2014", "RadiotherapyStudy"),
]


def test_studies_classify_through_the_hierarchies(lecture_with_ontology, ontology_graph):
    classes = {s for s in ontology_graph.subjects(None, None) if str(s).startswith(str(SKG))}
    wanted = [(s, c) for s, c in EXPECTED_CLASSES if SKG[c] in classes]
    assert wanted, "the study classes of classes.ttl are missing"
    result = reasoners.classify_studies(lecture_with_ontology, "hermit", terms=ontology_graph)
    missing = [(s, c) for s, c in wanted if SKG[c] not in result.of(STUDY[s])]
    assert missing == []
    # a lung study is not a liver study: classification is not trivially everything
    assert SKG.ThermalAblationLiverStudy not in result.of(STUDY.Koelblinger2014)

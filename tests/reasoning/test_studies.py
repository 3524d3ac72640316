"""Study classes: the knowledge base's studies, classified by HermiT through the modality, site
and histology hierarchies (study IRIs fixed by docs/model.md and the curation prompts)."""

import pytest

from sarcoma_kg.reasoning import reasoners
from sarcoma_kg.namespaces import SKG, STUDY

# The seeds' lung ablation table (lecture, seed 000) and the consensus tables (seed 003).
LUNG_ABLATION = {"DeBaereLungRFA", "Yevich2016", "Bourgouin2022", "Koelblinger2014", "NakamuraLungRFA",
                 "PalussiereLungRFA", "SatoLungRFA", "SaumetLungRFA", "GravelLungAblation"}
LIVER_ABLATION = {"Hakime2013", "JonesLiverRFA", "JungLiverRFA", "Awad2024"}
INTRA_ARTERIAL = {"Maluccio2006", "Chapiro2015", "Miller2018"}
SBRT = {"Navarria2015", "Rodriguez2024"}
LIVER_DIRECTED = LIVER_ABLATION | INTRA_ARTERIAL | {"Rodriguez2024"}
STEREOTACTIC = SBRT | {"Folkert2014"}


@pytest.fixture(scope="module")
def study_classes(knowledge_graph, ontology_graph):
    result = reasoners.classify_studies(knowledge_graph, "hermit", terms=ontology_graph)
    members = {}
    for study, types in result.types.items():
        for cls in types:
            members.setdefault(cls, set()).add(str(study).rsplit("/", 1)[-1])
    return members


@pytest.mark.parametrize("cls, expected", [
    (SKG.ThermalAblationLungStudy, LUNG_ABLATION),
    (SKG.ThermalAblationLiverStudy, LIVER_ABLATION),
    (SKG.IntraArterialLiverTherapyStudy, INTRA_ARTERIAL),
    (SKG.SBRTStudy, SBRT),
    (SKG.StereotacticRadiotherapyStudy, STEREOTACTIC),
    (SKG.LiverDirectedTherapyStudy, LIVER_DIRECTED),
    (SKG.ThermalAblationStudy, LUNG_ABLATION | LIVER_ABLATION | {"Vaswani2018"}),
])
def test_study_class_returns_the_expected_studies(study_classes, cls, expected):
    assert expected <= study_classes.get(cls, set()), f"missing: {expected - study_classes.get(cls, set())}"


def test_classes_do_not_overreach(study_classes):
    assert not INTRA_ARTERIAL & study_classes.get(SKG.ThermalAblationStudy, set())
    assert not LUNG_ABLATION & study_classes.get(SKG.LiverDirectedTherapyStudy, set()) - {"Falk2015"}
    assert "Folkert2014" not in study_classes.get(SKG.SBRTStudy, set())  # spine radiosurgery, not SBRT
    assert not SBRT & study_classes.get(SKG.ThermalAblationStudy, set())


def test_gist_and_histology_classes(study_classes, knowledge_graph):
    gist = {str(s).rsplit("/", 1)[-1] for s, h in knowledge_graph.subject_objects(SKG.studiesHistology)
            if h == SKG.GastrointestinalStromalTumour}
    assert gist and gist <= study_classes.get(SKG.GISTStudy, set())
    assert gist <= study_classes.get(SKG.SoftTissueSarcomaStudy, set())  # GIST is a soft-tissue sarcoma


def test_every_study_the_class_tests_name_exists(knowledge_graph):
    for name in LUNG_ABLATION | LIVER_ABLATION | INTRA_ARTERIAL | STEREOTACTIC | {"Falk2015"}:
        assert (STUDY[name], None, None) in knowledge_graph, name

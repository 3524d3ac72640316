"""The ontology under a real reasoner (HermiT and Pellet through sarcoma_kg.reasoning.reasoners).

Entailments are proved by unsatisfiability: a probe class declared a subclass of A and of the
complement of B is unsatisfiable exactly when A is a subclass of B. A negative control (a probe for
a subsumption that must NOT hold) shows the probes can fail. Inference over individuals is proved
by inconsistency: a lesion at the thoracic spine that is declared not a bone metastasis makes the
ontology inconsistent.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from sarcoma_kg.reasoning import reasoners
from sarcoma_kg.namespaces import SKG

PROBE = "http://example.org/probe#"


def restriction(graph: Graph, prop: URIRef, filler: URIRef) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, OWL.Restriction))
    graph.add((node, OWL.onProperty, prop))
    graph.add((node, OWL.someValuesFrom, filler))
    return node


def complement(graph: Graph, cls: URIRef) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, OWL.Class))
    graph.add((node, OWL.complementOf, cls))
    return node


def lesion_at(graph: Graph, site: str) -> list:
    """Superclasses of 'a metastatic lesion whose site is <site>' (what owl_view produces)."""
    return [SKG.MetastaticLesion, restriction(graph, SKG.hasSite, SKG[site])]


#: (name, subclass or 'lesion at' site, superclass): every one must be entailed.
ENTAILED = [
    ("spine-is-bone-metastasis", [SKG.SpineMetastasis], SKG.BoneMetastasis),
    ("pelvic-is-bone-metastasis", [SKG.PelvicBoneMetastasis], SKG.BoneMetastasis),
    ("pleural-is-serosal-metastasis", [SKG.PleuralMetastasis], SKG.SerosalMetastasis),
    ("peritoneal-is-serosal-metastasis", [SKG.PeritonealMetastasis], SKG.SerosalMetastasis),
    ("lms-is-sts", [SKG.Leiomyosarcoma], SKG.SoftTissueSarcoma),
    ("lms-is-sarcoma", [SKG.Leiomyosarcoma], SKG.Sarcoma),
    ("wdlps-is-sts", [SKG.WellDifferentiatedLiposarcoma], SKG.SoftTissueSarcoma),
    ("fibroblastic-os-is-bone-sarcoma", [SKG.FibroblasticOsteosarcoma], SKG.BoneSarcoma),
    ("sarcoma-is-neoplasm", [SKG.Sarcoma], SKG.Neoplasm),
    ("thoracic-spine-is-bone", [SKG.ThoracicSpine], SKG.Bone),
    ("ilium-is-bone", [SKG.Ilium], SKG.Bone),
    ("sbrt-is-local-therapy", [SKG.StereotacticBodyRadiotherapy], SKG.LocalTherapy),
    ("tace-is-liver-directed", [SKG.Chemoembolization], SKG.LiverDirectedIntraArterialTherapy),
    ("doxorubicin-is-anthracycline", [SKG.Doxorubicin], SKG.Anthracycline),
    ("lesion-thoracic-spine-is-bone-metastasis", "ThoracicSpine", SKG.BoneMetastasis),
    ("lesion-thoracic-spine-is-spine-metastasis", "ThoracicSpine", SKG.SpineMetastasis),
    ("lesion-sacrum-is-spine-metastasis", "Sacrum", SKG.SpineMetastasis),
    ("lesion-acetabulum-is-pelvic-bone-metastasis", "Acetabulum", SKG.PelvicBoneMetastasis),
    ("lesion-right-lobe-is-liver-metastasis", "RightLobeOfLiver", SKG.LiverMetastasis),
    ("lesion-right-lung-is-lung-metastasis", "RightLung", SKG.LungMetastasis),
    ("lesion-peritoneum-is-serosal-metastasis", "Peritoneum", SKG.SerosalMetastasis),
    ("lesion-gluteal-soft-tissue-is-soft-tissue-metastasis", "SoftTissueOfGlutealRegion", SKG.SoftTissueMetastasis),
    ("lesion-soft-tissue-of-thigh-is-soft-tissue-metastasis", "SoftTissueOfThigh", SKG.SoftTissueMetastasis),
    ("lesion-femur-is-bone-metastasis", "Femur", SKG.BoneMetastasis),
    ("lesion-bone-of-upper-limb-is-bone-metastasis", "BoneOfUpperLimb", SKG.BoneMetastasis),
    ("lesion-acetabulum-is-bone-metastasis", "Acetabulum", SKG.BoneMetastasis),
    ("lesion-lumbar-spine-is-spine-metastasis", "LumbarSpine", SKG.SpineMetastasis),
    ("lesion-leptomeninges-is-diffuse-organ-metastasis", "Leptomeninges", SKG.DiffuseOrganMetastasis),
    ("lesion-pleura-is-diffuse-organ-metastasis", "Pleura", SKG.DiffuseOrganMetastasis),
    ("radioembolization-is-radiotherapy", [SKG.Radioembolization], SKG.Radiotherapy),
    ("radioembolization-is-liver-directed", [SKG.Radioembolization], SKG.LiverDirectedIntraArterialTherapy),
    ("hemangiopericytoma-is-sarcoma", [SKG.Hemangiopericytoma], SKG.SoftTissueSarcoma),
    ("mfh-is-sarcoma", [SKG.MalignantFibrousHistiocytoma], SKG.Sarcoma),
    ("dfsp-is-intermediate", [SKG.DermatofibrosarcomaProtuberans], SKG.IntermediateMesenchymalNeoplasm),
    ("sft-is-intermediate", [SKG.SolitaryFibrousTumour], SKG.IntermediateMesenchymalNeoplasm),
    ("desmoid-is-intermediate", [SKG.DesmoidTumour], SKG.IntermediateMesenchymalNeoplasm),
]

#: Subsumptions that must NOT hold (negative controls: the probe stays satisfiable).
NOT_ENTAILED = [
    ("lung-is-not-bone-metastasis", [SKG.LungMetastasis], SKG.BoneMetastasis),
    ("bone-is-not-spine-metastasis", [SKG.BoneMetastasis], SKG.SpineMetastasis),
    ("desmoid-is-not-sarcoma", [SKG.DesmoidTumour], SKG.Sarcoma),
    ("sarcomatoid-carcinoma-is-not-sarcoma", [SKG.SarcomatoidCarcinoma], SKG.Sarcoma),
    ("mfh-is-not-ups", [SKG.MalignantFibrousHistiocytoma], SKG.UndifferentiatedPleomorphicSarcoma),
    ("lesion-liver-is-not-lung-metastasis", "Liver", SKG.LungMetastasis),
    # a limb is a region: a lesion there is neither bone nor soft tissue until its tissue is recorded
    ("lesion-lower-limb-is-not-bone-metastasis", "LowerExtremity", SKG.BoneMetastasis),
    ("lesion-lower-limb-is-not-soft-tissue-metastasis", "LowerExtremity", SKG.SoftTissueMetastasis),
    ("lesion-upper-limb-is-not-bone-metastasis", "UpperExtremity", SKG.BoneMetastasis),
    ("lesion-knee-is-not-bone-metastasis", "Knee", SKG.BoneMetastasis),
    ("lesion-gluteal-region-is-not-soft-tissue-metastasis", "GlutealRegion", SKG.SoftTissueMetastasis),
    ("lesion-leptomeninges-is-not-serosal-metastasis", "Leptomeninges", SKG.SerosalMetastasis),
    ("lesion-thoracic-spine-is-not-a-spine-class", [SKG.ThoracicSpine], SKG.Spine),
    ("mfh-is-not-sts", [SKG.MalignantFibrousHistiocytoma], SKG.SoftTissueSarcoma),
]

#: A class made a subclass of two disjoint classes: must be reported unsatisfiable.
CONTRADICTORY_CLASSES = [
    ("sarcoma-and-carcinoma", [SKG.Leiomyosarcoma, SKG.SarcomatoidCarcinoma]),
    ("desmoid-and-sarcoma", [SKG.DesmoidTumour, SKG.Sarcoma]),
    ("lung-and-liver", [SKG.Lung, SKG.Liver]),
    ("surgery-and-radiotherapy", [SKG.Surgery, SKG.Radiotherapy]),
    ("soft-tissue-of-thigh-and-femur", [SKG.SoftTissueOfThigh, SKG.Femur]),
    ("limb-region-and-bone", [SKG.LowerExtremity, SKG.Bone]),
    ("dfsp-and-sarcoma", [SKG.DermatofibrosarcomaProtuberans, SKG.Sarcoma]),
    ("sft-and-sarcoma", [SKG.SolitaryFibrousTumour, SKG.Sarcoma]),
    ("chemoembolization-and-radiotherapy", [SKG.Chemoembolization, SKG.Radiotherapy]),
]


def add_probe(graph: Graph, name: str, sub, sup: URIRef | None) -> URIRef:
    probe = URIRef(PROBE + name)
    graph.add((probe, RDF.type, OWL.Class))
    supers = lesion_at(graph, sub) if isinstance(sub, str) else list(sub)
    if sup is not None:
        supers.append(complement(graph, sup))
    for s in supers:
        graph.add((probe, RDFS.subClassOf, s))
    return probe


@pytest.fixture(scope="module")
def probe_graph(ontology_graph):
    graph = Graph()
    graph += ontology_graph
    expected_unsat = set()
    for name, sub, sup in ENTAILED:
        expected_unsat.add(str(add_probe(graph, name, sub, sup)))
    for name, sub, sup in NOT_ENTAILED:
        add_probe(graph, name, sub, sup)
    for name, classes in CONTRADICTORY_CLASSES:
        expected_unsat.add(str(add_probe(graph, name, classes, None)))
    return graph, expected_unsat


@pytest.mark.parametrize("reasoner", reasoners.REASONERS)
def test_consistent_no_unsatisfiable_class_entailments_and_contradictions(probe_graph, reasoner):
    """One run per reasoner: the ontology plus the probes is consistent; the only unsatisfiable
    classes are the entailment probes and the deliberately contradictory classes, so no class of
    the ontology itself is unsatisfiable, every expected subsumption holds, every contradiction is
    caught, and the negative controls stay satisfiable."""
    graph, expected_unsat = probe_graph
    report = reasoners.check_consistency(graph, reasoner)
    assert report.consistent, report.message
    unsat = set(report.unsatisfiable)
    assert not any(not u.startswith(PROBE) for u in unsat), f"ontology classes unsatisfiable: {unsat}"
    missing = sorted(expected_unsat - unsat)
    unexpected = sorted(unsat - expected_unsat)
    assert missing == [], f"{reasoner} did not entail / did not catch: {missing}"
    assert unexpected == [], f"{reasoner} found unexpected unsatisfiable classes: {unexpected}"


def _with_individual(ontology_graph: Graph, types: list) -> Graph:
    graph = Graph()
    graph += ontology_graph
    individual = URIRef(PROBE + "individual")
    graph.add((individual, RDF.type, OWL.NamedIndividual))
    for t in types:
        node = t(graph) if callable(t) else t
        graph.add((individual, RDF.type, node))
    return graph


@pytest.mark.parametrize("reasoner", reasoners.REASONERS)
def test_individual_in_two_disjoint_classes_is_caught(ontology_graph, reasoner):
    graph = _with_individual(ontology_graph, [SKG.Leiomyosarcoma, SKG.SarcomatoidCarcinoma])
    report = reasoners.check_consistency(graph, reasoner)
    assert not report.consistent
    assert reasoner in report.message


@pytest.mark.parametrize("reasoner", reasoners.REASONERS)
def test_lesion_at_thoracic_spine_is_a_bone_metastasis(ontology_graph, reasoner):
    # Declaring such a lesion 'not a bone metastasis' must contradict the ontology.
    graph = _with_individual(
        ontology_graph,
        [SKG.MetastaticLesion,
         lambda g: restriction(g, SKG.hasSite, SKG.ThoracicSpine),
         lambda g: complement(g, SKG.BoneMetastasis)],
    )
    assert not reasoners.check_consistency(graph, reasoner).consistent
    # (The negative control, a lesion in the liver not being a lung metastasis, is a class probe.)


# --- OWL 2 DL profile (OWL API profile checker, through `pellet info`) ------------------------------

def test_ontology_and_knowledge_base_are_owl2_dl(knowledge_graph):
    from sarcoma_kg.reasoning.profile import owl_profile

    profile = owl_profile(knowledge_graph)
    assert profile.is_dl, profile.text


def test_a_non_dl_axiom_is_caught_by_the_profile_check(ontology_graph):
    # A cardinality restriction on a transitive (non-simple) property breaks OWL 2 DL.
    from rdflib import Literal
    from rdflib.namespace import XSD

    from sarcoma_kg.reasoning.profile import owl_profile

    graph = Graph()
    graph += ontology_graph
    node = BNode()
    graph.add((node, RDF.type, OWL.Restriction))
    graph.add((node, OWL.onProperty, SKG.partOf))
    graph.add((node, OWL.minCardinality, Literal(2, datatype=XSD.nonNegativeInteger)))
    graph.add((SKG.Pelvis, RDFS.subClassOf, node))
    profile = owl_profile(graph)
    assert not profile.is_dl
    assert profile.profile == "OWL 2"

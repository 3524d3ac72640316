"""The term modules: coverage of the seeds, the contract's term IRIs, real hierarchies, the
organ-level counting rule, and OWL 2 DL hygiene (declared properties, HermiT-safe datatypes)."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from sarcoma_kg import resources
from sarcoma_kg.namespaces import ONTOLOGY_IRI, SKG

# Every subtype, site and modality word of the four seeds -> the term that carries it as its label
# or an altLabel. The word must occur in a seed (checked), so the table cannot drift from the seeds.
SEED_WORDS = [
    # sarcoma subtypes and related tumours
    ("sarcoma", "Sarcoma"), ("Soft tissue sarcoma", "SoftTissueSarcoma"), ("STS", "SoftTissueSarcoma"),
    ("mesenchymal neoplasms", None),
    ("leiomyosarcoma", "Leiomyosarcoma"), ("LMS", "Leiomyosarcoma"), ("GI LMS", "GastrointestinalLeiomyosarcoma"),
    ("liposarcoma", "Liposarcoma"), ("LPS", "Liposarcoma"),
    ("undifferentiated pleiomorphic sarcoma", "UndifferentiatedPleomorphicSarcoma"),
    ("MFH", "MalignantFibrousHistiocytoma"), ("synovial sarcoma", "SynovialSarcoma"),
    ("angiosarcoma", "Angiosarcoma"), ("myxofibrosarcoma", "Myxofibrosarcoma"),
    ("Epithelioid Hemangioendothelic", None),  # OCR-truncated in seed 000
    ("hemangiopericytoma", "Hemangiopericytoma"), ("FS", "Fibrosarcoma"),
    ("DFSP", "DermatofibrosarcomaProtuberans"), ("desmoid tumor", "DesmoidTumour"), ("desmoid", "DesmoidTumour"),
    ("EAD", "ExtraAbdominalDesmoidTumour"), ("extra-abdominal desmoid tumors", None),
    ("gastrointestinal stromal tumor", "GastrointestinalStromalTumour"), ("GIST", "GastrointestinalStromalTumour"),
    ("stromal tumor", "GastrointestinalStromalTumour"),
    ("retroperitoneal sarcoma", "RetroperitonealSarcoma"), ("RPS", "RetroperitonealSarcoma"),
    ("bone sarcoma", "BoneSarcoma"), ("osteosarcoma", "Osteosarcoma"), ("OGS", "Osteosarcoma"),
    ("Fibroblastic", None), ("Osteoblastic", None),  # osteosarcoma subtypes (Yevich table)
    ("Chondroblastic", None), ("Anaplastic", None),
    ("chondrosarcoma", "Chondrosarcoma"), ("ChSA", "Chondrosarcoma"), ("Ewing sarcoma", "EwingSarcoma"),
    ("ES", "EwingSarcoma"), ("chordoma", "Chordoma"), ("mGCT", "MalignantGiantCellTumourOfBone"),
    ("sarcomatoid carcinoma", "SarcomatoidCarcinoma"), ("hepatocellular carcinoma", "HepatocellularCarcinoma"),
    ("colorectal cancer", "ColorectalCarcinoma"),
    # sites
    ("lung", "Lung"), ("pulmonary", "Lung"), ("Right lung", "RightLung"), ("liver", "Liver"), ("hepatic", "Liver"),
    ("bone", "Bone"), ("spine", "Spine"), ("Thoracic spine", "ThoracicSpine"), ("Lumbar spine", "LumbarSpine"),
    ("Lumbar", "LumbarSpine"), ("Sacrum", "Sacrum"), ("Pelvis", "Pelvis"), ("Ilium", "Ilium"),
    ("Acetabulum", "Acetabulum"), ("Ischium", "Ischium"), ("Femur", "Femur"), ("Tibia", "Tibia"),
    ("Humerus", "Humerus"), ("Rib", "Rib"), ("Scapula", "Scapula"), ("Cranium", "Cranium"),
    ("Upper Extremity", "UpperExtremity"), ("Upper Extremity/shoulder", "UpperExtremity"), ("knee", "Knee"),
    ("Soft tissues", "SoftTissue"), ("gluteal", "GlutealRegion"), ("brain", "Brain"),
    ("lymph node", "LymphNode"), ("pleural", "Pleura"), ("pericardial", "Pericardium"),
    ("peritoneal", "Peritoneum"), ("leptomeningeal", "Leptomeninges"), ("diffuse organ", "DiffuseOrgan"),
    ("Small bowel", "SmallBowel"), ("Stomach", "Stomach"), ("Colon", "Colon"), ("Rectum", "Rectum"),
    ("Kidney", "Kidney"), ("Abdomen", "Abdomen"), ("abdominal cavity", "Abdomen"), ("chest", "Thorax"),
    ("retroperitoneal", None), ("skin", "Skin"),
    # metastases by site
    ("lung metastases", None), ("Pulmonary metastases", None), ("liver metastases", None),
    ("lymph node metastases", None), ("peritoneal metastasis", "PeritonealMetastasis"),
    ("peritoneal seeding", "PeritonealMetastasis"),
    # modalities
    ("metastasectomy", "Metastasectomy"), ("surgical metastasectomy", "Metastasectomy"),
    ("Pulmonary metastasectomy", "PulmonaryMetastasectomy"), ("hepatic metastasectomy", "HepaticMetastasectomy"),
    ("Remetastasectomy", "Remetastasectomy"), ("hepatectomy", "Hepatectomy"), ("liver resection", "Hepatectomy"),
    ("major hepatectomy", "MajorHepatectomy"), ("complex hepatectomies", None),
    ("parenchyma-sparing resection", "ParenchymalSparingHepatectomy"),
    ("Parenchymal-sparing hepatectomy", "ParenchymalSparingHepatectomy"),
    ("Minimally invasive liver resections", None),
    ("laparoscopic", None), ("robotic", None),
    ("joint-preserving transepiphysis tumor resection", "JointPreservingResection"),
    ("Thoracotomies", None), ("surgery", "Surgery"), ("surgical resection", "Surgery"),
    ("MLT", "LocalTherapy"), ("Metastases local therapy", "LocalTherapy"), ("focal therapy", "LocalTherapy"),
    ("local ablative treatment", "LocalTherapy"),
    ("thermal ablation", "ThermalAblation"), ("Percutaneous thermal ablation", "ThermalAblation"),
    ("radiofrequency ablation", "RadiofrequencyAblation"), ("RFA", "RadiofrequencyAblation"),
    ("microwave ablation", "MicrowaveAblation"), ("MWA", "MicrowaveAblation"), ("microwaves ablation", "MicrowaveAblation"),
    ("cryoablation", "Cryoablation"), ("Cryo", "Cryoablation"), ("cryotherapy", "Cryoablation"),
    ("HIFU", "HighIntensityFocusedUltrasound"),
    ("mal protection", None), ("Hydrodissection", "Hydrodissection"),  # OCR: "[ther]mal protection"
    ("radiotherapy", "Radiotherapy"), ("radiation therapy", "Radiotherapy"),
    ("stereotactic body radiation therapy", "StereotacticBodyRadiotherapy"), ("SBRT", "StereotacticBodyRadiotherapy"),
    ("SABR", "StereotacticBodyRadiotherapy"), ("stereotactic ablative radiotherapy", "StereotacticBodyRadiotherapy"),
    ("stereotactic radiosurgery", "StereotacticRadiosurgery"), ("SRS", "StereotacticRadiosurgery"),
    ("spine radiosurgery", "StereotacticRadiosurgery"), ("single-fraction SRS", "SingleFractionStereotacticRadiosurgery"),
    ("multifraction SRS", "MultiFractionStereotacticRadiosurgery"),
    ("hypofractionated RT", "HypofractionatedRadiotherapy"),
    ("bland embolization", "BlandEmbolization"), ("TAE", "BlandEmbolization"),
    ("chemoembolization", "Chemoembolization"), ("TACE", "Chemoembolization"),
    ("radioembolization", "Radioembolization"), ("TARE", "Radioembolization"), ("Yttrium-90", None),
    ("systemic therapy", "SystemicTherapy"), ("systemic treatment", "SystemicTherapy"),
    ("chemotherapy", "Chemotherapy"), ("Preoperative chemotherapy", "PreoperativeChemotherapy"),
    ("induction chemotherapy", "PreoperativeChemotherapy"), ("neoadjuvant chemotherapy", "PreoperativeChemotherapy"),
    ("adjuvant chemotherapy", "AdjuvantChemotherapy"), ("Adriamycin-based chemotherapy", "AnthracyclineBasedChemotherapy"),
    ("gemcitabine plus docetaxel", "GemcitabineDocetaxelChemotherapy"),
    ("targeted systemic therapy", "TargetedTherapy"), ("immunotherapy", "Immunotherapy"), ("chemoradiation", "Chemoradiotherapy"),
    ("biopsy", "Biopsy"), ("core needle biopsy", "CoreNeedleBiopsy"),
    ("percutaneous core needle biopsy", "CoreNeedleBiopsy"),
    ("contrast-enhanced CT", "ContrastEnhancedCT"), ("MRI", "MagneticResonanceImaging"),
    ("Hepatic MRI", "MagneticResonanceImaging"), ("18F-FDG-PET/CT", "FDGPETCT"), ("FDG PET", None),
    ("abdominal ultrasound", "Ultrasound"), ("physical examination", "PhysicalExamination"),
    ("multidisciplinary tumor board", "MultidisciplinaryTumourBoard"),
    ("multidisciplinary meeting", "MultidisciplinaryTumourBoard"),
    ("multidisciplinary discussion", "MultidisciplinaryTumourBoard"), ("tumour board", "MultidisciplinaryTumourBoard"),
    # agents
    ("anthracycline", "Anthracycline"), ("doxorubicin", "Doxorubicin"), ("Adriamycin", "Doxorubicin"),
    ("alkylating agent", "AlkylatingAgent"), ("ifosfamide", "Ifosfamide"), ("dacarbazine", "Dacarbazine"),
    ("gemcitabine", "Gemcitabine"), ("docetaxel", "Docetaxel"), ("cisplatin", "Cisplatin"),
    ("tyrosine kinase inhibitor", "TyrosineKinaseInhibitor"), ("TKI", "TyrosineKinaseInhibitor"),
    ("kinase inhibitor", "TyrosineKinaseInhibitor"), ("imatinib", "Imatinib"), ("imatinib mesylate", "Imatinib"),
    ("monoclonal antibodies", "MonoclonalAntibody"),
]

# Seed words whose term is named differently (word -> IRI), for words that are not a label.
SEED_WORDS_BY_MEANING = {
    "mesenchymal neoplasms": "MesenchymalNeoplasm", "extra-abdominal desmoid tumors": "ExtraAbdominalDesmoidTumour",
    "retroperitoneal": "Retroperitoneum", "lung metastases": "LungMetastasis",
    "Pulmonary metastases": "LungMetastasis", "Epithelioid Hemangioendothelic": "EpithelioidHemangioendothelioma",
    "Fibroblastic": "FibroblasticOsteosarcoma", "Osteoblastic": "OsteoblasticOsteosarcoma",
    "Chondroblastic": "ChondroblasticOsteosarcoma", "Anaplastic": "AnaplasticOsteosarcoma",
    "Minimally invasive liver resections": "MinimallyInvasiveHepatectomy", "liver metastases": "LiverMetastasis",
    "lymph node metastases": "LymphNodeMetastasis", "complex hepatectomies": "ComplexHepatectomy",
    "laparoscopic": "LaparoscopicHepatectomy", "robotic": "RoboticHepatectomy", "Thoracotomies": "Thoracotomy",
    "mal protection": "ThermalProtection", "Yttrium-90": "Radioembolization", "FDG PET": "FDGPETCT",
}

MODULE_ROOTS = {
    "histology": SKG.Neoplasm, "anatomy": SKG.AnatomicalSite, "modality": SKG.Intervention,
    "agents": SKG.AntineoplasticAgent, "metastasis": SKG.MetastaticLesion,
}


def names(graph, node) -> set[str]:
    return {str(v).lower() for p in (RDFS.label, SKOS.altLabel) for v in graph.objects(node, p)}


def superclasses(graph, cls) -> set:
    return set(graph.transitive_objects(cls, RDFS.subClassOf))


def named_classes(graph) -> set:
    return {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}


@pytest.mark.parametrize("word,iri", SEED_WORDS, ids=[w for w, _ in SEED_WORDS])
def test_seed_word_has_a_term(word, iri, seed_text, ontology_graph):
    assert re.search(r"(?<![A-Za-z])" + re.escape(word) + r"(?![A-Za-z])", seed_text, re.IGNORECASE), \
        f"{word!r} is not in the seeds: fix the table"
    term = SKG[iri or SEED_WORDS_BY_MEANING[word]]
    assert (term, RDF.type, OWL.Class) in ontology_graph, f"{term} is not a class"
    assert list(ontology_graph.objects(term, RDFS.label)), f"{term} has no label"
    if iri:
        assert word.lower() in names(ontology_graph, term), f"{word!r} is not a label or altLabel of {term}"


def _contract_terms() -> dict[str, list[str]]:
    """The term IRIs docs/model.md promises, per module (section 'Term IRIs every module may rely on')."""
    text = (resources.ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    section = text.split("## Term IRIs every module may rely on", 1)[1].split("\n## ", 1)[0]
    found: dict[str, list[str]] = {}
    for paragraph in section.split("\n\n"):
        match = re.match(r"\s*(Histology|Anatomy|Modalities|Agents)", paragraph)
        if match:
            module = {"Histology": "histology", "Anatomy": "anatomy", "Modalities": "modality",
                      "Agents": "agents"}[match.group(1)]
            for line in paragraph.split("\n"):
                if line.strip().startswith("Agents"):
                    module = "agents"
                found.setdefault(module, []).extend(
                    n for n in re.findall(r"skg:([A-Za-z0-9]+)", line)
                    if n not in ("Neoplasm", "AnatomicalSite", "Intervention", "AntineoplasticAgent"))
    return found


def test_contract_lists_terms():
    found = _contract_terms()
    assert set(found) == {"histology", "anatomy", "modality", "agents"}
    assert "Leiomyosarcoma" in found["histology"] and "Imatinib" in found["agents"]


@pytest.mark.parametrize("module", ["histology", "anatomy", "modality", "agents"])
def test_every_contract_term_is_a_class_of_its_module(module, module_graphs):
    graph = module_graphs[module]
    missing = [n for n in _contract_terms()[module] if (SKG[n], RDF.type, OWL.Class) not in graph]
    assert missing == []


@pytest.mark.parametrize("module", sorted(MODULE_ROOTS))
def test_every_class_of_a_module_is_under_its_root(module, module_graphs, ontology_graph):
    root = MODULE_ROOTS[module]
    for cls in named_classes(module_graphs[module]):
        supers = superclasses(ontology_graph, cls)
        if module == "metastasis":
            assert list(ontology_graph.objects(cls, OWL.equivalentClass)), f"{cls} is not a defined class"
            continue
        assert root in supers, f"{cls} is not under {root}"


@pytest.mark.parametrize("sub,sup", [
    ("Leiomyosarcoma", "SoftTissueSarcoma"), ("SoftTissueSarcoma", "Sarcoma"), ("Sarcoma", "Neoplasm"),
    ("DedifferentiatedLiposarcoma", "Liposarcoma"), ("AnaplasticOsteosarcoma", "Osteosarcoma"),
    ("Osteosarcoma", "BoneSarcoma"), ("GastrointestinalStromalTumour", "SoftTissueSarcoma"),
    ("SarcomatoidCarcinoma", "Carcinoma"), ("Hemangiopericytoma", "SoftTissueSarcoma"),
    ("MalignantFibrousHistiocytoma", "Sarcoma"), ("DermatofibrosarcomaProtuberans", "IntermediateMesenchymalNeoplasm"),
    ("SolitaryFibrousTumour", "IntermediateMesenchymalNeoplasm"), ("DesmoidTumour", "IntermediateMesenchymalNeoplasm"),
    ("ThoracicSpine", "Bone"), ("Spine", "Bone"), ("Ilium", "Bone"), ("RightLung", "Lung"),
    ("Pleura", "SerosalSite"), ("SerosalSite", "DiffuseOrgan"), ("Leptomeninges", "DiffuseOrgan"),
    ("Femur", "BoneOfLowerLimb"), ("Humerus", "BoneOfUpperLimb"), ("SoftTissueOfThigh", "SoftTissue"),
    ("SoftTissueOfGlutealRegion", "SoftTissue"), ("LowerExtremity", "BodyRegion"), ("UpperExtremity", "BodyRegion"),
    ("GlutealRegion", "BodyRegion"), ("Knee", "BodyRegion"), ("Radioembolization", "Radiotherapy"),
    ("LaparoscopicHepatectomy", "Hepatectomy"), ("HepaticMetastasectomy", "Metastasectomy"),
    ("Cryoablation", "ThermalAblation"), ("StereotacticBodyRadiotherapy", "Radiotherapy"),
    ("Radioembolization", "LiverDirectedIntraArterialTherapy"), ("Hydrodissection", "ThermalProtection"),
    ("CoreNeedleBiopsy", "Biopsy"), ("FDGPETCT", "Imaging"), ("Imatinib", "TyrosineKinaseInhibitor"),
])
def test_asserted_is_a(sub, sup, ontology_graph):
    assert SKG[sup] in superclasses(ontology_graph, SKG[sub])


@pytest.mark.parametrize("sub,not_sup", [
    ("DesmoidTumour", "Sarcoma"), ("SarcomatoidCarcinoma", "Sarcoma"), ("RightLobeOfLiver", "Liver"),
    ("Acetabulum", "Pelvis"), ("EwingSarcoma", "SoftTissueSarcoma"),
    # parts are not kinds: the thoracic spine is part of the spine, the acetabulum part of the pelvis
    ("ThoracicSpine", "Spine"), ("LumbarSpine", "Spine"), ("Acetabulum", "Bone"),
    # a limb or the buttock is a region, not a tissue
    ("LowerExtremity", "Bone"), ("UpperExtremity", "Bone"), ("Knee", "Bone"), ("GlutealRegion", "SoftTissue"),
    ("Leptomeninges", "SerosalSite"), ("DermatofibrosarcomaProtuberans", "Sarcoma"),
    ("SolitaryFibrousTumour", "Sarcoma"), ("MalignantFibrousHistiocytoma", "SoftTissueSarcoma"),
])
def test_no_false_is_a(sub, not_sup, ontology_graph):
    assert SKG[not_sup] not in superclasses(ontology_graph, SKG[sub])


def _part_of(graph, cls) -> set:
    return {graph.value(r, OWL.someValuesFrom) for r in graph.objects(cls, RDFS.subClassOf)
            if graph.value(r, OWL.onProperty) == SKG.partOf}


@pytest.mark.parametrize("part,whole", [
    ("RightLobeOfLiver", "Liver"), ("LeftLobeOfLiver", "Liver"), ("Acetabulum", "Pelvis"), ("Ilium", "Pelvis"),
    ("Ischium", "Pelvis"), ("Sacrum", "Spine"), ("Sacrum", "Pelvis"), ("Humerus", "UpperExtremity"),
    ("ThoracicSpine", "Spine"), ("LumbarSpine", "Spine"), ("Femur", "Thigh"), ("SoftTissueOfThigh", "Thigh"),
    ("Thigh", "LowerExtremity"), ("Knee", "LowerExtremity"), ("SoftTissueOfGlutealRegion", "GlutealRegion"),
])
def test_part_of(part, whole, ontology_graph):
    assert SKG[whole] in _part_of(ontology_graph, SKG[part])


def test_every_site_has_one_organ_level_site_which_is_organ_level(module_graphs, ontology_graph):
    """Every site with a tissue has one organ-level site; a body region (a limb, the buttock) has
    none, because a lesion there is counted as bone or soft tissue only once its tissue is known."""
    anatomy = module_graphs["anatomy"]
    for site in named_classes(anatomy):
        targets = list(ontology_graph.objects(site, SKG.organLevelSite))
        if SKG.BodyRegion in superclasses(ontology_graph, site) | {site}:
            assert targets == [], f"{site} is a body region but is counted as {targets}"
            continue
        assert len(targets) == 1, f"{site}: {targets}"
        target = targets[0]
        assert (target, SKG.organLevelSite, target) in ontology_graph, f"{target} is not organ-level"
        assert target == site or target in superclasses(ontology_graph, site) | _part_of(ontology_graph, site) \
            or any(target in superclasses(ontology_graph, w) for w in _part_of(ontology_graph, site)), \
            f"{site} counted as {target}, which is neither itself, a superclass nor a whole it is part of"


@pytest.mark.parametrize("site,organ", [
    ("ThoracicSpine", "Bone"), ("Sacrum", "Bone"), ("Ilium", "Bone"), ("Acetabulum", "Bone"), ("Cranium", "Bone"),
    ("Humerus", "Bone"), ("Rib", "Bone"), ("RightLung", "Lung"), ("LeftLung", "Lung"),
    ("RightLobeOfLiver", "Liver"), ("LeftLobeOfLiver", "Liver"), ("Pleura", "Pleura"),
    ("Peritoneum", "Peritoneum"), ("Pericardium", "Pericardium"), ("Leptomeninges", "Leptomeninges"),
    ("SoftTissueOfGlutealRegion", "SoftTissue"), ("Lung", "Lung"), ("Liver", "Liver"), ("Brain", "Brain"),
    ("SoftTissueOfThigh", "SoftTissue"), ("SoftTissueOfUpperLimb", "SoftTissue"), ("Femur", "Bone"),
    ("BoneOfLowerLimb", "Bone"), ("Tibia", "Bone"), ("Scapula", "Bone"), ("LumbarSpine", "Bone"),
])
def test_organ_level_site(site, organ, ontology_graph):
    assert ontology_graph.value(SKG[site], SKG.organLevelSite) == SKG[organ]


@pytest.mark.parametrize("region", ["LowerExtremity", "UpperExtremity", "Thigh", "Knee", "GlutealRegion"])
def test_a_body_region_is_not_counted_as_an_organ_site(region, ontology_graph):
    assert ontology_graph.value(SKG[region], SKG.organLevelSite) is None


def test_every_term_block_is_complete(module_graphs):
    """Exactly one label@en, one definition@en, isDefinedBy the ontology, for every term we own."""
    for module, graph in module_graphs.items():
        terms = {s for s in graph.subjects(RDF.type, None)
                 if isinstance(s, URIRef) and str(s).startswith(str(SKG)) and "/" not in str(s)[len(str(SKG)):]}
        assert terms, module
        for term in terms:
            labels = list(graph.objects(term, RDFS.label))
            definitions = list(graph.objects(term, SKOS.definition))
            assert len(labels) == 1 and labels[0].language == "en", (module, term, labels)
            assert len(definitions) == 1 and definitions[0].language == "en", (module, term)
            assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph, (module, term)


def test_uncertain_readings_are_marked(ontology_graph):
    # The garbled 'CO2 dissection' column of Vaswani's table is recorded as uncertain, with a note.
    assert ontology_graph.value(SKG.CarbonDioxideDissection, SKG.readingUncertain) == Literal(True)
    assert ontology_graph.value(SKG.CarbonDioxideDissection, SKG.curationNote) is not None
    notes = " ".join(str(n) for n in ontology_graph.objects(None, SKOS.editorialNote))
    for unread in ("pOGS", "'PS'", "'Meso'", "Indeterminate"):
        assert unread in notes, f"no editorial note records the unread abbreviation {unread}"


# --- OWL 2 DL hygiene -----------------------------------------------------------------------------

BUILTIN = {str(RDF), str(RDFS), str(OWL), str(XSD)}  # xsd: only as datatype-restriction facets


def test_every_predicate_is_declared(ontology_graph):
    """OWL 2 DL: every property used is declared (builtin RDF/RDFS/OWL vocabulary excepted)."""
    declared = {s for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                for s in ontology_graph.subjects(RDF.type, t)}
    undeclared = {p for p in ontology_graph.predicates()
                  if p not in declared and not any(str(p).startswith(b) for b in BUILTIN)}
    assert undeclared == set()


def test_restrictions_use_declared_classes_and_object_properties(module_graphs, ontology_graph):
    classes = named_classes(ontology_graph)
    object_properties = set(ontology_graph.subjects(RDF.type, OWL.ObjectProperty))
    for graph in module_graphs.values():
        for restriction in graph.subjects(RDF.type, OWL.Restriction):
            assert graph.value(restriction, OWL.onProperty) in object_properties
            filler = graph.value(restriction, OWL.someValuesFrom)
            assert filler is None or not isinstance(filler, URIRef) or filler in classes, filler


def test_no_hermit_unsafe_datatypes(knowledge_graph):
    """HermiT accepts only the OWL 2 datatype map: no xsd:date or xsd:gYear in ontology/ or kb/."""
    bad = {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.time}
    found = {(s, p, o) for s, p, o in knowledge_graph if isinstance(o, Literal) and o.datatype in bad}
    assert found == set()

"""Structure of the knowledge taken from seeds 000, 001 and 004 (the lecture and its sources): IRIs, provenance, required fields."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from sarcoma_kg.namespaces import SKG, SOURCE, STUDY


FIXED_STUDIES = [
    "DeBaereLungRFA", "Yevich2016", "Bourgouin2022", "Koelblinger2014", "NakamuraLungRFA", "PalussiereLungRFA",
    "SatoLungRFA", "SaumetLungRFA", "GravelLungAblation", "Falk2015", "Hakime2013", "JonesLiverRFA", "JungLiverRFA",
    "Vaswani2018", "Navarria2015", "Folkert2014",
]
THOMPSON_ROWS = [
    "Li2015Cryoablation", "Li2015MWA", "Saumet2015", "Yu2015", "Kurup2012", "Chen2010", "Li2010", "Fan2016",
    "Schmitz2016", "Jiongyuan2014", "Havez2014", "Yamakado2014", "Littrup2013",
]
PUBLICATIONS = [
    "Thompson2017", "Bourcier2019", "Bonvalot2024", "FilippiadisLecture", "RadiotherapyReview", "Gangi2010",
    "DeSouza2017", "Demetri2002",
]


def _studies(g):
    return sorted(set(g.subjects(RDF.type, SKG.Study)))


def _outcomes(g):
    return sorted(set(g.subjects(RDF.type, SKG.OutcomeMeasurement)))


def test_no_blank_nodes(lecture_graph):
    blank = [t for t in lecture_graph if any(isinstance(x, BNode) for x in t)]
    assert blank == []


@pytest.mark.parametrize("local", FIXED_STUDIES + THOMPSON_ROWS)
def test_fixed_study_iris_are_studies(lecture_graph, local):
    assert (STUDY[local], RDF.type, SKG.Study) in lecture_graph


@pytest.mark.parametrize("local", PUBLICATIONS)
def test_reviews_and_cited_papers_are_publications_not_studies(lecture_graph, local):
    assert (STUDY[local], RDF.type, SKG.Publication) in lecture_graph
    assert (STUDY[local], RDF.type, SKG.Study) not in lecture_graph
    # skg:hasDesign / skg:hasOutcome have domain skg:Study: using them would make a reasoner infer a study
    assert not set(lecture_graph.objects(STUDY[local], SKG.hasDesign))
    assert not set(lecture_graph.objects(STUDY[local], SKG.hasOutcome))


@pytest.mark.parametrize("local", THOMPSON_ROWS)
def test_thompson_rows_are_reported_in_the_review(lecture_graph, local):
    assert (STUDY[local], SKG.reportedIn, STUDY.Thompson2017) in lecture_graph


def test_every_study_has_label_first_author_and_provenance(lecture_graph):
    problems = []
    for s in _studies(lecture_graph):
        labels = list(lecture_graph.objects(s, RDFS.label))
        if len(labels) != 1 or labels[0].language != "en":
            problems.append((s, "label"))
        if not list(lecture_graph.objects(s, SKG.firstAuthor)):
            problems.append((s, "firstAuthor"))
        if not list(lecture_graph.objects(s, PROV.wasDerivedFrom)) or not list(lecture_graph.objects(s, SKG.sourceQuote)):
            problems.append((s, "provenance"))
        years = list(lecture_graph.objects(s, SKG.publicationYear))
        no_year = (s, SKG.yearNotStatedInSeeds, Literal(True)) in lecture_graph
        if len(years) + int(no_year) != 1:
            problems.append((s, "year xor yearNotStatedInSeeds"))
    assert problems == []
    assert len(_studies(lecture_graph)) == len(FIXED_STUDIES) + len(THOMPSON_ROWS)


def test_every_outcome_has_measure_unit_value_and_provenance(lecture_graph):
    problems = []
    for o in _outcomes(lecture_graph):
        for prop in (SKG.measure, SKG.unit, SKG.sourceQuote, RDFS.label):
            if len(list(lecture_graph.objects(o, prop))) != 1:
                problems.append((o, prop))
        if not list(lecture_graph.objects(o, PROV.wasDerivedFrom)):  # a figure printed twice has two sources
            problems.append((o, PROV.wasDerivedFrom))
        if not (set(lecture_graph.objects(o, SKG.value)) or set(lecture_graph.objects(o, SKG.valueText))):
            problems.append((o, "value or valueText"))
        if len(set(lecture_graph.subjects(SKG.hasOutcome, o))) != 1:
            problems.append((o, "exactly one study has it"))
    assert problems == []
    assert len(_outcomes(lecture_graph)) > 200


def test_numbers_have_hermit_safe_datatypes(lecture_graph):
    from rdflib.namespace import XSD
    decimal_props = [SKG.value, SKG.standardError, SKG.ciLower, SKG.ciUpper, SKG.rangeLower, SKG.rangeUpper,
                     SKG.pValue, SKG.timepointMonths]
    integer_props = [SKG.numberOfPatients, SKG.numberOfLesions, SKG.numerator, SKG.denominator,
                     SKG.publicationYear, SKG.referenceNumber]
    wrong = [(s, p, o) for p in decimal_props for s, o in lecture_graph.subject_objects(p) if o.datatype != XSD.decimal]
    wrong += [(s, p, o) for p in integer_props for s, o in lecture_graph.subject_objects(p) if o.datatype != XSD.integer]
    forbidden = {XSD.date, XSD.gYear}
    wrong += [t for t in lecture_graph if isinstance(t[2], Literal) and t[2].datatype in forbidden]
    assert wrong == []


def test_provenance_points_to_source_sections_of_seed_documents(lecture_with_ontology):
    g = lecture_with_ontology
    sections = set(g.objects(None, PROV.wasDerivedFrom))
    assert sections
    for sec in sections:
        assert (sec, RDF.type, SKG.SourceSection) in g, sec
        docs = list(g.objects(sec, SKG.inDocument))
        assert len(docs) == 1 and (docs[0], RDF.type, SKG.SourceDocument) in g, sec
        assert len(list(g.objects(sec, RDFS.label))) == 1, sec


def test_arms_and_outcomes_link_consistently(lecture_graph):
    for o, arm in lecture_graph.subject_objects(SKG.inArm):
        study = next(lecture_graph.subjects(SKG.hasOutcome, o))
        assert (study, SKG.hasArm, arm) in lecture_graph, (o, arm)
        assert (arm, RDF.type, SKG.StudyArm) in lecture_graph
    for arm in lecture_graph.subjects(RDF.type, SKG.StudyArm):
        assert list(lecture_graph.objects(arm, SKG.armLabel)), arm
        assert list(lecture_graph.objects(arm, PROV.wasDerivedFrom)), arm


def test_uncertain_readings_are_explained(lecture_graph):
    flagged = set(lecture_graph.subjects(SKG.readingUncertain, Literal(True)))
    assert flagged, "the seeds have garbled cells: some readings must be flagged"
    assert [s for s in flagged if not list(lecture_graph.objects(s, SKG.curationNote))] == []


def test_quotes_and_verbatim_values_occur_in_the_seeds(lecture_graph, seed_texts):
    """Every skg:sourceQuote and skg:valueText is verbatim text of a seed (whitespace collapsed)."""
    corpus = " ".join(seed_texts.values())
    missing = [
        (s, p, str(o)) for p in (SKG.sourceQuote, SKG.valueText) for s, o in lecture_graph.subject_objects(p)
        if " ".join(str(o).split()) not in corpus
    ]
    assert missing == []


def test_every_skg_term_used_is_defined_in_the_ontology(lecture_graph, ontology_graph):
    used = {o for o in lecture_graph.objects() if isinstance(o, URIRef) and o.startswith(str(SKG))
            and "/" not in o[len(str(SKG)):]}
    used |= {p for p in lecture_graph.predicates() if p.startswith(str(SKG))}
    undefined = sorted(u for u in used if (u, RDF.type, None) not in ontology_graph)
    assert undefined == []


def test_study_only_sections_are_not_redefined_here(lecture_graph):
    # sources.ttl (foundation) owns these; redefining them would duplicate their labels
    for owned in (SOURCE["seed000-falk"], SOURCE["seed000-defining-terms"], SOURCE["seed003-references"]):
        assert (owned, RDF.type, SKG.SourceSection) not in lecture_graph
        assert not list(lecture_graph.objects(owned, RDFS.label))


def test_all_nodes_are_named_individuals(lecture_graph):
    typed = set(lecture_graph.subjects(RDF.type, None))
    assert [s for s in typed if (s, RDF.type, OWL.NamedIndividual) not in lecture_graph] == []

"""ontology/mappings/clinical-codes.sssom.tsv: the SNOMED CT and ICD-O-3 codes by which patient records name
sarcoma-kg terms. Each SNOMED CT row's code and label must stand together on the line of the mCODE source it
cites; each ICD-O-3 row quotes, for every page it cites, the text read there, which holds its code and label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from sarcoma_kg import resources
from sarcoma_kg.namespaces import SKG
from sarcoma_kg.release import qc

CLINICAL_CODES = resources.MAPPINGS_FILE.parent / "clinical-codes.sssom.tsv"
FSH_COPIES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir" / "mcode" / "fsh"
COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "object_source", "see_also", "comment"]
SOURCE = re.compile(r"github:HL7/fhir-mCODE-ig@543477b5 input/fsh/(\w+\.fsh) line (\d+) \(([^)]+)\)")
SNOMED, ICDO3 = "http://snomed.info/sct", "http://terminology.hl7.org/CodeSystem/icd-o-3"
#: An ICD-O-3 source in words: the page named, its address, and the text read there.
PAGE = re.compile(r"(?P<name>[^|]+), page (?P<url>https?://\S+): (?P<read>.+)")
MORPHOLOGY, TOPOGRAPHY = re.compile(r"\d{4}/\d"), re.compile(r"C\d{2}\.\d")
#: The sources, in words, end the comment of each row; see_also holds them as permalinks.
VERIFIED_IN = "Source of verification: "


def rows() -> list[dict[str, str]]:
    lines = [ln for ln in CLINICAL_CODES.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    assert header == COLUMNS
    return [dict(zip(header, ln.split("\t"))) for ln in lines[1:]]


ROWS = rows()
SNOMED_ROWS = [r for r in ROWS if r["object_source"] == SNOMED]
ICDO3_ROWS = [r for r in ROWS if r["object_source"] == ICDO3]


def test_rows_load_as_triples_with_expanded_curies():
    graph = qc.load_mappings(CLINICAL_CODES)
    assert len(graph) == len(ROWS) == len(SNOMED_ROWS) + len(ICDO3_ROWS)
    assert len(SNOMED_ROWS) == 25 and len(ICDO3_ROWS) == 17
    assert (SKG.Lung, SKOS.exactMatch, URIRef("http://snomed.info/id/39607008")) in graph
    assert (SKG.Leiomyosarcoma, SKOS.exactMatch, URIRef(ICDO3 + "/8890/3")) in graph
    assert (SKG.Lung, SKOS.exactMatch, URIRef(ICDO3 + "/C34.9")) in graph


@pytest.mark.parametrize("row", SNOMED_ROWS, ids=lambda r: f"{r['subject_id']}-{r['object_id']}")
def test_each_row_cites_a_line_showing_code_and_label_together(row):
    assert row["mapping_justification"] == "semapv:ManualMappingCuration"
    code = row["object_id"].removeprefix("SNOMEDCT:")
    assert code.isdigit()
    sources = row["comment"].rpartition(VERIFIED_IN)[2].split(" | ")
    assert sources and all(SOURCE.fullmatch(s) for s in sources), row["comment"]
    permalinks = [f"https://github.com/HL7/fhir-mCODE-ig/blob/543477b5/input/fsh/{f}#L{n}"
                  for f, n, _ in (SOURCE.fullmatch(s).groups() for s in sources)]
    assert row["see_also"].split("|") == permalinks
    for source in sources:
        file_name, line, _ = SOURCE.fullmatch(source).groups()
        text = (FSH_COPIES / file_name).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert f'SCT#{code} "{row["object_label"]}"' in text, (source, text)


@pytest.mark.parametrize("row", ICDO3_ROWS, ids=lambda r: f"{r['subject_id']}-{r['object_id']}")
def test_each_icdo3_row_quotes_pages_showing_code_and_label_together(row):
    assert row["mapping_justification"] == "semapv:ManualMappingCuration"
    code = row["object_id"].removeprefix("ICDO3:")
    assert MORPHOLOGY.fullmatch(code) or TOPOGRAPHY.fullmatch(code), code
    sources = [PAGE.fullmatch(s) for s in row["comment"].rpartition(VERIFIED_IN)[2].split(" | ")]
    assert sources and all(sources), row["comment"]
    assert row["see_also"].split("|") == [s["url"] for s in sources]
    # every page shows the code (a SEER staging page writes a site code without its dot) ...
    assert all(code in s["read"] or code.replace(".", "") in s["read"] for s in sources), row["comment"]
    # ... and at least one shows it with the label written as object_label
    assert any(code in s["read"] and row["object_label"] in s["read"] for s in sources), row["comment"]


def test_icdo3_morphology_names_histologies_and_topography_names_sites():
    histology = Graph().parse(resources.ONTOLOGY_DIR / "histology.ttl", format="turtle")
    anatomy = Graph().parse(resources.ONTOLOGY_DIR / "anatomy.ttl", format="turtle")
    for row in ICDO3_ROWS:
        term = SKG[row["subject_id"].removeprefix("skg:")]
        module = histology if MORPHOLOGY.fullmatch(row["object_id"].removeprefix("ICDO3:")) else anatomy
        assert (term, RDFS.label, None) in module, row["subject_id"]


def test_no_code_has_two_targets():
    targets: dict[str, set[str]] = {}
    for row in ROWS:
        targets.setdefault(row["object_id"], set()).add(row["subject_id"])
    assert {code: t for code, t in targets.items() if len(t) > 1} == {}


def test_rows_are_unique_and_of_known_predicates():
    keys = [(r["subject_id"], r["predicate_id"], r["object_id"]) for r in ROWS]
    assert len(keys) == len(set(keys))
    assert {k[1] for k in keys} <= {"skos:exactMatch", "skos:closeMatch", "skos:relatedMatch"}
    # a related match is a disorder located at the site, never a site or morphology
    for row in SNOMED_ROWS:
        assert (row["predicate_id"] == "skos:relatedMatch") == ("(body structure)" not in row["object_label"])


def test_every_target_is_a_term_of_the_ontology(ontology_graph):
    for subject, _, _ in qc.load_mappings(CLINICAL_CODES):
        label = ontology_graph.value(subject, RDFS.label)
        assert label is not None, subject
    for row in ROWS:
        local = row["subject_id"].removeprefix("skg:")
        assert str(ontology_graph.value(SKG[local], RDFS.label)) == row["subject_label"], row["subject_id"]


def test_the_ontology_does_not_carry_these_codes(ontology_graph):
    clinical = {o for o in ontology_graph.objects() if str(o).startswith(("http://snomed.info/", ICDO3))}
    assert clinical == set()

"""Cross-references: the ontology's skos:exactMatch / skos:closeMatch triples are exactly the rows of
ontology/mappings/terms.sssom.tsv, and every row is copied unchanged from the shared verified list."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from sarcoma_kg.release import qc
from sarcoma_kg import resources
from sarcoma_kg.errors import InputError
from sarcoma_kg.namespaces import MONDO, NCIT, ONCOTREE, SKG, UBERON

XREF_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)

#: Codes seen only in secondary sources ("Leads" in the shared NOTES.md): never to be used.
LEAD_CODES = [NCIT.C118286, NCIT.C15358, NCIT.C125201, NCIT.C28234, NCIT.C93150]


def ontology_xrefs(graph) -> set:
    return {(s, p, o) for p in XREF_PREDICATES for s, o in graph.subject_objects(p)}


#: The marker before the verified list's own words in a row's comment (see the mapping set description).
VERIFIED_IN = "Source of verification: "


def as_in_the_shared_list(line: str) -> str:
    """A project row as the verified list writes it: no subject_id, the source of verification in
    its own column (the project keeps it in the standard slots see_also and comment)."""
    _subject, label, predicate, obj, obj_label, justification, _see_also, comment = line.split("\t")
    remark, _, source = comment.rpartition(VERIFIED_IN)
    return "\t".join([label, predicate, obj, obj_label, justification, source, remark.strip()])


DOWNGRADED = "Downgraded from skos:exactMatch"

#: Verified exact matches the project keeps only as close matches, and why (the row's comment says it).
DOWNGRADES = {
    ("skg:Bone", "UBERON:0001474"),                     # a bone element is one bone; skg:Bone holds the spine, the pelvis
    ("skg:EwingSarcoma", "ONCOTREE:ES"),                # OncoTree ES is bone only (soft tissue: ESST)
    ("skg:GastrointestinalStromalTumour", "NCIT:C3868"),  # NCIt GIST includes benign GIST
    ("skg:GastrointestinalStromalTumour", "MONDO:0011719"),  # Mondo GIST is exactMatch to NCIT:C3868
}


def _key(columns: list[str]) -> tuple:
    """The columns of a row that identify the verified pair (labels, codes, justification, source)."""
    return (columns[0], columns[2], columns[3], columns[4], columns[5])


def test_every_row_is_copied_from_the_shared_list_or_a_documented_downgrade(project_sssom_lines, shared_sssom_lines):
    """A row is a line of the shared list unchanged (its source of verification moved into the
    standard slots), or that line with skos:exactMatch downgraded to skos:closeMatch and a comment
    that begins with 'Downgraded from skos:exactMatch' and says why."""
    shared = set(shared_sssom_lines)
    exact = {_key(ln.split("\t")): ln for ln in shared_sssom_lines if ln.split("\t")[1] == "skos:exactMatch"}
    assert project_sssom_lines, "the project SSSOM has no rows"
    downgraded, not_shared = set(), []
    for line in project_sssom_lines:
        subject = line.split("\t", 1)[0]
        rest = as_in_the_shared_list(line)
        if rest in shared:
            continue
        columns = rest.split("\t")
        if columns[1] == "skos:closeMatch" and columns[-1].startswith(DOWNGRADED) and _key(columns) in exact:
            downgraded.add((subject, columns[2]))
            continue
        not_shared.append(line)
    assert not_shared == []
    assert downgraded == DOWNGRADES


@pytest.mark.parametrize("term,code", sorted(DOWNGRADES))
def test_downgraded_matches_are_close_only(term, code, ontology_graph):
    subject = SKG[term.split(":", 1)[1]]
    prefix, local = code.split(":", 1)
    iri = {"UBERON": UBERON, "ONCOTREE": ONCOTREE, "NCIT": NCIT, "MONDO": MONDO}[prefix][local]
    assert (subject, SKOS.closeMatch, iri) in ontology_graph
    assert (subject, SKOS.exactMatch, iri) not in ontology_graph


def test_see_also_is_a_permalink_to_the_source_of_verification(project_sssom_lines):
    for line in project_sssom_lines:
        see_also, comment = line.split("\t")[6:8]
        source = comment.rpartition(VERIFIED_IN)[2]
        repo, _, rest = source.removeprefix("github:").partition("@")
        commit, path = rest.split(" ")[:2]
        assert see_also == f"https://github.com/{repo}/blob/{commit}/{path}", line


def test_every_row_names_a_term_with_a_label(ontology_graph):
    for subject, _, _ in qc.load_mappings():
        assert str(subject).startswith(str(SKG))
        assert ontology_graph.value(subject, RDFS.label) is not None, subject


def test_ontology_xrefs_are_exactly_the_sssom_rows(ontology_graph):
    rows = set(qc.load_mappings())
    xrefs = ontology_xrefs(ontology_graph)
    assert sorted(xrefs - rows) == [], "cross-references not in the mapping file"
    assert sorted(rows - xrefs) == [], "mapping rows missing from the ontology"


def test_knowledge_base_adds_no_xrefs(ontology_graph, knowledge_graph):
    assert ontology_xrefs(knowledge_graph) == ontology_xrefs(ontology_graph)


def test_rows_are_unique_and_exact_or_close(project_sssom_lines):
    keys = [tuple(ln.split("\t")[i] for i in (0, 2, 3)) for ln in project_sssom_lines]
    assert len(keys) == len(set(keys))
    assert {k[1] for k in keys} == {"skos:exactMatch", "skos:closeMatch"}


@pytest.mark.parametrize("term,predicate,code", [
    ("Chondrosarcoma", SKOS.exactMatch, NCIT.C2946),            # C2945 is chondroblastoma
    ("WellDifferentiatedLiposarcoma", SKOS.exactMatch, ONCOTREE.WDLS),
    ("WellDifferentiatedLiposarcoma", SKOS.closeMatch, ONCOTREE.ALT),
    ("WellDifferentiatedLiposarcoma", SKOS.closeMatch, NCIT.C6505),
    ("UndifferentiatedPleomorphicSarcoma", SKOS.exactMatch, NCIT.C4247),
    ("MalignantFibrousHistiocytoma", SKOS.closeMatch, NCIT.C4247),
    ("Hemangiopericytoma", SKOS.closeMatch, MONDO["0005094"]),
    ("BoneSarcoma", SKOS.exactMatch, NCIT.C9312),
    ("BoneSarcoma", SKOS.closeMatch, NCIT.C4016),
    ("FibroblasticOsteosarcoma", SKOS.exactMatch, MONDO["0004301"]),
    ("Imatinib", SKOS.exactMatch, NCIT.C62035),
    ("Imatinib", SKOS.closeMatch, NCIT.C1687),
    ("Spine", SKOS.exactMatch, UBERON["0001130"]),
    ("Pelvis", SKOS.closeMatch, UBERON["0001271"]),
    ("Skin", SKOS.exactMatch, UBERON["0002097"]),
    ("Skin", SKOS.closeMatch, UBERON["0000014"]),
    ("CoreNeedleBiopsy", SKOS.closeMatch, NCIT.C15680),
    ("FDGPETCT", SKOS.closeMatch, NCIT.C17007),
])
def test_traps_of_the_mapping_notes(term, predicate, code, ontology_graph):
    assert (SKG[term], predicate, code) in ontology_graph
    other = SKOS.closeMatch if predicate == SKOS.exactMatch else SKOS.exactMatch
    assert (SKG[term], other, code) not in ontology_graph


def test_no_wrong_or_unverified_codes(knowledge_graph):
    objects = {o for _, o in knowledge_graph.subject_objects()}
    assert NCIT.C2945 not in objects                        # chondroblastoma, not chondrosarcoma
    assert [c for c in LEAD_CODES if c in objects] == []
    # MFH is historical: only close matches
    assert list(knowledge_graph.objects(SKG.MalignantFibrousHistiocytoma, SKOS.exactMatch)) == []
    # no xref for soft tissue (no verified UBERON class), none for outcome measures
    assert list(knowledge_graph.objects(SKG.SoftTissue, SKOS.exactMatch)) == []
    assert list(knowledge_graph.objects(SKG.OverallSurvival, SKOS.exactMatch)) == []


def test_load_mappings_reports_bad_files(tmp_path):
    good = resources.MAPPINGS_FILE.read_text(encoding="utf-8")
    no_column = tmp_path / "no-column.sssom.tsv"
    no_column.write_text(good.replace("subject_id\t", "subject\t", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"no-column\.sssom\.tsv:\d+: .*subject_id"):
        qc.load_mappings(no_column)
    bad_prefix = tmp_path / "bad-prefix.sssom.tsv"
    bad_prefix.write_text(good.replace("skg:Lung\t", "nope:Lung\t", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"bad-prefix\.sssom\.tsv:\d+: cannot expand 'nope:Lung'"):
        qc.load_mappings(bad_prefix)
    with pytest.raises(InputError, match="file not found"):
        qc.load_mappings(tmp_path / "absent.tsv")


def test_load_mappings_expands_curies():
    assert (SKG.Lung, SKOS.exactMatch, URIRef("http://purl.obolibrary.org/obo/UBERON_0002048")) in qc.load_mappings()

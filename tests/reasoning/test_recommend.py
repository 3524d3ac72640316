"""Recommendations by classification, with the evidence chain and the reasons for the others;
and the classify / recommend commands (in-process, CliRunner)."""

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph

from sarcoma_kg import resources
from sarcoma_kg.cli import main
from sarcoma_kg.namespaces import EX, PREFIXES, REC, SKG
from sarcoma_kg.patients.read import read_patients
from sarcoma_kg.rdf import curie
from sarcoma_kg.reasoning import recommend, render


@pytest.fixture(scope="module")
def results(ra_patients, knowledge_graph, reasoning_terms, hermit_result):
    out = recommend.recommend(ra_patients, knowledge_graph, "hermit", terms=reasoning_terms,
                              classification=hermit_result)
    return {r.patient: r for r in out}


def notations(items):
    return {r.notation for r in items}


def test_applicable_recommendations_of_a_metachronous_bilobar_liver_only_patient(results, knowledge_graph):
    ra1 = results[EX.RA1]
    iac = {n for n in notations(ra1.applicable) if n[0].isdigit()}
    # not 13.1 and 13.2 (follow-up after metastasectomy): RA1 has never had a liver resection
    assert iac == {"1.1", "2.2", "3.1", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.5", "6.1", "6.2",
                   "6.3", "6.4", "6.5", "7.1", "7.2", "8.1", "10.2", "11.1", "11.2"}
    assert len(ra1.applicable) + len(ra1.not_applicable) == len(recommend.recommendations(knowledge_graph))


def test_direction_level_grade_consensus_come_from_the_knowledge_base(results):
    r55 = next(r for r in results[EX.RA1].applicable if r.rec == REC["IAC-5.5"])
    assert (r55.direction, r55.level, r55.grade, r55.agreement) == ("against", "V", "D", 57)
    assert r55.not_checked and "complex" in r55.not_checked[0]


def test_reason_for_a_recommendation_that_does_not_apply(results):
    r21 = next(r for r in results[EX.RA1].not_applicable if r.rec == REC["IAC-2.1"])
    assert r21.reason.startswith("not in skg:SynchronousOligometastaticDisease")
    assert "metastasis timing: metachronous" in r21.reason
    r54 = next(r for r in results[EX.RA1].not_applicable if r.rec == REC["IAC-5.4"])
    assert "organ-site count: 1" in r54.reason
    nothing = results[EX.RA8]
    assert nothing.applicable == []
    r11 = next(r for r in nothing.not_applicable if r.rec == REC["IAC-1.1"])
    assert "primary histology: not recorded" in r11.reason


def test_evidence_chain_reaches_studies_outcomes_and_sources(results, knowledge_graph):
    applicable = {r.rec: r for r in results[EX.RA1].applicable}
    studies = {e.study for r in applicable.values() for e in r.evidence if e.study}
    cited = {curie(s) for rec in applicable for s in knowledge_graph.objects(rec, SKG.hasEvidenceLine / SKG.supportingStudy)}
    assert cited and cited <= studies
    figures = [o for r in applicable.values() for e in r.evidence for o in e.outcomes]
    assert figures and all(o.sources for o in figures)
    # each figure is the knowledge base's own value, not a copy
    some = figures[0]
    node = PREFIXES["outcome"][some.outcome.split(":", 1)[1]]
    assert float(knowledge_graph.value(node, SKG.value)) == float(some.value)


def test_outputs(results):
    items = list(results.values())
    data = render.recommendations_to_json(items, "hermit")
    assert {p["patient"] for p in data["patients"]} >= {"ex:RA1", "ex:RA8"}
    text = render.recommendations_to_text(items, "hermit")
    assert "NOT APPLICABLE" in text and "[against]" in text
    graph = render.recommendations_to_graph(items)
    assert (EX.RA1, SKG.applicableRecommendation, REC["IAC-5.3"]) in graph
    assert (EX.RA1, SKG.notApplicableRecommendation, REC["IAC-5.4"]) in graph


def test_cli_classify_json(ra_patients_path):
    """One HermiT run over a Turtle file, a folder and the tumour-board CSV."""
    examples = resources.EXAMPLES_DIR
    result = CliRunner().invoke(main, ["classify", str(ra_patients_path), str(examples / "edge-cases"),
                                       str(examples / "tumour-board.csv"), "--format", "json", "--reasoner", "hermit"])
    assert result.exit_code == 0, result.output
    assert "classifying 8 patient(s) with hermit" not in result.stdout
    assert "patient(s) with hermit (open world)" in result.stderr
    data = json.loads(result.stdout)
    ra6 = next(p for p in data["patients"] if p["patient"] == "ex:RA6")
    assert "skg:PaediatricPatient" in {c["class"] for c in ra6["classes"]}
    tb1 = next(p for p in data["patients"] if p["patient"] == "ex:TB-001")
    assert "skg:LiverMetastaticDisease" in {c["class"] for c in tb1["classes"]}


def test_cli_recommend_ttl_with_pellet(ra_patients_path):
    result = CliRunner().invoke(main, ["recommend", str(ra_patients_path), "--reasoner", "pellet", "--format", "ttl"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert (EX.RA2, SKG.applicableRecommendation, REC["IAC-8.3"]) in graph
    assert (EX.RA1, SKG.applicableRecommendation, REC["IAC-8.3"]) not in graph


def test_cli_input_errors_exit_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix skg: <https://w3id.org/sarcoma-kg/> .\nskg:x a skg:Patient ;\n  skg:y \"unclosed .\n")
    result = CliRunner().invoke(main, ["classify", str(bad)])
    assert result.exit_code == 2
    assert "bad.ttl" in result.output
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    result = CliRunner().invoke(main, ["recommend", str(empty)])
    assert result.exit_code == 2 and "no skg:Patient" in result.output


def test_cannot_tell_gives_may_apply_with_the_missing_fact(results):
    ra9 = results[EX.RA9]
    r22 = next(r for r in ra9.not_applicable if r.rec == REC["IAC-2.2"])
    assert r22.may_apply and "amenability to radical treatment not recorded" in r22.reason
    r21 = next(r for r in ra9.not_applicable if r.rec == REC["IAC-2.1"])
    assert not r21.may_apply  # metachronous: no verdict would make 2.1 apply
    assert not any(r.may_apply for r in results[EX.RA1].not_applicable)


def test_regression_study_designs_are_listed_in_a_stable_order():
    """GROUP_CONCAT has no defined order; recommend sorts the designs it reports."""
    from sarcoma_kg import rdf

    knowledge = rdf.knowledge_graph()
    data = read_patients([resources.EXAMPLES_DIR / "edge-cases" / "liver-oligometastatic.ttl"]).graph
    results = render.recommendations_to_json(recommend.recommend(data, knowledge), "hermit")
    text = str(results)
    assert "multicentre study | retrospective study" in text
    assert "retrospective study | multicentre study" not in text


def _block(text: str, start: str) -> str:
    """The lines of one recommendation in the text output, from its heading to the next heading."""
    block = text[text.index(start):]
    ends = [i for i in (block.find("\n  *", 1), block.find("\n  ?", 1), block.find("\n  NOT APPLICABLE"),
                        block.find("\n  TO CONFIRM")) if i > 0]
    return block[:min(ends)] if ends else block


def test_text_and_json_show_what_to_confirm_the_conflicts_and_the_missing_consensus(results):
    ra1 = results[EX.RA1]
    data = render.recommendations_to_json([ra1], "hermit")["patients"][0]
    r55 = next(r for r in data["applicable"] if r["notation"] == "5.5")
    assert r55["status"] == "applies" and r55["noConsensus"] is True
    assert any("complex hepatectomies" in t and "left to the clinician" in t for t in r55["toConfirm"])
    assert "rec:IAC-5.3" in r55["conflictsWith"]
    r53 = next(r for r in data["applicable"] if r["notation"] == "5.3")
    assert r53["noConsensus"] is False and "rec:IAC-5.5" in r53["conflictsWith"]
    block = _block(render.recommendations_to_text([ra1], "hermit"), "* 5.5 ")
    assert "NO CONSENSUS" in block and "CONFLICTS WITH: rec:IAC-5.3" in block
    assert "to confirm: \"" in block and "complex hepatectomies" in block


def test_outside_the_population_is_said_and_not_computed(results):
    ra6 = results[EX.RA6]   # osteosarcoma: outside the consensus definition's soft tissue sarcoma
    r11 = next(r for r in ra6.not_applicable if r.rec == REC["IAC-1.1"])
    assert r11.status == "does not apply" and r11.outside_population
    text = render.recommendations_to_text([ra6], "hermit")
    assert "- 1.1 (OUTSIDE THE POPULATION: \"What is the definition of oligometastatic disease in soft tissue sarcoma?\")" in text
    data = render.recommendations_to_json([ra6], "hermit")["patients"][0]
    assert next(r for r in data["notApplicable"] if r["notation"] == "1.1")["outsidePopulation"] is True


def test_the_branch_of_9_2_and_the_range_of_9_1_are_shown(results):
    ra5 = results[EX.RA5]   # no adjuvant chemotherapy after the first resection; TFI 20 months
    r92 = next(r for r in ra5.applicable if r.rec == REC["IAC-9.2"])
    assert r92.branch == "should receive preoperative systemic treatment"
    r91 = next(r for r in ra5.applicable if r.rec == REC["IAC-9.1"])
    assert not r91.at_lenient_bound and "treatment-free interval (months): 20" in r91.reason
    text = render.recommendations_to_text([ra5], "hermit")
    assert 'branch that holds: "should receive preoperative systemic treatment"' in _block(text, "* 9.2 ")
    assert "good performance status" in _block(text, "* 9.1 ")


def test_to_confirm_is_its_own_section_naming_the_facts_to_record(results):
    ra9 = results[EX.RA9]
    assert ra9.to_confirm and all(r.status == "to confirm" for r in ra9.to_confirm)
    text = render.recommendations_to_text([ra9], "hermit")
    assert "TO CONFIRM: would apply once the facts below are recorded and hold" in text
    data = render.recommendations_to_json([ra9], "hermit")["patients"][0]
    r22 = next(r for r in data["toConfirm"] if r["notation"] == "2.2")
    assert any("record" in t for t in r22["toConfirm"])


def test_the_verdict_in_the_facts_is_that_of_the_definition_the_defined_classes_name(reasoning_terms):
    from rdflib.namespace import OWL

    from sarcoma_kg.namespaces import DEFINITION, VERDICT
    from sarcoma_kg.rdf import label

    data = Graph()
    for definition, verdict in ((DEFINITION.IberoAmerican2025, SKG.Meets), (DEFINITION.Falk2015, SKG.DoesNotMeet)):
        assessment = VERDICT[f"P--{definition.rsplit('/', 1)[-1]}"]
        data.add((EX.P, SKG.hasAssessment, assessment))
        data.add((assessment, SKG.assessedDefinition, definition))
        data.add((assessment, SKG.verdict, verdict))
    facts = recommend.facts_in_words(data, reasoning_terms, EX.P)
    assert facts["Ibero-American OMD verdict"] == [label(reasoning_terms, SKG.Meets)]
    renamed = Graph()  # the same classes, their axioms naming Falk 2015 instead
    for s, p, o in reasoning_terms:
        renamed.add((s, p, DEFINITION.Falk2015 if (p, o) == (OWL.hasValue, DEFINITION.IberoAmerican2025) else o))
    assert recommend.facts_in_words(data, renamed, EX.P)["Ibero-American OMD verdict"] == [
        label(reasoning_terms, SKG.DoesNotMeet)]

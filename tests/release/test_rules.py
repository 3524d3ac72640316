"""docs/clinical-rules.md: generated from the applicability data, current, and saying for every
recommendation its population, what is computed and what is left to the clinician."""

from pathlib import Path

from sarcoma_kg.namespaces import REC, SKG
from sarcoma_kg.rdf import notation_of, recommendations
from sarcoma_kg.release.rules import clinical_rules_markdown

RULES = Path(__file__).resolve().parents[2] / "docs" / "clinical-rules.md"


def _rows(page: str) -> dict[str, list[str]]:
    rows = {}
    for line in page.splitlines():
        if line.startswith("| ") and not line.startswith(("| rec ", "|---")):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[0]] = cells
    return rows


def test_the_clinical_rules_page_is_current(knowledge_graph):
    assert RULES.read_text(encoding="utf-8") == clinical_rules_markdown(knowledge_graph), \
        "docs/clinical-rules.md is stale: run scripts/docs.sh (or .venv/bin/python scripts/docs.py)"


def test_one_row_per_recommendation_with_its_population(knowledge_graph):
    rows = _rows(clinical_rules_markdown(knowledge_graph))
    assert set(rows) == {notation_of(knowledge_graph, r) for r in recommendations(knowledge_graph)}
    assert len(rows) == 43
    assert "soft tissue sarcoma" in rows["2.1"][1]


def test_every_condition_appears_in_its_column(knowledge_graph):
    rows = _rows(clinical_rules_markdown(knowledge_graph))
    for rec in recommendations(knowledge_graph):
        row = rows[notation_of(knowledge_graph, rec)]
        for condition in knowledge_graph.objects(rec, SKG.hasCondition):
            text = str(knowledge_graph.value(condition, SKG.conditionText)).replace("|", "\\|")
            column = 3 if (condition, None, SKG.ClinicianCondition) in knowledge_graph else 2
            assert text in row[column], (row[0], text)


def test_branch_range_consensus_and_conflicts_are_said(knowledge_graph):
    rows = _rows(clinical_rules_markdown(knowledge_graph))
    assert "which branch holds" in rows["9.2"][2] and "case-by-case" in rows["9.2"][2]
    assert "lenient end only" in rows["9.1"][2] and "good performance status" in rows["9.1"][3]
    assert "no consensus" in rows["5.5"][4] and "no consensus" not in rows["5.3"][4]
    assert "5.3" in rows["5.5"][4] and "5.5" in rows["5.3"][4]
    assert (REC["IAC-5.5"], SKG.consensusCategory, SKG.ConsensusNotReached) in knowledge_graph

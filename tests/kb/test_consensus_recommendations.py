"""The 34 recommendations and 13 questions of the Ibero-American consensus (seed 003).

Every vote row is checked twice, independently of ontology/kb/recommendations.ttl:
against VOTES, a transcription typed from the seed's table, and against a parse of the
seed's table text; the two must also agree with each other.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from sarcoma_kg import resources
from sarcoma_kg.namespaces import BIBO, PROV, QUESTION, REC, SKG, SOURCE, STUDY

SEED = resources.SEEDS_DIR / "003_3b181430475482de.txt"

# notation: (total, yes, no, percent, consensus, level, grade) -- typed from the seed's table
VOTES = {
    "1.1": (36, 33, 3, 92, "strong", "V", "B"),
    "1.2": (34, 30, 4, 88, "weak", "V", "B"),
    "2.1": (36, 30, 6, 83, "weak", "V", "B"),
    "2.2": (37, 30, 7, 81, "weak", "V", "B"),
    "3.1": (37, 36, 1, 97, "strong", "V", "B"),
    "3.2": (37, 23, 14, 62, "not reached", "V", "B"),
    "3.3": (36, 32, 4, 89, "weak", "IV", "A"),
    "4.1": (36, 36, 0, 100, "unanimous", "V", "B"),
    "4.2": (36, 36, 0, 100, "unanimous", "V", "B"),
    "4.3": (38, 32, 6, 84, "weak", "V", "B"),
    "5.1": (38, 38, 0, 100, "unanimous", "V", "B"),
    "5.2": (35, 34, 1, 97, "strong", "V", "B"),
    "5.3": (36, 36, 0, 100, "unanimous", "V", "B"),
    "5.4": (37, 34, 3, 92, "strong", "V", "C"),
    "5.5": (35, 20, 15, 57, "not reached", "V", "D"),
    "6.1": (36, 35, 1, 97, "strong", "V", "B"),
    "6.2": (36, 35, 1, 97, "strong", "V", "B"),
    "6.3": (36, 36, 0, 100, "unanimous", "V", "B"),
    "6.4": (36, 34, 2, 94, "strong", "V", "B"),
    "6.5": (35, 35, 0, 100, "unanimous", "V", "B"),
    "7.1": (37, 37, 0, 100, "unanimous", "V", "B"),
    "7.2": (37, 37, 0, 100, "unanimous", "V", "B"),
    "8.1": (36, 34, 2, 94, "strong", "V", "B"),
    "8.2": (35, 30, 5, 86, "weak", "V", "B"),
    "8.3": (34, 34, 0, 100, "unanimous", "V", "B"),
    "9.1": (35, 35, 0, 100, "unanimous", "V", "B"),
    "9.2": (35, 34, 1, 97, "strong", "V", "B"),
    "10.1": (36, 35, 1, 97, "strong", "V", "B"),
    "10.2": (35, 27, 8, 77, "not reached", "V", "C"),
    "11.1": (36, 35, 1, 97, "strong", "V", "B"),
    "11.2": (36, 35, 1, 97, "strong", "V", "B"),
    "12.1": (35, 35, 0, 100, "unanimous", "V", "B"),
    "13.1": (36, 31, 5, 86, "weak", "V", "B"),
    "13.2": (36, 36, 0, 100, "unanimous", "V", "B"),
}
CONSENSUS = {"unanimous": SKG.UnanimousConsensus, "strong": SKG.StrongConsensus,
             "weak": SKG.WeakConsensus, "not reached": SKG.ConsensusNotReached}


def seed_table() -> dict[str, dict]:
    """Parse the seed's recommendations table by splitting its cells on ' | '."""
    rows, questions = {}, {}
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(l for l in lines if l.startswith("Recommendations and Levels of Evidence")))
    for line in lines[start + 2:]:
        if line.startswith("Disclaimer"):
            break
        cells = [c.strip() for c in line.split(" | ")]
        head = cells[0]
        if cells[1].strip("| ") == "":  # a question row: "1. What is ...? | ||||"
            number, text = head.split(". ", 1)
            questions[number] = text
            continue
        notation, rest = head.split(". ", 1)
        body, levelgrade = rest.rsplit(" (", 1)
        level, grade = levelgrade.rstrip(").").split(",")
        percent, consensus = cells[4].rstrip(" |").split("% ", 1)
        rows[notation] = dict(text=body + ".", level=level, grade=grade, total=int(cells[1]), yes=int(cells[2]),
                              no=int(cells[3]), percent=int(percent), consensus=consensus)
    return {"rows": rows, "questions": questions}


@pytest.fixture(scope="module")
def recs() -> Graph:
    g = Graph()
    g.parse(resources.KB_DIR / "recommendations.ttl")
    return g


@pytest.fixture(scope="module")
def table():
    return seed_table()


def test_transcription_and_seed_parse_agree(table):
    assert set(table["rows"]) == set(VOTES)
    for notation, (total, yes, no, percent, consensus, level, grade) in VOTES.items():
        row = table["rows"][notation]
        assert (row["total"], row["yes"], row["no"], row["percent"], row["consensus"], row["level"], row["grade"]) == \
            (total, yes, no, percent, consensus, level, grade), notation


def test_exactly_34_recommendations_and_13_questions(recs):
    assert len(set(recs.subjects(RDF.type, SKG.ConsensusRecommendation))) == 34
    assert len(set(recs.subjects(RDF.type, SKG.ClinicalQuestion))) == 13
    assert {str(n) for n in recs.objects(None, SKOS.notation) if "." in str(n)} == set(VOTES)


@pytest.mark.parametrize("notation", list(VOTES))
def test_vote_row(recs, notation):
    total, yes, no, percent, consensus, level, grade = VOTES[notation]
    rec = REC[f"IAC-{notation}"]
    assert recs.value(rec, SKOS.notation) == Literal(notation)
    assert recs.value(rec, SKG.votesTotal).toPython() == total
    assert recs.value(rec, SKG.votesYes).toPython() == yes
    assert recs.value(rec, SKG.votesNo).toPython() == no
    assert recs.value(rec, SKG.agreementPercent).toPython() == percent
    assert recs.value(rec, SKG.consensusCategory) == CONSENSUS[consensus]
    assert recs.value(rec, SKG.levelOfEvidence) == SKG[f"LevelOfEvidence{level}"]
    assert recs.value(rec, SKG.gradeOfRecommendation) == SKG[f"Grade{grade}"]
    assert recs.value(rec, SKG.answersQuestion) == QUESTION[f"IAC-{notation.split('.')[0]}"]
    assert recs.value(rec, SKG.issuedBy) == STUDY.LopesBras2025
    assert recs.value(rec, PROV.wasDerivedFrom) == SOURCE["seed003-recommendations"]
    # single-valued
    for p in (SKG.votesTotal, SKG.votesYes, SKG.votesNo, SKG.agreementPercent, SKG.recommendationText):
        assert len(list(recs.objects(rec, p))) == 1


@pytest.mark.parametrize("notation", list(VOTES))
def test_text_is_verbatim_without_level_and_grade(recs, table, notation):
    text = recs.value(REC[f"IAC-{notation}"], SKG.recommendationText)
    assert text.language == "en"
    assert str(text) == table["rows"][notation]["text"]
    assert "(V," not in str(text) and "(IV," not in str(text)


def test_every_percent_is_yes_over_total_rounded():
    """All 34 rows: the stated percentage is 100 x yes / total rounded half up (no row disagrees)."""
    disagree = []
    for notation, (total, yes, _no, percent, *_rest) in VOTES.items():
        expected = (Decimal(100 * yes) / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if int(expected) != percent:
            disagree.append(notation)
        assert yes + _no == total, notation
    assert disagree == []


def test_consensus_categories_follow_the_percentages():
    """Observed in the seed: unanimous = 100%, strong 90-99%, weak 80-89%, not reached < 80%."""
    for notation, (_t, _y, _n, percent, consensus, *_r) in VOTES.items():
        band = "unanimous" if percent == 100 else "strong" if percent >= 90 else "weak" if percent >= 80 else "not reached"
        assert band == consensus, notation


@pytest.mark.parametrize("number", [str(n) for n in range(1, 14)])
def test_question(recs, table, number):
    q = QUESTION[f"IAC-{number}"]
    assert recs.value(q, RDF.type) == SKG.ClinicalQuestion
    assert str(recs.value(q, SKG.questionText)) == table["questions"][number]
    heading = next(l for l in SEED.read_text(encoding="utf-8").splitlines() if re.match(rf"^3\.{number}\. ", l))
    assert str(recs.value(q, SKOS.altLabel)) == heading.split(". ", 1)[1]
    answered = {str(recs.value(r, SKOS.notation)) for r in recs.subjects(SKG.answersQuestion, q)}
    assert answered == {n for n in VOTES if n.split(".")[0] == number}


def test_consensus_publication(knowledge_graph):
    g = knowledge_graph
    pub = STUDY.LopesBras2025
    assert (pub, RDF.type, SKG.Publication) in g
    assert str(g.value(pub, SKG.firstAuthor)) == "Lopes-Brás R"
    assert g.value(pub, SKG.publicationYear).toPython() == 2025
    assert str(g.value(pub, SKG.journal)) == "Cancers"
    assert str(g.value(pub, BIBO.doi)) == "10.3390/cancers17081295"
    assert str(g.value(pub, BIBO.volume)) == "17"
    assert str(g.value(pub, BIBO.issue)) == "8"
    assert str(g.value(pub, BIBO.pages)) == "1295"

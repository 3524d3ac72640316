"""Calendar-month arithmetic of the 6-month rule (recommendations 2.1 and 2.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from sarcoma_kg.namespaces import DEFINITION, SKG
from sarcoma_kg.patients.timing import add_months, months_between, synchronous_window, timing_rule

D = dt.date


@pytest.mark.parametrize("start, months, expected", [
    (D(2024, 1, 15), 6, D(2024, 7, 15)),
    (D(2023, 8, 31), 6, D(2024, 2, 29)),   # clamped to the end of a leap February
    (D(2022, 8, 31), 6, D(2023, 2, 28)),
    (D(2024, 11, 30), 3, D(2025, 2, 28)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize("start, end, expected", [
    (D(2024, 1, 15), D(2024, 7, 15), Decimal("6.00")),
    (D(2024, 1, 15), D(2024, 7, 16), Decimal("6.03")),
    (D(2024, 1, 15), D(2023, 12, 20), Decimal("-0.84")),
    (D(2023, 3, 1), D(2024, 1, 15), Decimal("10.45")),
    (D(2024, 1, 15), D(2024, 1, 15), Decimal("0.00")),
])
def test_months_between(start, end, expected):
    assert months_between(start, end) == expected


def test_window_comes_from_the_knowledge_base(knowledge_graph):
    assert synchronous_window(knowledge_graph) == 6


def test_the_timing_rule_and_its_definitions_are_read_from_the_knowledge_base(knowledge_graph):
    rule = timing_rule(knowledge_graph)
    # stated in 2.1 and 2.2, which assume the consensus definition
    assert (rule.iri, rule.window, rule.definitions) == (DEFINITION["IberoAmerican2025-timing"], 6,
                                                        (DEFINITION.IberoAmerican2025,))


def test_a_rule_no_recommendation_states_does_not_time_patients(knowledge_graph):
    """A second timing rule (sorted first by IRI) that no recommendation states does not replace the rule
    the recommendations are evaluated with; once a recommendation that assumes a definition states it, it does."""
    graph = Graph()
    graph += knowledge_graph
    other = DEFINITION["Aaa-timing"]
    graph.add((other, RDF.type, SKG.TimingRule))
    graph.add((other, SKG.synchronousWindowMonths, Literal(3)))
    assert (timing_rule(graph).iri, synchronous_window(graph)) == (DEFINITION["IberoAmerican2025-timing"], 6)
    graph.add((other, SKG.statedInRecommendation, SKG.SomeRecommendation))
    graph.add((SKG.SomeRecommendation, SKG.assumesDefinition, DEFINITION.Falk2015))
    assert (timing_rule(graph).iri, timing_rule(graph).definitions, synchronous_window(graph)) == (
        other, (DEFINITION.Falk2015,), 3)

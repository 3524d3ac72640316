"""The assembled ontology + knowledge base is consistent under both reasoners."""

import pytest

from sarcoma_kg.reasoning import reasoners as reason


@pytest.mark.parametrize("reasoner", reason.REASONERS)
def test_knowledge_graph_is_consistent(knowledge_graph, reasoner):
    report = reason.check_consistency(knowledge_graph, reasoner)
    assert report.consistent, report.message
    assert report.unsatisfiable == []

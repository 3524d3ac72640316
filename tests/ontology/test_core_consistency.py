"""The assembled ontology + knowledge base is consistent under both reasoners."""

import pytest

from sarcoma_kg.reasoning import reasoners


@pytest.mark.parametrize("reasoner", reasoners.REASONERS)
def test_knowledge_graph_is_consistent(knowledge_graph, reasoner):
    report = reasoners.check_consistency(knowledge_graph, reasoner)
    assert report.consistent, report.message
    assert report.unsatisfiable == []

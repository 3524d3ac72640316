"""The verdict rule, decide(): the one place it is written (the cohort path uses it too)."""

from __future__ import annotations

import pytest

from sarcoma_kg.namespaces import SKG
from sarcoma_kg.patients.verdicts import decide


@pytest.mark.parametrize("failed, unknown, lenient, has_range, verdict", [
    (True, True, True, True, "DoesNotMeet"),
    (False, True, True, True, "CannotTell"),
    (False, False, True, True, "MeetsOnlyAtLenientBound"),
    (False, False, False, True, "MeetsAtStrictBound"),
    (False, False, False, False, "Meets"),
])
def test_decide(failed, unknown, lenient, has_range, verdict, ontology_graph):
    assert decide(failed, unknown, lenient, has_range) == verdict
    assert (SKG[verdict], None, None) in ontology_graph, "every verdict is a term of the ontology"

"""Fixtures of the release tests: the build pipeline over the sample graphs, with its checks
(integrity, QC, consistency) replaced by stand-ins that a test can make fail."""

from __future__ import annotations

import types
from dataclasses import dataclass, field

import pytest
from samples import catalogue_sample, release_graphs

from sarcoma_kg import rdf
from sarcoma_kg.reasoning import reasoners
from sarcoma_kg.release import integrity, qc


@dataclass
class FakeIntegrity:
    conforms: bool
    results: list = field(default_factory=list)
    text: str = ""


@dataclass
class FakeConsistency:
    consistent: bool
    unsatisfiable: list = field(default_factory=list)
    message: str = ""


@pytest.fixture
def small_pipeline(monkeypatch):
    """build() over the sample graphs; every check passes until a test patches it to fail."""
    onto, full = release_graphs()
    monkeypatch.setattr(rdf, "ontology_graph", lambda: onto)
    monkeypatch.setattr(rdf, "knowledge_graph", lambda: full)
    monkeypatch.setattr(rdf, "kb_graph", catalogue_sample)
    monkeypatch.setattr(integrity, "check_integrity", lambda graph: FakeIntegrity(True))
    monkeypatch.setattr(qc, "run_qc", lambda graph: [])
    monkeypatch.setattr(reasoners, "check_consistency", lambda graph, reasoner="hermit": FakeConsistency(True))
    return types.SimpleNamespace(integrity=integrity, qc=qc, reasoners=reasoners, FakeIntegrity=FakeIntegrity,
                                 FakeConsistency=FakeConsistency)

"""Fixtures for the cohort tests: small generated cohorts and the compiler's fixture shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarcoma_kg.cohort.synthetic import generate
from sarcoma_kg.cohort.compiler import load_shapes

FIXTURES = Path(__file__).parent / "fixtures"
STRUCTURE_SHAPES = FIXTURES / "structure-shapes.ttl"
#: Small enough for pyshacl (~3 s per patient with the project shapes), large enough for one
#: patient of every defect kind (14) and, with seed 7, every verdict kind.
SMALL_N = 16


@pytest.fixture(scope="session")
def small_cohort(tmp_path_factory) -> Path:
    return generate(SMALL_N, tmp_path_factory.mktemp("cohort") / "small.ttl", seed=7, fmt="ttl").path


@pytest.fixture(scope="session")
def medium_cohort_nt(tmp_path_factory) -> Path:
    return generate(300, tmp_path_factory.mktemp("cohort") / "medium.nt", seed=3, fmt="nt").path


@pytest.fixture(scope="session")
def structure_shapes():
    return load_shapes([STRUCTURE_SHAPES])

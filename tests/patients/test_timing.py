"""Calendar-month arithmetic of the 6-month rule (recommendations 2.1 and 2.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sarcoma_kg.patients.timing import add_months, months_between, synchronous_window

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

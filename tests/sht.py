"""W3C SHACL test-suite cases (sht): one Turtle file holds the data and, on a ``sht:Validate``
node, the expected report (``mf:result``); our patient cases add expected verdicts and facts.

:func:`load_case` splits a case file into the data to validate and the test description (the
``sht:Validate`` node and everything reachable from it through blank nodes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
CASES = Path(__file__).parent / "cases"


@dataclass
class Case:
    data: Graph          # the triples to validate
    description: Graph   # the sht:Validate node and its blank-node closure
    node: URIRef         # the sht:Validate node

    @property
    def report(self):
        """The expected validation report node (``mf:result``)."""
        return self.description.value(self.node, MF.result)

    @property
    def conforms(self) -> bool:
        return self.description.value(self.report, SH.conforms).toPython()

    @property
    def results(self) -> list:
        """The expected result nodes of the report."""
        return list(self.description.objects(self.report, SH.result))


def case_files(folder: str) -> list[Path]:
    """The case files of ``tests/cases/<folder>/``, in name order."""
    return sorted((CASES / folder).glob("*.ttl"))


def load_case(path: Path) -> Case:
    whole = Graph().parse(path, format="turtle")
    node = next(whole.subjects(RDF.type, SHT.Validate))
    description = Graph()
    todo, seen = [node], set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for p, o in whole.predicate_objects(subject):
            description.add((subject, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    data = Graph()
    for triple in whole:
        if triple not in description:
            data.add(triple)
    return Case(data, description, node)

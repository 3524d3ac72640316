"""One regression test per bug found."""

from __future__ import annotations

import pytest

from sarcoma_kg.patients import validate
from sarcoma_kg.namespaces import DEFINITION, EX, SKG

PREFIXES = """@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def run(tmp_path, text, knowledge):
    path = tmp_path / "p.ttl"
    path.write_text(PREFIXES + text, encoding="utf-8")
    return validate.validate_paths([path], knowledge=knowledge)


def test_a_size_that_is_not_a_number_is_missing_not_too_large(tmp_path, knowledge_graph):
    # rdflib compared the string "12" with 50 and reported "not < 50 mm"; Oxigraph raises an error
    result = run(tmp_path, """
ex:S a skg:Patient ; skg:hasLesion ex:S-L1 .
ex:S-L1 a skg:MetastaticLesion ; skg:hasSite skg:Liver ; skg:longestDiameterMm "12" .
""", knowledge_graph)
    gangi = next(a for a in result.derivation.assessments if a.definition == DEFINITION.Gangi2010)
    assert gangi.verdict == SKG.CannotTell
    assert any(f.focus == EX["S-L1"] and f.severity == "violation" for f in result.findings)


def test_a_date_that_is_not_a_date_is_not_said_to_be_in_the_future(tmp_path, knowledge_graph):
    result = run(tmp_path, """
ex:D a skg:Patient ; skg:hasPrimaryTumour ex:D-p .
ex:D-p a skg:PrimaryTumour ; skg:diagnosisDate "last year" .
""", knowledge_graph)
    messages = [f.message for f in result.findings if f.focus == EX["D-p"]]
    assert any("must be one valid date" in m for m in messages)
    assert not any("in the future" in m for m in messages)


def test_a_blank_node_patient_is_an_input_error(tmp_path, knowledge_graph):
    result = run(tmp_path, "[] a skg:Patient .\nex:Q a skg:Patient .\n", knowledge_graph)
    assert result.exit_code == 2
    assert "blank node" in result.errors[0].message


@pytest.mark.parametrize("flag", ['true', '"1"^^xsd:boolean'])
def test_diffuse_involvement_is_read_by_value(tmp_path, knowledge_graph, flag):
    result = run(tmp_path, f"ex:F a skg:Patient ; skg:hasDiffuseSerosalInvolvement {flag} .\n", knowledge_graph)
    ibero = next(a for a in result.derivation.assessments if a.definition == DEFINITION.IberoAmerican2025)
    assert ibero.verdict == SKG.DoesNotMeet
    assert "diffuse serosal sarcomatosis excludes" in ibero.reasons


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_an_engine_failure_on_one_file_does_not_hide_the_others(tmp_path, knowledge_graph, monkeypatch, engine):
    from sarcoma_kg.patients import compiled, shapes

    good = tmp_path / "good.ttl"
    good.write_text(PREFIXES + "ex:G a skg:Patient .\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "ex:Boom a skg:Patient .\n", encoding="utf-8")
    module, name = (compiled, "compiled_report") if engine == "compiled" else (shapes, "run_shapes")
    real = getattr(module, name)

    def flaky(data, *args, **kwargs):
        if (EX.Boom, None, None) in data:
            raise RuntimeError("engine failure")
        return real(data, *args, **kwargs)

    monkeypatch.setattr(module, name, flaky)
    result = validate.validate_paths([bad, good], knowledge=knowledge_graph, engine=engine)
    assert result.exit_code == 2
    assert result.patients == [EX.G]
    assert "could not be validated" in result.errors[0].message


def test_listed_serosae_are_in_a_fixed_order(tmp_path, knowledge_graph):
    result = run(tmp_path, """
ex:T a skg:Patient ; skg:hasDiffuseSerosalInvolvement true ; skg:hasSerosalInvolvement skg:Pleura , skg:Peritoneum .
""", knowledge_graph)
    ibero = next(a for a in result.derivation.assessments if a.definition == DEFINITION.IberoAmerican2025)
    assert "peritoneal and pleural sarcomatosis excludes" in ibero.reasons


def test_write_back_is_deterministic_and_hermit_safe(knowledge_graph):
    from rdflib import BNode, Graph
    from rdflib.namespace import XSD

    from sarcoma_kg import resources
    from sarcoma_kg.patients import verdicts
    from sarcoma_kg.patients.compiled import compiled_report

    patients_graph = Graph().parse(resources.EXAMPLES_DIR / "hakime2013" / "hakime2013.ttl")

    def written_back() -> str:
        # the whole derivation twice, its criteria from the default (compiled) engine
        report = compiled_report(patients_graph)
        return verdicts.derive_all(patients_graph, knowledge_graph, report=report).graph.serialize(format="turtle")

    first, second = written_back(), written_back()
    assert first == second
    g = Graph().parse(data=first, format="turtle")
    assert not any(isinstance(x, BNode) for t in g for x in t)
    datatypes = {o.datatype for o in g.objects() if hasattr(o, "datatype") and o.datatype is not None}
    assert datatypes <= {XSD.integer, XSD.decimal, XSD.boolean, XSD.string}

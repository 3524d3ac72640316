"""The mCODE IG's example instances, transcribed to FHIR R4 JSON (tests/fixtures/fhir/mcode/): every file
parses with the fhir.resources R4B models, and every value the FSH text assigns is in the JSON.

The fact check reads the FSH with its own small regular expressions, independent of the transcriber
(tests/fhir/fsh.py): each code, string, number and reference of an instance's rules must occur in that
instance's JSON, and every coding in the JSON must come from the instance's rules or from the documented
profile tables, so a mistyped, dropped or invented value fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tests.fhir import fsh

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir" / "mcode"
FSH_DIR = FIXTURES / "fsh"
SHARED_FSH = Path(__file__).resolve().parents[2].parent / "shared" / "fhir-mcode"
JSON_FILES = sorted(FIXTURES.glob("*.json"))
SCT, LNC = "http://snomed.info/sct", "http://loinc.org"


# --------------------------------------------------------------------- an independent reading of the FSH

def _strip(text: str) -> str:
    text = re.sub(r"(?:^|(?<=\s))/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r'^((?:[^"\n]|"[^"\n]*")*?)(?:^|\s)//.*$', r"\1", text, flags=re.M)


def _aliases() -> dict[str, str]:
    found = dict(fsh.US_CORE_ALIASES)
    for path in FSH_DIR.glob("AL_*.fsh"):
        found.update(re.findall(r"^Alias:\s*(\S+)\s*=\s*(\S+)", _strip(path.read_text(encoding="utf-8")), re.M))
    return found


def fsh_blocks() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """instance id -> (InstanceOf, [(left-hand side, value)]) with later assignments to the same
    unindexed path replacing earlier ones."""
    blocks = {}
    for path in sorted(FSH_DIR.glob("EX_*.fsh")):
        text = _strip(path.read_text(encoding="utf-8"))
        for block in re.split(r"^(?=Instance:)", text, flags=re.M)[1:]:
            instance_id = re.match(r"Instance:\s*(\S+)", block).group(1)
            instance_of = re.search(r"^InstanceOf:\s*(\S+)", block, re.M).group(1)
            rules: dict[str, str] = {}
            for n, (indent, lhs, value) in enumerate(
                    re.findall(r"^(\s*)\*\s+(\S+)\s+=\s+(.+?)\s*$", block, re.M)):
                # an indented rule continues a context path, a soft index moves: never the same path
                key = f"{lhs}#{n}" if indent or "[+]" in lhs or "[=]" in lhs else lhs
                rules.pop(key, None)
                rules[key] = value
            blocks[instance_id] = (instance_of, list(rules.items()))
    return blocks


BLOCKS = fsh_blocks()

#: Rules whose value a later rule of the same instance replaces under another name of the same element:
#: ``race`` is US Core Patient's slice for the us-core-race extension, which ``USCoreRace`` names too.
OVERWRITTEN = {
    ("cancer-patient-eve-anyperson", 'extension[race].extension[ombCategory].valueCoding',
     'OmbRaceCat#1002-5 "American Indian or Alaska Native"'),
    ("cancer-patient-eve-anyperson", "extension[race].extension[text].valueString", '"Lakota and Crow"'),
}
ALIASES = _aliases()


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _codings(resource: dict) -> list[dict]:
    return [n for n in _walk(resource) if isinstance(n, dict) and "code" in n and isinstance(n["code"], str)
            and ("system" in n or "display" in n) and "value" not in n]


def _load(instance_id: str) -> dict:
    return json.loads((FIXTURES / f"{instance_id}.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------------ tests

def test_one_file_per_instance_named_by_id():
    assert len(BLOCKS) == 130
    assert sorted(p.stem for p in JSON_FILES) == sorted(BLOCKS)
    for path in JSON_FILES:
        assert json.loads(path.read_text(encoding="utf-8"))["id"] == path.stem


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: p.stem)
def test_parses_with_the_r4b_models(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    model = get_fhir_model_class(data["resourceType"]).model_validate(data)
    assert model.id == path.stem


@pytest.mark.parametrize("instance_id", sorted(BLOCKS))
def test_every_fsh_value_is_in_the_json(instance_id):
    instance_of, rules = BLOCKS[instance_id]
    resource = _load(instance_id)
    nodes = list(_walk(resource))
    strings = {n for n in nodes if isinstance(n, str)}
    numbers = {n for n in nodes if isinstance(n, (int, float)) and not isinstance(n, bool)}
    codings = _codings(resource)
    references = {n["reference"] for n in nodes if isinstance(n, dict) and "reference" in n}
    missing = []
    for lhs, value in rules:
        if m := re.fullmatch(r'(\S*)#(\S+)(?:\s+"(.*)")?', value):
            system, code, display = ALIASES.get(m.group(1), m.group(1)), m.group(2), m.group(3)
            # a coding, or the bare code where the element is a FHIR code (status = MedReqStatus#active)
            found = any(c.get("system") == system and c["code"] == code
                        and (display is None or c.get("display") == display) for c in codings) \
                if system else False
            found = found or (code in strings and not any(c["code"] == code for c in codings))
        elif m := re.fullmatch(r"Reference\((\S+)\)", value):
            found = any(r == m.group(1) or r.endswith("/" + m.group(1).split("/")[-1]) for r in references)
        elif m := re.fullmatch(r'(-?[\d.]+)\s+\'([^\']+)\'(?:\s+"(.*)")?', value):
            found = any(isinstance(n, dict) and n.get("value") == float(m.group(1)) and n.get("code") == m.group(2)
                        and (m.group(3) is None or n.get("unit") == m.group(3)) for n in nodes)
        elif m := re.fullmatch(r'"(.*)"', value):
            found = m.group(1) in strings
        elif re.fullmatch(r"-?\d+(\.\d+)?", value):
            found = float(value) in numbers
        elif value in ("true", "false"):
            found = (value == "true") in [n for n in nodes if isinstance(n, bool)]
        elif re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            found = value in strings
        else:                                          # an instance name: a bundle entry's resource
            found = lhs.split("#")[0].endswith(".resource") and any(isinstance(n, dict) and n.get("id") == value for n in nodes)
        overwritten = (instance_id, lhs.split("#")[0], value) in OVERWRITTEN
        if overwritten:
            assert not found, f"{lhs} = {value} is replaced by a later rule, yet still there"
        if not found and not overwritten:
            missing.append(f"{lhs} = {value}")
    assert missing == []


def _implied_codings() -> set[tuple[str, str]]:
    implied = set()
    for profile in fsh.PROFILES.values():
        if profile.fixed and profile.fixed[0] == "code":
            implied |= {(c["system"], c["code"]) for c in profile.fixed[1]["coding"]}
    for discriminator in fsh.SLICES.values():
        for value in discriminator.values():
            if isinstance(value, dict):
                implied |= {(c["system"], c["code"]) for c in value["coding"]}
    return implied


@pytest.mark.parametrize("instance_id", sorted(BLOCKS))
def test_no_coding_that_the_fsh_does_not_state(instance_id):
    _, rules = BLOCKS[instance_id]
    stated = set()
    for _, value in rules:
        if m := re.fullmatch(r'(\S+)#(\S+)(?:\s+"(.*)")?', value):
            stated.add((ALIASES.get(m.group(1), m.group(1)), m.group(2)))
    resource = _load(instance_id)
    if resource["resourceType"] == "Bundle":
        return                                    # its entries are the other instances, checked one by one
    extra = {(c.get("system"), c["code"]) for c in _codings(resource)} - stated - _implied_codings()
    assert extra == set()


def test_meta_profile_is_the_canonical_url_of_instance_of():
    for instance_id, (instance_of, _) in BLOCKS.items():
        profile = fsh.PROFILES[instance_of]
        resource = _load(instance_id)
        assert resource["resourceType"] == profile.resource_type
        assert resource.get("meta", {}).get("profile") == ([profile.url] if profile.url else None), instance_id
        if instance_of[0].isupper() and not instance_of.startswith(("USCore", "Observation", "FamilyMember")):
            assert profile.url.startswith("http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-"), instance_id


# ------------------------------------------------------------------ facts sarcoma-kg reads, checked by hand

def _coding(node: dict) -> tuple:
    c = node["coding"][0]
    return c["system"], c["code"], c.get("display")


def _extension(resource: dict, url_tail: str) -> dict:
    (found,) = [e for e in resource.get("extension", []) if e["url"].endswith(url_tail)]
    return found


def test_primary_cancer_condition_nsclc():
    r = _load("primary-cancer-condition-nsclc")
    assert _coding(r["code"]) == (SCT, "254637007", "Non-small cell lung cancer (disorder)")
    assert r["onsetDateTime"] == "2019-04-01"
    assert _coding(r["bodySite"][0]) == (SCT, "39607008", "Lung structure (body structure)")
    assert _coding(_extension(r, "mcode-histology-morphology-behavior")["valueCodeableConcept"]) == \
        (SCT, "1187332001", "Adenocarcinoma (morphologic abnormality)")
    laterality = _extension(r["bodySite"][0], "mcode-laterality-qualifier")
    assert _coding(laterality["valueCodeableConcept"])[1] == "7771000"


def test_secondary_cancer_condition_has_only_a_code():
    r = _load("secondary-cancer-condition-brain-mets")
    assert r["meta"]["profile"] == ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition"]
    assert _coding(r["code"]) == (SCT, "94225005", "Secondary malignant neoplasm of brain")
    assert "bodySite" not in r
    assert _extension(r, "condition-related")["valueReference"] == {"reference": "Condition/primary-cancer-condition-nsclc"}
    assert r["onsetDateTime"] == "2019-05-01"


def test_tumor_size_keeps_the_last_of_two_assignments():
    r = _load("tumor-size-pathology")
    sizes = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in r["component"]}
    assert sizes["33728-7"]["value"] == 1.2 and sizes["33728-7"]["code"] == "cm"
    assert sizes["33729-5"]["value"] == 0.5                       # the FSH assigns 1.0, then 0.5
    assert len(r["component"]) == 2
    assert r["focus"] == [{"reference": "BodyStructure/tumor-lobular-carcinoma-left-breast"}]
    assert _coding(r["code"])[:2] == (LNC, "21889-1")              # fixed by the TumorSize profile


def test_tumor_body_structure():
    r = _load("tumor-lobular-carcinoma-left-breast")
    assert r["resourceType"] == "BodyStructure"
    assert _coding(r["location"]) == (SCT, "80248007", "Left breast structure (body structure)")
    assert r["identifier"] == [{"type": {"coding": [{"system": "http://hl7.org/fhir/resource-types",
                                                     "code": "BodyStructure"}]},
                                "use": "usual", "system": "http://radiology.hospital.example.org", "value": "Tumor 1234"}]
    assert _extension(r, "mcode-related-condition")["valueReference"]["reference"] == \
        "Condition/primary-cancer-condition-breast"


def test_ecog_status_without_code_in_the_fsh_gets_the_profile_code():
    r = _load("ecog-performance-status-jenny-m")
    assert r["code"] == {"coding": [{"system": LNC, "code": "89247-1"}]}
    assert r["valueInteger"] == 0 and r["effectiveDateTime"] == "2018-04-12"


def test_surgery_and_medications():
    surgery = _load("cancer-related-surgical-procedure-lobectomy")
    assert _coding(surgery["code"])[1] == "359615001" and surgery["performedDateTime"] == "2019-03-01"
    assert surgery["reasonReference"] == [{"reference": "Condition/primary-cancer-condition-nsclc"}]
    stopped = _load("cancer-related-medication-request-cisplatin-stopped")
    assert stopped["status"] == "stopped" and _coding(stopped["statusReason"])[1] == "407563006"
    gefitinib = _load("cancer-related-medication-request-gefitinib")
    bounds = gefitinib["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]
    assert bounds == {"start": "2019-04-30"}                        # assigned twice; the second stands
    doxorubicin = _load("cancer-related-medication-request-doxorubicin-jenny-m")
    assert _coding(doxorubicin["medicationCodeableConcept"]) == \
        ("http://www.nlm.nih.gov/research/umls/rxnorm", "3639", "DOXOrubicin")


def test_disease_status_and_histology_observation():
    status = _load("cancer-disease-status-jenny-m")
    assert _coding(status["valueCodeableConcept"])[1] == "268910001"
    assert status["focus"] == [{"reference": "Condition/primary-cancer-condition-jenny-m"}]
    histology = _load("histologic-behavior-and-type-non-small-cell")
    assert _coding(histology["valueCodeableConcept"]) == \
        ("http://terminology.hl7.org/CodeSystem/icd-o-3", "80463/3", "Non-small cell carcinoma")
    assert histology["specimen"] == {"reference": "Specimen/human-specimen-lung"}   # defined in EX_Genomics.fsh


def test_bundle_holds_its_entries_in_order():
    bundle = _load("mcode-patient-bundle-jenny-m")
    assert bundle["type"] == "collection"
    assert len(bundle["entry"]) == 40
    first, last = bundle["entry"][0], bundle["entry"][-1]
    assert first["fullUrl"] == "http://example.org/fhir/Patient/cancer-patient-jenny-m"
    assert first["resource"] == _load("cancer-patient-jenny-m")
    assert last["resource"]["id"] == "us-core-practitioner-peter-pathologist"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"http://example.org/fhir/{resource['resourceType']}/{resource['id']}"
        assert resource == _load(resource["id"])


def test_radiotherapy_nested_context_rules():
    r = _load("radiotherapy-treatment-summary-other-with-text")
    techniques = [e for e in r["extension"] if e["url"].endswith("mcode-radiotherapy-modality-and-technique")]
    assert len(techniques) == 2
    modality = techniques[0]["extension"][0]["valueCodeableConcept"]
    assert [c["code"] for c in modality["coding"]] == ["UNC", "169317000"]
    assert modality["text"] == "Boron neutron capture therapy (procedure)"
    doses = [e for e in r["extension"] if e["url"].endswith("dose-delivered-to-volume")]
    assert [d["extension"][1]["valueQuantity"]["value"] for d in doses] == [6000, 5000]


# ----------------------------------------------------------------------------------- the transcriber

def test_the_committed_files_are_the_transcriber_output():
    produced = fsh.Transcription(FSH_DIR).all_json()
    for instance_id, resource in produced.items():
        assert (FIXTURES / f"{instance_id}.json").read_text(encoding="utf-8") == fsh.dumps(resource), instance_id


@pytest.mark.skipif(not SHARED_FSH.is_dir(), reason="no ../shared next to this checkout")
def test_fsh_copies_are_byte_identical_to_the_shared_originals():
    copies = sorted(FSH_DIR.glob("*.fsh"))
    for copy in copies:
        assert copy.read_bytes() == (SHARED_FSH / copy.name).read_bytes(), copy.name
    wanted = {p.name for p in [*SHARED_FSH.glob("EX_*.fsh"), *SHARED_FSH.glob("AL_*.fsh")]}
    assert wanted <= {p.name for p in copies}


def test_comments_start_only_at_a_token():
    text = '* a = http://x.org#c "a // b" // gone\n//* gone = 1\n/* gone\n */* b = 1'
    assert fsh.strip_comments(text) == '* a = http://x.org#c "a // b" \n\n\n* b = 1'


def _transcribe(tmp_path, rules: str, instance_of: str = "TumorSize") -> dict:
    (tmp_path / "EX_T.fsh").write_text(f"Instance: t\nInstanceOf: {instance_of}\n{rules}", encoding="utf-8")
    (tmp_path / "AL_T.fsh").write_text("Alias: SCT = http://snomed.info/sct\n", encoding="utf-8")
    return fsh.Transcription(tmp_path).json("t")


def test_soft_indices_and_context_paths(tmp_path):
    r = _transcribe(tmp_path, "* note[+].text = \"a\"\n* note[+]\n  * text = \"b\"\n  * time = \"2020-01-01\"\n"
                              "* note[=].authorString = \"x\"\n* status = #final\n")
    assert r["note"] == [{"text": "a"}, {"text": "b", "time": "2020-01-01", "authorString": "x"}]


def test_a_later_assignment_replaces_an_earlier_one(tmp_path):
    r = _transcribe(tmp_path, "* status = #final\n* method = SCT#1 \"one\"\n* method = SCT#2\n")
    assert r["method"] == {"coding": [{"system": SCT, "code": "2", "display": "one"}]}


@pytest.mark.parametrize("rules, message", [
    ("* insert SomeRules\n", "unsupported rule"),
    ("* status = #final\n* nonsense = 1\n", "has no element"),
    ("* status = #final\n* method = NOPE#1\n", "unknown code system alias"),
    ("* extension[unheardOf].valueString = \"x\"\n", "unknown slice"),
    ("* status = Reference(x)\n", "cannot be assigned"),
])
def test_unreadable_fsh_is_rejected_not_dropped(tmp_path, rules, message):
    with pytest.raises(fsh.FSHError, match=message):
        _transcribe(tmp_path, rules)

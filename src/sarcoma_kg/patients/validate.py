"""``sarcoma-kg validate``: check patient data (every form :mod:`~sarcoma_kg.patients.read` reads)
against the structural shapes and against every definition of oligometastatic disease.

:func:`validate_paths` returns a :class:`ValidationResult`; :func:`render_table`,
:func:`render_json` and :func:`render_turtle` turn it into text (the CLI prints it).

Exit code (:attr:`ValidationResult.exit_code`): 0 when every input was read and has no data
violation (whatever the verdicts; warnings do not count), 1 when a data violation exists,
2 when an input file could not be read (the other files are still validated and reported) or
states something a patient record may not say (:mod:`.boundary`: reported, ignored for every
verdict, the file's patients validated without it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from . import compiled
from . import shapes
from . import verdicts
from .read import PatientFile, clash, expand, read_patient_file
from .shapes import ShapeResult
from ..errors import EXIT_INPUT, EXIT_NONCONFORMANT, EXIT_OK, InputError
from ..namespaces import SKG, bind_prefixes
from ..rdf import curie

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
#: The engines that run the shapes: the compiled one (the default) and pySHACL (the reference).
ENGINES = ("compiled", "pyshacl")


@dataclass(frozen=True)
class Finding:
    """A structural result (violation or warning) of shapes/patient-structure.ttl."""

    patient: URIRef | None
    focus: URIRef
    severity: str
    shape: URIRef
    constraint: URIRef | None
    path: URIRef | None
    value: object
    message: str


@dataclass
class FileError:
    path: Path
    message: str


@dataclass
class ValidationResult:
    files: list[PatientFile] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    derivation: verdicts.Derivation | None = None
    data: Graph | None = None

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def exit_code(self) -> int:
        if self.errors:
            return EXIT_INPUT
        return EXIT_OK if self.conforms else EXIT_NONCONFORMANT

    @property
    def patients(self) -> list[URIRef]:
        return [p for f in self.files for p in f.patients]

    def file_of(self, patient: URIRef) -> Path | None:
        for f in self.files:
            if patient in f.patients:
                return f.path
        return None

    @property
    def graph(self) -> Graph:
        """The write-back graph (assessments, counts, timing) of every valid-enough patient."""
        if self.derivation is None:
            g = Graph()
            bind_prefixes(g)
            return g
        return self.derivation.graph


def validate_paths(paths: Iterable[Path | str], knowledge: Graph | None = None,
                   engine: str = "compiled", progress: Callable[[int, int], None] | None = None) -> ValidationResult:
    """Read every file (a bad file is reported in ``errors`` and skipped, never hiding the
    others), run the structural and criteria shapes once over all patients beside the
    ontology and knowledge base, and assemble the verdicts.

    ``engine`` (:data:`ENGINES`): ``"compiled"`` (:mod:`.compiled`: the shapes compiled to SPARQL and
    run by pyoxigraph, the default at every size) or ``"pyshacl"`` (the reference engine, slower:
    seconds per patient). Both give the same findings and verdicts; input the compiled engine
    cannot check exactly is refused with an :class:`~sarcoma_kg.errors.InputError` naming the
    other engine, never checked approximately. ``progress(done, total)`` is called as the check
    and the per-patient derivation advance (in steps: two per patient)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}")
    result = ValidationResult()
    owner: dict[URIRef, Path] = {}
    for path in expand(paths):
        try:
            pf = read_patient_file(path)
        except InputError as exc:
            result.errors.append(FileError(Path(path), str(exc)))
            continue
        repeated = clash(pf, owner)
        if repeated is not None:
            result.errors.append(FileError(pf.path, str(repeated)))
            continue
        for p in pf.patients:
            owner[p] = pf.path
        result.errors.extend(FileError(pf.path, str(e)) for e in pf.errors)
        result.errors.extend(FileError(pf.path, r.message) for r in pf.refused)
        result.files.append(pf)
    if not result.files:
        return result
    knowledge = knowledge if knowledge is not None else shapes.knowledge_context()
    try:
        _run(result, result.files, knowledge, engine, progress)
    except Exception:  # an engine failure on one file must not hide the others: retry file by file
        good = []
        for pf in result.files:
            try:
                _run(ValidationResult(), [pf], knowledge, engine)
                good.append(pf)
            except Exception as exc:
                why = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
                result.errors.append(FileError(pf.path, f"{pf.path}: could not be validated: {why}"))
        result.files = good
        if good:
            _run(result, good, knowledge, engine)
    return result


def _run(result: ValidationResult, files: list[PatientFile], knowledge: Graph, engine: str,
         progress: Callable[[int, int], None] | None = None) -> None:
    merged = _merged(files)
    data = shapes.data_graph(merged, knowledge)
    shape_graph = shapes.shape_graph()
    steps = max(2 * sum(len(pf.patients) for pf in files), 1)
    checked = (lambda done, total: progress(steps // 2 * done // max(total, 1), steps)) if progress else None
    if engine == "compiled":  # its results as they come, without a report graph
        report = compiled.compiled_report(merged, progress=checked, as_graph=False)
    else:
        report = shapes.shape_results(shapes.run_shapes(data, shape_graph))
    if checked:
        checked(1, 1)
    derived = (lambda done: progress(steps // 2 + done, steps)) if progress else None
    result.data = data
    result.findings = _structural_findings(report, shape_graph, data)
    result.derivation = verdicts.derive_all(merged, knowledge, data=data, report=report, progress=derived)


def _merged(files: list[PatientFile]) -> Graph:
    """The patient graphs of ``files`` in one graph (one file's graph as it is)."""
    if len(files) == 1:
        return files[0].graph
    merged = Graph()
    for pf in files:
        merged += pf.graph
    return merged


def _owner_patient(data: Graph, node) -> URIRef | None:
    if (node, RDF.type, SKG.Patient) in data:
        return node
    for prop in (SKG.hasLesion, SKG.hasPrimaryTumour, SKG.receivedSystemicTherapy):
        for patient in data.subjects(prop, node):
            return patient
    return None


def _structural_findings(report: Sequence[ShapeResult], shapes: Graph, data: Graph) -> list[Finding]:
    criteria = set(shapes.subjects(SKG.criterionOutcome, None))
    out = []
    for r in report:
        if r.shape in criteria:
            continue
        out.append(Finding(
            patient=_owner_patient(data, r.focus), focus=r.focus,
            severity=SEVERITY_NAMES.get(r.severity, "violation"), shape=r.shape,
            constraint=r.constraint if isinstance(r.constraint, URIRef) else None,
            path=r.path, value=r.value, message=r.message,
        ))
    return sorted(out, key=lambda f: (str(f.patient), f.severity, str(f.focus), str(f.shape), f.message))


# --------------------------------------------------------------------------- rendering

def _verdict_label(verdict: URIRef) -> str:
    return {
        SKG.Meets: "meets", SKG.DoesNotMeet: "does not meet", SKG.CannotTell: "cannot tell",
        SKG.MeetsAtStrictBound: "meets at the strict bound",
        SKG.MeetsOnlyAtLenientBound: "meets only at the lenient bound",
        SKG.OutsidePopulation: "outside its population",
    }.get(verdict, str(verdict))


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _facts_dict(f) -> dict:
    """The derived facts of one patient (:class:`~sarcoma_kg.patients.verdicts.PatientFacts`) as JSON."""
    if f is None:
        return {"lesionCount": None, "organSiteCount": None, "organSites": [], "timing": None}
    return {
        "lesionCount": f.lesion_count,
        "presentLesions": [curie(x) for x in f.present],
        "organSiteCount": f.organ_site_count,
        "organSites": [curie(o) for o in f.organ_sites],
        "diffuseOrgansCounted": [curie(o) for o in f.diffuse_organs],
        "timing": curie(f.timing) if f.timing else None,
        "timingIntervalMonths": _number(f.interval_months),
        "timingBasis": f.timing_basis,
        "currentEpisodeDetected": f.episode_date.isoformat() if f.episode_date else None,
        "diseaseFreeIntervalMonths": _number(f.dfi_months),
        "treatmentFreeIntervalMonths": _number(f.tfi_months),
        "derived": {curie(k): v for k, v in sorted(f.flags.items())},
        "timingRule": {"rule": curie(f.timing_rule.iri), "label": f.timing_rule.label,
                       "definitions": [curie(d) for d in f.timing_rule.definitions]} if f.timing_rule else None,
    }


def _by_patient(items: Iterable) -> dict:
    """``items`` (each with a ``patient``) grouped by patient, in their order: one pass, so that the
    report of thousands of patients does not scan every finding and assessment once per patient."""
    groups: dict = {}
    for item in items:
        groups.setdefault(item.patient, []).append(item)
    return groups


def _assessment_dict(a: verdicts.Assessment) -> dict:
    return {
        "definition": curie(a.definition),
        "verdict": curie(a.verdict),
        "verdictLabel": _verdict_label(a.verdict),
        "reasons": a.reasons,
        "missingFacts": a.missing,
        "notChecked": a.not_checked,
    }


def as_dict(result: ValidationResult) -> dict:
    """A JSON-ready summary: files, errors, patients with findings, facts and assessments."""
    d = result.derivation
    facts = {f.patient: f for f in d.facts} if d else {}
    violations, warnings = _by_patient(result.violations), _by_patient(result.warnings)
    assessments = _by_patient(d.assessments if d else [])
    file_of = {p: pf.path for pf in reversed(result.files) for p in pf.patients}  # the first file's, as file_of
    out_patients = []
    for patient in result.patients:
        out_patients.append({
            "patient": str(patient),
            "id": curie(patient),
            "file": str(file_of.get(patient)),
            **_facts_dict(facts.get(patient)),
            "violations": [_finding_dict(result, x) for x in violations.get(patient, [])],
            "warnings": [_finding_dict(result, x) for x in warnings.get(patient, [])],
            "assessments": [_assessment_dict(a) for a in assessments.get(patient, [])],
        })
    orphans = [f for f in result.findings if f.patient is None]
    return {
        "conforms": result.conforms and not result.errors,
        "exitCode": result.exit_code,
        "files": [str(f.path) for f in result.files],
        "errors": [{"file": str(e.path), "message": e.message} for e in result.errors],
        "patients": out_patients,
        "otherFindings": [_finding_dict(result, x) for x in orphans],
    }


def _finding_dict(result: ValidationResult, f: Finding) -> dict:
    return {
        "focus": curie(f.focus),
        "severity": f.severity,
        "shape": curie(f.shape),
        "constraint": curie(f.constraint) if f.constraint else None,
        "path": curie(f.path) if isinstance(f.path, URIRef) else None,  # an inverse path is a blank node
        "value": curie(f.value) if f.value is not None else None,
        "message": f.message,
    }


def render_json(result: ValidationResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render_turtle(result: ValidationResult) -> str:
    return result.graph.serialize(format="turtle")


def _timing_words(p: dict) -> str:
    timing = "unknown" if p["lesionCount"] else "unknown (no present lesion)"
    if p["timing"]:
        timing = p["timing"].split(":")[-1].lower() + " (current episode"
        if p["timingIntervalMonths"] is not None:
            timing += f", {p['timingIntervalMonths']:g} months after diagnosis"
        elif p["timingBasis"] == "recorded":
            timing += ", as recorded"
        timing += ")"
    elif p["timingIntervalMonths"] is not None:
        timing = f"{p['timingIntervalMonths']:g} months after diagnosis"
    return timing


def outside_population_note(p: dict) -> str | None:
    """For a patient whose timing is known and who is outside the population of a definition the timing rule
    goes with (``timingRule``: the definitions its recommendations assume): why the timing is shown without
    the class of those recommendations (the table's and the page's words)."""
    rule = p.get("timingRule")
    outside = [a["definition"] for a in p["assessments"] if a["verdict"] == "skg:OutsidePopulation"
               and rule and a["definition"] in rule["definitions"] and a["reasons"]]
    if p["timing"] and outside:
        return (f"the {rule['label']} is outside this patient's population like {outside[0]}: "
                "the timing is shown, not the synchronous or metachronous class of its recommendations")
    return None


def not_checked_shown(a: dict) -> list[str]:
    """The clauses of a definition it does not check, as shown for one assessment (none when the patient is
    outside the definition's population: the definition is not applied at all)."""
    return [] if a["verdict"] == "skg:OutsidePopulation" else a.get("notChecked", [])


def _facts_lines(p: dict) -> list[str]:
    """The derived-facts lines of one patient in the table."""
    sites = ", ".join(s.split(":")[-1] for s in p["organSites"]) or "none"
    count = p["organSiteCount"] if p["organSiteCount"] is not None else f"≥{len(p['organSites'])} (a lesion site is unknown)"
    diffuse = " (diffuse sarcomatosis counted as an organ site)" if p.get("diffuseOrgansCounted") else ""
    lesions = p["lesionCount"] if p["lesionCount"] is not None else "unknown (a site is recorded without its number)"
    lines = [f"  present lesions: {lesions}   organ sites: {count} [{sites}]{diffuse}   "
             f"timing: {_timing_words(p)}"]
    intervals = [f"{name}: {p[key]:g} months" for key, name in
                 (("diseaseFreeIntervalMonths", "disease-free interval"), ("treatmentFreeIntervalMonths", "treatment-free interval"))
                 if p.get(key) is not None]
    if intervals:
        lines.append("  " + "   ".join(intervals))
    note = outside_population_note(p)
    if note:
        lines.append(f"  {note}")
    return lines


def _assessment_lines(p: dict) -> list[str]:
    lines = []
    width = max((len(a["definition"]) for a in p["assessments"]), default=10)
    for a in p["assessments"]:
        why = "; ".join(a["reasons"])
        if a["missingFacts"]:
            why = (why + "; " if why else "") + "missing: " + "; ".join(a["missingFacts"])
        lines.append(f"  {a['definition']:<{width}}  {a['verdictLabel']:<31}  {why}".rstrip())
        lines.extend(f"  {'':<{width}}  not checked: {clause}" for clause in not_checked_shown(a))
    return lines


def render_table(result: ValidationResult) -> str:
    """A readable report: per patient, data problems, derived facts and one line per definition."""
    d = as_dict(result)
    lines: list[str] = [f"ERROR  {e['message']}" for e in d["errors"]]
    if d["errors"]:
        lines.append("")
    for p in d["patients"]:
        nv, nw = len(p["violations"]), len(p["warnings"])
        status = "data ok" if not nv and not nw else f"{nv} violation(s), {nw} warning(s)"
        lines.append(f"{p['id']}  ({p['file']})  {status}")
        lines.extend(_facts_lines(p))
        for f in p["violations"] + p["warnings"]:
            mark = "VIOLATION" if f["severity"] == "violation" else "warning  "
            where = f["focus"] + (f" {f['path']}" if f["path"] else "")
            lines.append(f"  {mark} {where}: {f['message']}")
        lines.extend(_assessment_lines(p))
        lines.append("")
    for f in d["otherFindings"]:
        lines.append(f"{f['severity'].upper()} {f['focus']}: {f['message']}")
    lines.append(
        f"{len(d['patients'])} patient(s) in {len(d['files'])} file(s); "
        f"{len(result.violations)} violation(s), {len(result.warnings)} warning(s), {len(d['errors'])} input error(s)")
    return "\n".join(lines) + "\n"

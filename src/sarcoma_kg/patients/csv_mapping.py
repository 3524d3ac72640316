"""Tumour-board spreadsheet (CSV, one row per lesion) → patient graph (docs/model.md).

Columns (header row required; order free; only ``patient_id`` is mandatory; an empty cell is
*unknown*, never false). Patient-level columns may be repeated on every row of the patient or
given once; two different values for one patient are an input error.

=============================  =====  ==========================================================
column                         level  value
=============================  =====  ==========================================================
patient_id                     P      identifier; the patient IRI is ``ex:<patient_id>``
age_at_diagnosis_years         P      number
sex                            P      M / F
ecog                           P      integer 0-5
diffuse_serosal_involvement    P      yes / no
serosal_sites                  P      site names separated by ``;`` (Pleura; Peritoneum ...)
extrahepatic_disease           P      yes / no
prior_liver_resection          P      yes / no
prior_liver_resection_date     P      YYYY-MM-DD
surgical_candidate             P      yes / no (a candidate for surgery, as the tumour board judges)
on_systemic_therapy            P      yes / no (receiving systemic therapy now)
adjuvant_chemotherapy          P      yes / no (adjuvant chemotherapy after the first liver resection)
induction_therapy_planned      P      yes / no (induction / preoperative systemic therapy planned)
recorded_timing                P      synchronous / metachronous (as recorded, without dates)
primary_histology              P      histology class (Leiomyosarcoma, skg:Leiomyosarcoma or NCIT:C3158)
primary_site                   P      site class (Retroperitoneum)
diagnosis_date                 P      YYYY-MM-DD
primary_resected               P      yes / no
primary_resectable             P      yes / no
primary_amenable_radical       P      yes / no
primary_resection_date         P      YYYY-MM-DD (start of the disease-free interval)
systemic_agents                P      agent classes separated by ``;`` (Doxorubicin; Ifosfamide)
best_response                  P      CR / PR / SD / PD (or CompleteResponse ...)
therapy_ongoing                P      yes / no (the course of systemic_agents is still given)
lesion_id                      L      identifier of the lesion within the patient (default L1, L2 ...)
lesion_site                    L      site class (RightLung, ThoracicSpine ...)
lesion_diameter_mm             L      number (longest diameter in millimetres)
detection_date                 L      YYYY-MM-DD
lesion_amenable_radical        L      yes / no
lesion_amenable_resection      L      yes / no
lesion_amenable_ablation       L      yes / no
lesion_status                  L      present / resected / ablated (empty: present)
lesion_treatment_date          L      YYYY-MM-DD: the resection or ablation date (lesion_status
                                      resected or ablated is then required)
=============================  =====  ==========================================================

A term cell (histology, site, agent) takes a local name (``Leiomyosarcoma``, ``skg:RightLung``) or a code
that has a row in ``ontology/mappings/`` (``NCIT:C3158``, ``SNOMEDCT:10200004``, ``UBERON:0002107``, ICD-O-3
morphology ``ICDO3:8890/3`` or topography ``ICDO3:C34.9``): exact
and close matches only; a code without a row, or whose rows name two terms, is an input error.

A row whose lesion columns are all empty describes a patient with no countable lesion. Cells
that cannot be read (a number that is not written with the digits 0-9 and at most one ``.``
-- no ``1,000``, ``1_000``, ``Infinity`` or other scripts' digits --, a date that is not an
existing YYYY-MM-DD day, yes/no that is neither, an identifier with other characters) are input
errors naming the file, line and column; values that are readable but wrong (a size of 0, a date
in the future, an unknown site) are kept and reported by the shapes.

Node IRIs: the patient ``ex:<patient_id>``, its primary tumour ``ex:<patient_id>-primary``, its
systemic therapy ``ex:<patient_id>-systemic``, a lesion ``ex:<patient_id>-<lesion_id>``. A row
that would make one IRI name two nodes (a ``patient_id`` equal to another patient's lesion,
``TB-001-L1``; a lesion id ``primary`` or ``systemic``) is an input error.

**One bad row costs one patient**: a row with an error makes its patient (every row with its
``patient_id``) an input error, reported with file, line and column, and leaves the other patients
in the graph (:func:`read_csv_records`); :func:`read_csv` raises the first error instead.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .. import lexical
from ..errors import InputError
from ..namespaces import EX, SKG, bind_prefixes
from . import codes

PATIENT_COLUMNS = (
    "patient_id", "age_at_diagnosis_years", "sex", "ecog", "diffuse_serosal_involvement",
    "serosal_sites", "extrahepatic_disease", "prior_liver_resection", "prior_liver_resection_date",
    "recorded_timing", "primary_histology", "primary_site", "diagnosis_date", "primary_resected",
    "primary_resectable", "primary_amenable_radical", "systemic_agents", "best_response",
    "surgical_candidate", "on_systemic_therapy", "adjuvant_chemotherapy", "induction_therapy_planned",
    "primary_resection_date", "therapy_ongoing",
)
LESION_COLUMNS = (
    "lesion_id", "lesion_site", "lesion_diameter_mm", "detection_date", "lesion_amenable_radical",
    "lesion_amenable_resection", "lesion_amenable_ablation", "lesion_status", "lesion_treatment_date",
)
COLUMNS = PATIENT_COLUMNS + LESION_COLUMNS

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_UNKNOWN = {"", "unknown", "na", "n/a", "?"}
_RESPONSES = {
    "cr": "CompleteResponse", "pr": "PartialResponse", "sd": "StableDisease", "pd": "ProgressiveDisease",
    "completeresponse": "CompleteResponse", "partialresponse": "PartialResponse",
    "stabledisease": "StableDisease", "progressivedisease": "ProgressiveDisease",
}
_SEX = {"m": SKG.Male, "male": SKG.Male, "f": SKG.Female, "female": SKG.Female}
_TIMING = {"synchronous": SKG.Synchronous, "metachronous": SKG.Metachronous}
_STATUS = {"present": SKG.LesionPresent, "resected": SKG.LesionResected, "ablated": SKG.LesionAblated}
#: the date property of a treated lesion, by its status
_TREATMENT_DATE = {SKG.LesionResected: SKG.resectionDate, SKG.LesionAblated: SKG.ablationDate}


class _Row:
    """One CSV row with its line number, reading typed cells or raising InputError."""

    def __init__(self, path: Path, line: int, cells: dict[str, str]):
        self.path, self.line, self.cells = path, line, cells

    def error(self, column: str, message: str) -> InputError:
        return InputError(f"{self.path}:{self.line}: column {column}: {message}")

    def raw(self, column: str) -> str | None:
        value = (self.cells.get(column) or "").strip()
        return None if value.lower() in _UNKNOWN else value

    def boolean(self, column: str) -> Literal | None:
        value = self.raw(column)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return Literal(True)
        if value.lower() in _FALSE:
            return Literal(False)
        raise self.error(column, f"{value!r} is not yes or no (leave the cell empty when unknown)")

    def number(self, column: str, integer: bool = False) -> Literal | None:
        value = self.raw(column)
        if value is None:
            return None
        if not lexical.well_formed(value, str(XSD.decimal)):
            raise self.error(column, f"{value!r} is not a number written with the digits 0-9 and at most one '.' "
                                     "(no thousands separator, no decimal comma)")
        number = Decimal(value)
        if integer:
            if number != number.to_integral_value():
                raise self.error(column, f"{value!r} is not a whole number")
            return Literal(int(number), datatype=XSD.integer)
        return Literal(number, datatype=XSD.decimal)

    def date(self, column: str) -> Literal | None:
        value = self.raw(column)
        if value is None:
            return None
        if not _DATE.fullmatch(value) or not lexical.well_formed(value, str(XSD.date)):
            raise self.error(column, f"{value!r} is not an existing day written YYYY-MM-DD")
        return Literal(value, datatype=XSD.date)

    def coded(self, column: str, codes: dict[str, URIRef], expected: str) -> URIRef | None:
        """The term a coded cell stands for (``codes``: lower-case cell text → term)."""
        value = self.raw(column)
        if value is None:
            return None
        if value.lower() not in codes:
            raise self.error(column, f"{value!r} is not {expected}")
        return codes[value.lower()]

    def term(self, column: str, value: str | None = None) -> URIRef | None:
        value = self.raw(column) if value is None else value.strip()
        if not value:
            return None
        if ":" in value and not value.startswith("skg:"):
            return self.code(column, value)
        local = value[4:] if value.startswith("skg:") else value
        if not _TERM.fullmatch(local):
            raise self.error(column, f"{value!r} is not a term name (for example Leiomyosarcoma or skg:RightLung)")
        return SKG[local]

    def code(self, column: str, value: str) -> URIRef:
        """The term a code of a mapping set stands for (``NCIT:C3158``, ``SNOMEDCT:10200004``, ``ICDO3:8890/3``)."""
        found = codes.terms_for_curie(value)
        if found is None:
            known = ", ".join(sorted(codes.curie_prefixes()))
            raise self.error(column, f"{value!r} is neither a term name nor a code of a mapping set ({known})")
        if len(found) != 1:
            what = "no mapping row" if not found else f"{len(found)} terms ({', '.join(sorted(map(str, found)))})"
            raise self.error(column, f"{value!r}: {what} in ontology/mappings/")
        return next(iter(found))

    def terms(self, column: str) -> list[URIRef]:
        value = self.raw(column)
        if value is None:
            return []
        return [t for part in value.split(";") if (t := self.term(column, part)) is not None]

    def identifier(self, column: str) -> str | None:
        value = self.raw(column)
        if value is not None and not _ID.fullmatch(value):
            raise self.error(column, f"{value!r} is not a usable identifier (letters, digits, '.', '_', '-')")
        return value


def read_csv(path: Path | str) -> Graph:
    """Read a tumour-board CSV into a patient graph. Raise InputError naming file and line (the
    first error of any row)."""
    graph, problems = read_csv_records(path)
    if problems:
        raise problems[0]
    return graph


def read_csv_records(path: Path | str) -> tuple[Graph, list[InputError]]:
    """(graph of every patient whose rows all read, one error per row that did not). An error
    about the file itself (encoding, header, no data row) is raised."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from exc
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = _header(path, reader)
    builder = _Builder()
    rows = 0
    for row in _rows(path, reader, header, builder.problems):
        rows += 1
        builder.add(row)
    if not rows and not builder.problems:
        raise InputError(f"{path}: no patient rows (only the header)")
    return builder.graph(), [error for _, error in builder.problems]


class CsvReader:
    """The tumour-board spreadsheet, one row per lesion (``.csv``, or ``.tsv`` with tabs)."""

    suffixes = frozenset({".csv", ".tsv"})

    def accepts(self, path: Path) -> bool:
        return path.suffix.lower() in self.suffixes

    def read(self, path: Path) -> tuple[Graph, list[InputError]]:
        return read_csv_records(path)


def _header(path: Path, reader) -> list[str]:
    """The column names of the header row (lower case), checked against :data:`COLUMNS`."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"{path}:1: not valid CSV: {exc}") from exc
    if not header or not any(h.strip() for h in header):
        raise InputError(f"{path}:1: empty file: a header row with at least patient_id is required")
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise InputError(f"{path}:1: unknown column(s) {', '.join(unknown)} (see the documented CSV columns)")
    if "patient_id" not in header:
        raise InputError(f"{path}:1: the header has no patient_id column")
    if len(set(header)) != len(header):
        raise InputError(f"{path}:1: a column is named twice")
    return header


def _rows(path: Path, reader, header: list[str], problems: list):
    """The non-empty data rows, each with as many cells as the header has columns; a row that is
    not is added to ``problems`` as (patient_id or None, error)."""
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append((None, InputError(f"{path}:{reader.line_num}: not valid CSV: {exc}")))
            return  # the reader cannot go on after a syntax error
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            pid = cells[header.index("patient_id")].strip() if len(cells) > header.index("patient_id") else None
            problems.append((pid or None, InputError(
                f"{path}:{start}: {len(cells)} cells where the header has {len(header)} columns")))
            continue
        yield _Row(path, start, dict(zip(header, cells)))


class _Builder:
    """Adds rows to one graph per patient: a patient's values must agree across its rows, a
    lesion identifier is used once per patient, one IRI names one node; a row with an error makes
    its patient an error (``problems``), and :meth:`graph` leaves that patient out."""

    def __init__(self):
        self.graphs: dict[str, Graph] = {}
        self.problems: list[tuple[str | None, InputError]] = []
        self.first_values: dict[tuple[str, str], tuple[str, int]] = {}
        self.lesion_numbers: dict[str, int] = {}
        self.nodes: dict[URIRef, tuple[str, str, int]] = {}   # IRI -> (patient_id, role, line)

    def add(self, row: _Row) -> None:
        pid = (row.cells.get("patient_id") or "").strip() or None
        try:
            pid = row.identifier("patient_id")
            if pid is None:
                raise row.error("patient_id", "empty: every row needs the patient's identifier")
            self._add(row, pid)
        except InputError as exc:
            self.problems.append((pid, exc))

    def mint(self, row: _Row, column: str, iri: URIRef, pid: str, role: str) -> URIRef:
        """``iri`` for the ``role`` node of patient ``pid``; an error if it names another node."""
        owner = self.nodes.setdefault(iri, (pid, role, row.line))
        if owner[:2] != (pid, role):
            raise row.error(column, f"<{iri}> would name both the {role} of patient {pid} and the {owner[1]} of "
                                    f"patient {owner[0]} (line {owner[2]}): change one identifier")
        return iri

    def _add(self, row: _Row, pid: str) -> None:
        for column in PATIENT_COLUMNS[1:]:
            value = row.raw(column)
            if value is None:
                continue
            first, first_line = self.first_values.setdefault((pid, column), (value, row.line))
            if first != value:
                raise row.error(column, f"{value!r} differs from {first!r} given for patient {pid} on line {first_line}")
        self.mint(row, "patient_id", EX[pid], pid, "patient")
        part = Graph()
        _add_patient_facts(part, row, pid, self)
        if any(row.raw(c) is not None for c in LESION_COLUMNS):
            number = self.lesion_numbers.get(pid, 0) + 1
            lid = row.identifier("lesion_id") or f"L{number}"
            lesion = EX[f"{pid}-{lid}"]
            if self.nodes.get(lesion, ())[:2] == (pid, "lesion"):
                raise row.error("lesion_id", f"lesion {lid} of patient {pid} is given twice")
            self.mint(row, "lesion_id", lesion, pid, "lesion")
            self.lesion_numbers[pid] = number
            _add_lesion(part, row, pid, lesion)
        self.graphs.setdefault(pid, Graph()).__iadd__(part)

    def graph(self) -> Graph:
        """Every patient without an error, in one graph."""
        bad = {pid for pid, _ in self.problems}
        graph = Graph()
        bind_prefixes(graph)
        for pid, part in self.graphs.items():
            if pid not in bad:
                graph += part
        return graph


def _add(graph: Graph, subject: URIRef, predicate: URIRef, value) -> None:
    if value is not None:
        graph.add((subject, predicate, value))


#: (column, property, how the cell is read) of the primary tumour and of a lesion.
_PRIMARY_CELLS = (
    ("primary_histology", SKG.hasHistology, _Row.term), ("primary_site", SKG.hasSite, _Row.term),
    ("diagnosis_date", SKG.diagnosisDate, _Row.date), ("primary_resected", SKG.primaryResected, _Row.boolean),
    ("primary_resectable", SKG.primaryResectable, _Row.boolean),
    ("primary_amenable_radical", SKG.amenableToRadicalTreatment, _Row.boolean),
    ("primary_resection_date", SKG.primaryResectionDate, _Row.date),
)
_LESION_CELLS = (
    ("lesion_site", SKG.hasSite, _Row.term), ("lesion_diameter_mm", SKG.longestDiameterMm, _Row.number),
    ("detection_date", SKG.detectionDate, _Row.date),
    ("lesion_amenable_radical", SKG.amenableToRadicalTreatment, _Row.boolean),
    ("lesion_amenable_resection", SKG.amenableToResection, _Row.boolean),
    ("lesion_amenable_ablation", SKG.amenableToAblation, _Row.boolean),
)


def _add_cells(graph: Graph, row: _Row, subject: URIRef, cells) -> None:
    """One triple per non-empty cell of ``cells`` (see :data:`_PRIMARY_CELLS`)."""
    for column, predicate, read in cells:
        _add(graph, subject, predicate, read(row, column))


def _add_patient_facts(graph: Graph, row: _Row, pid: str, builder: _Builder) -> None:
    patient = EX[pid]
    graph.add((patient, RDF.type, SKG.Patient))
    _add(graph, patient, SKG.ageAtDiagnosisYears, row.number("age_at_diagnosis_years"))
    _add(graph, patient, SKG.sex, row.coded("sex", _SEX, "M or F"))
    _add(graph, patient, SKG.ecogPerformanceStatus, row.number("ecog", integer=True))
    _add(graph, patient, SKG.hasDiffuseSerosalInvolvement, row.boolean("diffuse_serosal_involvement"))
    for site in row.terms("serosal_sites"):
        graph.add((patient, SKG.hasSerosalInvolvement, site))
    _add(graph, patient, SKG.hasExtrahepaticDisease, row.boolean("extrahepatic_disease"))
    _add(graph, patient, SKG.priorLiverResection, row.boolean("prior_liver_resection"))
    _add(graph, patient, SKG.priorLiverResectionDate, row.date("prior_liver_resection_date"))
    _add(graph, patient, SKG.recordedMetastasisTiming, row.coded("recorded_timing", _TIMING, "synchronous or metachronous"))
    _add(graph, patient, SKG.surgicalCandidate, row.boolean("surgical_candidate"))
    _add(graph, patient, SKG.onSystemicTherapy, row.boolean("on_systemic_therapy"))
    _add(graph, patient, SKG.receivedAdjuvantChemotherapy, row.boolean("adjuvant_chemotherapy"))
    _add(graph, patient, SKG.preoperativeSystemicTherapyPlanned, row.boolean("induction_therapy_planned"))

    if any(row.raw(column) is not None for column, _, _ in _PRIMARY_CELLS):
        primary = builder.mint(row, "patient_id", EX[f"{pid}-primary"], pid, "primary tumour")
        graph.add((patient, SKG.hasPrimaryTumour, primary))
        graph.add((primary, RDF.type, SKG.PrimaryTumour))
        _add_cells(graph, row, primary, _PRIMARY_CELLS)

    agents = row.terms("systemic_agents")
    response = row.raw("best_response")
    ongoing = row.boolean("therapy_ongoing")
    if agents or response is not None or ongoing is not None:
        course = builder.mint(row, "patient_id", EX[f"{pid}-systemic"], pid, "systemic therapy")
        graph.add((patient, SKG.receivedSystemicTherapy, course))
        graph.add((course, RDF.type, SKG.SystemicTherapyCourse))
        _add(graph, course, SKG.ongoing, ongoing)
        for agent in agents:
            graph.add((course, SKG.usesAgent, agent))
        if response is not None:
            key = response.lower().replace(" ", "").replace("skg:", "")
            if key not in _RESPONSES:
                raise row.error("best_response", f"{response!r} is not CR, PR, SD or PD")
            graph.add((course, SKG.bestResponse, SKG[_RESPONSES[key]]))


def _add_lesion(graph: Graph, row: _Row, pid: str, lesion: URIRef) -> None:
    graph.add((EX[pid], SKG.hasLesion, lesion))
    graph.add((lesion, RDF.type, SKG.MetastaticLesion))
    _add_cells(graph, row, lesion, _LESION_CELLS)
    status = row.coded("lesion_status", _STATUS, "present, resected or ablated")
    _add(graph, lesion, SKG.lesionStatus, status)
    treated = row.date("lesion_treatment_date")
    if treated is not None:
        if status not in _TREATMENT_DATE:
            raise row.error("lesion_treatment_date", "a treatment date needs lesion_status resected or ablated")
        graph.add((lesion, _TREATMENT_DATE[status], treated))

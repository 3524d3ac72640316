"""Named bad and edge-case patient files, each with the exit code every reading verb must give.

Shared by the regression tests (one per defect), the test that both validation paths keep one
contract, and the fuzz suite (which starts from them). Exit codes: 0 valid, 1 a data violation,
2 an input error (:mod:`sarcoma_kg.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PREFIXES = """@prefix skg: <https://w3id.org/sarcoma-kg/> .
@prefix ex: <https://w3id.org/sarcoma-kg/example/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
CSV_HEADER = "patient_id,lesion_id,lesion_site,lesion_diameter_mm,detection_date\n"


def lesion_patient(pid: str, size: str = "12", date: str = '"2023-05-01"^^xsd:date', site: str = "skg:Liver") -> str:
    """One patient with one lesion (``size`` and ``date`` written into the Turtle as given)."""
    return (f"ex:{pid} a skg:Patient ; skg:hasLesion ex:{pid}-L1 .\n"
            f"ex:{pid}-L1 a skg:MetastaticLesion ; skg:hasSite {site} ; skg:longestDiameterMm {size} ;"
            f" skg:detectionDate {date} .\n")


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    text: str
    exit_code: int
    #: patients that must still be validated and reported (the others are errors or absent)
    reported: tuple[str, ...] = ()

    def write(self, folder: Path) -> Path:
        path = folder / self.filename
        path.write_bytes(self.text.encode("utf-8", "surrogatepass"))
        return path


def ttl(*blocks: str) -> str:
    return PREFIXES + "".join(blocks)


CASES = [
    Case("valid", "valid.ttl", ttl(lesion_patient("V1")), 0, ("V1",)),
    Case("valid csv", "valid.csv", CSV_HEADER + "C1,L1,Liver,12,2023-05-01\n", 0, ("C1",)),
    Case("size zero", "zero.ttl", ttl(lesion_patient("Z1", size="0")), 1, ("Z1",)),
    # lexical forms outside the XSD lexical space: violations, never a silent pass
    Case("full-width digits", "fullwidth.ttl", ttl(lesion_patient("F1", size='"１２"^^xsd:decimal')), 1, ("F1",)),
    Case("Arabic-Indic digits", "arabic.ttl", ttl(lesion_patient("A1", size='"١٢"^^xsd:decimal')), 1, ("A1",)),
    Case("underscore in a number", "underscore.ttl", ttl(lesion_patient("U1", size='"1_000"^^xsd:decimal')), 1, ("U1",)),
    Case("thousands separator", "thousands.ttl", ttl(lesion_patient("T1", size='"1,000"^^xsd:decimal')), 1, ("T1",)),
    Case("Infinity", "infinity.ttl", ttl(lesion_patient("I1", size='"Infinity"^^xsd:decimal')), 1, ("I1",)),
    Case("dateTime in a date", "datetime.ttl", ttl(lesion_patient("D1", date='"2023-05-01T10:00:00"^^xsd:date')), 1, ("D1",)),
    Case("30 February", "feb30.ttl", ttl(lesion_patient("D2", date='"2023-02-30"^^xsd:date')), 1, ("D2",)),
    Case("five-digit year", "year5.ttl", ttl(lesion_patient("D3", date='"12023-05-01"^^xsd:date')), 1, ("D3",)),
    # structure that used to pass silently
    Case("patient typed as a lesion", "patient-lesion.ttl",
         ttl("ex:PL a skg:Patient , skg:MetastaticLesion ; skg:hasLesion ex:PL-L1 .\n"
             "ex:PL-L1 a skg:MetastaticLesion ; skg:hasSite skg:Liver .\n"), 1, ("PL",)),
    Case("two patients share a lesion", "shared-lesion.ttl",
         ttl("ex:S1 a skg:Patient ; skg:hasLesion ex:Shared .\nex:S2 a skg:Patient ; skg:hasLesion ex:Shared .\n"
             "ex:Shared a skg:MetastaticLesion ; skg:hasSite skg:Liver .\n"), 1, ("S1", "S2")),
    # IRIs checked at the door
    Case("space in an IRI", "space-iri.ttl",
         ttl(lesion_patient("G1"), "ex:G2 a skg:Patient ; skg:hasLesion <https://w3id.org/sarcoma-kg/example/G2 L1> .\n"),
         2, ("G1",)),
    Case("lone surrogate in an IRI", "surrogate-iri.ttl",
         ttl(lesion_patient("G3"), "ex:G4 a skg:Patient ; skg:hasLesion <https://w3id.org/sarcoma-kg/example/G4\\uD800> .\n"),
         2, ("G3",)),
    # one bad record costs one patient
    Case("one record does not parse", "one-bad-record.ttl",
         ttl(lesion_patient("R1"), "ex:R2 a skg:Patient ; skg:hasLesion ex:R2-L1\nex:R2-L1 a skg:MetastaticLesion .\n",
             lesion_patient("R3")), 2, ("R1", "R3")),
    Case("one bad CSV cell", "one-bad-cell.csv",
         CSV_HEADER + "B1,L1,Liver,12,2023-05-01\nB2,L1,Liver,twelve,2023-05-01\nB3,L1,Liver,9,2023-05-01\n", 2, ("B1", "B3")),
    # CSV identifiers: one IRI, one node
    Case("patient id equal to another's lesion", "id-collision.csv",
         CSV_HEADER + "TB-001,L1,Liver,12,2023-05-01\nTB-001-L1,L1,Liver,12,2023-05-01\n", 2, ("TB-001",)),
    Case("lesion id equal to the therapy node", "id-therapy.csv",
         "patient_id,systemic_agents,lesion_id,lesion_site\nP7,Doxorubicin,systemic,Liver\nP8,,L1,Liver\n", 2, ("P8",)),
    Case("newline in an id", "id-newline.csv", CSV_HEADER + '"N\n1",L1,Liver,12,2023-05-01\nN2,L1,Liver,12,2023-05-01\n',
         2, ("N2",)),
    Case("thousands separator in a CSV cell", "csv-thousands.csv", CSV_HEADER + 'K1,L1,Liver,"1,000",2023-05-01\n', 2),
    # files that hold no patient are input errors, never "0 patients"
    Case("empty file", "empty.ttl", "", 2),
    Case("comment-only file", "comments.ttl", "# nothing here\n# at all\n", 2),
    Case("file without a patient", "no-patient.ttl", ttl("ex:X a skg:MetastaticLesion ; skg:hasSite skg:Liver .\n"), 2),
    Case("CSV header only", "header-only.csv", CSV_HEADER, 2),
    Case("NUL byte", "nul.ttl", ttl(lesion_patient("NB")) + "\x00\n", 2),
    Case("CR-only line endings", "cr.ttl", ttl(lesion_patient("CR1")).replace("\n", "\r"), 0, ("CR1",)),
    # structures no patient record has: refused with a message, never a hang or "recursion depth"
    Case("blank nodes nested 3,000 deep", "deep.ttl",
         ttl("ex:DP a skg:Patient ; skg:hasLesion " + "[ skg:part " * 3000 + "skg:Liver" + " ]" * 3000 + " .\n"), 2),
    Case("blank nodes nested 100 deep", "deep100.ttl",
         ttl("ex:DQ a skg:Patient ; skg:hasLesion " + "[ skg:part " * 100 + "skg:Liver" + " ]" * 100 + " .\n"), 2),
    Case("a list of 5,000 items", "long-list.ttl",
         ttl("ex:LL a skg:Patient ; skg:note ( " + " ".join(map(str, range(5000))) + " ) .\n"), 2),
    # a patient file cannot change the rules
    Case("redefines a criterion", "attack.ttl",
         PREFIXES + "@prefix definition: <https://w3id.org/sarcoma-kg/definition/> .\n"
         + lesion_patient("AT1") + "definition:Falk2015-lesions skg:upperBound 0 .\n", 2, ("AT1",)),
]

BY_NAME = {case.name: case for case in CASES}

"""Property-based fuzzing of every reading verb with malformed and edge-case patient files.

Inputs are generated with Hypothesis from valid Turtle, N-Triples and tumour-board CSV files:
characters inserted (NUL, CR, no-break space, quotes, brackets, other scripts' digits, escapes of
lone surrogates), spans deleted or repeated, files truncated, line endings changed, literals
rewritten with lexical forms outside their datatype. The properties:

* no input produces a traceback: every run ends with one of the documented exit codes (0, 1, 2);
* an input error (exit 2) names the file, and a syntax error names its line (or the CSV row);
* data known to be wrong (a literal outside its lexical space) never exits 0;
* the reader either reads a file or raises :class:`~sarcoma_kg.errors.InputError` naming it.

CI runs a fixed, derandomized set of examples (well under a minute for the file). A longer run
for release checks: ``SARCOMA_KG_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_input.py`` (see
docs/development.md); the examples are then drawn at random.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from bad_inputs import CSV_HEADER, PREFIXES, lesion_patient
from sarcoma_kg.cli import main
from sarcoma_kg.errors import EXIT_INPUT, EXIT_NONCONFORMANT, EXIT_OK, InputError
from sarcoma_kg.patients import shapes
from sarcoma_kg.patients.read import read_patient_file, read_patients

EXTRA = int(os.environ.get("SARCOMA_KG_FUZZ_EXAMPLES", "0"))
EXIT_CODES = {EXIT_OK, EXIT_NONCONFORMANT, EXIT_INPUT}


def fuzz_settings(ci_examples: int):
    """``ci_examples`` derandomized examples in CI; ``SARCOMA_KG_FUZZ_EXAMPLES`` random ones when set."""
    return settings(max_examples=EXTRA or ci_examples, derandomize=not EXTRA, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


TURTLE = PREFIXES + lesion_patient("Q1") + lesion_patient("Q2", size="8.5")
NTRIPLES = (
    "<https://w3id.org/sarcoma-kg/example/Q1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/sarcoma-kg/Patient> .\n"
    "<https://w3id.org/sarcoma-kg/example/Q1> <https://w3id.org/sarcoma-kg/hasLesion> <https://w3id.org/sarcoma-kg/example/Q1-L1> .\n"
    "<https://w3id.org/sarcoma-kg/example/Q1-L1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/sarcoma-kg/MetastaticLesion> .\n"
    "<https://w3id.org/sarcoma-kg/example/Q1-L1> <https://w3id.org/sarcoma-kg/longestDiameterMm> \"12\"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n"
)
CSV = CSV_HEADER + "Q1,L1,Liver,12,2023-05-01\nQ1,L2,RightLung,7,2023-05-01\nQ2,L1,Liver,3,2023-06-01\n"
TEMPLATES = {"ttl": TURTLE, "nt": NTRIPLES, "csv": CSV}

#: Characters that have broken parsers and mappings.
NASTY = ["\x00", "\r", "\r\n", "\u00a0", "\ufeff", "\\uD800", "\\U0010FFFF", "<", ">", '"', "'", "\\", ";", ".", ",",
         "[", "]", "(", ")", "#", "@", ":", " ", "\t", "１", "٣", "_", "e", "-", "+", "^^", "\u202e", "é", "\U0001F600"]


@st.composite
def mutated(draw, kind: str) -> str:
    """A template file of ``kind`` with one to four random edits."""
    text = TEMPLATES[kind]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "repeat", "truncate", "line-endings"]))
        if edit == "insert":
            piece = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)))
            text = text[:at] + piece + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        elif edit == "repeat":
            text = text[:at] + text[at: at + draw(st.integers(1, 40))] + text[at:]
        elif edit == "truncate":
            text = text[:at]
        else:
            text = text.replace("\n", draw(st.sampled_from(["\r", "\r\n", "\n\n"])))
    return text


#: Lexical forms outside the lexical space of xsd:decimal and of xsd:date.
BAD_NUMBERS = st.one_of(
    st.sampled_from(["１２", "١٢", "1_000", "1,000", "Infinity", "-Infinity", "NaN", "1e3", "0x10", "12 ", "1 2", "", "+-1"]),
    st.text(alphabet="0123456789١٢３_,.eE+- ", min_size=1, max_size=6).filter(lambda s: not re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*", s)),
)
BAD_DATES = st.one_of(
    st.sampled_from(["2023-02-30", "2023-02-29", "12023-01-01", "2023-01-01T00:00:00", "2023-13-01", "2023-1-01",
                     "２０２３-01-01", "2023-04-31", "0000-00-00", "2023/01/01"]),
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1900, 2100), st.integers(13, 99), st.integers(1, 28)),
)


@st.composite
def wrong_data(draw) -> tuple[str, str]:
    """(kind, text): a valid file in which one literal is outside its datatype's lexical space."""
    if draw(st.booleans()):
        return "ttl", PREFIXES + lesion_patient("W1", size=f'"{draw(BAD_NUMBERS)}"^^xsd:decimal')
    return "ttl", PREFIXES + lesion_patient("W1", date=f'"{draw(BAD_DATES)}"^^xsd:date')


def write(text: str, kind: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="sarcoma-kg-fuzz-"))
    path = folder / f"input.{kind}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def check_run(result, path: Path) -> None:
    """No traceback, a documented exit code, an input error that names the file (and the line of a
    syntax error)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in EXIT_CODES
    assert "Traceback" not in result.stderr
    if result.exit_code == EXIT_INPUT:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert errors, result.stderr
        for line in errors:
            assert str(path) in line or "nothing was validated" in line, line
            if "not valid" in line:
                assert re.search(re.escape(str(path)) + r":\d+", line), line


@pytest.fixture(autouse=True)
def _knowledge(monkeypatch, knowledge_graph):
    monkeypatch.setattr(shapes, "knowledge_context", lambda fresh=False: knowledge_graph)


@fuzz_settings(250)
@given(st.sampled_from(sorted(TEMPLATES)).flatmap(lambda kind: st.tuples(st.just(kind), mutated(kind))))
def test_the_reader_reads_a_file_or_names_it_in_an_input_error(generated):
    kind, text = generated
    path = write(text, kind)
    try:
        pf = read_patient_file(path)
    except InputError as exc:
        assert str(path) in str(exc)
        if "not valid" in str(exc):
            assert re.search(re.escape(str(path)) + r":\d+", str(exc)), str(exc)
    else:
        assert pf.patients
        for error in pf.errors:
            assert re.match(re.escape(str(path)) + r":\d+", str(error)), str(error)


@fuzz_settings(4)
@given(st.sampled_from(sorted(TEMPLATES)).flatmap(lambda kind: st.tuples(st.just(kind), mutated(kind))))
def test_validate_and_cohort_validate_end_in_a_documented_exit_code(generated):
    kind, text = generated
    path = write(text, kind)
    plain = CliRunner().invoke(main, ["validate", str(path)])
    check_run(plain, path)
    cohort = CliRunner().invoke(main, ["cohort", "validate", "--workers", "1", str(path)])
    check_run(cohort, path)
    assert plain.exit_code == cohort.exit_code


@fuzz_settings(3)
@given(wrong_data())
def test_wrong_data_never_exits_0(generated):
    kind, text = generated
    path = write(text, kind)
    for args in (["validate", str(path)], ["cohort", "validate", "--workers", "1", str(path)]):
        result = CliRunner().invoke(main, args)
        check_run(result, path)
        assert result.exit_code in (EXIT_NONCONFORMANT, EXIT_INPUT), (args, result.stdout[-500:])


@fuzz_settings(40)
@given(st.one_of(wrong_data(), st.sampled_from(sorted(TEMPLATES)).flatmap(lambda kind: st.tuples(st.just(kind), mutated(kind)))))
def test_classify_and_recommend_refuse_what_they_cannot_read(generated):
    """``classify`` and ``recommend`` on the inputs they refuse at reading (a readable input costs a
    reasoner run, which the tests of reasoning/ cover)."""
    kind, text = generated
    path = write(text, kind)
    try:
        read_patients([path])
        return
    except InputError:
        pass
    for verb in ("classify", "recommend"):
        result = CliRunner().invoke(main, [verb, str(path)])
        check_run(result, path)
        assert result.exit_code == EXIT_INPUT

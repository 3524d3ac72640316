"""The SSSOM mapping sets in the standard tooling: sssom-py reads every row of
ontology/mappings/*.sssom.tsv, validates it against the SSSOM schema, and writes it back with
nothing lost, the provenance (justification, date, see_also permalinks, comment) included."""

from __future__ import annotations

import io
import logging

import pytest

from sssom.constants import SchemaValidationType
from sssom.parsers import parse_sssom_table
from sssom.validators import validate
from sssom.writers import write_table

from sarcoma_kg import resources

FILES = resources.mapping_files()
PROVENANCE = ["mapping_justification", "mapping_date", "see_also", "comment"]


def _rows(path) -> int:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return len(lines) - 1


def _table(msdf):
    """The mappings with the set-level values of propagatable slots (mapping_date, object_source)
    put on every row, whichever side of the file they were written on."""
    msdf.propagate()
    df = msdf.df.copy()
    return df.reindex(sorted(df.columns), axis=1).sort_values(["subject_id", "predicate_id", "object_id"]).reset_index(drop=True)


def test_there_are_mapping_sets():
    assert [p.name for p in FILES] == ["clinical-codes.sssom.tsv", "terms.sssom.tsv"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sssom_py_reads_every_row_and_the_set_validates(path, caplog):
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(path)
    dropped = [r.getMessage() for r in caplog.records if "not well-formed" in r.getMessage() or "No attr" in r.getMessage()]
    assert dropped == []
    assert len(msdf.df) == _rows(path)
    validate(msdf, [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness,
                    SchemaValidationType.StrictCurieFormat], fail_on_error=True)
    assert set(PROVENANCE) <= set(msdf.df.columns)
    # see_also: a permalink to the file read at its commit; for ICD-O-3 codes, the public web page read
    for code, see_also in zip(msdf.df["object_id"], msdf.df["see_also"]):
        web = str(code).startswith("ICDO3:")
        assert all(u.startswith(("http://", "https://") if web else "https://github.com/")
                   for u in str(see_also).split("|")), (code, see_also)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_read_write_round_trip_keeps_every_row_and_its_provenance(path):
    first = parse_sssom_table(path)
    buffer = io.StringIO()
    write_table(first, buffer)
    again = parse_sssom_table(io.StringIO(buffer.getvalue()))
    assert _table(again).equals(_table(first))
    for key in ("mapping_set_id", "license", "mapping_set_description", "comment"):
        assert again.metadata[key] == first.metadata[key], key
    assert dict(again.converter.bimap) == dict(first.converter.bimap)

"""Literals as written in a store that rewrites them (sarcoma_kg.cohort.literals)."""

import pyoxigraph as ox

from sarcoma_kg.cohort import literals

XSD = "http://www.w3.org/2001/XMLSchema#"
TTL = b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def load(data: bytes, encoder: literals.Encoder | None = None, fmt: str = "ttl"):
    encoder = encoder or literals.Encoder()
    store = ox.Store()
    decode = encoder.load(store, data, fmt)
    return {q.object: decode(q.object) for q in store if isinstance(q.object, ox.Literal)}


def lit(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype if ":" not in datatype else datatype))


def test_scan_finds_typed_and_bare_literals_or_gives_up_on_syntax_it_does_not_read():
    found = literals.scan(TTL + b'<urn:a> <urn:p> "5"^^xsd:int , 8.0 , (1 2) ; <urn:q> "x"^^<urn:dt> , -3 .', "ttl")
    assert {("5", XSD + "int"), ("8.0", XSD + "decimal"), ("1", XSD + "integer"), ("-3", XSD + "integer"),
            ("x", "urn:dt")} <= found
    assert literals.scan(b'<urn:a> <urn:p> "a \\" b"^^<urn:dt> .', "nt") is None
    assert literals.scan(TTL + b'<urn:a> <urn:p> """5"""^^xsd:int .', "ttl") is None
    assert literals.scan(b'<urn:a> <urn:p> "5"^^zz:int .', "ttl") is None


def test_datatype_changes_become_stand_ins_and_decode_back():
    stored = load(TTL + b'<urn:a> <urn:p> "5"^^xsd:int , "300"^^xsd:byte , "7"^^xsd:nonNegativeInteger .')
    assert stored[lit("5", literals.WRITTEN + XSD + "int")] == lit("5", "int")
    assert stored[lit("300", literals.ILL_FORMED + XSD + "byte")] == lit("300", "byte")
    assert lit("7", literals.WRITTEN + XSD + "nonNegativeInteger") in stored


def test_renamed_literals_keep_their_value_and_decode_to_the_written_form():
    stored = load(TTL + b'<urn:a> <urn:p> 8.0 , "1"^^xsd:boolean , "abc"^^xsd:integer .')
    assert stored[lit("8", "decimal")] == lit("8.0", "decimal")
    assert stored[lit("true", "boolean")] == lit("1", "boolean")
    # ill-formed: held marked (ill-formed for the store too), decoded to the form as written
    assert stored[lit("abc" + literals.MARK, "integer")] == lit("abc", "integer")


def test_lexical_forms_the_store_reads_more_liberally_than_xsd_are_held_ill_formed():
    stored = load(TTL + b'<urn:a> <urn:p> "2023-02-30"^^xsd:date , "12023-01-01"^^xsd:date , '
                        b'"2023-01-01T00:00:00"^^xsd:date , "\xef\xbc\x91"^^xsd:integer , "2024-02-29"^^xsd:date .')
    for written in ("2023-02-30", "12023-01-01", "2023-01-01T00:00:00"):
        assert stored[lit(written + literals.MARK, "date")] == lit(written, "date")
    assert lit("2024-02-29", "date") in stored


def test_two_literals_the_store_would_merge_stay_two():
    stored = load(TTL + b'<urn:a> <urn:p> 8.0 , 8.00 , "8"^^xsd:decimal .')
    assert len(stored) == 3
    assert set(stored.values()) == {lit("8.0", "decimal"), lit("8.00", "decimal"), lit("8", "decimal")}


def test_a_chunk_literal_meets_a_constant_of_the_shapes_as_a_separate_term():
    encoder = literals.Encoder()
    encoder.fix({("1", XSD + "integer")}, None)
    stored = load(TTL + b'<urn:a> <urn:p> "01"^^xsd:integer , 1 .', encoder)
    assert lit("1", "integer") in stored and stored[lit("1", "integer")] == lit("1", "integer")
    assert stored[lit("01", literals.WRITTEN + XSD + "integer")] == lit("01", "integer")


def test_reference_data_shares_stored_terms_with_the_chunk():
    """The reference data is not validated: a chunk's 16.0 and its 16 may be one node (values stay
    numbers for SHACL-SPARQL), the chunk's written form decodes."""
    encoder = literals.Encoder()
    encoder.fix(set(), b'<urn:r> <urn:x> "16"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')
    stored = load(TTL + b"<urn:a> <urn:p> 16.0 .", encoder)
    assert stored == {lit("16", "decimal"): lit("16.0", "decimal")}


def test_lexical_shapes_make_renamed_literals_stand_ins():
    stored = load(TTL + b"<urn:a> <urn:p> 8.0 .", literals.Encoder(lexical=True))
    assert stored == {lit("8.0", literals.WRITTEN + XSD + "decimal"): lit("8.0", "decimal")}


def test_blank_node_labels_are_kept_as_written():
    store = ox.Store()
    literals.Encoder().load(store, b"_:b1 <urn:p> _:b2 .\n", "nt")
    assert {q.subject.value for q in store} == {"b1"}


def test_value_of_a_stand_in_compares_as_a_number():
    store = ox.Store()
    literals.Encoder().load(store, TTL + b'<urn:a> <urn:p> "5"^^xsd:int .', "ttl")
    q = f"SELECT ?v WHERE {{ ?s <urn:p> ?v FILTER(COALESCE(?v > 3, {literals.value_of('?v')} > 3, false)) }}"
    assert len(list(store.query(q))) == 1

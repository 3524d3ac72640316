"""Codes of other systems → sarcoma-kg terms, through the mapping sets of ``ontology/mappings/``.

A code stands for a term when it is the object of a row of one of the project's SSSOM mapping sets
(``terms.sssom.tsv``: NCIt, Mondo, UBERON, OncoTree; ``clinical-codes.sssom.tsv``: SNOMED CT and ICD-O-3). Rows with
``skos:exactMatch`` or ``skos:closeMatch`` give the term itself, an exactMatch row winning over closeMatch rows
of the same code (``NCIT:C4247`` is undifferentiated pleomorphic sarcoma, exactly, and close to the historical
malignant fibrous histiocytoma); ``skos:relatedMatch`` rows (a disorder code and the site where the disorder is)
are used only where the caller asks for them. A code with no row is not
mapped: it is never guessed from its display text. See docs/fhir.md ("Codes").

Two ways in: a CURIE (``NCIT:C3158``, ``SNOMEDCT:10200004``, ``ICDO3:8890/3``) as written in a CSV cell
(:func:`terms_for_curie`), and a FHIR coding, ``system`` + ``code`` (:func:`terms_for_coding`). ICD-O-3 has one
FHIR system for its morphology codes (``8890/3``) and its topography codes (``C34.9``), whose forms cannot be
confused, so one CURIE prefix and one IRI namespace (the system followed by ``/``) serve both.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import URIRef
from rdflib.namespace import SKOS

from .. import resources
from ..namespaces import SKG

#: FHIR code systems with a mapping set, and the IRI namespace of their codes in it.
FHIR_SYSTEMS = {
    "http://snomed.info/sct": "http://snomed.info/id/",
    "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl": "http://purl.obolibrary.org/obo/NCIT_",
    "http://terminology.hl7.org/CodeSystem/icd-o-3": "http://terminology.hl7.org/CodeSystem/icd-o-3/",
}
#: FHIR code systems the reader knows but for which no code has a verified row yet.
KNOWN_SYSTEMS_WITHOUT_ROWS = frozenset({
    "http://www.nlm.nih.gov/research/umls/rxnorm",
    "http://loinc.org",
    "http://hl7.org/fhir/sid/icd-10-cm",
})
_TERM_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch)


@lru_cache(maxsize=1)
def _rows() -> dict[URIRef, tuple[tuple[URIRef, URIRef], ...]]:
    """Code IRI → the (term, predicate) of every row naming it, over every mapping set."""
    from ..release.qc import load_mappings  # with the SPARQL catalogue: only readers of codes need it

    rows: dict[URIRef, set[tuple[URIRef, URIRef]]] = {}
    for path in resources.mapping_files():
        for term, predicate, code in load_mappings(path):
            if str(term).startswith(str(SKG)):
                rows.setdefault(URIRef(code), set()).add((URIRef(term), URIRef(predicate)))
    return {code: tuple(sorted(found)) for code, found in rows.items()}


@lru_cache(maxsize=1)
def curie_prefixes() -> dict[str, str]:
    """The CURIE prefixes of the mapping sets' ``curie_map`` headers (``NCIT`` → its namespace)."""
    prefixes: dict[str, str] = {}
    for path in resources.mapping_files():
        in_map = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            body = line[1:]
            if body.strip() == "curie_map:":
                in_map = True
            elif in_map and body.startswith("  ") and ":" in body:
                prefix, _, iri = body.strip().partition(":")
                prefixes[prefix.strip()] = iri.strip().strip("'\"")
            else:
                in_map = False
    prefixes.pop("skg", None)
    prefixes.pop("skos", None)
    prefixes.pop("semapv", None)
    return prefixes


def terms_for_iri(code: URIRef, related: bool = False) -> set[URIRef]:
    """The terms a code (as an IRI) stands for: its exactMatch rows' terms, or when it has none its
    closeMatch rows' terms; with ``related``, relatedMatch rows count too."""
    rows = _rows().get(code, ())
    exact = {term for term, predicate in rows if predicate == SKOS.exactMatch}
    terms = exact or {term for term, predicate in rows if predicate in _TERM_PREDICATES}
    if related:
        terms |= {term for term, predicate in rows if predicate == SKOS.relatedMatch}
    return terms


def terms_for_curie(curie: str) -> set[URIRef] | None:
    """The terms a CURIE stands for (empty: no row); None when its prefix is not one of the mapping sets'."""
    prefix, sep, local = curie.partition(":")
    namespace = curie_prefixes().get(prefix)
    if not sep or namespace is None or not local:
        return None
    return terms_for_iri(URIRef(namespace + local))


def terms_for_coding(system: str | None, code: str | None, related: bool = False) -> set[URIRef] | None:
    """The terms a FHIR coding stands for (empty: no row); None when its system has no mapping set."""
    namespace = FHIR_SYSTEMS.get(system or "")
    if namespace is None or not code:
        return None
    return terms_for_iri(URIRef(namespace + code), related)


def label(term: URIRef) -> str:
    """A readable name of a term from its local name (``skg:AdrenalGland`` → ``adrenal gland``)."""
    local = str(term).removeprefix(str(SKG))
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


@lru_cache(maxsize=None)
def codings_for(term: URIRef, related: bool = False) -> list[tuple[str, str]]:
    """The FHIR codings (``system``, ``code``) that the reader maps back to ``term`` alone, exactMatch rows
    before closeMatch rows; with ``related``, the relatedMatch rows (a disorder code for a site) instead.
    Empty when no row of a mapping set with a FHIR system names the term."""
    found = []
    for system, namespace in sorted(FHIR_SYSTEMS.items()):
        for code, rows in _rows().items():
            if not str(code).startswith(namespace):
                continue
            local = str(code)[len(namespace):]
            for row_term, predicate in rows:
                wanted = predicate == SKOS.relatedMatch if related else predicate in _TERM_PREDICATES
                if row_term == term and wanted and terms_for_coding(system, local, related) == {term}:
                    found.append((predicate != SKOS.exactMatch, system, local))
    return [(system, local) for _, system, local in sorted(found)]

"""Every IRI namespace of sarcoma-kg and the prefix map, defined once.

Term IRIs are readable (``skg:RadiofrequencyAblation``, ``skg:hasLesion``); knowledge-base
individuals live under typed sub-namespaces (``study:Falk2015``, ``rec:IAC-1.1``).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/sarcoma-kg/"

SKG = Namespace(BASE)
STUDY = Namespace(BASE + "study/")
OUTCOME = Namespace(BASE + "outcome/")
REC = Namespace(BASE + "recommendation/")
QUESTION = Namespace(BASE + "question/")
DEFINITION = Namespace(BASE + "definition/")
SOURCE = Namespace(BASE + "source/")
EVIDENCE = Namespace(BASE + "evidence/")
EX = Namespace(BASE + "example/")
VERDICT = Namespace(BASE + "verdict/")

CITO = Namespace("http://purl.org/spar/cito/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
NCIT = Namespace("http://purl.obolibrary.org/obo/NCIT_")
MONDO = Namespace("http://purl.obolibrary.org/obo/MONDO_")
UBERON = Namespace("http://purl.obolibrary.org/obo/UBERON_")
ONCOTREE = Namespace("https://oncotree.mskcc.org/?version=oncotree_latest_stable&field=CODE&search=")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

#: The ontology IRI (the header in ontology/sarcoma-kg.ttl declares it; every term is
#: ``rdfs:isDefinedBy`` it). It is also the IRI of the full release, ``sarcoma-kg.owl``.
ONTOLOGY_IRI = SKG["sarcoma-kg.owl"]


#: Where ``sarcoma-kg serve`` answers by default. The documentation pages link every project IRI and
#: every catalogue query there; this is the one place that link base is set.
LOCAL_SERVER = "http://127.0.0.1:7878"
#: The path under which ``serve`` answers for ``https://w3id.org/sarcoma-kg/...`` (it also answers
#: ``/term?iri=IRI``).
LOCAL_PATH = "/sarcoma-kg/"


def local_url(iri: str, server: str = LOCAL_SERVER) -> str:
    """Where ``serve`` resolves ``iri``: a project IRI ``https://w3id.org/sarcoma-kg/X`` becomes
    ``SERVER/sarcoma-kg/X`` (HTML for a browser, Turtle for an RDF client); any other IRI is itself."""
    iri = str(iri)
    return f"{server}{LOCAL_PATH}{iri[len(BASE):]}" if iri.startswith(BASE) else iri


def query_url(text: str, server: str = LOCAL_SERVER) -> str:
    """The URL that runs the SPARQL query ``text`` on the endpoint of ``serve`` (GET, SPARQL 1.1 Protocol)."""
    from urllib.parse import quote

    return f"{server}/query?query={quote(text, safe='')}"


def release_iri(stem: str) -> URIRef:
    """The ontology IRI of a release file set (``sarcoma-kg-ontology`` →
    ``https://w3id.org/sarcoma-kg/sarcoma-kg-ontology.owl``), after the OBO pattern."""
    return URIRef(f"{BASE}{stem}.owl")


def version_iri(stem: str, version: str) -> URIRef:
    """The version IRI of a release file set: ``https://w3id.org/sarcoma-kg/releases/VERSION/STEM.owl``;
    ``VERSION`` is the package version, the same text as ``owl:versionInfo``."""
    return URIRef(f"{BASE}releases/{version}/{stem}.owl")

#: Prefix map used by every serializer, query and message. Order is fixed for deterministic output.
PREFIXES: dict[str, Namespace] = {
    "skg": SKG,
    "study": STUDY,
    "outcome": OUTCOME,
    "rec": REC,
    "question": QUESTION,
    "definition": DEFINITION,
    "source": SOURCE,
    "evidence": EVIDENCE,
    "verdict": VERDICT,
    "ex": EX,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "sh": Namespace(str(SH)),
    "cito": CITO,
    "bibo": BIBO,
    "obo": OBO,
    "NCIT": NCIT,
    "MONDO": MONDO,
    "UBERON": UBERON,
    "ONCOTREE": ONCOTREE,
    "semapv": SEMAPV,
}


def bind_prefixes(graph) -> None:
    """Bind the project prefix map on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, for queries built in code."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


__all__ = [
    "BASE", "SKG", "STUDY", "OUTCOME", "REC", "QUESTION", "DEFINITION", "SOURCE", "EVIDENCE",
    "EX", "VERDICT", "CITO", "BIBO", "OBO", "NCIT", "MONDO", "UBERON", "ONCOTREE", "SEMAPV",
    "ONTOLOGY_IRI", "release_iri", "version_iri", "LOCAL_SERVER", "LOCAL_PATH", "local_url", "query_url", "PREFIXES", "bind_prefixes", "sparql_prologue",
    "RDF", "RDFS", "OWL", "XSD", "SKOS", "DCTERMS", "PROV", "SH",
]

"""The documentation pages: Manchester syntax, domains and ranges, cross-references as links,
navigation by module and family, query links that run on the endpoint; generated, escaped,
deterministic, and the site's query reference current."""

from __future__ import annotations

import html
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from samples import catalogue_sample, release_graphs

from sarcoma_kg import resources
from sarcoma_kg.namespaces import LOCAL_SERVER, SKG, local_url, query_url
from sarcoma_kg.release import pages
from sarcoma_kg.release.build import TERM_FAMILIES
from sarcoma_kg.sparql.backends import graph_to_store
from sarcoma_kg.sparql.catalogue import catalogue

QUERIES = catalogue(include_qc=True)
REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "queries.md"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])


def _links(page: str) -> _Links:
    parser = _Links()
    parser.feed(page)
    return parser


def _text(fragment: str) -> str:
    """The words a reader sees: block elements apart, inline elements (links, keywords) in place."""
    spaced = re.sub(r"</?(?:dl|dt|dd|p|h\d|section|small|code|li|ul)\b[^>]*>", " ", fragment)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", spaced)).strip())


@pytest.fixture(scope="module")
def ontology_page(ontology_graph):
    modules = pages.term_modules(resources.ontology_files())
    return pages.ontology_html(ontology_graph, "sarcoma-kg ontology", "0.1.0", "v-iri", modules=modules,
                               families=TERM_FAMILIES)


def _entry(page: str, term: URIRef) -> str:
    start = page.index(f'id="{pages.anchor(term)}"')
    return page[start:page.index("</section>", start)]


# --- Manchester syntax -----------------------------------------------------------------------

def _expr(graph: Graph, node) -> str:
    return _text(pages.Manchester(graph, lambda t: t.split("/")[-1].split("#")[-1])(node))


def test_manchester_renders_restrictions_and_boolean_class_expressions():
    onto, _ = release_graphs()
    assert _expr(onto, onto.value(SKG.LungLesion, OWL.equivalentClass)) == "hasSite some Lung"
    assert _expr(onto, onto.value(SKG.ThoracicLesion, OWL.equivalentClass)) == "hasSite some (Lung or Pleura)"


def test_manchester_renders_cardinality_values_complements_and_datatype_facets():
    g = Graph()

    def node(*pairs):
        b = BNode()
        for p, o in pairs:
            g.add((b, p, o))
        return b

    def listed(*items):
        head = BNode()
        Collection(g, head, list(items))
        return head

    card = node((RDF.type, OWL.Restriction), (OWL.onProperty, SKG.hasLesion),
                (OWL.maxQualifiedCardinality, Literal(5, datatype=XSD.nonNegativeInteger)), (OWL.onClass, SKG.Lesion))
    value = node((RDF.type, OWL.Restriction), (OWL.onProperty, SKG.verdict), (OWL.hasValue, SKG.Meets))
    facet = node((XSD.minInclusive, Literal(6)))
    ranged = node((RDF.type, RDFS.Datatype), (OWL.onDatatype, XSD.integer), (OWL.withRestrictions, listed(facet)))
    both = node((OWL.intersectionOf, listed(SKG.Patient, node((OWL.complementOf, value)))))
    assert _expr(g, card) == "hasLesion max 5 Lesion"
    assert _expr(g, both) == "Patient and (not (verdict value Meets))"
    assert _expr(g, ranged) == "integer[>= 6]"


# --- the ontology page -------------------------------------------------------------------------

def test_every_class_has_an_entry_with_its_logical_definition(ontology_page, ontology_graph):
    classes = [c for c in ontology_graph.subjects(RDF.type, OWL.Class)
               if isinstance(c, URIRef) and str(c).startswith(str(SKG)) and "/" not in str(c)[len(str(SKG)):]]
    assert len(classes) > 100
    for cls in classes:
        entry = _entry(ontology_page, cls)
        if (cls, OWL.equivalentClass, None) in ontology_graph:
            assert "Equivalent to" in entry, cls
    bilobar = _text(_entry(ontology_page, SKG.BilobarLiverDisease))
    assert ("Equivalent to Patient and (((hasPresentLesion some (hasSite some RightLobeOfLiver)) and "
            "(hasPresentLesion some (hasSite some LeftLobeOfLiver))) or (bilobarLiverMetastases value true))") in bilobar


def test_properties_show_domain_range_and_characteristics(ontology_page, ontology_graph):
    has_lesion = _text(_entry(ontology_page, SKG.hasLesion))
    assert "Domain Patient" in has_lesion and "Range MetastaticLesion" in has_lesion
    functional = next(p for p in sorted(ontology_graph.subjects(RDF.type, OWL.FunctionalProperty))
                      if str(p).startswith(str(SKG)))
    assert "Characteristics Functional" in _text(_entry(ontology_page, functional))


def test_cross_references_are_links_and_project_iris_link_to_the_server(ontology_page):
    lung = _entry(ontology_page, SKG.Lung)
    assert '<a href="http://purl.obolibrary.org/obo/UBERON_0002048">UBERON:0002048</a>' in lung
    assert f'href="{LOCAL_SERVER}/sarcoma-kg/Lung"' in lung
    assert local_url(str(SKG.Lung)) == f"{LOCAL_SERVER}/sarcoma-kg/Lung"
    assert local_url("http://purl.obolibrary.org/obo/UBERON_0002048") == "http://purl.obolibrary.org/obo/UBERON_0002048"


def test_navigation_by_module_and_family_and_no_broken_in_page_link(ontology_page):
    links = _links(ontology_page)
    for module in ("core", "histology", "anatomy", "modality", "classes"):
        assert f"#module-{module}" in links.hrefs and f"module-{module}" in links.ids
    for family in TERM_FAMILIES:
        assert f"#family-{family}" in links.hrefs and f"family-{family}" in links.ids
    broken = sorted({h for h in links.hrefs if h.startswith("#") and h[1:] not in links.ids})
    assert broken == []


def test_the_ontology_page_is_deterministic(ontology_graph, ontology_page):
    modules = pages.term_modules(resources.ontology_files())
    again = pages.ontology_html(ontology_graph, "sarcoma-kg ontology", "0.1.0", "v-iri", modules=modules,
                                families=TERM_FAMILIES)
    assert again == ontology_page


# --- the query catalogue ---------------------------------------------------------------------------

def test_catalogue_page_lists_every_query_and_escapes_text():
    page = pages.catalogue_html(QUERIES, version="0.1.0")
    for q in QUERIES:
        assert f'id="{q.name}"' in page
    assert "&lt;https://w3id.org/sarcoma-kg/&gt;" in page  # PREFIX IRIs escaped, not raw tags
    assert page == pages.catalogue_html(QUERIES, version="0.1.0")
    qc = next(q for q in QUERIES if q.name == "qc-missing-definition")
    assert f"<strong>Solution.</strong> {qc.solution}" in page


@pytest.mark.parametrize("q", QUERIES, ids=[q.name for q in QUERIES])
def test_each_run_link_is_a_query_the_endpoint_runs(q):
    """The link's query carries every prefix it uses and the required parameters' examples, and
    runs on Oxigraph (the engine of `serve`) over the sample knowledge base."""
    link = pages.run_link(q)
    assert link.startswith(f"{LOCAL_SERVER}/query?query=")
    text = urllib.parse.unquote(link.split("?query=", 1)[1])
    assert link == query_url(text)
    store = graph_to_store(catalogue_sample())
    store.query(text)  # raises SyntaxError on an undeclared prefix or a broken binding
    for p in q.parameters:
        if not p.optional:
            assert "VALUES" in text, p.name


def test_the_site_query_reference_is_current():
    """docs/reference/queries.md is generated from the #+ headers (scripts/docs.sh writes it)."""
    assert REFERENCE.read_text(encoding="utf-8") == pages.catalogue_markdown(QUERIES), \
        "docs/reference/queries.md is stale: run scripts/docs.sh (or .venv/bin/python scripts/docs.py)"


def test_release_pages_name_both_pages(ontology_graph):
    names = pages.release_pages(ontology_graph, QUERIES, "0.1.0", "v-iri", families=TERM_FAMILIES)
    assert sorted(names) == ["docs/ontology.html", "docs/queries.html"]
    assert all(text.startswith("<!DOCTYPE html>") for text, _ in names.values())

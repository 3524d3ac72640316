"""Project IRIs resolve on the server: an HTML page for a browser, the term's description in RDF
for an RDF client (content negotiation), 404 for what is not in the graph; every term a link."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_isomorphic

from serverload import get

from sarcoma_kg.namespaces import BASE, REC, SKG, STUDY
from sarcoma_kg.sparql.server import start
from sarcoma_kg.sparql.server import urls

pytestmark = pytest.mark.server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NCIT_LMS = "http://purl.obolibrary.org/obo/NCIT_C3158"


@pytest.fixture(scope="module")
def server(knowledge_graph, tmp_path_factory):
    out = tmp_path_factory.mktemp("terms")
    knowledge_graph.serialize(out / "sarcoma-kg.nt", format="nt", encoding="utf-8")
    with start(out, port=0) as srv:
        yield srv


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href")


def links(html: bytes) -> list[str]:
    parser = Links()
    parser.feed(html.decode("utf-8"))
    return parser.hrefs


def description(graph: Graph, term: URIRef) -> Graph:
    """The term's triples and those of the blank nodes they reach."""
    out, todo, seen = Graph(), [term], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


def test_the_url_scheme_mirrors_the_w3id_paths():
    iri = str(SKG.Leiomyosarcoma)
    assert urls.term_path(iri) == "/sarcoma-kg/Leiomyosarcoma"
    assert urls.iri_of_path("Leiomyosarcoma") == iri
    assert urls.term_path(str(REC["IAC-12.1"])) == "/sarcoma-kg/recommendation/IAC-12.1"
    assert urls.term_path(NCIT_LMS) == "/term?iri=http%3A%2F%2Fpurl.obolibrary.org%2Fobo%2FNCIT_C3158"
    assert urls.term_url(iri, "http://127.0.0.1:8080") == "http://127.0.0.1:8080/sarcoma-kg/Leiomyosarcoma"


def test_a_browser_gets_the_page_of_a_class(server):
    page = get(server.url + "/sarcoma-kg/Leiomyosarcoma", accept=BROWSER)
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers.get("vary", "")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    text = page.body.decode("utf-8")
    assert "<h1>leiomyosarcoma</h1>" in text
    assert "smooth-muscle differentiation" in text, "the definition"
    hrefs = links(page.body)
    assert NCIT_LMS in hrefs and "http://purl.obolibrary.org/obo/MONDO_0005058" in hrefs, "cross-references"
    assert "/sarcoma-kg/SoftTissueSarcoma" in hrefs, "the superclass"
    assert re.search(r"<h2>Superclasses</h2><ul><li><a href=\"/sarcoma-kg/SoftTissueSarcoma\"", text)


def test_an_rdf_client_gets_the_description_of_the_term(server, knowledge_graph):
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"), ("*/*", "turtle")):
        answer = get(server.url + "/sarcoma-kg/study/Falk2015", accept=accept)
        assert answer.status == 200, (accept, answer.body[:200])
        served = Graph().parse(data=answer.body.decode("utf-8"), format=fmt)
        expected = description(knowledge_graph, URIRef(str(STUDY.Falk2015)))
        assert to_isomorphic(served) == to_isomorphic(expected), accept


def test_both_url_forms_and_the_format_parameter_agree(server):
    by_path = get(server.url + "/sarcoma-kg/Leiomyosarcoma", accept="text/turtle")
    by_parameter = get(server.url + "/term", {"iri": str(SKG.Leiomyosarcoma)}, accept="text/turtle")
    by_format = get(server.url + "/sarcoma-kg/Leiomyosarcoma?format=turtle", accept=BROWSER)
    assert by_path.body == by_parameter.body == by_format.body


def test_study_and_recommendation_pages_show_their_key_facts_as_links(server):
    study = get(server.url + "/sarcoma-kg/study/Falk2015", accept=BROWSER)
    text = study.body.decode("utf-8")
    assert "Falk AT" in text and "2015" in text and "281" in text and "Clin Oncol" in text
    hrefs = links(study.body)
    assert "/sarcoma-kg/outcome/Falk2015-rfa" in hrefs and "/sarcoma-kg/Lung" in hrefs
    assert "/sarcoma-kg/RadiofrequencyAblation" in hrefs
    rec = get(server.url + "/sarcoma-kg/recommendation/IAC-12.1", accept=BROWSER)
    text = rec.body.decode("utf-8")
    assert "adjuvant systemic treatment" in text and "12.1" in text
    hrefs = links(rec.body)
    assert {"/sarcoma-kg/LevelOfEvidenceV", "/sarcoma-kg/GradeB", "/sarcoma-kg/UnanimousConsensus",
            "/sarcoma-kg/study/Brudvik2015", "/sarcoma-kg/evidence/IAC-12.1--Brudvik2015"} <= set(hrefs)
    # the recommendation text comes before the provenance in the facts
    assert text.index("adjuvant systemic treatment") < text.index("seed003-recommendations")


def test_logical_definitions_are_readable(server):
    page = get(server.url + "/sarcoma-kg/ThermalAblationLungStudy", accept=BROWSER).body.decode("utf-8")
    assert " some " in page and " and " in page and "_:" not in page


def test_every_local_link_of_a_page_resolves(server):
    hrefs = {h for h in links(get(server.url + "/sarcoma-kg/recommendation/IAC-12.1", accept=BROWSER).body)
             if h.startswith(urls.TERMS)}
    assert len(hrefs) > 20
    for href in sorted(hrefs):
        assert get(server.url + href, accept=BROWSER).status == 200, href


def test_unknown_and_foreign_iris_are_not_found(server):
    assert get(server.url + "/sarcoma-kg/NoSuchTerm", accept=BROWSER).status == 404
    assert get(server.url + "/term", {"iri": NCIT_LMS}, accept=BROWSER).status == 404
    assert get(server.url + "/term", {"iri": BASE + "a b"}, accept=BROWSER).status in (400, 404)
    assert get(server.url + "/term").status == 400
    assert get(server.url + "/sarcoma-kg/Leiomyosarcoma", accept="image/png").status == 406

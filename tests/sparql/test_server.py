"""A real Oxigraph server on a free port: the whole catalogue through SPARQLWrapper must equal
the embedded results; updates are refused; concurrent reads agree; GSP load works."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from resultsets import canonical_rows
from samples import MALICIOUS, release_graphs, sample_study_count

from sarcoma_kg import resources
from sarcoma_kg.namespaces import SKG, STUDY
from sarcoma_kg.release.build import write_release
from sarcoma_kg.sparql import backends, catalogue, query
from sarcoma_kg.sparql.gsp import LoadError, load
from sarcoma_kg.sparql.server import free_port, patient_graph_iri, start

pytestmark = pytest.mark.server

CATALOGUE = catalogue.catalogue(include_qc=False)


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve") / "dist"
    onto, full = release_graphs()
    write_release(out, onto, full)
    return out


@pytest.fixture(scope="module")
def release_graph(release_dir):
    return Graph().parse(release_dir / "sarcoma-kg.nt", format="nt")


@pytest.fixture(scope="module")
def server(release_dir):
    srv = start(release_dir, port=0)
    try:
        yield srv
    finally:
        srv.stop()
    assert srv.process.poll() is not None


def _same(kind, a, b):
    if kind == "CONSTRUCT":
        return to_isomorphic(a) == to_isomorphic(b)
    return a.variables == b.variables and canonical_rows(a) == canonical_rows(b)


def test_server_is_bound_to_localhost_and_serves_the_query_page(server):
    assert server.host == "127.0.0.1"
    with urllib.request.urlopen(server.url + "/", timeout=10) as response:
        assert response.status == 200
        assert b"<html" in response.read().lower()


def test_whole_catalogue_through_sparqlwrapper_equals_embedded(server, release_graph):
    remote = backends.RemoteBackend(server.query_endpoint)
    embedded = backends.OxigraphBackend(release_graph)
    for q in CATALOGUE:
        bindings = query.example_bindings(q)
        got = remote.query(q.text, bindings)
        expected = embedded.query(q.text, bindings)
        assert _same(q.kind, got, expected), q.name
        assert len(got) > 0, q.name


def test_malicious_parameter_through_the_server(server):
    q = catalogue.load_query("cq-study-bibliography")
    bindings = query.parse_params(q, [f"author={MALICIOUS}"])
    remote = backends.RemoteBackend(server.query_endpoint)
    assert query.run(q, remote, bindings).result.rows == []
    everything = query.run(q, remote, {}).result
    assert len(everything) == sample_study_count(), "the store still holds every study"


def test_updates_are_refused_by_the_read_only_server(server):
    remote = backends.RemoteBackend(server.query_endpoint, update_endpoint=server.update_endpoint)
    with pytest.raises(backends.QueryError):
        remote.update("DROP ALL")
    request = urllib.request.Request(server.store_endpoint + "?default", data=b"", method="DELETE")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    assert len(query.run(catalogue.load_query("cq-study-bibliography"), remote).result) == sample_study_count()


def test_concurrent_reads_agree(server):
    q = catalogue.load_query("cq-recommendation-evidence")
    remote = backends.RemoteBackend(server.query_endpoint)
    reference = canonical_rows(remote.query(q.text))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: canonical_rows(remote.query(q.text)), range(24)))
    assert all(r == reference for r in results) and reference


def test_gsp_load_into_a_writable_server(release_dir, release_graph, tmp_path):
    empty = tmp_path / "empty-dist"
    empty.mkdir()
    (empty / "sarcoma-kg.nt").write_text("", encoding="utf-8")
    with start(empty, port=0, writable=True) as target:
        result = load(target.store_endpoint, release_dir=release_dir)
        assert result.status in (200, 201, 204) and result.method == "PUT"
        named = load(target.store_endpoint, graph="https://w3id.org/sarcoma-kg/graph/release", release_dir=release_dir)
        assert "graph=https%3A%2F%2Fw3id.org" in named.url
        remote = backends.RemoteBackend(target.query_endpoint)
        count = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]
        assert int(count) == len(release_graph)
        # a study whose author is literally the malicious string: found as data, nothing dropped
        extra = tmp_path / "extra.nt"
        extra.write_text(f'<{STUDY.Injected}> <{SKG.firstAuthor}> {Literal(MALICIOUS).n3()} .\n'
                         f'<{STUDY.Injected}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{SKG.Study}> .\n',
                         encoding="utf-8")
        load(target.store_endpoint, file=extra, replace=False)
        q = catalogue.load_query("cq-study-bibliography")
        rows = query.run(q, remote, query.parse_params(q, [f"author={MALICIOUS}"])).result.as_dicts()
        assert [r["study"] for r in rows] == [URIRef(str(STUDY.Injected))]
    assert target.process.poll() is not None


def test_load_errors_are_clear(release_dir):
    with pytest.raises(LoadError, match="not an http"):
        load("ftp://example.org/store", release_dir=release_dir)
    with pytest.raises(LoadError, match="failed"):
        load(f"http://127.0.0.1:{free_port()}/store", release_dir=release_dir, timeout=5)


def test_patient_graphs_are_served_in_named_graphs(release_dir, tmp_path):
    patient = tmp_path / "patient-a.ttl"
    patient.write_text("@prefix skg: <https://w3id.org/sarcoma-kg/> .\n"
                       "@prefix ex: <https://w3id.org/sarcoma-kg/example/> .\n"
                       "ex:ServedPatient a skg:Patient ; skg:hasLesion ex:ServedPatient-L1 .\n"
                       "ex:ServedPatient-L1 a skg:MetastaticLesion ; skg:hasSite skg:Lung .\n", encoding="utf-8")
    with start(release_dir, patients=[patient], port=0) as srv:
        remote = backends.RemoteBackend(srv.query_endpoint)
        assert remote.query("ASK { <https://w3id.org/sarcoma-kg/example/ServedPatient> a ?c }") is True
        graph_iri = patient_graph_iri(patient)
        assert remote.query(f"ASK {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}") is True


def test_the_csv_and_a_folder_are_served_in_named_graphs(release_dir, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "patient-b.ttl").write_text("@prefix skg: <https://w3id.org/sarcoma-kg/> .\n"
                                          "<https://w3id.org/sarcoma-kg/example/InFolder> a skg:Patient .\n",
                                          encoding="utf-8")
    csv = resources.EXAMPLES_DIR / "tumour-board.csv"
    with start(release_dir, patients=[csv, folder], port=0) as srv:
        remote = backends.RemoteBackend(srv.query_endpoint)
        for patient, source in (("TB-001", csv), ("InFolder", folder / "patient-b.ttl")):
            assert remote.query(f"ASK {{ GRAPH <{patient_graph_iri(source)}> "
                                f"{{ <https://w3id.org/sarcoma-kg/example/{patient}> a ?c }} }}") is True


def test_catalogue_queries_run_by_name_with_bound_parameters(server, release_graph):
    from serverload import get

    q = catalogue.load_query("cq-studies-by-histology")
    answer = get(server.url + "/catalogue/cq-studies-by-histology", {"histology": "skg:SoftTissueSarcoma"},
                 accept="application/sparql-results+json")
    assert answer.status == 200
    got = backends.result_set_from_json(__import__("json").loads(answer.body))
    expected = backends.OxigraphBackend(release_graph).query(q.text, query.parse_params(q, ["histology=skg:SoftTissueSarcoma"]))
    assert canonical_rows(got) == canonical_rows(expected) and len(got) > 0
    assert get(server.url + "/catalogue/cq-studies-by-histology").status == 400, "a required parameter is missing"
    assert get(server.url + "/catalogue/cq-studies-by-histology", {"histology": "skg:a b"}).status == 400
    assert get(server.url + "/catalogue/cq-studies-by-histology", {"colour": "red"}).status == 400
    for name in ("no-such-query", "..%2Fqueries%2Fcq-evidence-gaps", "%2Fetc%2Fpasswd", "cq-evidence-gaps.rq"):
        assert get(server.url + "/catalogue/" + name).status == 404, name


def test_a_browser_gets_html_and_every_client_its_format(server):
    from serverload import get

    text = "SELECT ?s WHERE { ?s a <https://w3id.org/sarcoma-kg/Study> } ORDER BY ?s"
    html = get(server.query_endpoint, {"query": text}, accept="text/html,*/*;q=0.8")
    assert html.status == 200 and html.headers["content-type"].startswith("text/html")
    assert b'href="/sarcoma-kg/study/' in html.body, "IRIs link to their pages"
    for accept, media in (("application/sparql-results+xml", "application/sparql-results+xml"),
                          ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
                          ("*/*", "application/sparql-results+json")):
        answer = get(server.query_endpoint, {"query": text}, accept=accept)
        assert answer.status == 200 and answer.headers["content-type"].startswith(media), accept
    assert get(server.query_endpoint, {"query": text}, accept="image/png").status == 406
    assert get(server.query_endpoint, {"query": text, "format": "csv"}, accept="text/html").body.startswith(b"s\r\n")
    assert get(server.query_endpoint, {"query": "SELECT * WHERE { ?s ?p }"}).status == 400
    page = get(server.url + "/", accept="text/html")
    assert b"/catalogue/cq-recommendation-evidence" in page.body
    status = __import__("json").loads(get(server.url + "/status").body)
    assert status["limits"]["query_timeout"] > 0 and len(status["workers"]) >= 2

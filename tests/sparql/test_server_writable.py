"""A writable server: updates and Graph Store writes reach every query worker, an interrupted
update commits nothing, and the server fetches a URL only when told it may."""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from samples import release_graphs
from serverload import get, query, request

from sarcoma_kg.release.build import write_release
from sarcoma_kg.sparql.server import Limits, start

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH = "urn:test:graph"


def count(server, text=COUNT) -> int:
    answer = query(server.query_endpoint, text)
    assert answer.status == 200, answer.body
    return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def update(server, text):
    return request("POST", server.update_endpoint, text.encode(), "application/sparql-update")


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("writable") / "dist"
    onto, full = release_graphs()
    write_release(out, onto, full)
    return out


@pytest.fixture(scope="module")
def listener():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"<urn:fetched:s> <urn:fetched:p> <urn:fetched:o> .\n"
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/data.nt", hits
    server.shutdown()


@pytest.fixture(scope="module")
def server(release_dir):
    with start(release_dir, port=0, writable=True, limits=Limits(update_timeout=3.0)) as srv:
        yield srv


def test_an_update_reaches_every_worker_and_empties_the_cache(server):
    before = count(server)
    assert count(server) == before  # now cached
    assert update(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }").status == 204
    for _ in range(4):  # whichever worker answers
        assert count(server) == before + 1
    assert update(server, "DELETE DATA { <urn:a> <urn:b> <urn:c> }").status == 204
    assert count(server) == before


def test_graph_store_writes(server):
    url = server.store_endpoint + "?graph=" + GRAPH
    data = b"<urn:x> <urn:y> <urn:z> .\n<urn:x> <urn:y> <urn:w> .\n"
    assert request("PUT", url, data, "application/n-triples").status == 201
    assert request("PUT", url, data, "application/n-triples").status == 204
    assert request("POST", url, b"<urn:x> <urn:y> <urn:v> .\n", "application/n-triples").status == 204
    got = get(url, accept="application/n-triples")
    assert got.status == 200 and got.body.count(b"\n") == 3
    assert request("PUT", url, b"not rdf", "text/turtle").status == 400
    assert get(url, accept="application/n-triples").body.count(b"\n") == 3, "a refused PUT changes nothing"
    assert request("PUT", url, data, "application/pdf").status == 415
    assert request("DELETE", url).status == 204
    assert get(url).status == 404
    assert request("DELETE", url).status == 404


def test_an_update_stopped_at_its_time_limit_commits_nothing(server):
    before = count(server)
    slow = ("INSERT { ?a <urn:p> ?g } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    answer = update(server, slow)
    assert answer.status == 503 and b"time limit" in answer.body
    assert count(server) == before
    assert update(server, "INSERT DATA { <urn:after> <urn:b> <urn:c> }").status == 204, "the writer was replaced"
    assert count(server) == before + 1
    update(server, "DELETE DATA { <urn:after> <urn:b> <urn:c> }")


def test_load_is_refused_without_the_second_option(server, listener):
    url, hits = listener
    before = count(server)
    for text in (f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <urn:g>", f"PREFIX : <{url[:-7]}> LOAD:data.nt",
                 f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"):
        answer = update(server, text)
        assert answer.status == 403 and b"--allow-remote-fetch" in answer.body, text
    assert query(server.query_endpoint, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}").status == 403
    assert hits == [] and count(server) == before


def test_a_read_only_server_refuses_every_write(release_dir):
    with start(release_dir, port=0) as srv:
        assert update(srv, "INSERT DATA { <urn:a> <urn:b> <urn:c> }").status == 403
        for method in ("PUT", "POST", "DELETE"):
            assert request(method, srv.store_endpoint + "?default", b"", "application/n-triples").status == 403


def test_load_with_the_second_option(release_dir, listener):
    url, hits = listener
    with start(release_dir, port=0, writable=True, allow_remote_fetch=True) as srv:
        assert update(srv, f"LOAD <{url}> INTO GRAPH <urn:loaded>").status == 204
        assert hits, "the server fetched the URL"
        assert count(srv, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:loaded> { ?s ?p ?o } }") == 1

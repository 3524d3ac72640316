"""LOAD and SERVICE are found wherever Oxigraph's parser would act on them.

The check is differential: each request below is run on pyoxigraph against a listener on
127.0.0.1 that counts the requests it receives; every request that made the engine fetch must
have been flagged by :func:`fetching_keywords`.
"""

from __future__ import annotations

import http.server
import itertools
import threading

import pyoxigraph as ox
import pytest

from sarcoma_kg.sparql.server.guard import fetching_keywords


@pytest.fixture(scope="module")
def listener():
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", hits
    server.shutdown()


def _queries(url):
    keyword_forms = ["SERVICE", "service", "SeRvIcE", "SERVICESILENT", "SERVICE SILENT", "\\u0053ERVICE"]
    before = ["", "?s ?p ?o .", "?s ?p ?o", "?s ?p 1.", "?s ?p 'a'.", '?s ?p "x"', "{}", "BIND(1 AS ?z)",
              "FILTER(true)", "?s ?p true", "# comment\n", "OPTIONAL { ?s ?p ?o }"]
    targets = [f"<{url}q>", ":x"]
    for form, prefix_part, target in itertools.product(keyword_forms, before, targets):
        for gap in ("", " "):
            yield (f"PREFIX : <{url}> SELECT * WHERE {{ {prefix_part}{gap}{form}{gap}{target} {{ }} }}", "query")


def _updates(url):
    for form, target, tail in itertools.product(["LOAD", "load", "LoAd", "LOADSILENT", "LOAD SILENT"],
                                                [f"<{url}u>", ":u"], ["", " INTO GRAPH <urn:g>"]):
        for before in ("", "CLEAR ALL ;", "INSERT DATA { <urn:a> <urn:b> <urn:c> } ;\n"):
            yield (f"PREFIX : <{url}> {before}{form}{target}{tail}", "update")
    yield (f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}w> {{ ?s ?p ?o }} }}", "update")


def test_every_request_that_fetches_is_flagged(listener):
    url, hits = listener
    cases = list(_queries(url)) + list(_updates(url))
    fetched, missed = 0, []
    for text, kind in cases:
        before = len(hits)
        store = ox.Store()
        try:
            if kind == "update":
                store.update(text)
            else:
                list(store.query(text))
        except (SyntaxError, OSError, RuntimeError, ValueError):
            pass
        if len(hits) > before:
            fetched += 1
            if not fetching_keywords(text):
                missed.append(text)
    assert fetched > 100, "the cases do reach the engine's fetching"
    assert missed == []


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://e/> {}" }',
    "SELECT * WHERE { ?s ?p <http://e/SERVICE> }",
    "SELECT * WHERE { ?s ?p ?o } # LOAD <http://e/>",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:download ?o ; ex:serviceLevel ?l }",
    "SELECT ?service ?load WHERE { ?service ?load ?o }",
    "SELECT * WHERE { ?s ?p 'LOAD'@en }",
    "SELECT * WHERE { ?s ?p '''multi\nline SERVICE <http://e/> {}''' }",
])
def test_the_words_inside_strings_iris_comments_and_names_are_not_operations(text):
    assert fetching_keywords(text) == []

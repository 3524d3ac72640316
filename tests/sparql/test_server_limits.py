"""The server keeps its limits under hostile load (bounded: a few seconds, 127.0.0.1 only).

A heavy query is cut at its time or memory limit and the memory it took goes back to the
system; other clients keep being answered meanwhile, and long queries cannot take every worker;
a client that hangs up stops its query; answers over the size limit, request bodies over
theirs and requests beyond the queue are refused; identical requests share one evaluation.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from samples import release_graphs
from serverload import get, query, request, rss_tree, send_and_hang_up

from sarcoma_kg.release.build import write_release
from sarcoma_kg.sparql.server import Limits, start
from sarcoma_kg.sparql.server.limits import MIB

pytestmark = pytest.mark.server

TIME_LIMIT = 3.0
MEMORY_LIMIT = 300 * MIB
#: CPU for minutes, little memory: every triple with every other, twice over.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # {tag}"
#: Memory without bound: the same product, sorted (all of it must be held).
GREEDY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
#: A few MB of JSON from a small graph.
LARGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 200000"


def slow(tag) -> str:
    return SLOW.replace("{tag}", str(tag))


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("limits") / "dist"
    onto, full = release_graphs()
    write_release(out, onto, full)
    return out


@pytest.fixture(scope="module")
def server(release_dir):
    limits = Limits(query_timeout=TIME_LIMIT, query_memory_bytes=MEMORY_LIMIT, max_result_bytes=256 * 1024,
                    max_concurrent_queries=2, max_queued=4, queue_timeout=2.0, max_request_bytes=64 * 1024)
    srv = start(release_dir, port=0, limits=limits)
    try:
        yield srv
    finally:
        srv.stop()


def status(server) -> dict:
    return json.loads(get(server.url + "/status").body)


def worker_pids(server) -> set[int]:
    return {w["pid"] for w in status(server)["workers"]}


def test_a_slow_query_is_stopped_at_its_time_limit_and_its_worker_replaced(server):
    before = worker_pids(server)
    answer = query(server.query_endpoint, slow("time"))
    assert answer.status == 503 and b"time limit" in answer.body
    assert TIME_LIMIT - 0.5 < answer.seconds < TIME_LIMIT + 5
    after = status(server)
    assert len(after["workers"]) == 2, "the killed worker was replaced"
    assert {w["pid"] for w in after["workers"]} != before
    assert query(server.query_endpoint, "ASK { ?s ?p ?o }").status == 200
    again = query(server.query_endpoint, slow("time"))
    assert again.status == 503 and again.seconds < 1, "refused at once for a while, not evaluated again"


def test_long_queries_cannot_take_every_worker(server):
    heavy = status(server)["stopped"]["heavy"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(query, server.query_endpoint, slow("long-1"))
        time.sleep(1.5)  # the first is now a long query, holding the one slot for long queries
        second = query(server.query_endpoint, slow("long-2"))
        light = query(server.query_endpoint, "ASK { ?s ?p ?o FILTER(?o != 'long') }")
        assert second.status == 503 and b"long queries" in second.body and second.headers.get("retry-after")
        assert second.seconds < TIME_LIMIT - 0.5, "stopped once it became a long query"
        assert light.status == 200 and not first.done()
        assert first.result().status == 503 and b"time limit" in first.result().body
    assert status(server)["stopped"]["heavy"] == heavy + 1


def test_a_greedy_query_is_stopped_at_its_memory_limit_and_the_memory_returns(server):
    baseline = rss_tree(server.process.pid)
    peak, done = [baseline], threading.Event()

    def watch():
        while not done.is_set():
            peak.append(rss_tree(server.process.pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        answer = query(server.query_endpoint, GREEDY)
    finally:
        done.set()
        watcher.join()
    assert answer.status in (422, 503), answer.body
    if answer.status == 422:
        assert b"memory" in answer.body
    assert max(peak) > baseline + 100 * MIB, "the query did take memory"
    time.sleep(0.5)
    after = rss_tree(server.process.pid)
    assert after < baseline + 40 * MIB, f"memory returned: {baseline / MIB:.0f} MiB before, {after / MIB:.0f} MiB after"


def test_other_clients_are_answered_while_a_heavy_query_runs(server):
    with ThreadPoolExecutor(max_workers=1) as pool:
        heavy = pool.submit(query, server.query_endpoint, slow("others"))
        time.sleep(0.3)
        light = [query(server.query_endpoint, f"ASK {{ ?s ?p ?o FILTER(?o != {i}) }}") for i in range(15)]
        assert not heavy.done(), "the light queries were answered while the heavy one ran"
        assert heavy.result().status == 503
    assert all(a.status == 200 for a in light)
    assert max(a.seconds for a in light) < 1.5


def test_a_query_is_stopped_when_its_client_goes_away(server):
    cancelled = status(server)["stopped"]["cancelled"]
    started = time.monotonic()
    send_and_hang_up(server.host, server.port, "/query?query=" + slow("hang-up").replace(" ", "%20")
                     .replace("?", "%3F").replace("{", "%7B").replace("}", "%7D").replace("#", "%23")
                     .replace("(", "%28").replace(")", "%29").replace("*", "%2A"), wait=0.5)
    while status(server)["stopped"]["cancelled"] == cancelled and time.monotonic() - started < TIME_LIMIT + 3:
        time.sleep(0.05)
    assert status(server)["stopped"]["cancelled"] == cancelled + 1
    assert time.monotonic() - started < TIME_LIMIT, "stopped before its time limit"


def test_an_answer_over_the_size_limit_is_refused(server):
    answer = query(server.query_endpoint, LARGE)
    assert answer.status == 422 and b"limit" in answer.body
    small = query(server.query_endpoint, LARGE.replace("200000", "10"))
    assert small.status == 200


def test_a_request_body_over_the_size_limit_is_refused(server):
    body = ("ASK { ?s ?p ?o } #" + "x" * 70_000).encode()
    answer = request("POST", server.query_endpoint, body, "application/sparql-query")
    assert answer.status == 413


def test_requests_beyond_the_queue_are_refused_at_once_with_retry_after(server):
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda i: query(server.query_endpoint, slow(f"queue-{i}")), range(10)))
    statuses = sorted(a.status for a in answers)
    assert statuses == [503] * 10
    busy = [a for a in answers if b"busy" in a.body]
    stopped = [a for a in answers if b"time limit" in a.body or b"long queries" in a.body]
    assert len(stopped) >= 2 and len(busy) >= 4, [a.body for a in answers]
    assert all(a.headers.get("retry-after") for a in busy)
    assert sum(a.seconds < 1 for a in busy) >= 4, "the overflow of the queue was refused at once"
    assert query(server.query_endpoint, "ASK { ?s ?p ?o }").status == 200


def test_identical_requests_share_one_evaluation(server):
    stopped = status(server)["stopped"]["time"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: query(server.query_endpoint, slow("shared")), range(8)))
    assert {a.status for a in answers} == {503}
    assert status(server)["stopped"]["time"] == stopped + 1, "one evaluation, stopped once"

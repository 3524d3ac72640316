"""Load test of ``sarcoma-kg serve``: concurrent clients on 127.0.0.1, latency, errors, memory.

    .venv/bin/python bench/server.py --clients 32 --duration 60                 # the catalogue
    .venv/bin/python bench/server.py --clients 32 --duration 60 --cache-size 0  # every answer evaluated
    .venv/bin/python bench/server.py --clients 32 --duration 60 --attackers 32  # + unbound queries
    .venv/bin/python bench/server.py --server oxigraph ...                      # the Oxigraph binary alone

Each client keeps one HTTP/1.1 connection and sends catalogue queries through the SPARQL 1.1
Protocol (POST, form-encoded, ``Accept: application/sparql-results+json`` or Turtle) one after
the other, for ``--duration`` seconds. A catalogue request is one of the catalogue's queries with
its header's example parameters, without its optional parameters, or with parameter values drawn
from the knowledge graph (40 per query among recommendations, histologies, modality and site
pairs, outcomes), bound
with a VALUES block as SPARQLWrapper clients do (:func:`sarcoma_kg.sparql.backends.bind_values`);
a client picks a query at random, then one of its variants.
An attacker sends the catalogue queries that have required parameters without them (the unbound
``cq-outcomes-by-modality-site`` answers 27.8 MB) and a cross product that never ends.

Reported: requests, errors (any status but 200 for catalogue requests), latency percentiles,
the statuses the attackers got, and the resident memory of the server's process tree (polled
every 200 ms; and 3 s after the load stops). Results go to ``bench/out/server-*.json``. Only
loopback addresses are accepted, and every loop ends with ``--duration``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from run import rss_tree  # the one process-tree RSS reader (bench/ is this script's folder)
from sarcoma_kg.sparql import catalogue as catalogue_module
from sarcoma_kg.sparql.backends import bind_values
from sarcoma_kg.sparql.query import example_bindings, expand_iri

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
POOLS = {
    "rec": "SELECT DISTINCT ?v WHERE { ?v <https://w3id.org/sarcoma-kg/hasEvidenceLine> ?l }",
    "histology": "SELECT DISTINCT ?v WHERE { ?s <https://w3id.org/sarcoma-kg/studiesHistology> ?v }",
    "modality": "SELECT DISTINCT ?v WHERE { ?s <https://w3id.org/sarcoma-kg/usesModality> ?v }",
    "site": "SELECT DISTINCT ?v WHERE { ?s <https://w3id.org/sarcoma-kg/studiesSite> ?v }",
    "fact": "SELECT DISTINCT ?v WHERE { ?s <https://w3id.org/sarcoma-kg/hasOutcome> ?v }",
}


class Client:
    """One keep-alive connection; reconnects after an error or a closed connection."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def post(self, path: str, query: str, accept: str) -> tuple[int, int]:
        body = urllib.parse.urlencode({"query": query})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.close()
                return response.status, len(data)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def value_pools(client: Client) -> dict[str, list[str]]:
    pools = {}
    for name, text in POOLS.items():
        client.conn = client.conn or http.client.HTTPConnection(client.host, client.port, timeout=60)
        client.conn.request("POST", "/query", body=urllib.parse.urlencode({"query": text}),
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": "application/sparql-results+json"})
        data = json.loads(client.conn.getresponse().read())
        pools[name] = sorted(b["v"]["value"] for b in data["results"]["bindings"] if b["v"]["type"] == "uri")
    return pools


#: Parameter values drawn per query (binding re-parses the query with rdflib: keep setup short).
VARIANTS = 40


def catalogue_requests(pools: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(label, query text, Accept) for every catalogue request the clients draw from."""
    out, seen = [], set()
    rng = random.Random(0)

    def add(label, q, bindings):
        text = bind_values(q.text, bindings)
        accept = "text/turtle" if q.kind == "CONSTRUCT" else "application/sparql-results+json"
        if text not in seen:
            seen.add(text)
            out.append((label, text, accept))

    for q in catalogue_module.catalogue(include_qc=False):
        add(q.name, q, example_bindings(q))
        if all(p.optional for p in q.parameters):
            add(q.name, q, {})
        params = [p for p in q.parameters if p.type == "iri" and p.name in pools]
        if params:
            combos = list(itertools.product(*(pools[p.name] for p in params)))
            for combo in rng.sample(combos, min(VARIANTS, len(combos))):
                add(q.name, q, {p.name: expand_iri(f"<{v}>") for p, v in zip(params, combo)})
    return out


def attack_requests() -> list[tuple[str, str, str]]:
    out = [(q.name + " (unbound)", q.text, "application/sparql-results+json")
           for q in catalogue_module.catalogue(include_qc=False)
           if not all(p.optional for p in q.parameters)]
    return out + [("cross product", CROSS, "application/sparql-results+json")]


def run_clients(host, port, requests, clients, duration, seed, timeout, label):
    records, lock = [], threading.Lock()
    begin = time.monotonic()
    deadline = begin + duration

    def client_loop(index):
        rng = random.Random(seed * 1000 + index)
        client = Client(host, port, timeout)
        mine = []
        names = sorted({r[0] for r in requests})
        variants = {n: [r for r in requests if r[0] == n] for n in names}
        while time.monotonic() < deadline:
            name, text, accept = rng.choice(variants[rng.choice(names)])
            started = time.monotonic()
            try:
                status, size = client.post("/query", text, accept)
            except Exception as exc:  # a refused or dropped connection counts as an error
                status, size = f"{type(exc).__name__}", 0
            mine.append((label, name, status, time.monotonic() - started, size, started - begin))
        client.close()
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    return threads, records


def status_of(host, port) -> dict | None:
    try:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/status")
        data = json.loads(conn.getresponse().read())
        return {k: data[k] for k in ("stopped", "cache", "refused_busy") if k in data}
    except (OSError, ValueError, http.client.HTTPException):
        return None


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summarise(records, kind, after: float = 0.0):
    mine = [r for r in records if r[0] == kind and r[5] >= after]
    ok = [r for r in mine if r[2] == 200]
    latencies = [r[3] for r in mine]
    statuses = {}
    for r in mine:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    slowest = {}
    for r in mine:
        slowest.setdefault(r[1], []).append(r[3])
    return {
        "requests": len(mine), "ok": len(ok), "errors": len(mine) - len(ok), "statuses": statuses,
        "p50_s": percentile(latencies, 50), "p90_s": percentile(latencies, 90), "p99_s": percentile(latencies, 99),
        "max_s": max(latencies) if latencies else None,
        "mean_s": statistics.fmean(latencies) if latencies else None,
        "median_by_query_s": {k: round(statistics.median(v), 4) for k, v in sorted(slowest.items())},
    }


def start_server(args):
    """(host, port, pid, stop) of the server to measure."""
    if args.url:
        parts = urllib.parse.urlsplit(args.url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("bench/server.py measures servers on this machine only (127.0.0.1)")
        return parts.hostname, parts.port, args.pid, lambda: None
    if args.server == "oxigraph":
        from sarcoma_kg.release.build import release_files
        from sarcoma_kg.sparql.server import free_port, load_store, oxigraph_executable

        location = Path(tempfile.mkdtemp(prefix="bench-oxigraph-"))
        load_store(location, release_files(args.release, "full", "nt"))
        port = free_port()
        process = subprocess.Popen([oxigraph_executable(), "serve-read-only", "--location", str(location),
                                    "--bind", f"127.0.0.1:{port}", "--timeout-s", str(int(args.query_timeout))],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)

        def stop():
            process.terminate()
            process.wait(10)
        return "127.0.0.1", port, process.pid, stop
    from sarcoma_kg.sparql.server import Limits, start

    limits = Limits(query_timeout=args.query_timeout, cache_bytes=int(args.cache_size * 1048576),
                    **({"max_concurrent_queries": args.workers} if args.workers else {}))
    server = start(args.release, port=0, limits=limits)
    return server.host, server.port, server.process.pid, server.stop


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="catalogue clients")
    parser.add_argument("--attackers", type=int, default=0, help="clients sending unbound and endless queries")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--server", choices=("front", "oxigraph"), default="front",
                        help="sarcoma-kg serve (front), or the Oxigraph server binary alone")
    parser.add_argument("--url", help="measure a server already running on 127.0.0.1 (its root URL)")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    parser.add_argument("--release", default=None, help="release directory [dist/]")
    parser.add_argument("--query-timeout", type=float, default=30.0)
    parser.add_argument("--cache-size", type=float, default=64.0, help="MiB (0: every answer evaluated)")
    parser.add_argument("--workers", type=int, default=0, help="query workers [one per processor]")
    parser.add_argument("--timeout", type=float, default=120.0, help="client socket timeout, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tag", default="", help="a word added to the result file name")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    host, port, pid, stop = start_server(args)
    try:
        catalogue = catalogue_requests(value_pools(Client(host, port, 60)))
        rss_start = rss_tree(pid) if pid else 0
        samples, done = [], threading.Event()

        def watch():
            while not done.is_set():
                samples.append(rss_tree(pid) if pid else 0)
                time.sleep(0.2)

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        threads, records = run_clients(host, port, catalogue, args.clients, args.duration, args.seed,
                                       args.timeout, "catalogue")
        if args.attackers:
            more, attack_records = run_clients(host, port, attack_requests(), args.attackers, args.duration,
                                               args.seed + 1, args.timeout, "attack")
            threads += more
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        if args.attackers:
            records.extend(attack_records)
        time.sleep(3)
        done.set()
        watcher.join()
        rss_after = rss_tree(pid) if pid else 0
        server_status = status_of(host, port) if args.server == "front" and not args.url else None
    finally:
        stop()
    result = {
        "server": args.url or args.server, "clients": args.clients, "attackers": args.attackers,
        "duration_s": args.duration, "wall_s": round(wall, 1), "cache_mib": args.cache_size,
        "query_timeout_s": args.query_timeout, "distinct_catalogue_requests": len(catalogue),
        "catalogue": summarise(records, "catalogue"), "attack": summarise(records, "attack"),
        "catalogue_after_10s": summarise(records, "catalogue", after=10.0),
        "server_status": server_status,
        "rss_mib": {"start": round(rss_start / 1048576, 1), "peak": round(max(samples or [0]) / 1048576, 1),
                    "after": round(rss_after / 1048576, 1)},
        "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "cpus": os.cpu_count(),
        "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    OUT.mkdir(exist_ok=True)
    name = f"server-{args.server if not args.url else 'url'}-{args.clients}c-{args.attackers}a-{int(args.duration)}s"
    path = OUT / f"{name}{'-' + args.tag if args.tag else ''}.json"
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    cat = result["catalogue"]
    print(f"catalogue: {cat['requests']} requests, {cat['errors']} errors, p50 {cat['p50_s']:.3f} s, "
          f"p99 {cat['p99_s']:.3f} s, max {cat['max_s']:.3f} s" if cat["requests"] else "catalogue: no requests")
    if args.attackers:
        print(f"attack: {result['attack']['statuses']}")
    print(f"memory (MiB): {result['rss_mib']}; load average {load_before} → {result['loadavg_after']}; {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

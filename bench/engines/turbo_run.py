"""pyshacl-turbo for bench/run.py (run with bench/.venv-turbo), in its fastest setup measured here:
an rdflib_turbo.Store passed in, and the node shapes split over 2 threads (each thread validates
the same store against a copy of the shapes in which the other half is sh:deactivated).

Usage: python turbo_run.py DATA.nt SHAPES.ttl OUT.tsv [THREADS]"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pyshacl_turbo
import rdflib_turbo
from rdflib import Graph, Literal
from rdflib.namespace import SH

data, shapes_path, out = sys.argv[1:4]
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
t0 = time.perf_counter()
store = rdflib_turbo.Store()
store.parse(data, format="nt")
shapes = Graph().parse(shapes_path, format="turtle")
t1 = time.perf_counter()

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
node_shapes = sorted({s for p in TARGETS for s in shapes.subjects(p, None)}, key=str)


def part(i: int) -> Graph:
    """The shapes with every node shape not in part i deactivated (round robin over sorted shapes)."""
    g = Graph()
    for t in shapes:
        g.add(t)
    for k, s in enumerate(node_shapes):
        if k % threads != i:
            g.add((s, SH.deactivated, Literal(True)))
    return g


def run(g: Graph) -> set:
    _, report, _ = pyshacl_turbo.validate(store, shacl_graph=g, inference="none", advanced=True,
                                          allow_warnings=True, allow_infos=True)
    if not isinstance(report, Graph):
        report = Graph().parse(data=report.serialize(format="nt"), format="nt")
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)),
             str(report.value(r, SH.resultSeverity))) for r in report.subjects(SH.resultSeverity, None)}


parts = [part(i) for i in range(threads)]
with ThreadPoolExecutor(threads) as pool:
    found = list(pool.map(run, parts))
t2 = time.perf_counter()
rows = sorted(set().union(*found))
with open(out, "w") as fh:
    fh.writelines("\t".join(r) + "\n" for r in rows)
print(f"phases parse={t1 - t0:.2f} check={t2 - t1:.2f} report={time.perf_counter() - t2:.2f} "
      f"threads={threads}", file=sys.stderr)

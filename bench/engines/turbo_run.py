"""pyshacl-turbo for bench/run.py (run with bench/.venv-turbo): an rdflib_turbo.Store passed in.
Usage: python turbo_run.py DATA.nt SHAPES.ttl OUT.tsv"""
import sys
import time

import pyshacl_turbo
import rdflib_turbo
from rdflib import Graph
from rdflib.namespace import SH

data, shapes, out = sys.argv[1:4]
t0 = time.perf_counter()
store = rdflib_turbo.Store()
store.parse(data, format="nt")
t1 = time.perf_counter()
_, report, _ = pyshacl_turbo.validate(store, shacl_graph=shapes, inference="none", advanced=True,
                                      allow_warnings=True, allow_infos=True)
t2 = time.perf_counter()
if not isinstance(report, Graph):
    report = Graph().parse(data=report.serialize(format="nt"), format="nt")
rows = sorted({(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)),
                str(report.value(r, SH.resultSeverity))) for r in report.subjects(SH.resultSeverity, None)})
with open(out, "w") as fh:
    fh.writelines("\t".join(r) + "\n" for r in rows)
print(f"phases parse={t1 - t0:.2f} check={t2 - t1:.2f} report={time.perf_counter() - t2:.2f}", file=sys.stderr)

"""Reference engine for bench/run.py: pyshacl on data (reference + cohort) and shapes.
Usage: python pyshacl_run.py DATA.nt SHAPES.ttl OUT.tsv  (writes focus, source shape, severity)"""
import sys
import time

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

data, shapes, out = sys.argv[1:4]
t0 = time.perf_counter()
g = Graph().parse(data, format="nt")
s = Graph().parse(shapes, format="turtle")
t1 = time.perf_counter()
_, report, _ = validate(g, shacl_graph=s, inference="none", advanced=True, allow_warnings=True, allow_infos=True)
t2 = time.perf_counter()
rows = sorted({(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)),
                str(report.value(r, SH.resultSeverity))) for r in report.subjects(SH.resultSeverity, None)})
with open(out, "w") as fh:
    fh.writelines("\t".join(r) + "\n" for r in rows)
print(f"phases parse={t1 - t0:.2f} check={t2 - t1:.2f} report={time.perf_counter() - t2:.2f}", file=sys.stderr)

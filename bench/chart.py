"""Chart for bench/README.md: wall time against cohort size, one line per engine (log-log).
Usage (bench venv, which has matplotlib): python chart.py bench/out out.png  (all results-*.json)"""
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

files = sorted(Path(sys.argv[1]).glob("results-*.json"), key=lambda f: f.stat().st_mtime)
latest = {}  # (engine, n) -> row of the newest run that measured it
for f in files:
    for r in json.loads(f.read_text()):
        if r["ok"]:
            latest[(r["engine"], r["n"])] = r
rows = list(latest.values())
fig, ax = plt.subplots(figsize=(6, 4))
for engine in sorted({r["engine"] for r in rows}):
    pts = sorted((r["n"], r["wall"]) for r in rows if r["engine"] == engine)
    ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=engine)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("patients in cohort")
ax.set_ylabel("wall time (s)")
ax.set_title("sarcoma-kg cohort validation (same shapes, same data)")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=100)

"""`cohort validate` on a generated cohort as Turtle and as FHIR R4 mCODE bulk NDJSON, in one run.

    .venv/bin/python bench/ndjson.py [--sizes 1000,10000] [--workers 2] [--timeout 1800]

Per size, the same seed (1) is generated as Turtle and as NDJSON (``cohort generate``, into bench/out/),
and three files are checked by ``sarcoma-kg cohort validate FILE -o verdicts.csv --workers W``, each in its
own process measured from outside (run.measure: wall time, peak RSS of the process tree):

* ``turtle``: the Turtle cohort;
* ``ndjson``: the NDJSON cohort (read in chunks of whole patients on the workers, then checked);
* ``ndjson-facts``: the N-Triples the NDJSON path checks (the same facts, with what mCODE cannot carry
  left out, docs/cohorts.md), so that ``ndjson`` / ``ndjson-facts`` is the cost of reading FHIR alone.

CPU seconds are the user + system time of the process and every process it waited for (the workers),
from ``getrusage(RUSAGE_CHILDREN)``; the load average is sampled before and after each run. Only ratios
within one run count (the machine is shared). Appends to bench/out/ndjson.jsonl.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
from run import rss_tree  # noqa: E402

CLI = "import sys; from sarcoma_kg.cli import main; sys.argv[0] = 'sarcoma-kg'; main()"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(path: Path, workers: int, timeout: float) -> dict:
    """One ``cohort validate`` of ``path``: wall, CPU, peak RSS (polled every 50 ms), load average before
    and after. Its stderr goes to a file (the NDJSON runs log one line per element not mapped)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-c", CLI, "cohort", "validate", str(path),
           "-o", str(path.with_name(path.name + ".verdicts.csv")), "--workers", str(workers)]
    log_path = path.with_name(path.name + ".stderr.txt")
    load_before, cpu, t0, peak = os.getloadavg()[0], _cpu(), time.perf_counter(), 0
    with open(log_path, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        while proc.poll() is None:
            peak = max(peak, rss_tree(proc.pid))
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                proc.wait()
                break
            time.sleep(0.05)
    wall = time.perf_counter() - t0
    lines = log_path.read_text(errors="replace").splitlines()
    return {"ok": proc.returncode in (0, 1), "wall": wall, "cpu": _cpu() - cpu, "peak": peak,
            "load": (load_before, os.getloadavg()[0]), "error": "" if proc.returncode in (0, 1) else lines[-1:],
            "phases": next((line for line in lines if line.startswith("phases")), "")}


def cohorts(n: int, workers: int) -> dict[str, Path]:
    from sarcoma_kg.cohort.ndjson import convert
    from sarcoma_kg.cohort.synthetic import generate

    files = {"turtle": OUT / f"ndjson-bench-{n}.ttl", "ndjson": OUT / f"ndjson-bench-{n}.ndjson",
             "ndjson-facts": OUT / f"ndjson-bench-{n}-facts.nt"}
    for kind, fmt in (("turtle", "ttl"), ("ndjson", "ndjson")):
        if not files[kind].exists():
            generate(n, files[kind], seed=1, fmt=fmt)
    if not files["ndjson-facts"].exists():
        logging.disable(logging.WARNING)  # the report rows of the reader; the runs below log them
        convert(files["ndjson"], files["ndjson-facts"], workers=workers)
        logging.disable(logging.NOTSET)
    return files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    for n in [int(s) for s in args.sizes.split(",")]:
        runs = {}
        for kind, path in cohorts(n, args.workers).items():
            r = timed(path, args.workers, args.timeout)
            runs[kind] = r
            wall = r["wall"] or float("nan")
            print(f"{n:>7} {kind:<13} wall {wall:8.2f} s  cpu {r['cpu']:8.2f} s  {n / wall:7.1f} patients/s  "
                  f"peak {r['peak'] / 2**20:6.0f} MiB  load {r['load'][0]:.1f}->{r['load'][1]:.1f}  "
                  f"{'ok' if r['ok'] else r['error']}  {r.get('phases', '')}", flush=True)
        for base in ("turtle", "ndjson-facts"):
            if runs["ndjson"]["wall"] and runs[base]["wall"]:
                print(f"{n:>7} ndjson / {base}: wall {runs['ndjson']['wall'] / runs[base]['wall']:.2f}x, "
                      f"cpu {runs['ndjson']['cpu'] / runs[base]['cpu']:.2f}x", flush=True)
        with open(OUT / "ndjson.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"n": n, "workers": args.workers, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                 "runs": {k: {f: r.get(f) for f in ("ok", "wall", "cpu", "peak", "load", "phases")}
                                          for k, r in runs.items()}}) + "\n")


if __name__ == "__main__":
    main()

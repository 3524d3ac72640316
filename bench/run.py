"""Cohort validation benchmark: fast path vs pyshacl vs pyshacl-turbo vs Jena SHACL, in one run.

    .venv/bin/python bench/run.py [--sizes 1000,10000,100000,1000000] [--timeout 600]

* cohorts come from ``sarcoma_kg.cohort.synthetic.generate`` (seed 1) into bench/out/ (gitignored);
* every engine sees the same data (ontology + knowledge base + cohort, N-Triples) and the same
  shapes (shapes/patient-*.ttl merged into bench/out/shapes.ttl);
* pyshacl-turbo runs from bench/.venv-turbo (created here: pyshacl-turbo 0.6.5 + rdflib-turbo
  0.2.0a15, the combination that works), with an rdflib_turbo.Store passed in and the node
  shapes split over 2 threads (the best setup the issue found; engines/turbo_run.py);
* Jena SHACL comes from Debian (``apt-get install -y libapache-jena-java``); skipped with a message
  when it cannot be installed or does not start;
* peak memory = the largest sum of RSS over the engine's process tree, polled from outside
  every 50 ms; each engine only runs at a size while the previous size finished within --timeout;
* results are compared as sets of (focus node, source shape, severity) with pyshacl's where
  pyshacl ran, otherwise with the fast path's.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import tempfile
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PY = ROOT / ".venv" / "bin" / "python"
TURBO = HERE / ".venv-turbo"


def rss_tree(pid: int) -> int:
    """Sum of VmRSS (bytes) over ``pid`` and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(cmd: list[str], timeout: float, env=None) -> dict:
    t0 = time.perf_counter()
    # stderr to a file, not a pipe: a child that logs more than the pipe holds would block on it
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True, env=env)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, rss_tree(proc.pid))
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                proc.wait()
                return {"ok": False, "error": f"timeout after {timeout:.0f} s", "wall": None, "peak": peak}
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        log.seek(0)
        err = log.read()
    phases = next((line for line in err.splitlines() if line.startswith("phases")), "")
    causes = [line.strip() for line in err.splitlines() if "Caused by" in line or "Exception in" in line]
    return {"ok": proc.returncode in (0, 1), "wall": wall, "peak": peak, "phases": phases, "causes": causes[-1:],
            "error": "" if proc.returncode in (0, 1) else err.strip().splitlines()[-1:]}


def ensure_turbo() -> bool:
    py = TURBO / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TURBO)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "pyshacl-turbo==0.6.5", "rdflib-turbo==0.2.0a15",
                        "matplotlib", "psutil"], check=False)
    return subprocess.run([str(py), "-c", "import pyshacl_turbo, rdflib_turbo"]).returncode == 0


def jena_classpath() -> str | None:
    if subprocess.run(["dpkg", "-s", "libapache-jena-java"], capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "install", "-y", "libapache-jena-java"], capture_output=True)
    deps = subprocess.run(["apt-cache", "depends", "libapache-jena-java"], capture_output=True, text=True).stdout
    pkgs = ["libapache-jena-java"] + [l.split()[-1] for l in deps.splitlines() if "Depends:" in l]
    jars = set()
    for p in pkgs:
        files = subprocess.run(["dpkg", "-L", p], capture_output=True, text=True).stdout.splitlines()
        jars |= {f for f in files if f.startswith("/usr/share/java/") and f.endswith(".jar") and f.count("/") == 4}
    bad = ("log4j-over-slf4j", "slf4j-log4j12", "slf4j-jdk14", "slf4j-simple", "slf4j-nop", "slf4j-jcl",
           "jcl-over", "jul-to", "slf4j-migrator", "slf4j-ext")
    jars = sorted(j for j in jars if not any(b in j for b in bad) and not j.rstrip(".jar")[-1].isdigit())
    if not jars:
        return None
    # Debian's jena-core.jar moves Jena's bundled Xerces classes to package ``xerces.*`` but leaves their message
    # bundles under org/apache/jena/ext/xerces/, so ResourceBundle "xerces.impl.xpath.regex.message" is missing,
    # every xsd pattern facet fails and XSDDatatype cannot initialise ("internal error" in
    # XSSimpleTypeDecl.applyFacets1). Put copies of the bundles where the classes look, first on the classpath.
    import zipfile
    fix = OUT / "jena-xerces-msg"
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as z:
        for name in z.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                dest = fix / name[len("org/apache/jena/ext/"):]
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(z.read(name))
    return ":".join([str(fix)] + jars)


def read_keys(path: Path) -> set:
    with open(path) as fh:
        return {tuple(line.rstrip("\n").split("\t")[:3]) for line in fh if line.strip()}


def fast_keys(path: Path) -> set:
    with open(path) as fh:
        return {(r["focus"], r["source_shape"], r["severity"]) for r in csv.DictReader(fh)}


def jena_keys(report: Path) -> set:
    from rdflib import Graph
    from rdflib.namespace import SH
    g = Graph().parse(report, format="turtle")
    return {(str(g.value(r, SH.focusNode)), str(g.value(r, SH.sourceShape)), str(g.value(r, SH.resultSeverity)))
            for r in g.subjects(SH.resultSeverity, None)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--engines", default="fast,pyshacl,turbo,jena")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--criteria", default="",
                    help="keep only the criteria shapes of these criterion kinds, e.g. "
                         "LesionCount,OrganSiteCount,SerosalExclusion (the three criteria of the headline table); default all")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from rdflib import Graph

    from sarcoma_kg.cohort.run import patient_shapes, reference_data
    from sarcoma_kg.cohort.synthetic import generate

    OUT.mkdir(exist_ok=True)
    from sarcoma_kg.namespaces import SKG

    kinds = {SKG[k.strip() + "Criterion"] for k in args.criteria.split(",") if k.strip()}
    full = patient_shapes()
    drop = {s for s, k in full.subject_objects(SKG.criterionClass) if kinds and k not in kinds}
    suffix = "-" + args.criteria.replace(",", "_") if kinds else ""
    shapes = OUT / f"shapes{suffix}.ttl"
    g = Graph()
    for t in full:
        if t[0] not in drop:
            g.add(t)
    g.serialize(shapes, format="turtle")
    reference = reference_data()
    engines = args.engines.split(",")
    alive = set(engines)
    if "turbo" in alive and not ensure_turbo():
        print("pyshacl-turbo: cannot be installed; skipped"); alive.discard("turbo")
    cp = jena_classpath() if "jena" in alive else None
    if "jena" in alive and cp is None:
        print("Jena SHACL: libapache-jena-java cannot be installed; skipped"); alive.discard("jena")
    rows = []
    last: dict[str, tuple[int, float]] = {}
    for n in [int(s) for s in args.sizes.split(",")]:
        cohort = OUT / f"cohort-{n}.ttl"
        if not cohort.exists():
            generate(n, cohort, seed=1, fmt="ttl")
        data = OUT / f"data-{n}.nt"
        for eng in sorted(alive):  # engines the previous size predicts over --timeout do not run
            if eng in last and last[eng][1] * n / last[eng][0] > args.timeout:
                print(f"{eng} at {n}: skipped, {last[eng][1]:.0f} s at {last[eng][0]} patients predicts more than "
                      f"--timeout {args.timeout:.0f} s", flush=True)
                alive.discard(eng)
        if alive - {"fast"} and not data.exists():
            with open(data, "wb") as fh:
                fh.write(reference)
                import pyoxigraph as ox
                ox.serialize(ox.parse(path=str(cohort), format=ox.RdfFormat.TURTLE), fh, format=ox.RdfFormat.N_TRIPLES)
        keys, res = {}, {}
        for eng in engines:
            if eng not in alive:
                continue
            out = OUT / f"{eng}-{n}{suffix}.tsv"
            if eng == "fast":
                r = measure([str(ROOT / ".venv" / "bin" / "sarcoma-kg"), "cohort", "validate", str(cohort), "-o",
                             str(OUT / f"verdicts-{n}{suffix}.csv"), "--results", str(out), "--shapes", str(shapes)],
                            args.timeout)
                if r["ok"]:
                    keys[eng] = fast_keys(out)
            elif eng == "pyshacl":
                r = measure([str(PY), str(HERE / "engines" / "pyshacl_run.py"), str(data), str(shapes), str(out)], args.timeout)
                if r["ok"]:
                    keys[eng] = read_keys(out)
            elif eng == "turbo":
                r = measure([str(TURBO / "bin" / "python"), str(HERE / "engines" / "turbo_run.py"), str(data), str(shapes),
                             str(out)], args.timeout)
                if r["ok"]:
                    keys[eng] = read_keys(out)
            else:
                rep = OUT / f"jena-{n}{suffix}.ttl"
                with open(rep, "w") as fh:
                    pass
                r = measure(["sh", "-c", f'java -Xmx16g -cp "{cp}" shacl.shacl validate --shapes {shapes} '
                             f'--data {data} > {rep}'], args.timeout)
                if r["ok"] and rep.stat().st_size and not r["causes"]:
                    keys[eng] = jena_keys(rep)
                else:
                    r["ok"] = False
                    r["error"] = f"Jena did not run: {r['causes'] or r['error']}"
            res[eng] = r
            if r["ok"]:
                last[eng] = (n, r["wall"])
            if not r["ok"]:
                alive.discard(eng)
                print(f"{eng} at {n}: failed or too slow ({r['error']}); not run at larger sizes", flush=True)
        base = "pyshacl" if "pyshacl" in keys else "fast"
        for eng, r in res.items():
            same = (keys.get(eng) == keys.get(base)) if eng in keys and base in keys else None
            rows.append((n, eng, r, same, base))
            if r["ok"]:
                print(f"{n:>8} {eng:<8} wall {r['wall']:8.2f} s  {n / r['wall']:9.0f} patients/s  peak "
                      f"{r['peak'] / 2**20:7.0f} MiB  equal to {base}: {same}  {r.get('phases', '')}", flush=True)
    import json
    results = [{"n": n, "engine": e, "ok": r["ok"], "wall": r["wall"], "peak": r["peak"],
                "phases": r.get("phases", ""), "equal": same, "baseline": base, "error": str(r.get("error", ""))}
               for n, e, r, same, base in rows]
    tag = f"{args.sizes}-{args.engines}{suffix}".replace(",", "_")
    # runs on a subset of the criteria are kept apart from the chart of the project's shapes
    (OUT / f"{'subset-' if suffix else ''}results-{tag}.json").write_text(json.dumps(results, indent=1))
    if not suffix:
        subprocess.run([str(TURBO / "bin" / "python"), str(HERE / "chart.py"), str(OUT), str(HERE / "time-vs-size.png")])
    for n in sorted({r[0] for r in rows}):
        at = {e: r for m, e, r, *_ in rows if m == n and r["ok"]}
        if "fast" in at:
            for e, r in at.items():
                if e != "fast":
                    print(f"{n:>8} fast is {r['wall'] / at['fast']['wall']:.1f}x faster than {e}")


if __name__ == "__main__":
    main()

"""Single-patient latency of every verb, cold (a fresh CLI process) and warm (the second call in one process);
``validate`` of one file of thousands of patients.

    .venv/bin/python bench/latency.py [--src SRC] [--label after] [--repeat 3] [--file PATIENT.ttl] [--bytecode DIR]
    .venv/bin/python bench/latency.py --src SRC --label after --patients 1000,3000 --cases none

``--src`` chooses the package sources to time (``src`` of this tree by default; another tree's
``src`` gives the "before" figures); both are run with the same options and engines. The cache
directory is the default one, filled by a first untimed run (``sarcoma-kg build`` fills it too):
"cold" is a new process with the caches on disk. ``--bytecode DIR`` keeps the compiled bytecode of
the sources in DIR (``PYTHONPYCACHEPREFIX``; the source tree is not written to), as an installed
package has it; without it the environment decides (``PYTHONDONTWRITEBYTECODE`` set: every module is
compiled in every process). Wall and CPU (user + system of the child) per run; the median is
reported. Results are appended to ``bench/out/latency.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = "import sys; from sarcoma_kg.cli import main; sys.argv[0] = 'sarcoma-kg'; main()"
WARM = """
import json, sys, time
from pathlib import Path
verb, path, option = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
def once():
    if verb == "validate":
        from sarcoma_kg.patients.validate import validate_paths
        return validate_paths([path])
    from sarcoma_kg.patients.read import read_patients
    from sarcoma_kg.rdf import knowledge_graph
    from sarcoma_kg.reasoning import recommend
    reasoner = option[1]
    data, knowledge = read_patients([path]).graph, knowledge_graph()
    if reasoner == "compiled":
        from sarcoma_kg.patients.compiled import with_compiled_verdicts
        data = with_compiled_verdicts(data, knowledge)
    if verb == "classify":
        return recommend.classify(data, knowledge, reasoner=reasoner)
    import inspect
    as_cli = {}  # the CLI names the knowledge graph's content when the sources can take it
    if "knowledge_key" in inspect.signature(recommend.recommend).parameters:
        from sarcoma_kg.rdf import knowledge_key
        as_cli["knowledge_key"] = knowledge_key()
    return recommend.recommend(data, knowledge, reasoner=reasoner, **as_cli)
once()
t = time.perf_counter(); once(); print(json.dumps({"warm_s": time.perf_counter() - t}))
"""

CASES = [("validate", []), ("classify", []), ("recommend", []),
         ("classify", ["--reasoner", "hermit"]), ("recommend", ["--reasoner", "hermit"]),
         ("validate", ["--engine", "pyshacl"])]


def run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout if proc.returncode in (0, 1) else f"exit {proc.returncode}: {proc.stderr[-300:]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--label", default="after")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", default=str(ROOT / "examples" / "edge-cases" / "liver-oligometastatic.ttl"))
    parser.add_argument("--cases", default="", help="comma-separated indices into CASES (default: all; none: no case)")
    parser.add_argument("--patients", default="", help="comma-separated cohort sizes: validate one generated file of each")
    parser.add_argument("--bytecode", default="", help="keep the sources' compiled bytecode in this folder")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=args.src)
    if args.bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = args.bytecode
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    chosen = [] if args.cases == "none" else [CASES[int(i)] for i in args.cases.split(",")] if args.cases else CASES
    for size in filter(None, args.patients.split(",")):
        at_scale(int(size), args, env, out)
    for verb, option in chosen:
        cmd = [sys.executable, "-c", CLI, verb, args.file, *option]
        run(cmd, env)  # fills the caches (untimed)
        cold = [run(cmd, env)[:2] for _ in range(args.repeat)]
        engine = option or ([] if verb == "validate" else ["--reasoner", "compiled"])
        warm_out = run([sys.executable, "-c", WARM, verb, args.file, *engine], env)[2]
        try:
            warm = json.loads(warm_out.strip().splitlines()[-1])["warm_s"]
        except (ValueError, IndexError):
            warm = None
        record = {"label": args.label, "verb": " ".join([verb, *option]), "file": Path(args.file).name,
                  "cold_wall_s": statistics.median(w for w, _ in cold), "cold_cpu_s": statistics.median(c for _, c in cold),
                  "warm_s": warm, "bytecode": bool(args.bytecode), "load": os.getloadavg()[0],
                  "at": time.strftime("%H:%M:%S", time.gmtime())}
        print(json.dumps(record), flush=True)
        with open(out / "latency.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


def at_scale(size: int, args, env: dict, out: Path) -> None:
    """``validate`` (JSON report) of one generated Turtle file of ``size`` patients (seed 5), cold, once."""
    cohort = out / f"latency-{size}.ttl"
    if not cohort.exists():
        subprocess.run([sys.executable, "-c", CLI, "cohort", "generate", str(size), "--seed", "5", "-o", str(cohort)],
                       env=env, check=True, capture_output=True)
    wall, cpu, _ = run([sys.executable, "-c", CLI, "validate", "--format", "json", str(cohort)], env)
    record = {"label": args.label, "verb": "validate", "file": cohort.name, "patients": size, "cold_wall_s": wall,
              "cold_cpu_s": cpu, "load": os.getloadavg()[0], "at": time.strftime("%H:%M:%S", time.gmtime())}
    print(json.dumps(record), flush=True)
    with open(out / "latency.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()

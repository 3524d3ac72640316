"""cohort recommend at registry sizes, and a sample checked against chunked HermiT.

    .venv/bin/python bench/cohort_recommend.py --sizes 1000,10000 [--sample 100] [--timeout 600]

Per size: a synthetic cohort (``cohort generate``, seed 1, Turtle, into ``bench/out/``) is matched
by ``sarcoma-kg cohort recommend FILE -o rows.csv`` (2 workers), measured from outside: wall time,
CPU time of the whole process tree, peak memory (the largest sum of RSS over the process tree,
``run.rss_tree``), the load average before and after, with the phases it prints. Then the first ``--sample`` patients are classified by chunked HermiT (chunks of 20, 2
workers: the reasoners module's path) and compared with the compiled classifier class by class,
and the HermiT recommendation statuses (applies / to confirm / does not apply, the "cannot tell"
re-run by HermiT too) with the rows written. Appends to ``bench/out/recommend.jsonl``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import time
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from run import measure  # noqa: E402

CLI = "import sys; from sarcoma_kg.cli import main; sys.argv[0] = 'sarcoma-kg'; main()"


def sample_graph(cohort: Path, n: int) -> Graph:
    from sarcoma_kg.reasoning.reasoners import patient_subgraph
    from sarcoma_kg.rdf import patients_in

    whole = Graph().parse(cohort)
    out = Graph()
    for patient in patients_in(whole)[:n]:
        out += patient_subgraph(whole, patient)
    return out


def check_sample(cohort: Path, rows_path: Path, n: int) -> dict:
    from sarcoma_kg.cohort.matching import status_of
    from sarcoma_kg.patients.compiled import with_compiled_verdicts
    from sarcoma_kg.errors import ReasonerError
    from sarcoma_kg.rdf import knowledge_graph, ontology_graph, patients_in
    from sarcoma_kg.reasoning import compiled, reasoners, recommend

    knowledge, terms = knowledge_graph(), ontology_graph()
    data = with_compiled_verdicts(sample_graph(cohort, n), knowledge)
    classifier = compiled.classifier_for(terms)
    ours, refused = {}, {}
    for p in patients_in(data):
        try:
            ours.update(classifier.classify(data, [p]))
        except ReasonerError as exc:
            refused[p] = str(exc)
    keep = Graph()
    for p in ours:
        keep += reasoners.patient_subgraph(data, p)
    hermit_refused = {}
    for p in refused:  # HermiT must find the same patients inconsistent
        try:
            reasoners.classify_patients(reasoners.patient_subgraph(data, p), terms, "hermit")
        except ReasonerError as exc:
            hermit_refused[p] = str(exc)
    t0 = time.perf_counter()
    hermit = reasoners.classify_patients(keep, terms, "hermit", chunk_size=20, workers=2)
    hermit_s = time.perf_counter() - t0
    class_diffs = [str(p) for p, c in ours.items() if c != hermit.of(p)]
    t0 = time.perf_counter()
    judged = recommend.recommend(keep, knowledge, "hermit", terms=terms, with_evidence=False, classification=hermit)
    hermit_recommend_s = time.perf_counter() - t0 + hermit_s
    theirs = {(str(pr.patient), str(r.rec)): status_of(r) for pr in judged for r in pr.applicable + pr.not_applicable}
    with open(rows_path, encoding="utf-8") as fh:
        rows = {(r["patient"], r["recommendation"]): r["status"] for r in csv.DictReader(fh)
                if r["patient"] in {str(p) for p in ours}}
    status_diffs = sorted(k for k in theirs if rows.get(k) != theirs[k])
    return {"sample": n, "classified": len(ours), "refused_as_inconsistent": len(refused),
            "hermit_also_inconsistent": len(hermit_refused), "class_differences": len(class_diffs),
            "recommendation_rows_compared": len(theirs), "status_differences": len(status_diffs),
            "hermit_classify_s": round(hermit_s, 1), "hermit_classify_and_recommend_s": round(hermit_recommend_s, 1),
            "examples": (class_diffs + [str(k) for k in status_diffs])[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    from sarcoma_kg.cohort.synthetic import generate

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",")):
        cohort = out / f"recommend-{size}.ttl"
        if not cohort.exists():
            generate(size, cohort, seed=1)
        rows = out / f"recommend-{size}.csv"
        before, load = resource.getrusage(resource.RUSAGE_CHILDREN), os.getloadavg()
        run = measure([sys.executable, "-c", CLI, "cohort", "recommend", str(cohort), "-o", str(rows)], args.timeout)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)  # the whole process tree
        record = {"patients": size, "wall_s": run["wall"] and round(run["wall"], 1), "cpu_s": round(cpu, 1),
                  "peak_mib": round(run["peak"] / 2**20), "load_before": [round(x, 1) for x in load],
                  "load_after": [round(x, 1) for x in os.getloadavg()], "at": time.strftime("%H:%M:%S", time.gmtime()),
                  "ok": run["ok"], "phases": run.get("phases"), "error": run.get("error")}
        if run["ok"] and args.sample:
            record["hermit_check"] = check_sample(cohort, rows, min(args.sample, size))
        print(json.dumps(record), flush=True)
        with open(out / "recommend.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()

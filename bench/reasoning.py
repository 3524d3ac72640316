"""Benchmark: classifying synthetic patients with HermiT (one run, per chunk), Pellet and OWL 2 RL.

    .venv/bin/python bench/reasoning.py                 # sizes 10 100 1000
    .venv/bin/python bench/reasoning.py --sizes 10 100 --engines hermit reasonable

Synthetic patients have the shape of docs/model.md with the verdict facts written back (the
closed-world part is not measured here). The same random seed gives the same patients. Results
are wall-clock seconds on this machine; compare ratios within one run, never across machines.
Each run also checks that every engine gives HermiT's classes (except the documented OWL RL gap:
skg:PaediatricPatient, a datatype facet).
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from rl import materialise_rl  # bench/rl.py, beside this script

from sarcoma_kg import rdf
from sarcoma_kg.namespaces import DEFINITION, EX, SKG, VERDICT
from sarcoma_kg.reasoning import reasoners

HISTOLOGIES = [SKG.Leiomyosarcoma, SKG.SynovialSarcoma, SKG.GastrointestinalStromalTumour, SKG.Osteosarcoma,
               SKG.UndifferentiatedPleomorphicSarcoma, SKG.Angiosarcoma]
SITES = [(SKG.RightLobeOfLiver, SKG.Liver), (SKG.LeftLobeOfLiver, SKG.Liver), (SKG.RightLung, SKG.Lung),
         (SKG.LeftLung, SKG.Lung), (SKG.ThoracicSpine, SKG.Bone), (SKG.Ilium, SKG.Bone)]
RESPONSES = [SKG.CompleteResponse, SKG.PartialResponse, SKG.StableDisease, SKG.ProgressiveDisease]


def synthetic_patients(n: int, seed: int = 5) -> Graph:
    rng = random.Random(seed)
    g = Graph()
    for i in range(n):
        p = EX[f"B{i:05d}"]
        g.add((p, RDF.type, SKG.Patient))
        g.add((p, SKG.ageAtDiagnosisYears, Literal(rng.randint(8, 85))))
        g.add((p, SKG.surgicalCandidate, Literal(rng.random() > 0.2)))
        g.add((p, SKG.priorLiverResection, Literal(rng.random() > 0.8)))
        g.add((p, SKG.hasDiffuseSerosalInvolvement, Literal(rng.random() > 0.9)))
        t = EX[f"B{i:05d}-primary"]
        g.add((p, SKG.hasPrimaryTumour, t))
        g.add((t, RDF.type, SKG.PrimaryTumour))
        g.add((t, SKG.hasHistology, rng.choice(HISTOLOGIES)))
        g.add((t, SKG.primaryResectable, Literal(rng.random() > 0.3)))
        lesions = rng.randint(1, 7)
        organs = set()
        for j in range(lesions):
            les = EX[f"B{i:05d}-L{j}"]
            site, organ = rng.choice(SITES)
            organs.add(organ)
            g.add((p, SKG.hasLesion, les))
            g.add((les, RDF.type, SKG.MetastaticLesion))
            g.add((les, SKG.hasSite, site))
            g.add((les, SKG.longestDiameterMm, Literal(rng.randint(5, 60))))
            g.add((les, SKG.detectionDate, Literal("2024-01-15", datatype=XSD.date)))
        course = EX[f"B{i:05d}-chemo"]
        g.add((p, SKG.receivedSystemicTherapy, course))
        g.add((course, RDF.type, SKG.SystemicTherapyCourse))
        g.add((course, SKG.usesAgent, SKG.Doxorubicin))
        g.add((course, SKG.bestResponse, rng.choice(RESPONSES)))
        g.add((course, SKG.ongoing, Literal(rng.random() > 0.5)))
        # the closed-world facts validation writes back
        g.add((p, SKG.lesionCount, Literal(lesions)))
        g.add((p, SKG.organSiteCount, Literal(len(organs))))
        for organ in organs:
            g.add((p, SKG.involvesOrganSite, organ))
        g.add((p, SKG.metastasisTiming, rng.choice([SKG.Synchronous, SKG.Metachronous])))
        a = VERDICT[f"B{i:05d}--IberoAmerican2025"]
        g.add((p, SKG.hasAssessment, a))
        g.add((a, RDF.type, SKG.OligometastaticAssessment))
        g.add((a, SKG.assessedDefinition, DEFINITION.IberoAmerican2025))
        meets = lesions <= 5 and len(organs) <= 2
        g.add((a, SKG.verdict, SKG.Meets if meets else SKG.DoesNotMeet))
    return g


def run(engine: str, patients: Graph, terms: Graph, chunk: int, workers: int) -> reasoners.Classification:
    if engine == "hermit":
        return reasoners.classify_patients(patients, terms, "hermit")
    if engine == "hermit-chunked":
        return reasoners.classify_patients(patients, terms, "hermit", chunk_size=chunk, workers=workers)
    if engine == "pellet":
        return reasoners.classify_patients(patients, terms, "pellet")
    return materialise_rl(patients, terms, engine)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--engines", nargs="+",
                        default=["hermit", "hermit-chunked", "pellet", "reasonable", "owlrl"])
    parser.add_argument("--chunk", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--owlrl-max", type=int, default=10, help="skip owlrl above this size (it is slow)")
    parser.add_argument("--whole-max", type=int, default=100,
                        help="skip one-run HermiT/Pellet above this size (super-linear, see REASONING.md)")
    args = parser.parse_args(argv)

    terms = rdf.ontology_graph()
    defined = set(reasoners.defined_classes(terms))
    print(f"TBox: {len(terms)} triples, {len(defined)} defined classes", file=sys.stderr)
    print("| patients | engine | seconds | s / patient | same classes as HermiT (first HermiT run of the size) |")
    print("|---:|---|---:|---:|---|")
    for n in args.sizes:
        patients = synthetic_patients(n)
        reference = None
        for engine in args.engines:
            if engine == "owlrl" and n > args.owlrl_max:
                continue
            if engine in ("hermit", "pellet") and n > args.whole_max:
                continue
            start = time.perf_counter()
            result = run(engine, patients, terms, args.chunk, args.workers)
            elapsed = time.perf_counter() - start
            got = {p: set(t) & defined for p, t in result.types.items()}
            if reference is None and engine in ("hermit", "hermit-chunked"):
                reference = got
                engine_ref = engine
            same = "—"
            if reference is not None and engine != engine_ref:
                gap = set()
                ok = True
                for p, classes in reference.items():
                    mine = got.get(p, set())
                    if not mine <= classes:
                        ok = False
                    gap |= classes - mine
                same = "yes" if ok and not gap else ("sound; misses " + ", ".join(sorted(c.split('/')[-1] for c in gap))
                                                     if ok else "NO")
            print(f"| {n} | {engine} | {elapsed:.2f} | {elapsed / n:.4f} | {same} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

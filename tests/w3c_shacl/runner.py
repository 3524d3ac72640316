"""The W3C SHACL test suite (``core/`` and ``sparql/``, 120 validate tests) through the cohort compiler.

Usage, from the repository root::

    .venv/bin/python tests/w3c_shacl/runner.py                  # every mode: counts and every non-pass
    .venv/bin/python tests/w3c_shacl/runner.py --mode cohort --only pre-binding --verbose
    .venv/bin/python tests/w3c_shacl/runner.py --json results.json
    .venv/bin/python tests/w3c_shacl/runner.py --files shapes-and-data.ttl ...   # any file, against pySHACL

Modes:

* ``plain``: ``compile_shapes(shapes)`` run on one pyoxigraph store holding the whole data graph
  (loaded through ``literals.Encoder``, as every store is);
* ``cohort``: what ``sarcoma-kg cohort validate --shapes`` runs: ``validate_cohort`` on the data
  graph written as N-Triples, the whole file one record, with the data graph as reference data, so
  the subclass closure is inlined and focus nodes are read from marks;
* ``standins``: ``plain`` with the queries and updates for stores holding stand-in literals
  (``literals``), which must give the same results on any store.

Each result is compared with the manifest's expected report as a set of (focus node, source shape,
severity, result path, value). With ``--files``, each file is both data and shapes graph and the
reference is pySHACL (``inference="none", advanced=True``; it checks fewer literals than SHACL asks). A test passes when the sets are equal; ``refused`` when the compiler
raises ``UnsupportedShape`` (a ``sht:Failure`` test must be refused, and passes that way); ``wrong``
when the sets differ or a ``sht:Failure`` test is accepted; ``crash`` for any other exception.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from sarcoma_kg.cohort import compiler, evaluate, literals, run

HERE = Path(__file__).resolve().parent
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
MODES = ("plain", "cohort", "standins")


@dataclass
class Outcome:
    test: str
    mode: str
    verdict: str                       # pass, refused, wrong, crash
    detail: str = ""
    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# reading the suite


@dataclass
class Case:
    name: str                          # e.g. core/node/datatype-001
    data: tuple[Graph, list]           # graph (rdflib, literals as written) and its pyoxigraph quads
    shapes: Graph
    expected: set | None               # None: sht:Failure


def parse(path: Path) -> tuple[Graph, list]:
    """A Turtle file as an rdflib graph with literals as written, and its pyoxigraph quads (the same
    blank-node ids in both)."""
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri(),
                          rename_blank_nodes=True))
    g = Graph()
    with compiler.ill_typed_quietly():
        prefixes = Graph().parse(path, format="turtle", publicID=path.as_uri())
        for prefix, ns in prefixes.namespaces():
            g.bind(prefix, ns, override=True, replace=True)
        for q in quads:
            g.add((compiler.rdflib_term(q.subject), compiler.rdflib_term(q.predicate),
                   compiler.rdflib_term(q.object)))
    return g, quads


def cases(only: str | None = None) -> list[Case]:
    found: list[Case] = []
    _walk(HERE / "manifest.ttl", found, {}, only)
    return found


def _walk(manifest: Path, found: list, cache: dict, only: str | None) -> None:
    g, _ = cache.setdefault(manifest, parse(manifest))
    for m in g.subjects(RDF.type, MF.Manifest):
        for inc in sorted(g.objects(m, MF.include)):
            _walk(Path(str(inc).removeprefix("file://")), found, cache, only)
        for entries in g.objects(m, MF.entries):
            for test in Collection(g, entries):
                name = str(manifest.parent.relative_to(HERE) / str(test).rsplit("/", 1)[-1])
                if only and only not in name:
                    continue
                found.append(_case(g, test, name, cache))


def _case(g: Graph, test, name: str, cache: dict) -> Case:
    action = g.value(test, MF.action)

    def load(iri):
        path = Path(str(iri).removeprefix("file://"))
        if path not in cache:
            cache[path] = parse(path)
        return cache[path]

    data = load(g.value(action, SHT.dataGraph))
    shapes = load(g.value(action, SHT.shapesGraph))[0]
    result = g.value(test, MF.result)
    expected = None if result == SHT.Failure else {
        _key(g, g.value(r, SH.focusNode), g.value(r, SH.sourceShape), g.value(r, SH.resultSeverity),
             _path(g, g.value(r, SH.resultPath)), g.value(r, SH.value))
        for r in g.objects(result, SH.result)}
    return Case(name, data, shapes, expected)


def _path(g: Graph, node) -> str | None:
    return None if node is None else compiler.sparql_path(g, node)


def text(term) -> str:
    """N-Triples form of an rdflib or pyoxigraph term (blank nodes by their id)."""
    if term is None:
        return "-"
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        with compiler.ill_typed_quietly():
            term = compiler.rdflib_term(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.language:
        return f'"{term}"@{term.language.lower()}'
    return term.n3()


def _key(g, focus, shape, severity, path, value) -> tuple:
    return (text(focus), text(shape), text(severity), path or "-", text(value))


# ---------------------------------------------------------------------------------------------
# running


def run_plain(case: Case, standins: bool = False) -> set:
    """``standins``: the store is read by the queries for stores holding stand-ins."""
    program = compiler.compile_shapes(case.shapes)
    encoder = literals.Encoder(lexical=program.lexical)
    encoder.fix(program.constants, None)
    store = ox.Store()
    data = ox.serialize(case.data[1], format=ox.RdfFormat.N_TRIPLES)
    decode = encoder.load(store, data, "nt")
    if standins:
        decode = dataclasses.replace(decode, standins=max(decode.standins, 1))
    return {_result_key(r, case) for r in evaluate.validate(store, program, decode)}


def run_standins(case: Case) -> set:
    return run_plain(case, standins=True)


SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def run_cohort(case: Case) -> set:
    data = ox.serialize(case.data[1], format=ox.RdfFormat.N_TRIPLES)
    # reference data: the class hierarchy of the data graph, whose closure is then inlined
    hierarchy = [q for q in case.data[1] if q.predicate == SUBCLASS
                 and not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)]
    reference = ox.serialize(hierarchy, format=ox.RdfFormat.N_TRIPLES) if hierarchy else b""
    with tempfile.TemporaryDirectory(prefix="w3c-shacl-") as tmp:
        path = Path(tmp) / "data.nt"
        path.write_bytes(data)
        result = run.validate_cohort(path, workers=1, shapes=case.shapes, reference=reference, collect=True,
                                     record_class=None)
    return {_result_key(r, case) for r in result.all_report}


def _result_key(r: evaluate.Result, case: Case) -> tuple:
    shape = next((s for s in (URIRef(r.shape), BNode(r.shape)) if (s, None, None) in case.shapes), r.shape)
    return (text(r.focus), text(shape), f"<{r.severity}>", r.path or "-", text(r.value))


def check(case: Case, mode: str) -> Outcome:
    try:
        actual = {"plain": run_plain, "cohort": run_cohort, "standins": run_standins}[mode](case)
    except compiler.UnsupportedShape as exc:
        if case.expected is None:  # sht:Failure: the shapes must be refused
            return Outcome(case.name, mode, "pass", f"refused as it must be: {exc}")
        return Outcome(case.name, mode, "refused", str(exc))
    except Exception:  # noqa: BLE001 - every other failure is a crash to report
        return Outcome(case.name, mode, "crash", traceback.format_exc())
    if case.expected is None:
        return Outcome(case.name, mode, "wrong", f"accepted a shapes graph SHACL says to refuse ({len(actual)} results)")
    if actual == case.expected:
        return Outcome(case.name, mode, "pass")
    return Outcome(case.name, mode, "wrong", "", sorted(case.expected - actual), sorted(actual - case.expected))


def pyshacl_expected(data: Graph, shapes: Graph) -> set | None:
    """pySHACL's results as keys (None when it refuses the shapes)."""
    from pyshacl import validate

    try:
        _, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    except Exception:  # noqa: BLE001 - pySHACL refusing the shapes
        return None
    if not isinstance(report, Graph):
        return None
    top = next(report.subjects(SH.conforms, None))
    return {_key(report, report.value(r, SH.focusNode), report.value(r, SH.sourceShape),
                 report.value(r, SH.resultSeverity), _path(report, report.value(r, SH.resultPath)),
                 report.value(r, SH.value))
            for r in report.objects(top, SH.result)}


def file_cases(paths: list[str]) -> list[Case]:
    out = []
    for p in paths:
        path = Path(p).resolve()
        graph, quads = parse(path)
        with compiler.ill_typed_quietly():
            expected = pyshacl_expected(graph, graph)
        out.append(Case(str(p), (graph, quads), graph, expected))  # None: pySHACL refuses the shapes too
    return out


def summary(outcomes: list[Outcome]) -> dict:
    counts: dict = {}
    for o in outcomes:
        counts.setdefault(o.mode, {"pass": 0, "refused": 0, "wrong": 0, "crash": 0})[o.verdict] += 1
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=MODES, action="append", help="plain, cohort, standins (default: all)")
    ap.add_argument("--only", help="run the tests whose name contains this")
    ap.add_argument("--verbose", action="store_true", help="also print the refusals")
    ap.add_argument("--json", help="write every outcome to this file")
    ap.add_argument("--files", nargs="+", help="Turtle files, each the data and the shapes graph: compared with pySHACL")
    args = ap.parse_args(argv)
    chosen = file_cases(args.files) if args.files else cases(args.only)
    outcomes = [check(case, mode) for case in chosen for mode in (args.mode or MODES)]
    for o in outcomes:
        if o.verdict in ("wrong", "crash") or (args.verbose and o.verdict == "refused"):
            print(f"{o.mode:6} {o.verdict:7} {o.test}: {o.detail.strip()}")
            for k in o.missing:
                print(f"         missing {' | '.join(k)}")
            for k in o.extra:
                print(f"         extra   {' | '.join(k)}")
    for mode, counts in summary(outcomes).items():
        print(f"{mode}: " + ", ".join(f"{v} {n}" for v, n in counts.items()) + f" (of {sum(counts.values())})")
    if args.json:
        Path(args.json).write_text(json.dumps([o.__dict__ for o in outcomes], indent=1))
    return 0 if all(o.verdict in ("pass", "refused") for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())

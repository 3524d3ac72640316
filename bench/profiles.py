"""Any SHACL shapes files against pySHACL, on data generated from the shapes themselves.

    .venv/bin/python bench/profiles.py SHAPES.ttl [SHAPES.ttl ...] [--n 4] [--seed 1]

For every class a shape targets or names in sh:class, ``--n`` instances (one in ten left untyped);
each gets 0 to 2 values for each property its shapes constrain: mostly what the property shape asks
for (an instance of its sh:class, a literal of its sh:datatype or of a member of its sh:or), else
any node, a blank node, or a literal of another datatype; literals come well formed and ill formed,
canonical and not ("+7"^^xsd:nonNegativeInteger, 8.0, "PT24H", "2020-02-30"^^xsd:date ...). The data
is checked by ``validate_cohort`` (the whole file as one record) and by pySHACL
(``inference="none", advanced=True``), and the results are compared as sets of (focus node, source
shape, severity, result path, value, component); blank nodes compare as any blank node. pySHACL
does not check the lexical form of several datatypes (xsd:gYear, gYearMonth, dateTimeStamp,
duration ...): the second count leaves out results whose value is one of the ill-formed literals
above.
"""

from __future__ import annotations

import argparse
import logging
import random
import tempfile
import warnings
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from sarcoma_kg.cohort import compiler, run

EX = Namespace("https://data.example.org/")
LEXICAL = {
    XSD.string: ["abc", "x y", "", "Δ"], XSD.integer: ["5", "-3", "007", "abc"],
    XSD.nonNegativeInteger: ["5", "0", "-1", "x", "+7"], XSD.int: ["5", "99999999999"],
    XSD.decimal: ["8.0", "8.5", "x", "1.50"], XSD.double: ["1.0E0", "2.5", "NaN"],
    XSD.date: ["2020-01-01", "2020-02-30", "2021-13-01"],
    XSD.dateTime: ["2020-01-01T00:00:00", "2020-01-01T00:00:00+00:00", "yesterday"],
    XSD.gYear: ["2020", "20x"], XSD.gYearMonth: ["2020-05", "2020-13"], XSD.boolean: ["true", "1", "none"],
    XSD.anyURI: ["http://x.org/a"], XSD.duration: ["P1D", "PT24H", "bad"],
}
ILL_FORMED = ('"abc"^^', '"x"^^', '"-1"^^', '"99999999999"^^', '"2020-02-30"^^', '"2021-13-01"^^', '"yesterday"^^',
              '"20x"^^', '"2020-13"^^', '"none"^^', '"bad"^^', '"NaN"^^', '"v"^^')


def literal(rng: random.Random, dt) -> Literal:
    if dt == RDF.langString:
        return Literal(rng.choice(["hello", "hallo", "bonjour"]), lang=rng.choice(["en", "de", "en", "fr"]))
    if dt in LEXICAL:
        return Literal(rng.choice(LEXICAL[dt]), datatype=dt, normalize=False)
    return Literal(rng.choice(["v", "2020-01-01T00:00:00Z"]), datatype=dt, normalize=False)


def generate(shapes: Graph, n: int, seed: int) -> Graph:
    rng = random.Random(seed)
    g = Graph()
    classes = sorted({o for p in (SH.targetClass, SH["class"]) for o in shapes.objects(None, p)
                      if isinstance(o, URIRef)}, key=str)
    nodes = {c: [EX[f"{c.split('/')[-1].split('#')[-1]}{i}"] for i in range(n)] for c in classes}
    every = [x for xs in nodes.values() for x in xs]
    by_path: dict = {}
    for ps in shapes.subjects(SH.path, None):
        if isinstance(shapes.value(ps, SH.path), URIRef):
            by_path.setdefault(shapes.value(ps, SH.path), []).append(ps)
    for c, xs in nodes.items():
        paths = [shapes.value(ps, SH.path) for s in shapes.subjects(SH.targetClass, c) for ps in shapes.objects(s, SH.property)]
        for x in xs:
            if rng.random() < 0.9:
                g.add((x, RDF.type, c))
            for p in (p for p in paths if isinstance(p, URIRef)):
                for _ in range(rng.choice([0, 1, 1, 1, 2])):
                    g.add((x, p, value(rng, shapes, by_path.get(p, []), nodes, every)))
    return g


def value(rng: random.Random, shapes: Graph, property_shapes: list, nodes: dict, every: list):
    ps = rng.choice(property_shapes) if property_shapes else None
    if ps is not None and rng.random() < 0.8:
        cls, dt, members = shapes.value(ps, SH["class"]), shapes.value(ps, SH.datatype), shapes.value(ps, SH["or"])
        if cls in nodes:
            return rng.choice(nodes[cls])
        if dt is not None:
            return literal(rng, dt)
        if members is not None:
            dt = shapes.value(rng.choice(list(Collection(shapes, members))), SH.datatype)
            if dt is not None:
                return literal(rng, dt)
    r = rng.random()
    if r < 0.4:
        return rng.choice(every)
    return BNode() if r < 0.5 else literal(rng, rng.choice([*LEXICAL, RDF.langString]))


def key(term) -> str:
    if term is None:
        return "-"
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        term = compiler.rdflib_term(term)
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, Literal):
        return f'"{term}"@{term.language.lower()}' if term.language else f'"{term}"^^{term.datatype or XSD.string}'
    return str(term)


def pyshacl_results(data: Graph, shapes: Graph, named: set) -> set:
    from pyshacl import validate

    _, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    top = next(report.subjects(SH.conforms, None))
    out = set()
    for r in report.objects(top, SH.result):
        path = report.value(r, SH.resultPath)
        shape = str(report.value(r, SH.sourceShape))
        out.add((key(report.value(r, SH.focusNode)), shape if shape in named else "_:",
                 str(report.value(r, SH.resultSeverity)), compiler.sparql_path(report, path) if path is not None else "-",
                 key(report.value(r, SH.value)), str(report.value(r, SH.sourceConstraintComponent))))
    return out


def cohort_results(path: Path, shapes: Graph, named: set) -> set:
    result = run.validate_cohort(path, workers=1, shapes=shapes, reference=b"", collect=True, record_class=None)
    return {(key(r.focus), r.shape if r.shape in named else "_:", r.severity, r.path or "-", key(r.value), r.component)
            for r in result.all_report}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("shapes", nargs="+")
    ap.add_argument("--n", type=int, default=4, help="instances per class")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    shapes = compiler.load_shapes(args.shapes)
    named = {str(s) for s in shapes.subjects() if isinstance(s, URIRef)}
    data = generate(shapes, args.n, args.seed)
    path = Path(tempfile.mkdtemp(prefix="profiles-")) / "data.nt"
    data.serialize(path, format="nt", encoding="utf-8")
    with compiler.ill_typed_quietly():
        as_written = Graph()
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            as_written.add(tuple(compiler.rdflib_term(t) for t in (q.subject, q.predicate, q.object)))
        ours, theirs = cohort_results(path, shapes, named), pyshacl_results(as_written, shapes, named)
    print(f"{len(data)} triples; results: cohort {len(ours)}, pySHACL {len(theirs)}, both {len(ours & theirs)}")
    well = {k for k in ours | theirs if not k[4].startswith(ILL_FORMED)}
    print(f"without ill-formed values: cohort {len(ours & well)}, pySHACL {len(theirs & well)}, "
          f"both {len(ours & theirs & well)}")
    for k in sorted((theirs - ours) & well)[:20]:
        print("  only pySHACL", " | ".join(k))
    for k in sorted((ours - theirs) & well)[:20]:
        print("  only cohort ", " | ".join(k))


if __name__ == "__main__":
    main()

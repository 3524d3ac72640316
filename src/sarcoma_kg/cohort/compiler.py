"""A SHACL -> SPARQL compiler: every constraint of every shape becomes one query that returns the
violations for all focus nodes at once (set-at-a-time), on any SPARQL 1.1 engine with named graphs.

Compiled program (:class:`Program`):

* **updates**, run in order on the store first. Each distinct target set (SHACL §2.1.3) is
  evaluated once and its focus nodes *marked* in the named graph :data:`FOCUS_GRAPH`
  (``GRAPH <focus> { <mark> <member> ?node }``: objects, so literal focus nodes are marked too).
  Shapes used by other shapes (``sh:node``, ``sh:property`` of a property shape, the members of
  ``sh:and``/``sh:or``/``sh:not``/``sh:xone``, qualified value shapes) are checked on the nodes that
  reach them: their *candidates* are marked from the value nodes that reach them (parents first),
  then the candidates that violate them are marked (children first). A shape made of value tests
  only (``sh:datatype``, ``sh:class``, ``sh:in`` ...) needs no marks: its conformance is a FILTER
  expression.
* **constraints** (:class:`CompiledConstraint`): one SELECT per constraint; each solution is a
  validation result (``?this`` the focus node, ``?value``, and for SHACL-SPARQL ``?path`` and
  ``?message``).

Supported (https://www.w3.org/TR/shacl/): every target of SHACL Core and SPARQL-based targets
(SHACL-AF ``sh:SPARQLTarget``); every SHACL path; every SHACL Core constraint component
(:mod:`.components`, one function each); SHACL-SPARQL constraints (``sh:sparql``) and SPARQL-based
constraint components (``sh:ConstraintComponent`` with ASK or SELECT validators), with the spec's
pre-binding (:mod:`.prebinding`); ``sh:deactivated``, ``sh:severity``, ``sh:message``.

Recursive shapes (SHACL leaves their validation undefined) are checked to a fixpoint, the recursive
validation on data without cycles, when no negation lies on the cycle. Anything else raises
:class:`UnsupportedShape` naming the shape and the feature, never a silent skip: recursion through
``sh:not``/``sh:xone``/``sh:qualifiedMaxCount``, ``$shapesGraph``, SPARQL constructs pre-binding
forbids, ill-formed property shapes, SHACL-AF rules and node expressions. A ``sh:`` property that
SHACL does not define is ignored, as SHACL says, and named in :attr:`Program.notes`.

Literals: the store rewrites some (``"5"^^xsd:int`` as ``xsd:integer``), so data is loaded through
:class:`literals.Encoder`, which keeps them as written (stand-ins), and the queries read a
literal's datatype and value through it; :attr:`Program.constants` are the literals the queries
name, which the encoder must know. SHACL-SPARQL queries also come in a variant for stores that
hold stand-ins (:attr:`CompiledConstraint.decoding`, :attr:`Program.updates_with_standins`).
:mod:`.evaluate` runs a program on a store.

``closure`` (optional): a function from a class IRI to its subclasses (itself included), computed
from reference data. With it, ``rdf:type/rdfs:subClassOf*`` in targets and ``sh:class``, and
``?x rdfs:subClassOf* C`` in SHACL-SPARQL queries, become ``VALUES`` over the closure: the same
solutions as long as the validated data adds no ``rdfs:subClassOf`` triple.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import warnings
import zlib
from dataclasses import dataclass, field
from itertools import product
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from . import literals

FOCUS_GRAPH = "urn:sarcoma-kg:focus"
MEMBER = "urn:sarcoma-kg:member"
SPEC = "https://www.w3.org/TR/shacl/"

#: Properties of the SHACL vocabulary that hold no constraint of their own.
DESCRIPTIVE = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.message, SH.severity,
               SH.deactivated, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
               SH.target, SH.path, SH.property, SH.declare, SH.prefixes, SH.labelTemplate, SH.parameter,
               SH.validator, SH.nodeValidator, SH.propertyValidator, SH.select, SH.ask, SH.optional,
               SH.suggestedShapesGraph, SH.shapesGraph, SH.entailment, SH.namespace, SH.prefix,
               SH.resultAnnotation}


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature this compiler does not implement (named in the message)."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One SELECT query; every solution is one validation result of ``source_shape``."""

    source_shape: object                 # URIRef or BNode of the shapes graph
    severity: URIRef
    component: URIRef                    # e.g. sh:MinCountConstraintComponent
    path: str | None                     # SPARQL path of a property shape (the result path)
    query: str
    message: str | None
    has_value: bool                      # the query projects ?value
    value_is_focus: bool = False         # an unbound ?value means the focus node (node shapes)
    projects_path: bool = False          # a bound ?path is the result path
    source_constraint: object | None = None
    projects_message: bool = False       # a bound ?message is the result message
    decoding: str = ""                   # the query for stores holding stand-ins (SHACL-SPARQL; see literals)

    @property
    def with_standins(self) -> str:
        return self.decoding or self.query


@dataclass(frozen=True)
class Program:
    """What to run on a store: ``updates`` in order, then each constraint's query."""

    updates: tuple                       # str, or a tuple of str to run until the marks stop growing
    constraints: tuple[CompiledConstraint, ...]
    updates_with_standins: tuple = ()    # the updates for stores holding stand-ins (see literals)
    constants: frozenset = frozenset()   # (lexical form, datatype) of the literals the queries name
    lexical: bool = False                # a constraint tests lexical forms (see literals)
    sparql: bool = False                 # SHACL-SPARQL queries read the data
    notes: tuple[str, ...] = ()          # what was ignored, for the user

    def __iter__(self):
        return iter(self.constraints)

    def __len__(self):
        return len(self.constraints)


@dataclass(frozen=True)
class Check:
    """One compiled constraint, before it is bound to a report or to a nested shape."""

    component: URIRef
    query: str
    has_value: bool = True
    message: str | None = None
    value_is_focus: bool = False
    projects_path: bool = False
    source_constraint: object | None = None
    projects_message: bool = False
    decoding: str = ""


# ---------------------------------------------------------------------------------------------
# context, focus marks, terms


@dataclass(frozen=True)
class Focus:
    """A marked set of nodes: ``?this`` (or any variable) ranges over the mark's members."""

    iri: str

    def bind(self, var: str = "?this") -> str:
        return f"GRAPH <{FOCUS_GRAPH}> {{ <{self.iri}> <{MEMBER}> {var} }}"

    @property
    def pattern(self) -> str:
        return "{ " + self.bind() + " }"

    def test(self, var: str = "?this") -> str:
        return f"EXISTS {{ {self.bind(var)} }}"


@dataclass
class Nested:
    """A shape checked on the nodes that reach it (its candidates), for its conformance."""

    candidates: Focus
    violators: Focus
    sources: list[str] = field(default_factory=list)   # updates marking candidates
    checks: list[str] = field(default_factory=list)    # updates marking violators
    decoding: list[str] = field(default_factory=list)  # the same, for stores holding stand-ins
    done: bool = False


@dataclass
class Context:
    """Everything one compilation shares (no module-level state)."""

    shapes: Graph
    closure: Callable[[str], list[str]] | None = None
    focus_updates: list[str] = field(default_factory=list)
    marks: dict[str, Focus] = field(default_factory=dict)
    nested: dict[object, Nested] = field(default_factory=dict)
    order: list[object] = field(default_factory=list)     # nested shapes, children first
    constants: set = field(default_factory=set)
    encoder: literals.Encoder = field(default_factory=literals.Encoder)
    lexical: bool = False
    sparql: bool = False
    components: dict = field(default_factory=dict)        # parameter -> custom constraint components
    notes: list[str] = field(default_factory=list)
    stack: list = field(default_factory=list)             # (nested shape being compiled, negations then)
    negations: int = 0                                    # inside sh:not, sh:xone, sh:qualifiedMaxCount
    loop_root: dict = field(default_factory=dict)         # shape of a recursive cycle -> the cycle's first

    def note(self, text: str, shape) -> None:
        line = f"{name(self.shapes, shape)}: {text}"
        if line not in self.notes:
            self.notes.append(line)

    def mark(self, kind: str, key: str, select: str, shape) -> Focus:
        """The mark of the nodes ``select`` (a SELECT of ?this) gives; written by an update."""
        iri = ctx_mark_iri(kind, key)
        if iri not in self.marks:
            self.marks[iri] = Focus(iri)
            update = f"INSERT {{ {Focus(iri).bind()} }} WHERE {{ {select} }}"
            self.focus_updates.append(parses(self, shape, update, f"the {kind} of its focus nodes"))
        return self.marks[iri]

    def term(self, node) -> str:
        """SPARQL text of a constant of the shapes graph, as the store holds it (see literals)."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if isinstance(node, Literal):
            if node.language:
                return Literal(str(node), lang=node.language).n3()
            key = (str(node), str(node.datatype or literals.XSD + "string"))
            if self.encoder.kind(key) == "standin":
                s = literals.standin(*key)
                return Literal(s.value, datatype=URIRef(s.datatype.value)).n3()
            self.constants.add(key)
            return node.n3()
        raise UnsupportedShape(f"the blank node {node} cannot be named in a query (a constant of the shapes)")

    def value(self, node) -> str:
        """SPARQL text of a constant used for its value (comparisons)."""
        if isinstance(node, Literal):
            return node.n3()
        return self.term(node)

    def instances(self, var: str, cls) -> str:
        """``var rdf:type/rdfs:subClassOf* cls`` (SHACL instance), through the closure when known."""
        if self.closure is None or not isinstance(cls, URIRef):
            return f"{var} <{RDF.type}>/<{RDFS.subClassOf}>* {self.term(cls)} ."
        tvar = "?_k" + str(zlib.crc32(f"{var} {cls}".encode()) % 10**8)
        subs = " ".join(f"<{c}>" for c in self.closure(str(cls)))
        return f"VALUES {tvar} {{ {subs} }} {var} <{RDF.type}> {tvar} ."


def name(shapes: Graph, node) -> str:
    """A shape or term as the user wrote it (prefixed when possible) for messages."""
    if isinstance(node, BNode):
        return f"a blank-node shape (_:{node})"
    try:
        return node.n3(shapes.namespace_manager)
    except Exception:  # noqa: BLE001 - a term rdflib cannot shorten
        return str(node)


def refuse(ctx: Context, shape, feature: str) -> UnsupportedShape:
    return UnsupportedShape(f"{name(ctx.shapes, shape)}: {feature}")


def parses(ctx: Context, shape, query: str, what: str) -> str:
    """``query`` (a query or an update) if the store reads it; else ``shape`` is refused with the
    store's message (a SHACL-SPARQL query that is not valid SPARQL)."""
    try:
        if query.lstrip().startswith("INSERT"):
            ox.Store().update(query)
        else:
            ox.Store().query(query)
    except SyntaxError as exc:
        raise refuse(ctx, shape, f"{what} is not valid SPARQL once compiled: {exc}") from exc
    return query


def active(shapes: Graph, node) -> bool:
    return (node, SH.deactivated, Literal(True)) not in shapes


# ---------------------------------------------------------------------------------------------
# paths


def sparql_path(shapes: Graph, node) -> str:
    """SPARQL property path for a SHACL path node (§2.3.1)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in shapes:
        members = list(Collection(shapes, node))
        if len(members) < 2:
            raise UnsupportedShape(f"a sequence path needs two members or more (at {node})")
        return "(" + "/".join(sparql_path(shapes, m) for m in members) + ")"
    kinds = {SH.inversePath: "^{}", SH.zeroOrMorePath: "({})*", SH.oneOrMorePath: "({})+",
             SH.zeroOrOnePath: "({})?"}
    for kind, template in kinds.items():
        inner = shapes.value(node, kind)
        if inner is not None:
            return template.format(sparql_path(shapes, inner))
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(sparql_path(shapes, m) for m in Collection(shapes, alternatives)) + ")"
    raise UnsupportedShape(f"{node} is not a SHACL path (§2.3.1)")


#: A path the value-first queries may scan from an unbound subject: one predicate, or its inverse.
SIMPLE_PATH = re.compile(r"^\^?<[^<>\s]+>$")


# ---------------------------------------------------------------------------------------------
# where a constraint is checked


@dataclass(frozen=True)
class Site:
    """A shape checked on a set of focus nodes: what every component function receives."""

    ctx: Context
    shape: object
    focus: Focus
    path: str | None          # SPARQL path when the shape is a property shape

    def values(self, var: str = "?value") -> str:
        """Pattern binding ``var`` to each value node of the bound ``?this``."""
        return f"?this {self.path} {var} ." if self.path else f"BIND(?this AS {var})"

    @property
    def simple(self) -> bool:
        return self.path is not None and SIMPLE_PATH.match(self.path) is not None

    def value_query(self, violation: str) -> str:
        """(?this, ?value) for every value node of every focus node for which ``violation`` holds.

        With a one-predicate path, the predicate's triples are scanned first and focus membership
        is tested only for the violating values (fewer rows than every focus node's values)."""
        if self.simple:
            return (f"SELECT DISTINCT ?this ?value WHERE {{ ?this {self.path} ?value . FILTER({violation}) "
                    f"FILTER({self.focus.test()}) }}")
        return f"SELECT DISTINCT ?this ?value WHERE {{ {self.focus.pattern} {self.values()} FILTER({violation}) }}"

    def param(self, p):
        return self.ctx.shapes.value(self.shape, p)


# ---------------------------------------------------------------------------------------------
# conformance of shapes used by other shapes


def conforms(site: Site, shape, var: str = "?value") -> str:
    """SPARQL expression: the node ``var`` (a value node of ``site``) conforms to ``shape``."""
    ctx = site.ctx
    if not active(ctx.shapes, shape):
        return "true"
    expression = _expression(site, shape, var)
    if expression is not None:
        return expression
    nested = _nested(ctx, shape)
    select = f"SELECT DISTINCT ?value WHERE {{ {site.focus.pattern} {site.values()} }}"
    update = f"INSERT {{ {nested.candidates.bind('?value')} }} WHERE {{ {select} }}"
    if update not in nested.sources:
        nested.sources.append(update)
    return f"NOT {nested.violators.test(var)}"


def _expression(site: Site, shape, var: str) -> str | None:
    """Conformance as a FILTER expression, when ``shape`` holds value tests only (else None)."""
    from .components import VALUE_TESTS  # noqa: PLC0415 - the components use this module

    ctx = site.ctx
    if ctx.shapes.value(shape, SH.path) is not None or ctx.shapes.value(shape, SH.property) is not None:
        return None
    tests = []
    for p, o in sorted(ctx.shapes.predicate_objects(shape), key=str):
        if p in VALUE_TESTS:
            tests.append(VALUE_TESTS[p](Site(ctx, shape, site.focus, site.path), o, var, site))
        elif p in ctx.components or (str(p).startswith(str(SH)) and p not in DESCRIPTIVE and p not in COMPANIONS):
            return None
    return "(" + " && ".join(f"!({t})" for t in tests) + ")" if tests else "true"


def _nested(ctx: Context, shape) -> Nested:
    """The marks of ``shape``'s candidates and violators; compiles its checks once."""
    found = ctx.nested.get(shape)
    if found is not None:
        if not found.done:
            _recursion(ctx, shape)
        return found
    key = str(shape) if isinstance(shape, URIRef) else f"_:{shape}"
    nested = Nested(Focus(ctx_mark_iri("candidates", key)), Focus(ctx_mark_iri("violators", key)))
    ctx.nested[shape] = nested
    ctx.stack.append((shape, ctx.negations))
    for source, check in shape_checks(ctx, shape, nested.candidates, report=False):
        for query, into in ((check.query, nested.checks), (check.decoding or check.query, nested.decoding)):
            update = f"INSERT {{ {nested.violators.bind()} }} WHERE {{ SELECT DISTINCT ?this WHERE {{ {{ {query} }} }} }}"
            into.append(parses(ctx, source, update, "a constraint it must meet where another shape uses it"))
    ctx.stack.pop()
    nested.done = True
    ctx.order.append(shape)
    return nested


def _recursion(ctx: Context, shape) -> None:
    """``shape`` reaches itself: the shapes of the cycle are checked together, to a fixpoint (their
    candidates grow until stable, then their violators). That is the recursive validation on data
    without cycles, and needs the cycle to be monotone: a negation on it (sh:not, sh:xone,
    sh:qualifiedMaxCount) is refused."""
    start = next(i for i, (s, _) in enumerate(ctx.stack) if s == shape)
    if any(negations != ctx.negations for _, negations in ctx.stack[start:]):
        raise refuse(ctx, shape, "a recursive shape that reaches itself through sh:not, sh:xone or "
                                 "sh:qualifiedMaxCount (its validation has no fixpoint)")
    root = ctx.loop_root.get(shape, shape)
    for member, _ in ctx.stack[start:]:
        old = ctx.loop_root.get(member, member)
        for other, r in list(ctx.loop_root.items()):
            if r == old:
                ctx.loop_root[other] = root
        ctx.loop_root[member] = root


def _ordered_updates(ctx: Context, checks: str = "checks") -> list:
    """Focus marks; then candidates, parents first; then violators, children first (``checks``:
    the Nested list to read them from). The shapes of a recursive cycle are one block each time (a
    tuple: run until the marks stop growing)."""
    updates: list = list(ctx.focus_updates)
    for kind, order in (("sources", list(reversed(ctx.order))), (checks, ctx.order)):
        for shape in order:
            root = ctx.loop_root.get(shape)
            if root is None:
                updates += getattr(ctx.nested[shape], kind)
            elif root == shape:
                members = [s for s in ctx.order if ctx.loop_root.get(s) == root]
                updates.append(tuple(u for m in members for u in getattr(ctx.nested[m], kind)))
    return updates


def ctx_mark_iri(kind: str, key: str) -> str:
    return f"urn:sarcoma-kg:{kind}:{hashlib.sha1(key.encode()).hexdigest()[:12]}"


# ---------------------------------------------------------------------------------------------
# shapes


#: Parameters read by the component of another parameter.
COMPANIONS = {SH.flags, SH.ignoredProperties, SH.qualifiedMinCount, SH.qualifiedMaxCount,
               SH.qualifiedValueShapesDisjoint}


def shape_checks(ctx: Context, shape, focus: Focus, report: bool) -> list[tuple[object, Check]]:
    """(source shape, check) of ``shape`` and its property shapes on the nodes of ``focus``.

    ``report``: the checks report results (property shapes of a property shape are then checked
    on its value nodes); otherwise they only decide conformance (a property shape of a property
    shape is then a shape its value nodes must conform to)."""
    from .components import compile_components  # noqa: PLC0415

    if not active(ctx.shapes, shape):
        return []
    path_node = ctx.shapes.value(shape, SH.path)
    site = Site(ctx, shape, focus, sparql_path(ctx.shapes, path_node) if path_node is not None else None)
    checks = [(shape, c) for c in compile_components(site)]
    for prop in sorted(ctx.shapes.objects(shape, SH.property), key=str):
        if not active(ctx.shapes, prop):
            continue
        if len(set(ctx.shapes.objects(prop, SH.path))) != 1:
            raise refuse(ctx, shape, f"its sh:property {name(ctx.shapes, prop)} has no sh:path, or more than "
                                     "one (an ill-formed property shape, §2.3)")
        if site.path is None:
            checks += shape_checks(ctx, prop, focus, report)
        elif report:
            values = ctx.mark("values", f"{focus.iri} {site.path}",
                              f"SELECT DISTINCT ?this WHERE {{ {focus.bind('?_f')} ?_f {site.path} ?this }}", shape)
            checks += shape_checks(ctx, prop, values, report)
        else:
            violation = f"!({conforms(site, prop)})"
            checks.append((shape, Check(SH.NodeConstraintComponent, site.value_query(violation))))
    return checks


def all_shapes(shapes: Graph) -> list:
    """Shapes by type, by a target, or classes that carry SHACL properties (implicit class targets)."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found |= set(shapes.subjects(p, None))
    for cls in (RDFS.Class, OWL.Class):
        found |= {c for c in shapes.subjects(RDF.type, cls)
                  if any(str(p).startswith(str(SH)) for p in shapes.predicates(c, None))}
    return sorted(found, key=str)


def target_focus(ctx: Context, shape) -> Focus | None:
    """The mark of ``shape``'s focus nodes (§2.1.3), or None when it has no target."""
    shapes = ctx.shapes
    forms = []
    classes = sorted(shapes.objects(shape, SH.targetClass), key=str)
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.append(shape)  # implicit class target (§2.1.3.3)
    forms += [f"{{ {ctx.instances('?this', c)} }}" for c in classes]
    nodes = sorted(shapes.objects(shape, SH.targetNode), key=str)
    if nodes:
        forms.append("{ VALUES ?this { " + " ".join(ctx.term(n) for n in nodes) + " } }")
    forms += [f"{{ ?this {ctx.term(p)} ?_t . }}" for p in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str)]
    forms += [f"{{ ?_t {ctx.term(p)} ?this . }}" for p in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str)]
    from .sparql_components import sparql_targets  # noqa: PLC0415

    forms += sparql_targets(ctx, shape)
    if not forms:
        return None
    key = "\n".join(sorted(forms))
    return ctx.mark("target", key, "SELECT DISTINCT ?this WHERE { " + " UNION ".join(sorted(forms)) + " }", shape)


def compile_shapes(shapes: Graph, closure: Callable[[str], list[str]] | None = None) -> Program:
    """Compiles every active shape with targets, and the shapes they use (see the module docstring)."""
    from .sparql_components import custom_components  # noqa: PLC0415

    ctx = Context(shapes, closure)
    ctx.components = custom_components(ctx)
    constraints = []
    for shape in all_shapes(shapes):
        if not active(shapes, shape):
            continue
        focus = target_focus(ctx, shape)
        if focus is None:
            continue  # reached only through other shapes, or unused
        for source, check in shape_checks(ctx, shape, focus, report=True):
            constraints.append(_report(ctx, source, check))
    return Program(tuple(_ordered_updates(ctx)), tuple(constraints), tuple(_ordered_updates(ctx, "decoding")),
                   frozenset(ctx.constants), ctx.lexical, ctx.sparql, tuple(ctx.notes))


def _report(ctx: Context, shape, check: Check) -> CompiledConstraint:
    shapes = ctx.shapes
    path_node = shapes.value(shape, SH.path)
    message = check.message
    if message is None:
        messages = sorted(str(m) for m in shapes.objects(shape, SH.message))
        message = messages[0] if messages else None
    parses(ctx, shape, check.query, f"its {name(shapes, check.component)}")
    return CompiledConstraint(
        shape, shapes.value(shape, SH.severity) or SH.Violation, check.component,
        sparql_path(shapes, path_node) if path_node is not None else None, check.query, message,
        check.has_value, check.value_is_focus, check.projects_path, check.source_constraint, check.projects_message,
        parses(ctx, shape, check.decoding, f"its {name(shapes, check.component)}") if check.decoding else "")


def load_shapes(paths: Iterable) -> Graph:
    """The shapes graph of Turtle files, literals as written (rdflib would normalise
    ``"1"^^xsd:boolean`` to ``true``, ``"01"^^xsd:integer`` to ``1``)."""
    g = Graph()
    with ill_typed_quietly():
        for path in paths:
            h = Graph()
            h.parse(path, format="turtle")  # prefixes for messages; raises on malformed Turtle
            for prefix, ns in h.namespaces():
                g.bind(prefix, ns, override=False)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
                g.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    return g


@contextlib.contextmanager
def ill_typed_quietly():
    """rdflib logs a traceback for each ill-typed literal it reads (``"abc"^^xsd:integer``); such
    literals are data to validate here, not errors."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        logger.setLevel(level)


def rdflib_term(t):
    """The rdflib term of a pyoxigraph term, literals kept as written."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    if t.datatype.value == literals.XSD + "string":
        return Literal(t.value)
    return Literal(t.value, datatype=URIRef(t.datatype.value), normalize=False)


def combinations(values: dict) -> Iterable[dict]:
    """Every choice of one value per key (a parameter given twice makes two constraints)."""
    keys = sorted(values, key=str)
    for choice in product(*(sorted(values[k], key=str) for k in keys)):
        yield dict(zip(keys, choice))


__all__ = ["CompiledConstraint", "Program", "UnsupportedShape", "compile_shapes", "load_shapes",
           "FOCUS_GRAPH", "MEMBER", "sparql_path"]

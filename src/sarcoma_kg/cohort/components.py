"""The SHACL Core constraint components, one function each (https://www.w3.org/TR/shacl/#core-components).

Two registries:

* :data:`VALUE_TESTS`: components that test each value node on its own. The function returns a
  SPARQL expression that is true when the value node (``var``) *violates* the constraint; the
  same expression serves in a result query (:meth:`Site.value_query`) and inside the
  conformance of a shape made of value tests only (``sh:or ( [ sh:datatype ... ] ... )``).
  ``outer`` is the site whose value nodes are being tested (for shapes that need marks).
* :data:`CHECKS`: every other component; the function returns the :class:`Check` queries.

Literals may be stand-ins for literals as written (:mod:`.literals`): identity (``sameTerm``,
joins) and lexical forms (``STR``) work on them as they are; datatype tests and comparisons read
them through :func:`literals.value_of` and the ``written:`` datatype.
"""

from __future__ import annotations

import contextlib

from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from . import literals
from .compiler import DESCRIPTIVE, COMPANIONS, Check, Site, UnsupportedShape, conforms, refuse

VALUE_TESTS: dict = {}
CHECKS: dict = {}
COMPONENT: dict = {}   # parameter -> constraint component IRI


def _register(table: dict, param, component: str):
    def register(fn):
        table[param] = fn
        COMPONENT[param] = URIRef(str(SH) + component)
        return fn
    return register


def value_test(param, component: str):
    return _register(VALUE_TESTS, param, component)


def check(param, component: str):
    return _register(CHECKS, param, component)


@contextlib.contextmanager
def negated(site: Site):
    """Shapes used in a negated position (recursion through them has no fixpoint)."""
    site.ctx.negations += 1
    try:
        yield
    finally:
        site.ctx.negations -= 1


def members(site: Site, node) -> list:
    return list(Collection(site.ctx.shapes, node))


# ---------------------------------------------------------------------------------------------
# value type


@value_test(SH["class"], "ClassConstraintComponent")
def class_(site: Site, cls, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#ClassConstraintComponent: each value node is a SHACL instance of
    the class (``rdf:type/rdfs:subClassOf*``)."""
    return f"NOT EXISTS {{ {site.ctx.instances(var, cls)} }}"


@value_test(SH.datatype, "DatatypeConstraintComponent")
def datatype(site: Site, dt, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#DatatypeConstraintComponent: each value node is a literal of the
    datatype, well formed for it (``"abc"^^xsd:integer`` is not), as written (``"5"^^xsd:int`` is
    an ``xsd:int``, though the store holds it as a stand-in)."""
    if dt == RDF.langString:
        return f'!(isLiteral({var}) && lang({var}) != "")'
    d = str(dt)
    well_formed = literals.well_formed_test(var, d)
    return (f'!(isLiteral({var}) && ((datatype({var}) = <{d}> && lang({var}) = "" && {well_formed}) '
            f"|| datatype({var}) = <{literals.WRITTEN}{d}>))")


NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


@value_test(SH.nodeKind, "NodeKindConstraintComponent")
def node_kind(site: Site, kind, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#NodeKindConstraintComponent: each value node is of the node kind."""
    if kind not in NODE_KINDS:
        raise refuse(site.ctx, site.shape, f"sh:nodeKind {kind} is not a node kind")
    return "!" + NODE_KINDS[kind].format(v=var)


# ---------------------------------------------------------------------------------------------
# value range


def _compare(site: Site, bound, var: str, op: str) -> str:
    b = site.ctx.value(bound)
    return f"!COALESCE({var} {op} {b}, {literals.value_of(var)} {op} {b}, false)"


@value_test(SH.minExclusive, "MinExclusiveConstraintComponent")
def min_exclusive(site: Site, bound, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#MinExclusiveConstraintComponent: each value node is > the bound
    (a value that cannot be compared violates it)."""
    return _compare(site, bound, var, ">")


@value_test(SH.minInclusive, "MinInclusiveConstraintComponent")
def min_inclusive(site: Site, bound, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#MinInclusiveConstraintComponent: each value node is >= the bound."""
    return _compare(site, bound, var, ">=")


@value_test(SH.maxExclusive, "MaxExclusiveConstraintComponent")
def max_exclusive(site: Site, bound, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#MaxExclusiveConstraintComponent: each value node is < the bound."""
    return _compare(site, bound, var, "<")


@value_test(SH.maxInclusive, "MaxInclusiveConstraintComponent")
def max_inclusive(site: Site, bound, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#MaxInclusiveConstraintComponent: each value node is <= the bound."""
    return _compare(site, bound, var, "<=")


# ---------------------------------------------------------------------------------------------
# string based (lexical forms: renamed literals become stand-ins, see literals)


def _length(site: Site, n, var: str, op: str) -> str:
    site.ctx.lexical = True
    return f"!COALESCE(!isBlank({var}) && STRLEN(STR({var})) {op} {int(n)}, false)"


@value_test(SH.minLength, "MinLengthConstraintComponent")
def min_length(site: Site, n, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#MinLengthConstraintComponent: the string of each value node (not a
    blank node) has at least n characters."""
    return _length(site, n, var, ">=")


@value_test(SH.maxLength, "MaxLengthConstraintComponent")
def max_length(site: Site, n, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#MaxLengthConstraintComponent: the string of each value node (not a
    blank node) has at most n characters."""
    return _length(site, n, var, "<=")


@value_test(SH.pattern, "PatternConstraintComponent")
def pattern(site: Site, regex, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#PatternConstraintComponent: the string of each value node (not a
    blank node) matches the regular expression, with ``sh:flags``."""
    site.ctx.lexical = True
    flags = site.param(SH.flags)
    extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
    return f"!COALESCE(!isBlank({var}) && REGEX(STR({var}), {Literal(str(regex)).n3()}{extra}), false)"


@value_test(SH.languageIn, "LanguageInConstraintComponent")
def language_in(site: Site, tags, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#LanguageInConstraintComponent: each value node is a literal whose
    language tag matches one of the list (``langMatches``)."""
    tests = [f"langMatches(lang({var}), {Literal(str(t)).n3()})" for t in members(site, tags)]
    return f"!(isLiteral({var}) && ({' || '.join(tests) or 'false'}))"


# ---------------------------------------------------------------------------------------------
# other value tests


@value_test(SH["in"], "InConstraintComponent")
def in_(site: Site, values, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#InConstraintComponent: each value node is one of the list (the same
    RDF term: ``"1"^^xsd:int`` is not ``1``)."""
    tests = [f"sameTerm({var}, {site.ctx.term(m)})" for m in members(site, values)]
    return f"!({' || '.join(tests) or 'false'})"


@value_test(SH.node, "NodeConstraintComponent")
def node(site: Site, shape, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#NodeConstraintComponent: each value node conforms to the shape."""
    return f"!({conforms(outer, shape, var)})"


@value_test(SH["not"], "NotConstraintComponent")
def not_(site: Site, shape, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#NotConstraintComponent: no value node conforms to the shape."""
    with negated(site):
        return conforms(outer, shape, var)


@value_test(SH["and"], "AndConstraintComponent")
def and_(site: Site, shapes, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#AndConstraintComponent: each value node conforms to every shape of
    the list."""
    tests = [conforms(outer, s, var) for s in members(site, shapes)]
    return f"!({' && '.join(tests) or 'true'})"


@value_test(SH["or"], "OrConstraintComponent")
def or_(site: Site, shapes, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#OrConstraintComponent: each value node conforms to at least one
    shape of the list."""
    tests = [conforms(outer, s, var) for s in members(site, shapes)]
    return f"!({' || '.join(tests) or 'false'})"


@value_test(SH.xone, "XoneConstraintComponent")
def xone(site: Site, shapes, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#XoneConstraintComponent: each value node conforms to exactly one
    shape of the list."""
    with negated(site):
        counts = [f"IF({conforms(outer, s, var)}, 1, 0)" for s in members(site, shapes)]
    return f"({' + '.join(counts) or '0'}) != 1"


@value_test(SH.hasValue, "HasValueConstraintComponent")
def has_value_node(site: Site, value, var: str, outer: Site) -> str:
    """https://www.w3.org/TR/shacl/#HasValueConstraintComponent (node shapes): the focus node is the
    value (for property shapes see :func:`has_value`)."""
    return f"!sameTerm({var}, {site.ctx.term(value)})"


# ---------------------------------------------------------------------------------------------
# cardinality, property pairs, and the rest


@check(SH.minCount, "MinCountConstraintComponent")
def min_count(site: Site, n) -> list[Check]:
    """https://www.w3.org/TR/shacl/#MinCountConstraintComponent: at least n value nodes."""
    n = _count(site, n, "sh:minCount")
    focus, path = site.focus.pattern, site.path
    if n == 0:
        return []
    if n == 1:  # MINUS: ?this is bound on both sides, so the same as FILTER NOT EXISTS, faster
        return [Check(SH.MinCountConstraintComponent, f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} ?_v }} }}",
                      has_value=False)]
    return [Check(SH.MinCountConstraintComponent,
                  f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value . }} }} GROUP BY ?this "
                  f"HAVING (COUNT(DISTINCT ?value) < {n})", has_value=False)]


@check(SH.maxCount, "MaxCountConstraintComponent")
def max_count(site: Site, n) -> list[Check]:
    """https://www.w3.org/TR/shacl/#MaxCountConstraintComponent: at most n value nodes."""
    n = _count(site, n, "sh:maxCount")
    focus, path = site.focus.pattern, site.path
    if n == 0:
        q = f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?_a . }}"
    elif site.simple:  # count every subject's values, then test the few over n
        q = (f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {path} ?_a . }} GROUP BY ?this "
             f"HAVING (COUNT(DISTINCT ?_a) > {n}) }} FILTER({site.focus.test()}) }}")
    elif n == 1:  # two different values: a self-join, no grouping
        q = f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?_a . ?this {path} ?_b . FILTER(!sameTerm(?_a, ?_b)) }}"
    else:
        q = f"SELECT ?this WHERE {{ {focus} ?this {path} ?value . }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {n})"
    return [Check(SH.MaxCountConstraintComponent, q, has_value=False)]


def _count(site: Site, n, param: str) -> int:
    if site.path is None:
        raise refuse(site.ctx, site.shape, f"{param} on a node shape (it needs sh:path)")
    return int(n)


@check(SH.hasValue, "HasValueConstraintComponent")
def has_value(site: Site, value) -> list[Check]:
    """https://www.w3.org/TR/shacl/#HasValueConstraintComponent: one of the value nodes is the value
    (no sh:value in the result)."""
    if site.path is None:
        q = f"SELECT ?this WHERE {{ {site.focus.pattern} FILTER({has_value_node(site, value, '?this', site)}) }}"
    else:
        q = (f"SELECT ?this WHERE {{ {site.focus.pattern} FILTER NOT EXISTS {{ ?this {site.path} ?_v . "
             f"FILTER(sameTerm(?_v, {site.ctx.term(value)})) }} }}")
    return [Check(SH.HasValueConstraintComponent, q, has_value=False)]


@check(SH.equals, "EqualsConstraintComponent")
def equals(site: Site, other) -> list[Check]:
    """https://www.w3.org/TR/shacl/#EqualsConstraintComponent: the value nodes are exactly the values
    of the property: each value node that is not one, and each value of the property that is not a
    value node, is a result."""
    o, focus = site.ctx.term(other), site.focus.pattern
    mine = f"{site.values('?value')} FILTER NOT EXISTS {{ ?this {o} ?_o . FILTER(sameTerm(?_o, ?value)) }}"
    theirs = (f"?this {o} ?value . FILTER NOT EXISTS {{ {site.values('?_v')} FILTER(sameTerm(?_v, ?value)) }}")
    q = f"SELECT DISTINCT ?this ?value WHERE {{ {{ {focus} {mine} }} UNION {{ {focus} {theirs} }} }}"
    return [Check(SH.EqualsConstraintComponent, q)]


@check(SH.disjoint, "DisjointConstraintComponent")
def disjoint(site: Site, other) -> list[Check]:
    """https://www.w3.org/TR/shacl/#DisjointConstraintComponent: no value node is a value of the property."""
    q = (f"SELECT DISTINCT ?this ?value WHERE {{ {site.focus.pattern} {site.values()} "
         f"?this {site.ctx.term(other)} ?_o . FILTER(sameTerm(?_o, ?value)) }}")
    return [Check(SH.DisjointConstraintComponent, q)]


def _pair(site: Site, other, op: str, component) -> list[Check]:
    if site.path is None:
        raise refuse(site.ctx, site.shape, f"{component.n3(site.ctx.shapes.namespace_manager)} on a node shape")
    test = f"COALESCE(?value {op} ?_o, {literals.value_of('?value')} {op} {literals.value_of('?_o')}, false)"
    q = (f"SELECT DISTINCT ?this ?value WHERE {{ {site.focus.pattern} {site.values()} "
         f"?this {site.ctx.term(other)} ?_o . FILTER(!{test}) }}")
    return [Check(component, q)]


@check(SH.lessThan, "LessThanConstraintComponent")
def less_than(site: Site, other) -> list[Check]:
    """https://www.w3.org/TR/shacl/#LessThanConstraintComponent: each value node is < every value of the
    property (values that cannot be compared violate it)."""
    return _pair(site, other, "<", SH.LessThanConstraintComponent)


@check(SH.lessThanOrEquals, "LessThanOrEqualsConstraintComponent")
def less_than_or_equals(site: Site, other) -> list[Check]:
    """https://www.w3.org/TR/shacl/#LessThanOrEqualsConstraintComponent: each value node is <= every
    value of the property."""
    return _pair(site, other, "<=", SH.LessThanOrEqualsConstraintComponent)


@check(SH.uniqueLang, "UniqueLangConstraintComponent")
def unique_lang(site: Site, flag) -> list[Check]:
    """https://www.w3.org/TR/shacl/#UniqueLangConstraintComponent: with ``true``, no two value nodes
    share a language tag (one result per focus node and tag, no sh:value)."""
    if not (isinstance(flag, Literal) and flag.datatype == XSD.boolean and str(flag) == "true"):
        return []
    if site.path is None:
        raise refuse(site.ctx, site.shape, "sh:uniqueLang on a node shape")
    q = (f"SELECT DISTINCT ?this WHERE {{ {site.focus.pattern} ?this {site.path} ?_a . ?this {site.path} ?_b . "
         f'FILTER(!sameTerm(?_a, ?_b) && lang(?_a) != "" && LCASE(lang(?_a)) = LCASE(lang(?_b))) }}')
    return [Check(SH.UniqueLangConstraintComponent, q, has_value=False)]


@check(SH.closed, "ClosedConstraintComponent")
def closed(site: Site, flag) -> list[Check]:
    """https://www.w3.org/TR/shacl/#ClosedConstraintComponent: with ``true``, the value nodes have no
    property but the ``sh:path`` IRIs of the shape's property shapes and ``sh:ignoredProperties``
    (one result per such triple: its predicate is the result path, its object the value)."""
    if not (isinstance(flag, Literal) and flag.toPython() is True):
        return []
    shapes = site.ctx.shapes
    allowed = {p for prop in shapes.objects(site.shape, SH.property) for p in shapes.objects(prop, SH.path)}
    ignored = site.param(SH.ignoredProperties)
    allowed |= set(members(site, ignored)) if ignored is not None else set()
    iris = sorted(site.ctx.term(p) for p in allowed if isinstance(p, URIRef))
    keep = f"FILTER(?path NOT IN ({', '.join(iris)}))" if iris else ""
    q = (f"SELECT DISTINCT ?this ?value ?path WHERE {{ {site.focus.pattern} {site.values('?_n')} "
         f"?_n ?path ?value . {keep} }}")
    return [Check(SH.ClosedConstraintComponent, q, projects_path=True)]


@check(SH.qualifiedValueShape, "QualifiedValueShapeConstraintComponent")
def qualified(site: Site, shape) -> list[Check]:
    """https://www.w3.org/TR/shacl/#QualifiedValueShapeConstraintComponent: between
    ``sh:qualifiedMinCount`` and ``sh:qualifiedMaxCount`` value nodes conform to the shape (and, with
    ``sh:qualifiedValueShapesDisjoint``, to none of the sibling shapes)."""
    if site.path is None:
        raise refuse(site.ctx, site.shape, "sh:qualifiedValueShape on a node shape")
    with negated(site):  # a sibling conforming disqualifies; a maximum counts conforming nodes
        ok = [conforms(site, shape)] + [f"!({conforms(site, s)})" for s in _siblings(site, shape)]
    qualifies = " && ".join(ok)
    focus, path = site.focus.pattern, site.path
    out = []
    low, high = site.param(SH.qualifiedMinCount), site.param(SH.qualifiedMaxCount)
    if low is not None and int(low) > 0:
        out.append(Check(SH.QualifiedMinCountConstraintComponent,
                         f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value . FILTER({qualifies}) }} }} "
                         f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(low)})", has_value=False))
    if high is not None:
        out.append(Check(SH.QualifiedMaxCountConstraintComponent,
                         f"SELECT ?this WHERE {{ {focus} ?this {path} ?value . FILTER({qualifies}) }} "
                         f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(high)})", has_value=False))
    return out


def _siblings(site: Site, shape) -> list:
    """The sibling shapes of a qualified value shape (§4.7.3)."""
    shapes = site.ctx.shapes
    if (site.shape, SH.qualifiedValueShapesDisjoint, Literal(True)) not in shapes:
        return []
    parents = set(shapes.subjects(SH.property, site.shape))
    found = {q for p in parents for prop in shapes.objects(p, SH.property)
             for q in shapes.objects(prop, SH.qualifiedValueShape)}
    return sorted(found - {shape}, key=str)


@check(SH.sparql, "SPARQLConstraintComponent")
def sparql(site: Site, constraint) -> list[Check]:
    """https://www.w3.org/TR/shacl/#SPARQLConstraintComponent: each solution of the SELECT query, with
    ``$this`` pre-bound to the focus node, is a result."""
    from .sparql_components import sparql_constraint  # noqa: PLC0415

    return sparql_constraint(site, constraint)


# ---------------------------------------------------------------------------------------------


#: SHACL Advanced Features that change what a validation reports (refused).
RULES = {URIRef(str(SH) + n) for n in ("rule", "expression", "values", "condition", "filterShape", "nodes")}


def compile_components(site: Site) -> list[Check]:
    """Every constraint of the shape at ``site`` (custom components included)."""
    from .sparql_components import custom_checks  # noqa: PLC0415

    ctx, shape = site.ctx, site.shape
    out: list[Check] = []
    for p, o in sorted(ctx.shapes.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
        if p in CHECKS:
            out += CHECKS[p](site, o)
        elif p in VALUE_TESTS:
            out.append(Check(COMPONENT[p], site.value_query(VALUE_TESTS[p](site, o, "?value", site)),
                             value_is_focus=site.path is None))
        elif p in RULES:
            raise refuse(ctx, shape, f"{p.n3(ctx.shapes.namespace_manager)}: SHACL-AF rules and node expressions "
                                     "are not supported")
        elif str(p).startswith(str(SH)) and p not in DESCRIPTIVE and p not in COMPANIONS:
            ctx.note(f"{p.n3(ctx.shapes.namespace_manager)} is not a property of SHACL Core or SHACL-SPARQL: "
                     "ignored, as SHACL ignores properties it does not define", shape)
    out += custom_checks(site)
    return out


__all__ = ["VALUE_TESTS", "CHECKS", "COMPONENT", "compile_components", "UnsupportedShape"]

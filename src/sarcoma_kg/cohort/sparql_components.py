"""SHACL-SPARQL: SPARQL-based constraints (https://www.w3.org/TR/shacl/#sparql-constraints),
SPARQL-based constraint components (https://www.w3.org/TR/shacl/#sparql-constraint-components) and
SPARQL-based targets (SHACL-AF, https://www.w3.org/TR/shacl-af/#SPARQLTarget), compiled with the
pre-binding of :mod:`.prebinding`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from .compiler import Check, Context, Site, active, combinations, name, parses, refuse
from .literals import datatype_of, value_of
from .prebinding import Prebinding, QueryRefused, rewrite_ask, rewrite_select, select_query

#: Prefixes every query may use without declaring them (as pySHACL does).
DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
#: Variables a parameter may not be named after (§6.1).
RESERVED = {"this", "shapesGraph", "currentShape", "path", "PATH", "value"}


def prefixes(ctx: Context, node) -> dict[str, str]:
    """The prefixes of a SPARQL constraint, validator or target: ``sh:prefixes/owl:imports*/sh:declare``
    (https://www.w3.org/TR/shacl/#sparql-prefixes)."""
    shapes = ctx.shapes
    declared: dict[str, str] = {}
    seen, todo = set(), list(shapes.objects(node, SH.prefixes))
    while todo:
        owner = todo.pop()
        if owner in seen:
            continue
        seen.add(owner)
        todo += list(shapes.objects(owner, OWL.imports))
        for decl in shapes.objects(owner, SH.declare):
            pfx, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if pfx is None or ns is None:
                raise refuse(ctx, node, "a sh:declare without sh:prefix and sh:namespace")
            if declared.get(str(pfx), str(ns)) != str(ns):
                raise refuse(ctx, node, f"two namespaces for the prefix {pfx}: in sh:prefixes")
            declared[str(pfx)] = str(ns)
    return {**DEFAULT_PREFIXES, **declared}


_SUBCLASS_STAR = re.compile(r"(?<=[{}.] )(\?\w+) <http://www\.w3\.org/2000/01/rdf-schema#subClassOf> \* (<[^<>\s]+>)")


def with_closure(ctx: Context, query: str) -> str:
    """``?x rdfs:subClassOf* <C>`` -> ``VALUES ?x { closure of C }`` (same solutions, see compiler)."""
    if ctx.closure is None:
        return query

    def values(m):
        subs = " ".join(f"<{c}>" for c in ctx.closure(m.group(2)[1:-1]))
        return f"VALUES {m.group(1)} {{ {subs} }}"
    return _SUBCLASS_STAR.sub(values, query)


def current_shape(ctx: Context, site: Site, text: str) -> tuple[tuple[str, str], ...]:
    if "currentShape" not in text:
        return ()
    if not isinstance(site.shape, URIRef):
        raise refuse(ctx, site.shape, "$currentShape of a blank-node shape cannot be named in a query")
    return (("currentShape", f"<{site.shape}>"),)


def sparql_constraint(site: Site, constraint) -> list[Check]:
    """A ``sh:sparql`` constraint of the shape at ``site``."""
    ctx = site.ctx
    if not active(ctx.shapes, constraint):
        return []
    select = ctx.shapes.value(constraint, SH.select)
    if select is None:
        raise refuse(ctx, site.shape, "sh:sparql without sh:select (a SPARQL constraint is a SELECT query)")
    ctx.sparql = True
    pre = Prebinding(("this",), site.focus.pattern, current_shape(ctx, site, str(select)), site.path,
                     test=site.focus.test())
    try:
        rewritten = rewrite_select(str(select), prefixes(ctx, constraint), pre, value_of, datatype_of)
    except QueryRefused as exc:
        raise refuse(ctx, site.shape, f"its sh:sparql {name(ctx.shapes, constraint)}: {exc}") from exc
    query = parses(ctx, site.shape, with_closure(ctx, rewritten.select), "its sh:sparql query")
    decoding = with_closure(ctx, rewritten.decoding)
    messages = sorted(str(m) for m in ctx.shapes.objects(constraint, SH.message))
    return [Check(SH.SPARQLConstraintComponent, query, "value" in rewritten.projected,
                  messages[0] if messages else None, value_is_focus=site.path is None,
                  projects_path="path" in rewritten.projected, source_constraint=constraint,
                  projects_message="message" in rewritten.projected, decoding=decoding)]


# ---------------------------------------------------------------------------------------------
# SPARQL-based constraint components


@dataclass(frozen=True)
class Parameter:
    path: URIRef
    name: str
    optional: bool


@dataclass(frozen=True)
class Component:
    node: object
    parameters: tuple[Parameter, ...]


def local_name(iri: str) -> str:
    m = re.search(r"[A-Za-z_][\w.-]*$", iri)
    return m.group(0) if m else ""


def custom_components(ctx: Context) -> dict:
    """Parameter IRI -> the SPARQL-based constraint components that declare it."""
    shapes = ctx.shapes
    classes = {SH.ConstraintComponent} | set(shapes.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
    by_param: dict = {}
    for cls in classes:
        for node in shapes.subjects(RDF.type, cls):
            params = []
            for p in shapes.objects(node, SH.parameter):
                path = shapes.value(p, SH.path)
                if not isinstance(path, URIRef):
                    raise refuse(ctx, node, "a parameter whose sh:path is not an IRI")
                if local_name(str(path)) in RESERVED:
                    raise refuse(ctx, node, f"the parameter name {local_name(str(path))} is reserved (§6.1)")
                params.append(Parameter(path, local_name(str(path)), (p, SH.optional, Literal(True)) in shapes))
            component = Component(node, tuple(sorted(params, key=lambda x: str(x.path))))
            for param in component.parameters:
                by_param.setdefault(param.path, set()).add(component)
    return by_param


def custom_checks(site: Site) -> list[Check]:
    """The SPARQL-based constraint components the shape at ``site`` uses (all mandatory parameters given)."""
    ctx, shape = site.ctx, site.shape
    used = {c for p, comps in ctx.components.items() if ctx.shapes.value(shape, p) is not None for c in comps}
    out = []
    for component in sorted(used, key=lambda c: str(c.node)):
        given = {p: set(ctx.shapes.objects(shape, p.path)) for p in component.parameters}
        if any(not values for p, values in given.items() if not p.optional):
            continue
        for choice in combinations({p: v for p, v in given.items() if v}):
            out.append(_custom_check(site, component, choice))
    return out


def _validator(site: Site, component: Component):
    shapes = site.ctx.shapes
    specific = SH.nodeValidator if site.path is None else SH.propertyValidator
    for kind in (specific, SH.validator):
        node = shapes.value(component.node, kind)
        if node is not None:
            return node
    kind = "node" if site.path is None else "property"
    raise refuse(site.ctx, component.node, f"a constraint component with no validator for {kind} shapes, "
                                           f"used by {name(shapes, site.shape)}")


def _custom_check(site: Site, component: Component, choice: dict) -> Check:
    ctx, shapes = site.ctx, site.ctx.shapes
    validator = _validator(site, component)
    constants = tuple((p.name, ctx.term(v)) for p, v in sorted(choice.items(), key=lambda pv: pv[0].name))
    ask, select = shapes.value(validator, SH.ask), shapes.value(validator, SH.select)
    text = str(ask if ask is not None else select)
    constants += current_shape(ctx, site, text)
    ctx.sparql = True
    try:
        if ask is not None:
            pattern = f"{{ {site.focus.bind()} {site.values()} }}"
            pre = Prebinding(("this", "value"), pattern, constants, site.path)
            rewritten = rewrite_ask(text, prefixes(ctx, validator), pre, value_of, datatype_of)
        elif select is not None:
            pre = Prebinding(("this",), site.focus.pattern, constants, site.path, test=site.focus.test())
            rewritten = rewrite_select(text, prefixes(ctx, validator), pre, value_of, datatype_of)
        else:
            raise QueryRefused("a validator with neither sh:ask nor sh:select")
    except QueryRefused as exc:
        raise refuse(ctx, site.shape, f"the validator of {name(shapes, component.node)}: {exc}") from exc
    query = parses(ctx, site.shape, with_closure(ctx, rewritten.select), f"the validator of {name(shapes, component.node)}")
    messages = sorted(str(m) for owner in (validator, component.node) for m in shapes.objects(owner, SH.message))
    return Check(component.node, query, "value" in rewritten.projected, messages[0] if messages else None,
                 value_is_focus=site.path is None, projects_path="path" in rewritten.projected,
                 projects_message="message" in rewritten.projected, decoding=with_closure(ctx, rewritten.decoding))


# ---------------------------------------------------------------------------------------------
# SPARQL-based targets


def sparql_targets(ctx: Context, shape) -> list[str]:
    """Union branches for the SPARQL-based targets of ``shape`` (``sh:target [ a sh:SPARQLTarget ;
    sh:select ... ]``); other kinds of ``sh:target`` are refused."""
    forms = []
    for target in sorted(ctx.shapes.objects(shape, SH.target), key=str):
        select = ctx.shapes.value(target, SH.select)
        if select is None:
            raise refuse(ctx, shape, "a sh:target that is not a sh:SPARQLTarget with sh:select "
                                     "(SHACL-AF target types are not supported)")
        try:
            query = select_query(str(select), prefixes(ctx, target))
        except QueryRefused as exc:
            raise refuse(ctx, shape, f"its SPARQL target: {exc}") from exc
        ctx.sparql = True
        forms.append("{ " + parses(ctx, shape, with_closure(ctx, query), "its SPARQL target") + " }")
    return forms

"""A SHACL → SPARQL compiler for the subset the project's shapes use (issue 9, fast path).

Each constraint of each shape becomes one SPARQL SELECT query that returns the *violating* focus
nodes (``?this``) and, for value-based constraints, the offending value node (``?value``). The
queries run on any SPARQL 1.1 engine; ``fastpath`` runs them on pyoxigraph, chunk by chunk.

Supported (W3C SHACL, https://www.w3.org/TR/shacl/):

* targets (§2.1.3): ``sh:targetClass`` (through ``rdfs:subClassOf*``), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets (§2.1.3.3);
* property paths (§2.3.1): predicate, sequence, alternative, inverse, zero-or-more, one-or-more,
  zero-or-one;
* Core constraint components (§4): ``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
  ``sh:minCount``, ``sh:maxCount``, ``sh:minInclusive``, ``sh:maxInclusive``,
  ``sh:minExclusive``, ``sh:maxExclusive``, ``sh:minLength``, ``sh:maxLength``, ``sh:pattern``,
  ``sh:in``, ``sh:hasValue``, ``sh:equals``, ``sh:disjoint``, ``sh:lessThan``,
  ``sh:lessThanOrEquals``; ``sh:deactivated``; ``sh:severity``; ``sh:message``;
* SHACL-SPARQL constraints (§5): ``sh:sparql`` with a SELECT, ``$this``, ``$PATH``,
  ``sh:prefixes``/``sh:declare``, ``?value``/``?message`` projections.

Anything else (``sh:node``, ``sh:or``, ``sh:qualifiedValueShape``, ``sh:closed``, SPARQL-based
constraint components ...) raises :class:`UnsupportedShape` naming the shape and the feature:
the compiler never silently skips a constraint, so drift in the shape files is caught.

Known semantic difference, documented and avoided in our shapes: a ``sh:sparql`` query is
evaluated by *joining* the focus nodes into its outermost group, not by pre-binding ``$this``
(SHACL §5.3.1). The two agree unless a sub-SELECT or aggregate inside the query relies on
``$this`` being bound before it is evaluated. The join goes first, or last when ``?this`` is bound
in every solution of the group anyway (:func:`_this_always_bound`, conservative), or becomes a
FILTER when the group opens with a triple pattern on ``$this``: the same solutions each way.

Focus nodes: with ``compile_shapes(..., marks={})`` each distinct target set becomes one SPARQL
UPDATE that marks its focus nodes in the named graph :data:`FOCUS_GRAPH`; the queries then find
and test their focus nodes with one triple pattern instead of re-evaluating the targets.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

SUPPORTED_VALUE_PARAMS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
    SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern, SH["in"],
}
SUPPORTED_FOCUS_PARAMS = {SH.minCount, SH.maxCount, SH.hasValue, SH.equals, SH.disjoint,
                          SH.lessThan, SH.lessThanOrEquals, SH.sparql}
UNSUPPORTED_PARAMS = {
    SH.node, SH["not"], SH["and"], SH.xone, SH.qualifiedValueShape, SH.closed,
    SH.uniqueLang, SH.languageIn,
}
PATH_KINDS = {SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath}


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature this compiler does not implement (named in the message)."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One SELECT query; every solution is one validation result of ``source_shape``."""

    source_shape: object          # URIRef or BNode of the shapes graph
    severity: URIRef
    component: URIRef             # e.g. sh:MinCountConstraintComponent
    path: str | None              # SPARQL path text, or None for node shapes
    query: str
    message: str | None
    has_value: bool               # the query projects ?value


def _n3(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    raise UnsupportedShape(f"cannot use blank node {term} as a constant in a compiled query")


def _path(shapes: Graph, node) -> str:
    """SPARQL property path for a SHACL path node (§2.3.1)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in shapes:
        return "(" + "/".join(_path(shapes, m) for m in Collection(shapes, node)) + ")"
    for kind in PATH_KINDS:
        inner = shapes.value(node, kind)
        if inner is None:
            continue
        if kind == SH.inversePath:
            return f"^{_path(shapes, inner)}"
        if kind == SH.alternativePath:
            return "(" + "|".join(_path(shapes, m) for m in Collection(shapes, inner)) + ")"
        suffix = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}[kind]
        return f"({_path(shapes, inner)}){suffix}"
    raise UnsupportedShape(f"unsupported SHACL path at {node}")


#: Optional subclass closure (class IRI -> its subclasses, itself included), set by compile_shapes.
_CLOSURE: dict = {}


def _instances(var: str, cls) -> str:
    """``var rdf:type/rdfs:subClassOf* cls`` (SHACL instance), with a precomputed closure when known."""
    subs = _CLOSURE["fn"](str(cls)) if _CLOSURE and isinstance(cls, URIRef) else None
    if subs is None:
        return f"{var} <{RDF.type}>/<{RDFS.subClassOf}>* {_n3(cls)} ."
    tvar = "?_k" + str(zlib.crc32(f"{var} {cls}".encode()) % 10**8)
    return f"VALUES {tvar} {{ " + " ".join(f"<{c}>" for c in subs) + f" }} {var} <{RDF.type}> {tvar} ."


_SUBCLASS_STAR = re.compile(
    r"(\?\w+)\s+(?:rdfs:subClassOf|<http://www\.w3\.org/2000/01/rdf-schema#subClassOf>)\*\s+"
    r"([A-Za-z][\w-]*:[\w-]+|<[^>\s]+>)\s*\.?")


def _rewrite_subclass_paths(body: str, prefixes: dict[str, str]) -> str:
    """``?x rdfs:subClassOf* C`` -> ``VALUES ?x { closure of C }`` (same solutions; see compile_shapes)."""
    def repl(m):
        cls = m.group(2)
        if cls.startswith("<"):
            iri = cls[1:-1]
        else:
            pfx, local = cls.split(":", 1)
            if pfx not in prefixes:
                return m.group(0)
            iri = prefixes[pfx] + local
        subs = _CLOSURE["fn"](iri)
        return f"VALUES {m.group(1)} {{ " + " ".join(f"<{c}>" for c in subs) + " } "
    return _SUBCLASS_STAR.sub(repl, body)


def _target_forms(shapes: Graph, shape) -> list[tuple[str, str]]:
    """Each target of ``shape`` (§2.1.3) as (pattern binding ``?this``, test on a bound ``?this``)."""
    forms = []
    classes = sorted(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.append(shape)  # implicit class target
    for c in classes:
        forms.append((f"{{ {_instances('?this', c)} }}", f"EXISTS {{ {_instances('?this', c)} }}"))
    nodes = sorted(shapes.objects(shape, SH.targetNode))
    if nodes:
        terms = [_n3(n) for n in nodes]
        forms.append(("{ VALUES ?this { " + " ".join(terms) + " } }", "?this IN (" + ", ".join(terms) + ")"))
    for p in sorted(shapes.objects(shape, SH.targetSubjectsOf)):
        forms.append((f"{{ ?this {_n3(p)} ?_t . }}", f"EXISTS {{ ?this {_n3(p)} ?_t }}"))
    for p in sorted(shapes.objects(shape, SH.targetObjectsOf)):
        forms.append((f"{{ ?_t {_n3(p)} ?this . }}", f"EXISTS {{ ?_t {_n3(p)} ?this }}"))
    if shapes.value(shape, SH.target) is not None:
        raise UnsupportedShape(f"{shape}: SHACL-AF custom targets (sh:target) are not supported")
    return forms


def _targets(shapes: Graph, shape) -> list[str]:
    return [pattern for pattern, _ in _target_forms(shapes, shape)]


def _focus_filter(shapes: Graph, shape) -> str:
    """A boolean SPARQL expression, true when a BOUND ``?this`` is a focus node of ``shape``.

    Used by the value-first queries: they find candidate violations from the data first (a scan of
    one predicate) and test focus membership only for those, instead of enumerating every focus
    node; ``_targets`` gives the same set as a pattern.
    """
    tests = [test for _, test in _target_forms(shapes, shape)]
    return "(" + " || ".join(tests) + ")" if tests else "false"


#: Value constraints and SHACL-SPARQL queries opening with ``$this <p> ?x``: value-first (scan the
#: path's predicate, then test focus membership) or focus-first (enumerate focus nodes, then look
#: their values up). Value-first measured ~10-20 % faster in total on a 10k cohort in Oxigraph;
#: with it, sh:maxCount on a one-predicate path counts every subject's values in a grouped
#: sub-select and tests focus membership for the few over the bound (~2x faster than the self-join).
VALUE_FIRST = True

#: A path the value-first queries may scan from an unbound subject: one predicate, or its inverse.
_SIMPLE_PATH = re.compile(r"^\^?<[^<>\s]+>$")


def _focus_select(targets: list[str]) -> str:
    if len(targets) == 1 and targets[0].startswith(_MARK_PATTERN_START):
        return targets[0]
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(targets) + " } }"


#: Focus marks (compile_shapes(..., marks=)): each distinct target set is evaluated once per
#: store by an INSERT into this named graph; the queries then find and test their focus nodes
#: with one triple pattern each. Queries read the default graph only, so the marks are invisible
#: to the shapes' own patterns.
FOCUS_GRAPH = "urn:sarcoma-kg:focus"
FOCUS_OF = "urn:sarcoma-kg:focusOf"
_MARK_PATTERN_START = f"{{ GRAPH <{FOCUS_GRAPH}> "


def _mark(targets: list[str], marks: dict[str, str]) -> tuple[list[str], str]:
    """(targets, focus test) reading the mark of this target set; registers its INSERT in ``marks``."""
    key = "\n".join(targets)
    iri = f"urn:sarcoma-kg:target:{hashlib.sha1(key.encode()).hexdigest()[:12]}"
    marks.setdefault(iri, f"INSERT {{ GRAPH <{FOCUS_GRAPH}> {{ ?this <{FOCUS_OF}> <{iri}> }} }} "
                          f"WHERE {{ {_focus_select(targets)} }}")
    pattern = f"GRAPH <{FOCUS_GRAPH}> {{ ?this <{FOCUS_OF}> <{iri}> }}"
    return [f"{{ {pattern} }}"], f"(EXISTS {{ {pattern} }})"


def _msg(shapes: Graph, node) -> str | None:
    msgs = sorted(str(m) for m in shapes.objects(node, SH.message))
    return msgs[0] if msgs else None


def _value_filter(shapes: Graph, param, arg, shape) -> str:
    """A boolean SPARQL expression that is true when ``?value`` VIOLATES the constraint."""
    if param == SH["class"]:
        return f"NOT EXISTS {{ {_instances('?value', arg)} }}"
    if param == SH.datatype:
        if arg == RDF.langString:
            return "!(isLiteral(?value) && langMatches(lang(?value), \"*\"))"
        return f"!(isLiteral(?value) && datatype(?value) = {_n3(arg)} && lang(?value) = \"\")"
    if param == SH.nodeKind:
        tests = {
            SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
            SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
            SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
            SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
        }
        return f"!{tests[arg]}"
    ops = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
    if param in ops:
        return f"!COALESCE(?value {ops[param]} {_n3(arg)}, false)"
    if param == SH.minLength:
        return f"!COALESCE(!isBlank(?value) && STRLEN(STR(?value)) >= {int(arg)}, false)"
    if param == SH.maxLength:
        return f"!COALESCE(!isBlank(?value) && STRLEN(STR(?value)) <= {int(arg)}, false)"
    if param == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        pat = Literal(str(arg)).n3()
        fl = f", {Literal(str(flags)).n3()}" if flags is not None else ""
        return f"!COALESCE(!isBlank(?value) && REGEX(STR(?value), {pat}{fl}), false)"
    if param == SH["in"]:
        members = list(Collection(shapes, arg))
        if not members:
            return "true"
        return "!(" + " || ".join(f"sameTerm(?value, {_n3(m)})" for m in members) + ")"
    raise UnsupportedShape(f"{shape}: {param}")  # pragma: no cover


COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent, SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent, SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent, SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent, SH["or"]: SH.OrConstraintComponent,
}


def _member_violation(shapes: Graph, member, shape) -> str:
    """Expression true when ?value violates member shape ``member`` (value constraints only)."""
    conds = []
    for p, o in shapes.predicate_objects(member):
        if p in SUPPORTED_VALUE_PARAMS:
            conds.append(f"({_value_filter(shapes, p, o, member)})")
        elif p not in (RDF.type, SH.message, SH.name, SH.description, SH.severity, SH.flags):
            raise UnsupportedShape(f"{shape}: sh:or member with {p} is not supported by the compiler")
    return "(" + (" || ".join(sorted(conds)) or "false") + ")"


def _sparql_prefixes(shapes: Graph, constraint) -> str:
    decls = []
    for owner in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(owner, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            ns = shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                decls.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(decls))) + "\n"


_SELECT = re.compile(r"\bSELECT\b(\s+(?:DISTINCT|REDUCED)\b)?(.*?)\bWHERE\b\s*\{", re.IGNORECASE | re.DOTALL)


#: The outermost group of a SHACL-SPARQL query opens with a triple pattern ``$this <p> ?x`` or
#: ``?x <p> $this`` (checked after $this has become ?this).
_PRED = r"(?:[A-Za-z][\w-]*:[\w-]*|<[^<>\s]+>)"
_THIS_FIRST = re.compile(rf"^\s*(?:\?this\s+{_PRED}\s+\?\w+\s*[.;]|\?\w+\s+{_PRED}\s+\?this\s*\.)")


def _compile_sparql(shapes: Graph, shape, constraint, targets: list[str], path: str | None,
                    in_focus: str | None = None) -> str:
    """Rewrite a SHACL-SPARQL SELECT so the focus nodes are joined in (see module docstring).

    When the outermost group opens with a triple pattern ``$this <p> ?x`` (or ``?x <p> $this``), ``?this`` is bound in
    every solution of that group, so the focus test is a FILTER on it (value-first: only the rows
    the query produces are tested) instead of a join with every focus node.
    """
    text = shapes.value(constraint, SH.select)
    if text is None:
        raise UnsupportedShape(f"{shape}: sh:sparql without sh:select (only SELECT-based constraints)")
    body = str(text)
    if _CLOSURE:
        prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", body, re.IGNORECASE))
        for owner in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(owner, SH.declare):
                pfx, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
                if pfx is not None and ns is not None:
                    prefixes.setdefault(str(pfx), str(ns))
        body = _rewrite_subclass_paths(body, prefixes)
    if path is not None:
        body = body.replace("$PATH", path)
    body = re.sub(r"\$this\b", "?this", body)
    if re.search(r"\$(currentShape|shapesGraph)\b", body):
        raise UnsupportedShape(f"{shape}: $currentShape/$shapesGraph in sh:sparql are not supported")
    m = _SELECT.search(body)
    if m is None:
        raise UnsupportedShape(f"{shape}: cannot find the SELECT ... WHERE {{ of its sh:sparql query")
    modifier, projection = m.group(1) or "", m.group(2)
    if projection.strip() != "*" and not re.search(r"\?this\b", projection):
        projection = " ?this" + projection
    prefixes = _sparql_prefixes(shapes, constraint)
    head = f"SELECT{modifier}{projection}WHERE {{ "
    if VALUE_FIRST and in_focus is not None and _THIS_FIRST.match(body[m.end():]):
        return prefixes + body[: m.start()] + head + f"FILTER{in_focus} " + body[m.end():]
    end = _group_end(body, m.end() - 1)
    if end is not None and _this_always_bound(body[m.end(): end]):
        # ?this is bound in every solution of the query's own patterns: join the focus nodes in
        # last (Oxigraph: joining them first cost 2x on the per-patient sub-select criteria).
        return (prefixes + body[: m.start()] + head + body[m.end(): end] + f" {_focus_select(targets)}\n"
                + body[end:])
    return prefixes + body[: m.start()] + head + f"{_focus_select(targets)} " + body[m.end():]


#: Tokens skipped when matching braces: string literals (long and short), IRIs, comments.
_SKIP = re.compile("|".join([
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n]|\\.)*"',
    r"'(?:[^'\\\n]|\\.)*'",
    r'<[^<>"{}|^`\\\s]*>',
    r"#[^\n]*",
]))


def _closing(text: str, start: int, pair: str = "{}") -> int | None:
    """Offset of the bracket closing the one at ``start`` (``pair`` = "{}" or "()"), skipping
    strings, IRIs and comments; None if unbalanced."""
    depth = 0
    i = start
    while i < len(text):
        skip = _SKIP.match(text, i)
        if skip and skip.end() > i:
            i = skip.end()
            continue
        if text[i] == pair[0]:
            depth += 1
        elif text[i] == pair[1]:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _group_end(text: str, open_brace: int) -> int | None:
    """Offset of the ``}`` closing the group whose ``{`` is at ``open_brace`` (None if unbalanced)."""
    return _closing(text, open_brace, "{}")


def _this_always_bound(group: str) -> bool:
    """True when every solution of the SPARQL group ``group`` (the text inside its braces) binds
    ``?this``: it occurs in a triple pattern of the group itself, or in a plain sub-group or a
    sub-SELECT that projects it (and groups by it, if grouped) and always binds it, or in every
    branch of a UNION. Conservative: OPTIONAL, MINUS, GRAPH, SERVICE, VALUES, FILTER and BIND parts
    never count."""
    plain: list[str] = []
    i = 0
    previous = ""
    while i < len(group):
        skip = _SKIP.match(group, i)
        if skip and skip.end() > i:
            i = skip.end()
            continue
        word = _WORD.match(group, i)
        if word:
            token = word.group(0)
            if token.upper() == "VALUES":  # its variables and rows
                end = _group_end(group, group.index("{", i)) if "{" in group[i:] else None
                if end is None:
                    return False
                i, previous = end + 1, "VALUES"
                continue
            plain.append(token)
            previous = token.upper()
            i = word.end()
            continue
        ch = group[i]
        if ch in "({":
            end = (_group_end(group, i) if ch == "{" else _paren_end(group, i))
            if end is None:
                return False
            if ch == "{" and previous not in _NOT_MANDATORY:
                branches = [group[i + 1: end]]  # a group, or a chain {A} UNION {B} ...: every branch must bind
                while True:
                    after = _WORD.match(group, _skip_space(group, end + 1))
                    if after is None or after.group(0).upper() != "UNION":
                        break
                    start = _skip_space(group, after.end())
                    end = _group_end(group, start) if group.startswith("{", start) else None
                    if end is None:
                        return False
                    branches.append(group[start + 1: end])
                if all(_group_binds_this(b) for b in branches):
                    return True
            previous = ch
            i = end + 1
            continue
        if not ch.isspace():
            previous = ch
        i += 1
    return "?this" in plain or "$this" in plain


_WORD = re.compile(r"[?$]?[A-Za-z_][\w-]*(?::[\w.-]*)?|[A-Za-z_][\w-]*")
_NOT_MANDATORY = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "EXISTS", "FILTER", "VALUES", "SILENT"}
_SUBSELECT = re.compile(r"\s*SELECT\b(.*?)\bWHERE\s*\{", re.IGNORECASE | re.DOTALL)


def _group_binds_this(inner: str) -> bool:
    m = _SUBSELECT.match(inner)
    if m is None:
        return _this_always_bound(inner)
    projection = m.group(1)
    if not re.search(r"(?<!AS )[?$]this\b", projection, re.IGNORECASE):
        return False
    end = _group_end(inner, m.end() - 1)
    if end is None:
        return False
    modifiers = inner[end + 1:]
    grouped = re.search(r"\bGROUP\s+BY\b(.*?)(?:\bHAVING\b|\bORDER\b|\bLIMIT\b|\bOFFSET\b|$)", modifiers,
                        re.IGNORECASE | re.DOTALL)
    if grouped and not re.search(r"[?$]this\b", grouped.group(1)):
        return False
    return _this_always_bound(inner[m.end(): end])


def _skip_space(text: str, i: int) -> int:
    while i < len(text):
        skip = _SKIP.match(text, i)
        if skip and skip.end() > i and text[i] == "#":
            i = skip.end()
        elif text[i].isspace():
            i += 1
        else:
            break
    return i


def _paren_end(text: str, open_paren: int) -> int | None:
    """Offset of the ``)`` closing the ``(`` at ``open_paren`` (None if unbalanced)."""
    return _closing(text, open_paren, "()")


def _shapes(shapes: Graph) -> list:
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.path):
        found |= set(shapes.subjects(p, None))
    return sorted(found, key=str)


def compile_shapes(shapes: Graph, closure=None, marks: dict[str, str] | None = None) -> list[CompiledConstraint]:
    """Compile every active shape with targets (and its property shapes) to SPARQL queries.

    ``closure`` (optional) maps a class IRI to all its subclasses (itself included), as
    computed from the reference data. With it, ``rdf:type/rdfs:subClassOf* C`` in targets and
    ``sh:class``, and ``?x rdfs:subClassOf* C`` in SHACL-SPARQL queries, become ``VALUES`` over
    the closure: the same solutions as long as the data being validated adds no
    ``rdfs:subClassOf`` triple (fastpath checks that per chunk), and far faster in Oxigraph.

    ``marks`` (optional, a dict filled by this call): the queries then read their focus nodes
    from marks in the named graph :data:`FOCUS_GRAPH`, and ``marks`` maps each mark to the SPARQL
    UPDATE that writes it; run every one of them on the store before the queries.
    """
    global _CLOSURE
    _CLOSURE = {"fn": closure} if closure else {}
    try:
        return _compile_all(shapes, marks)
    finally:
        _CLOSURE = {}


def _compile_all(shapes: Graph, marks: dict[str, str] | None) -> list[CompiledConstraint]:
    out: list[CompiledConstraint] = []
    for shape in _shapes(shapes):
        if (shape, SH.deactivated, Literal(True)) in shapes:
            continue
        targets = _targets(shapes, shape)
        if not targets:
            continue  # only reachable through sh:property of another shape (handled there) or unused
        in_focus = _focus_filter(shapes, shape)
        if marks is not None:
            targets, in_focus = _mark(targets, marks)
        out.extend(_compile_shape(shapes, shape, targets, in_focus))
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            if (prop, SH.deactivated, Literal(True)) in shapes:
                continue
            out.extend(_compile_shape(shapes, prop, targets, in_focus))
    return out


def _compile_shape(shapes: Graph, shape, targets: list[str], in_focus: str) -> list[CompiledConstraint]:
    for bad in UNSUPPORTED_PARAMS:
        if shapes.value(shape, bad) is not None:
            raise UnsupportedShape(f"{shape}: {bad.n3(shapes.namespace_manager)} is not supported by the compiler")
    if shapes.value(shape, SH.property) is not None and shapes.value(shape, SH.path) is not None:
        raise UnsupportedShape(f"{shape}: nested property shapes are not supported")
    severity = shapes.value(shape, SH.severity) or SH.Violation
    path_node = shapes.value(shape, SH.path)
    path = _path(shapes, path_node) if path_node is not None else None
    focus = _focus_select(targets)
    message = _msg(shapes, shape)
    results: list[CompiledConstraint] = []

    def add(param, query, has_value, msg=message):
        results.append(CompiledConstraint(shape, severity, COMPONENT[param], path, query, msg, has_value))

    value_nodes = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
    # Value-first: with a one-predicate path, scan that predicate's triples, keep the violating
    # values and only then test focus membership (few rows), instead of joining every focus node.
    simple = path is not None and _SIMPLE_PATH.match(path) is not None

    def value_query(cond: str) -> str:
        if simple and VALUE_FIRST:
            return f"SELECT DISTINCT ?this ?value WHERE {{ ?this {path} ?value . FILTER({cond}) FILTER{in_focus} }}"
        return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {value_nodes} FILTER({cond}) }}"

    for param in sorted(SUPPORTED_VALUE_PARAMS, key=str):
        for arg in sorted(shapes.objects(shape, param), key=str):
            add(param, value_query(_value_filter(shapes, param, arg, shape)), True)
    if path:
        for arg in shapes.objects(shape, SH.minCount):
            n = int(arg)
            if n == 1:  # MINUS: ?this is bound on both sides, so the same as FILTER NOT EXISTS, faster
                add(SH.minCount, f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} ?_v }} }}", False)
            elif n > 1:
                add(SH.minCount, f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value . }} }} "
                                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})", False)
        for arg in shapes.objects(shape, SH.maxCount):
            n = int(arg)
            if n == 0:
                q = f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?_a . }}"
            elif simple and VALUE_FIRST:  # count every subject's values, then test the few over n
                q = (f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {path} ?_a . }} GROUP BY ?this "
                     f"HAVING (COUNT(DISTINCT ?_a) > {n}) }} FILTER{in_focus} }}")
            elif n == 1:  # two different values: a self-join, no grouping
                q = (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?_a . ?this {path} ?_b . "
                     f"FILTER(!sameTerm(?_a, ?_b)) }}")
            else:
                q = (f"SELECT ?this WHERE {{ {focus} ?this {path} ?value . }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {n})")
            add(SH.maxCount, q, False)
    elif shapes.value(shape, SH.minCount) is not None or shapes.value(shape, SH.maxCount) is not None:
        raise UnsupportedShape(f"{shape}: sh:minCount/sh:maxCount on a node shape")
    for arg in shapes.objects(shape, SH.hasValue):
        if path:
            add(SH.hasValue, f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?_v . "
                             f"FILTER(sameTerm(?_v, {_n3(arg)})) }} }}", False)
        else:
            add(SH.hasValue, f"SELECT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {_n3(arg)})) }}", False)
    for arg in shapes.objects(shape, SH["or"]):
        members = list(Collection(shapes, arg))
        cond = " && ".join(_member_violation(shapes, m, shape) for m in members) or "true"
        add(SH["or"], value_query(cond), True)
    for param in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
        for other in shapes.objects(shape, param):
            vn = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
            o = _n3(other)
            if param == SH.equals:
                q = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {vn} FILTER NOT EXISTS {{ ?this {o} ?_o . "
                     f"FILTER(sameTerm(?_o, ?value)) }} }} UNION {{ ?this {o} ?value . "
                     + (f"FILTER NOT EXISTS {{ ?this {path} ?_v . FILTER(sameTerm(?_v, ?value)) }} }} }}" if path
                        else "FILTER(!sameTerm(?this, ?value)) } }"))
            elif param == SH.disjoint:
                q = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {vn} ?this {o} ?_o . FILTER(sameTerm(?_o, ?value)) }}"
            else:
                op = "<" if param == SH.lessThan else "<="
                q = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {vn} ?this {o} ?_o . "
                     f"FILTER(!COALESCE(?value {op} ?_o, false)) }}")
            add(param, q, True)
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        if (constraint, SH.deactivated, Literal(True)) in shapes:
            continue
        q = _compile_sparql(shapes, shape, constraint, targets, path, in_focus)
        add(SH.sparql, q, True, _msg(shapes, constraint) or message)
    return results


def load_shapes(paths: Iterable) -> Graph:
    g = Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


__all__ = ["CompiledConstraint", "UnsupportedShape", "compile_shapes", "load_shapes", "XSD"]

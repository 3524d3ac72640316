"""SHACL-SPARQL queries evaluated for every focus node at once, with the pre-binding semantics of
the SHACL spec (https://www.w3.org/TR/shacl/#pre-binding).

SHACL evaluates a SPARQL-based constraint once per focus node, with ``$this`` (and, for ASK
validators, ``$value``; for components, their parameters) *pre-bound*: the binding is joined into
every basic graph pattern of the query, nested groups, UNION branches, OPTIONAL parts and
sub-selects included. This module rewrites such a query so that one evaluation gives the results
for every focus node: the *pre-binding pattern* (which binds ``?this``/``?value`` to the focus
nodes, read from their marks) is joined into every group that uses a pre-bound variable without
binding it itself. Each group's solutions are then partitioned by the pre-bound variables, and
every SPARQL operator the spec allows (join, OPTIONAL, UNION, FILTER, BIND, EXISTS, projection,
grouping by ``?this``) maps a partition to the same partition: one evaluation equals the union of
the per-focus evaluations.

The spec forbids what cannot be pre-bound (§5.3.1 / Appendix A): MINUS, VALUES, SERVICE, a
sub-select that does not project every pre-bound variable (``SELECT *`` included), and ``AS`` on
a pre-bound variable. The rewrite also refuses what a set-at-a-time evaluation cannot reproduce:
LIMIT/OFFSET (per focus node), aggregation without ``GROUP BY $this`` (one group per focus node,
even an empty one), GRAPH and dataset clauses (the data graph is the default graph), and
``$shapesGraph``. A refusal is a :class:`QueryRefused` naming the construct.

Prefixed names are expanded with the query's own PREFIX declarations and those of ``sh:prefixes``,
so a rewritten query needs no prologue and can be nested in another query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Spec section quoted in refusals.
PREBINDING = "https://www.w3.org/TR/shacl/#pre-binding"


class QueryRefused(Exception):
    """The query uses a construct that pre-binding forbids or that this rewrite cannot evaluate."""


# ---------------------------------------------------------------------------------------------
# tokens

_TOKEN = re.compile(r"""
 (?P<ws>\s+|\#[^\n]*)
|(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
            |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
|(?P<var>[?$]\w+)
|(?P<bnode>_:[\w.-]*\w|_:\w)
|(?P<pname>(?:[^\W\d_][\w.-]*)?:(?:(?:[\w:%-]|\\[^\s])(?:(?:[\w.:%-]|\\[^\s])*(?:[\w:%-]|\\[^\s]))?)?)
|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
|(?P<number>[+-]?(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?))
|(?P<word>[A-Za-z_]\w*)
|(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*/|^+?!=<>-])
""", re.X)


@dataclass
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    @property
    def var(self) -> str | None:
        return self.text[1:] if self.kind == "var" else None


def tokenize(text: str) -> list[Token]:
    """The query's tokens, without whitespace and comments."""
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise QueryRefused(f"cannot read the query at {text[pos:pos + 20]!r}")
        if m.lastgroup != "ws":
            tokens.append(Token(m.lastgroup, m.group(), m.start(), m.end()))
        pos = m.end()
    return tokens


def _closing(tokens: list[Token], i: int) -> int:
    """Index of the bracket closing the one at ``i``."""
    pair = {"{": "}", "(": ")", "[": "]"}[tokens[i].text]
    depth = 0
    for j in range(i, len(tokens)):
        t = tokens[j]
        if t.kind != "punct":
            continue
        if t.text == tokens[i].text:
            depth += 1
        elif t.text == pair:
            depth -= 1
            if depth == 0:
                return j
    raise QueryRefused(f"unbalanced {tokens[i].text!r} in the query")


# ---------------------------------------------------------------------------------------------
# structure: groups, sub-selects, expressions

AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_GROUP_ROLES = {"OPTIONAL": "optional", "MINUS": "minus", "GRAPH": "graph", "SERVICE": "service"}


@dataclass
class Select:
    """A SELECT (the query's or a sub-select): ``{`` ... ``}`` of its WHERE group and modifiers."""

    start: int                     # index of the SELECT keyword
    where: "Group"
    end: int                       # index after the last token of its modifiers
    star: bool
    projected: set[str]            # variables projected (plain or AS)
    as_vars: list[tuple[int, str]]  # (token index of the variable after AS, name)
    expr_ranges: list[tuple[int, int]]  # projection expressions, HAVING, ORDER BY, GROUP BY expressions
    group_by: tuple[int, int] | None    # token range after GROUP BY
    aggregated: bool


@dataclass
class Group:
    """A group graph pattern ``{ ... }`` (token indexes of its braces) and what it contains."""

    open: int
    close: int
    role: str                                     # where, plain, optional, minus, graph, service, exists, union
    children: list["Group"] = field(default_factory=list)
    unions: list[list["Group"]] = field(default_factory=list)  # chains {A} UNION {B} ...
    subselect: Select | None = None               # when the group is { SELECT ... }
    triple_vars: set[str] = field(default_factory=set)
    expr_ranges: list[tuple[int, int]] = field(default_factory=list)  # FILTER / BIND expressions
    as_vars: list[tuple[int, str]] = field(default_factory=list)     # BIND (... AS ?v)


class Parser:
    """Reads the structure of a SELECT or ASK query from its tokens."""

    def __init__(self, tokens: list[Token]):
        self.t = tokens

    def word(self, i: int) -> str:
        return self.t[i].upper if i < len(self.t) else ""

    def punct(self, i: int, text: str) -> bool:
        return i < len(self.t) and self.t[i].kind == "punct" and self.t[i].text == text

    def group(self, i: int, role: str) -> Group:
        """The group whose ``{`` is at ``i``."""
        close = _closing(self.t, i)
        g = Group(i, close, role)
        j = i + 1
        if self.word(j) == "SELECT":
            g.subselect = self.select(j, close, "subwhere")
            return g
        while j < close:
            j = self.element(g, j)
        return g

    def element(self, g: Group, j: int) -> int:
        """Reads one element of group ``g`` starting at ``j``; returns the index after it."""
        w = self.word(j)
        if self.punct(j, "{"):
            return self.union_chain(g, j)
        if w in _GROUP_ROLES:
            k = j + 1
            while not self.punct(k, "{"):
                k += 1
            child = self.group(k, _GROUP_ROLES[w])
            g.children.append(child)
            return child.close + 1
        if w == "FILTER":
            return self.expression(g, j + 1, after_filter=True)
        if w == "BIND":
            end = _closing(self.t, j + 1)
            self.scan_expression(g, j + 2, end)
            return end + 1
        if w == "VALUES":
            raise QueryRefused(f"VALUES is not allowed in a SHACL-SPARQL query ({PREBINDING})")
        if self.t[j].kind == "var":
            g.triple_vars.add(self.t[j].var)
        return j + 1

    def union_chain(self, g: Group, j: int) -> int:
        chain = [self.group(j, "plain")]
        k = chain[-1].close + 1
        while self.word(k) == "UNION":
            chain.append(self.group(k + 1, "union"))
            k = chain[-1].close + 1
        if len(chain) == 1:
            g.children.append(chain[0])
        else:
            for member in chain:
                member.role = "union"
            g.children.extend(chain)
            g.unions.append(chain)
        return k

    def expression(self, g: Group, j: int, after_filter: bool) -> int:
        """A FILTER constraint: ``( expr )``, ``[NOT] EXISTS {}`` or a function call."""
        if self.word(j) == "NOT" and self.word(j + 1) == "EXISTS":
            j += 1
        if self.word(j) == "EXISTS":
            child = self.group(j + 1, "exists")
            g.children.append(child)
            return child.close + 1
        while not self.punct(j, "("):
            j += 1  # function name (word, IRI or prefixed name)
        end = _closing(self.t, j)
        self.scan_expression(g, j + 1, end)
        return end + 1

    def scan_expression(self, g: Group, start: int, end: int) -> None:
        """Records the expression ``start..end`` of ``g``; its EXISTS groups become children."""
        g.expr_ranges.append((start, end))
        k = start
        while k < end:
            if self.word(k) == "EXISTS" and self.punct(k + 1, "{"):
                child = self.group(k + 1, "exists")
                g.children.append(child)
                k = child.close + 1
                continue
            if self.word(k) == "AS" and k + 1 < end and self.t[k + 1].kind == "var":
                g.as_vars.append((k + 1, self.t[k + 1].var))
            k += 1

    def select(self, i: int, limit: int, role: str = "where") -> Select:
        """The SELECT at ``i`` (its WHERE group and modifiers end before ``limit``)."""
        j = i + 1
        if self.word(j) in ("DISTINCT", "REDUCED"):
            j += 1
        star, projected, as_vars, ranges = False, set(), [], []
        aggregated = False
        while not self.punct(j, "{") and self.word(j) != "WHERE":
            t = self.t[j]
            if self.punct(j, "*"):
                star = True
            elif t.kind == "var":
                projected.add(t.var)
            elif self.punct(j, "("):
                end = _closing(self.t, j)
                ranges.append((j + 1, end))
                aggregated |= self.has_aggregate(j, end)
                if self.word(end - 2) == "AS" and self.t[end - 1].kind == "var":
                    projected.add(self.t[end - 1].var)
                    as_vars.append((end - 1, self.t[end - 1].var))
                j = end
            elif self.word(j) == "FROM":
                raise QueryRefused("FROM / FROM NAMED: the data graph is the only graph a constraint reads")
            j += 1
        if self.word(j) == "WHERE":
            j += 1
        where = self.group(j, role)
        sel = Select(i, where, where.close + 1, star, projected, as_vars, ranges, None, aggregated)
        self.modifiers(sel, limit)
        return sel

    def modifiers(self, sel: Select, limit: int) -> None:
        j = sel.end
        while j < limit:
            w = self.word(j)
            if w in ("LIMIT", "OFFSET"):
                raise QueryRefused(f"{w}: it would apply to all focus nodes at once, not to each")
            if w == "VALUES":
                raise QueryRefused(f"VALUES is not allowed in a SHACL-SPARQL query ({PREBINDING})")
            if w == "GROUP" and self.word(j + 1) == "BY":
                end = self.modifier_end(j + 2, limit)
                sel.group_by = (j + 2, end)
                sel.aggregated = True
                sel.expr_ranges.append((j + 2, end))
                j = end
                continue
            if w in ("HAVING", "ORDER"):
                end = self.modifier_end(j + 1, limit)
                sel.aggregated |= w == "HAVING" or self.has_aggregate(j, end)
                sel.expr_ranges.append((j + 1, end))
                j = end
                continue
            j += 1
        sel.end = limit

    def modifier_end(self, j: int, limit: int) -> int:
        while j < limit and self.word(j) not in ("GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
            j = _closing(self.t, j) + 1 if self.punct(j, "(") else j + 1
        return j

    def has_aggregate(self, start: int, end: int) -> bool:
        return any(self.word(k) in AGGREGATES and self.punct(k + 1, "(") for k in range(start, end))


def walk(group: Group):
    """``group`` and every group nested in it (sub-select WHERE groups included)."""
    yield group
    if group.subselect is not None:
        yield from walk(group.subselect.where)
    for child in group.children:
        yield from walk(child)


# ---------------------------------------------------------------------------------------------
# the rewrite


@dataclass(frozen=True)
class Prebinding:
    """What is pre-bound, and how.

    ``focus_vars``: variables bound by ``pattern`` (``this``, and ``value`` for ASK validators);
    ``pattern``: a SPARQL group that binds them to the focus nodes (and value nodes);
    ``constants``: variable name -> SPARQL term text (component parameters, ``$currentShape``);
    ``path``: SPARQL path text for ``$PATH`` (property shapes), or None.
    """

    focus_vars: tuple[str, ...]
    pattern: str
    constants: tuple[tuple[str, str], ...] = ()
    path: str | None = None
    test: str | None = None   # expression true when a bound ?this is a focus node (single focus variable)


@dataclass(frozen=True)
class Rewritten:
    select: str            # the SELECT query, every focus node at once
    projected: frozenset   # variables the outer SELECT projects (this, value, path, message ...)
    decoding: str = ""     # the same, variables read through ``value`` in expressions (see rewrite_select)


def expand(tokens: list[Token], prefixes: dict[str, str]) -> tuple[list[Token], dict[str, str]]:
    """The tokens after the prologue, prefixed names expanded to IRIs; also the declared prefixes."""
    declared = dict(prefixes)
    base = None
    i = 0
    while i < len(tokens) and tokens[i].upper in ("PREFIX", "BASE"):
        if tokens[i].upper == "PREFIX":
            declared[tokens[i + 1].text[:-1]] = tokens[i + 2].text[1:-1]
            i += 3
        else:
            base = tokens[i + 1].text[1:-1]
            i += 2
    out = []
    for t in tokens[i:]:
        if t.kind == "pname":
            pfx, local = t.text.split(":", 1)
            if pfx not in declared:
                raise QueryRefused(f"the prefix {pfx}: is declared neither in the query nor in sh:prefixes")
            local = re.sub(r"\\(.)", r"\1", local)
            t = Token("iri", f"<{declared[pfx]}{local}>", t.start, t.end)
        elif t.kind == "iri" and base and ":" not in t.text:
            t = Token("iri", f"<{base}{t.text[1:-1]}>", t.start, t.end)
        out.append(t)
    return out, declared


def check_forbidden(tokens: list[Token], bound: set[str]) -> None:
    """Refuses the keywords and variables pre-binding does not allow (§5.3.1)."""
    for k, t in enumerate(tokens):
        w = t.upper
        if w in ("MINUS", "VALUES", "SERVICE"):
            raise QueryRefused(f"{w} is not allowed in a SHACL-SPARQL query ({PREBINDING})")
        if w == "GRAPH":
            raise QueryRefused("GRAPH: the data graph is the only graph a constraint reads")
        if w == "FROM":
            raise QueryRefused("FROM / FROM NAMED: the data graph is the only graph a constraint reads")
        if t.var == "shapesGraph":
            raise QueryRefused("$shapesGraph: the shapes graph is not queryable from the data")
        if w == "AS" and k + 1 < len(tokens) and tokens[k + 1].var in bound:
            raise QueryRefused(f"AS ?{tokens[k + 1].var}: a pre-bound variable cannot be bound again "
                               f"({PREBINDING})")


def check_subselects(root: Group, bound: set[str]) -> None:
    for g in walk(root):
        sel = g.subselect
        if sel is None:
            continue
        if sel.star:
            raise QueryRefused(f"a nested SELECT * does not project the pre-bound variables ({PREBINDING})")
        missing = sorted(v for v in bound if v not in sel.projected)
        if missing:
            raise QueryRefused(f"a nested SELECT that does not project {', '.join('$' + v for v in missing)} "
                               f"({PREBINDING})")
        if sel.aggregated and sel.group_by is None:
            raise QueryRefused("a nested SELECT with aggregates and no GROUP BY $this (one group per "
                               "focus node, even an empty one)")


class Rewriter:
    """Rewrites one parsed query (see the module docstring)."""

    def __init__(self, tokens: list[Token], text: str, pre: Prebinding):
        self.t = tokens
        self.text = text
        self.pre = pre
        self.bound = set(pre.focus_vars) | {name for name, _ in pre.constants}
        self.insert_after: dict[int, list[str]] = {}   # token index -> texts inserted after it
        self.replace: dict[int, str] = {}               # token index -> replacement text

    def mentions(self, g: Group) -> set[str]:
        return {self.t[k].var for k in range(g.open, g.close) if self.t[k].var in self.bound}

    def binds(self, g: Group, var: str) -> bool:
        """True when every solution of ``g`` binds ``var`` (after the injections below g)."""
        if var in g.triple_vars or id(g) in self.injected.get(var, set()):
            return True
        if g.subselect is not None:
            return var in g.subselect.projected and self.binds(g.subselect.where, var)
        in_union = {id(m) for chain in g.unions for m in chain}
        for child in g.children:
            if child.role == "plain" and id(child) not in in_union and self.binds(child, var):
                return True
        return any(all(self.binds(m, var) for m in chain) for chain in g.unions)

    def inject(self, g: Group, in_exists: bool = False) -> None:
        """Bottom-up: joins the pre-binding into ``g`` if it uses a pre-bound variable it does not bind.

        Groups inside EXISTS are left alone: the rows EXISTS tests already bind the pre-bound
        variables (their group uses them, so it binds them or gets the pre-binding itself), and
        Oxigraph evaluates EXISTS by substituting the row's bindings into the whole pattern, nested
        groups and sub-selects included (a test pins this)."""
        in_exists = in_exists or g.role == "exists"
        for child in g.children:
            self.inject(child, in_exists)
        if g.subselect is not None:
            self.inject(g.subselect.where, in_exists)
            self.group_by_this(g.subselect)
            return
        if in_exists or g.role == "where":
            return
        needed = [v for v in sorted(self.mentions(g)) if not self.binds(g, v)]
        if needed:
            self.add_prebinding(g, needed)

    def add_prebinding(self, g: Group, needed: list[str]) -> None:
        texts = []
        if any(v in self.pre.focus_vars for v in needed):
            texts.append(self.pre.pattern)
            for v in self.pre.focus_vars:
                self.injected.setdefault(v, set()).add(id(g))
        for name, term in self.pre.constants:
            if name in needed:
                texts.append(f"BIND({term} AS ?{name})")
                self.injected.setdefault(name, set()).add(id(g))
        self.insert_after.setdefault(g.open, []).extend(texts)

    def group_by_this(self, sel: Select) -> None:
        """A grouped SELECT groups by the pre-bound focus variables too (they are constant per focus)."""
        if sel.group_by is None:
            return
        keys = {self.t[k].var for k in range(*sel.group_by)}
        extra = [f"?{v}" for v in self.pre.focus_vars if v not in keys]
        if extra:
            self.insert_after.setdefault(sel.group_by[0] - 1, []).extend(extra)

    def run(self, sel: Select) -> str:
        self.injected: dict[str, set[int]] = {}
        check_subselects(sel.where, self.bound)
        if sel.aggregated and sel.group_by is None:
            raise QueryRefused("aggregates without GROUP BY $this (one group per focus node, even an empty one)")
        self.inject(sel.where)
        self.group_by_this(sel)
        self.top_level(sel)
        for k, t in enumerate(self.t):
            if t.var is not None and k not in self.replace:
                self.replace[k] = "?" + t.var
            if t.kind == "var" and t.var == "PATH":
                if self.pre.path is None:
                    raise QueryRefused("$PATH in a query of a node shape")
                self.replace[k] = self.pre.path
        return self.render(sel.start, len(self.t))

    def decoding(self, start: int, end: int, value, selects: list | None = None, datatype=None) -> str:
        """The rendering with each variable of an expression read through ``value`` (a function
        from a variable to an expression), as in :func:`expression_variables`; ``DATATYPE(?x)``
        replaced by ``datatype`` (a function from a variable to an expression) when given."""
        replace = dict(self.replace)
        for k in expression_variables(self.t, self.root, selects):
            var = replace.get(k, "?" + self.t[k].var)
            if datatype is not None and datatype_argument(self.t, k):
                replace[k - 2], replace[k] = "", datatype(var)   # ( expression ) in place of DATATYPE(?x)
            else:
                replace[k] = value(var)
        return render(self.t, self.text, start, end, replace, self.insert_after)

    def decoding_select(self, sel: Select, value, datatype=None) -> str:
        return self.decoding(sel.start, len(self.t), value, [sel], datatype)

    def top_level(self, sel: Select) -> None:
        """The focus restriction of the outermost group, and the projection of ?this."""
        where = sel.where
        mentioned = self.mentions(where)
        opening = [f"BIND({term} AS ?{name})" for name, term in self.pre.constants
                   if name in mentioned and not self.binds(where, name)]
        if any(not self.binds(where, v) for v in self.pre.focus_vars):
            opening.insert(0, self.pre.pattern)
        elif self.pre.test is not None and self.opens_with_this(where):
            opening.insert(0, f"FILTER({self.pre.test})")  # test the few rows the first pattern gives
        else:  # every solution binds the focus variables already: join the focus nodes in last
            self.insert_after.setdefault(where.close - 1, []).append(self.pre.pattern)
        if opening:
            self.insert_after.setdefault(where.open, []).extend(opening)
        if not sel.star:
            missing = [f"?{v}" for v in self.pre.focus_vars if v not in sel.projected]
            first = sel.start + (2 if self.t[sel.start + 1].upper in ("DISTINCT", "REDUCED") else 1)
            self.insert_after.setdefault(first - 1, []).extend(missing)

    def opens_with_this(self, g: Group) -> bool:
        """The group opens with a triple pattern ``?this <p> ?x`` or ``?x <p> ?this``."""
        t = self.t[g.open + 1: g.open + 5]
        if len(t) < 4 or not (t[1].kind == "iri" or t[1].text == "a"):
            return False
        if t[0].var == "this" and t[2].kind == "var":
            return t[3].text in (".", ";", "}")
        return t[0].kind == "var" and t[2].var == "this" and t[3].text in (".", "}")

    def render(self, start: int, end: int) -> str:
        return render(self.t, self.text, start, end, self.replace, self.insert_after)


def render(tokens: list[Token], text: str, start: int, end: int, replace: dict | None = None,
           insert_after: dict | None = None) -> str:
    """The tokens ``start..end`` with the original spacing between them (comments become spaces:
    Oxigraph reads ``CONCAT(`` but not ``CONCAT (``), replacements and insertions applied."""
    replace, insert_after = replace or {}, insert_after or {}
    parts = []
    for k in range(start, end):
        parts.append(replace.get(k, tokens[k].text))
        inserted = insert_after.get(k, [])
        for extra in inserted:
            parts.append(" " + extra)
        gap = text[tokens[k].end: tokens[k + 1].start] if k + 1 < len(tokens) else ""
        parts.append(" " if inserted or gap else "")
    return "".join(parts)


#: Aggregates that read their argument as a term: a stand-in counts (and is sampled) as the one
#: literal it stands for.
TERM_AGGREGATES = ("COUNT", "SAMPLE")
#: Functions (SPARQL 1.1 §17.4.2) that read their argument as a term: the lexical form of a
#: stand-in is the form as written, a stand-in is a literal, and two stand-ins are the same term
#: exactly when the literals they stand for are. A decoded value would be the store's canonical
#: term instead (``STR`` of ``"012"^^xsd:integer`` read as ``"12"``, ``"12"^^xsd:int`` and
#: ``"12"^^xsd:integer`` the same term).
TERM_FUNCTIONS = ("STR", "LANG", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL")


def _call_of(tokens: list[Token], k: int) -> tuple[str, int] | None:
    """(function name, argument position) when the variable at ``k`` is a whole argument of a call
    whose other arguments are single tokens (``STR(?x)``, ``COUNT(DISTINCT ?x)``, ``sameTerm(?a, ?b)``)."""
    if k + 1 >= len(tokens) or tokens[k + 1].text not in (")", ","):
        return None
    j, position = k - 1, 0
    if tokens[j].upper == "DISTINCT":
        j -= 1
    while j >= 2 and tokens[j].text == "," and tokens[j - 1].kind in ("var", "iri", "string", "number"):
        j, position = j - 2, position + 1
    if j < 1 or tokens[j].text != "(":
        return None
    return tokens[j - 1].upper, position


def term_argument(tokens: list[Token], k: int) -> bool:
    """Whether the variable at ``k`` is read as a term: the whole argument of COUNT or SAMPLE
    (SPARQL 1.1 §18.5.1, Count and Sample), of a :data:`TERM_FUNCTIONS` function, or an argument of
    sameTerm (§17.4.1.8). Such a variable stays itself in the decoding rendering.

    For COUNT and SAMPLE it must: read through an expression, an unbound ``?x`` is an expression
    error instead of an unbound argument, and Oxigraph turns the whole aggregate into an error
    (``COUNT(STR(?x))`` over an OPTIONAL ``?x`` is unbound), so every group with a row lacking
    ``?x`` would lose its count."""
    call = _call_of(tokens, k)
    if call is None:
        return False
    name, position = call
    if name in TERM_AGGREGATES or name in TERM_FUNCTIONS:
        return position == 0 and tokens[k + 1].text == ")"
    return name == "SAMETERM"


def datatype_argument(tokens: list[Token], k: int) -> bool:
    """Whether the variable at ``k`` is the whole argument of DATATYPE (§17.4.2.7)."""
    return _call_of(tokens, k) == ("DATATYPE", 0) and tokens[k + 1].text == ")"


def expression_variables(tokens: list[Token], root: Group, selects: list | None = None) -> list[int]:
    """Token indexes of the variables read in expressions (FILTER, BIND, projections, HAVING) of the
    group ``root`` and of every select in it; not those of the patterns of EXISTS, not the target
    of AS, not the argument of BOUND, not an expression that is a single variable (kept as the
    same term), not a variable read as a term (:func:`term_argument`), not GROUP BY and ORDER BY."""
    ranges = []
    for g in walk(root):
        ranges += [(r, g.children) for r in g.expr_ranges]
        if g.subselect is not None:
            ranges += [(r, []) for r in _select_ranges(g.subselect)]
    for sel in selects or []:
        ranges += [(r, []) for r in _select_ranges(sel)]
    out = []
    for (start, end), children in ranges:
        spans = [(c.open, c.close) for c in children if c.role == "exists"]
        if end - start == 1 or (end - start == 3 and tokens[start + 1].upper == "AS"):
            continue  # ( ?x ) or ( ?x AS ?y ): the term itself
        for k in range(start, end):
            t = tokens[k]
            if t.var is None or any(a <= k <= b for a, b in spans):
                continue
            if tokens[k - 1].upper == "AS" or (tokens[k - 1].text == "(" and tokens[k - 2].upper == "BOUND"):
                continue
            if term_argument(tokens, k):
                continue
            out.append(k)
    return out


def _select_ranges(sel: Select) -> list[tuple[int, int]]:
    return [r for r in sel.expr_ranges if r != sel.group_by]


def parse_select(text: str, prefixes: dict[str, str]) -> tuple[list[Token], Select]:
    tokens, _ = expand(tokenize(text), prefixes)
    if not tokens or tokens[0].upper != "SELECT":
        raise QueryRefused("the query is not a SELECT query")
    parser = Parser(tokens)
    sel = parser.select(0, len(tokens))
    return tokens, sel


def rewrite_select(text: str, prefixes: dict[str, str], pre: Prebinding, value=None, datatype=None) -> Rewritten:
    """The SELECT query ``text`` evaluated for every focus node of ``pre`` at once.

    ``value`` (optional): a function from a variable to an expression; the ``decoding`` rendering
    reads every variable of an expression through it (stand-in literals as their values), but
    those read as terms (:func:`term_argument`); ``datatype`` (optional): a function from a
    variable to an expression, the ``decoding`` rendering's ``DATATYPE(?x)``."""
    tokens, sel = parse_select(text, prefixes)
    rewriter = Rewriter(tokens, text, pre)
    check_forbidden(tokens, rewriter.bound)
    query = rewriter.run(sel)
    projected = set(pre.focus_vars) | (sel.projected if not sel.star else _in_scope(tokens, sel))
    rewriter.root = sel.where
    decoding = query if value is None else rewriter.decoding_select(sel, value, datatype)
    return Rewritten(query, frozenset(projected), decoding)


def rewrite_ask(text: str, prefixes: dict[str, str], pre: Prebinding, value=None, datatype=None) -> Rewritten:
    """An ASK validator as a SELECT of the (focus, value) pairs for which it is false (§6.3.1);
    ``value`` and ``datatype`` as in :func:`rewrite_select`."""
    tokens, _ = expand(tokenize(text), prefixes)
    if not tokens or tokens[0].upper != "ASK":
        raise QueryRefused("the validator's sh:ask is not an ASK query")
    k = 1
    if tokens[k].upper == "WHERE":
        k += 1
    parser = Parser(tokens)
    where = parser.group(k, "exists")
    rewriter = Rewriter(tokens, text, pre)
    check_forbidden(tokens, rewriter.bound)
    check_subselects(where, rewriter.bound)
    rewriter.injected = {}
    rewriter.inject(where, in_exists=True)
    for k2, t in enumerate(tokens):
        if t.var == "PATH" and pre.path is None:
            raise QueryRefused("$PATH in a validator used by a node shape")
        if t.var is not None:
            rewriter.replace[k2] = "?" + t.var if t.var != "PATH" else pre.path
    consts = " ".join(f"BIND({term} AS ?{name})" for name, term in pre.constants)
    head = f"SELECT {' '.join('?' + v for v in pre.focus_vars)} WHERE {{ {pre.pattern} {consts} FILTER NOT EXISTS "
    body = rewriter.render(where.open, where.close + 1)
    rewriter.root = where
    decoding = body if value is None else rewriter.decoding(where.open, where.close + 1, value, datatype=datatype)
    return Rewritten(head + body + " }", frozenset(pre.focus_vars), head + decoding + " }")


def _in_scope(tokens: list[Token], sel: Select) -> set[str]:
    return {t.var for t in tokens[sel.where.open: sel.where.close] if t.var is not None}


def mentioned_variables(text: str) -> set[str]:
    """Every variable name in ``text`` (``$x`` and ``?x``)."""
    return {t.var for t in tokenize(text) if t.var is not None}


def select_query(text: str, prefixes: dict[str, str]) -> str:
    """A SELECT with no pre-bound variable (a SPARQL-based target): prefixes expanded, checked."""
    tokens, sel = parse_select(text, prefixes)
    check_forbidden(tokens, set())
    check_subselects(sel.where, set())
    if "this" not in sel.projected and not sel.star:
        raise QueryRefused("a SPARQL target query must project ?this")
    replace = {k: "?" + t.var for k, t in enumerate(tokens) if t.var is not None}
    return render(tokens, text, 0, len(tokens), replace)

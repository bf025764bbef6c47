"""A JQL subset: tokeniser, recursive-descent parser and evaluator.

Grammar (keywords and field names are case-insensitive; values keep their case)::

    query    := [or_expr] [ORDER BY sort ("," sort)*] EOF
    or_expr  := and_expr ((OR | "||") and_expr)*
    and_expr := not_expr ((AND | "&&") not_expr)*
    not_expr := (NOT | "!") not_expr | "(" or_expr ")" | clause
    clause   := FIELD op operand
    op       := "=" | "!=" | ">" | ">=" | "<" | "<=" | IN | NOT IN | IS | IS NOT
    operand  := value | "(" value ("," value)* ")" | EMPTY | NULL
    value    := WORD | STRING | FUNCTION "(" [value ("," value)*] ")"
    sort     := FIELD [ASC | DESC]

Strings are double- or single-quoted with backslash escapes.  Dates accept Jira's
``yyyy-MM-dd HH:mm``, ``yyyy-MM-dd``, ``yyyy/MM/dd[ HH:mm]`` and relative offsets such as
``-5m``, ``-2h``, ``+1d``, ``-1w 2d``; the sandbox treats every user as being in UTC, so absolute
dates are read as UTC and compared with the issue's UTC timestamps.

Errors raise :class:`JqlError`, whose message names the 1-based character position like Jira
("(line 1, character 17)").  The evaluator works on any object satisfying :class:`Searchable`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar


class JqlError(ValueError):
    """A syntax or semantic error; ``str(err)`` is the message Jira users would see."""


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    kind: str  # WORD, STRING, OP, LPAREN, RPAREN, COMMA, EOF
    text: str
    pos: int  # 0-based offset into the query

    def describe(self) -> str:
        return "end of query" if self.kind == "EOF" else f"'{self.text}'"


_PUNCT = {"(": "LPAREN", ")": "RPAREN", ",": "COMMA"}
_OPERATORS = ("!=", ">=", "<=", "!~", "&&", "||", "=", ">", "<", "~", "!")
_RESERVED_CHARS = set(" \t\r\n\"'(),=!<>~&|")


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raises :class:`JqlError` on an unterminated string."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _PUNCT:
            tokens.append(Token(_PUNCT[ch], ch, i))
            i += 1
            continue
        if ch in "\"'":
            value, end = _read_string(text, i)
            tokens.append(Token("STRING", value, i))
            i = end
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is not None:
            tokens.append(Token("OP", op, i))
            i += len(op)
            continue
        start = i
        while i < n and text[i] not in _RESERVED_CHARS:
            i += 1
        if i == start:  # a lone '&' or '|'
            raise JqlError(
                f"Error in the JQL Query: The character '{ch}' is a reserved JQL character. {_at(start)}"
            )
        tokens.append(Token("WORD", text[start:i], start))
    tokens.append(Token("EOF", "", n))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    escapes = {"n": "\n", "t": "\t", "r": "\r"}
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        if ch == quote:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise JqlError(
        f"Error in the JQL Query: The quoted string has not been completed. {_at(start)}"
    )


def _at(pos: int) -> str:
    return f"(line 1, character {pos + 1})"


# ---------------------------------------------------------------- AST


@dataclass(frozen=True)
class Value:
    text: str
    quoted: bool
    pos: int


@dataclass(frozen=True)
class Func:
    name: str
    args: tuple[Value, ...]
    pos: int


@dataclass(frozen=True)
class Empty:
    pos: int


Operand = Value | Func | Empty | tuple[Value | Func, ...]


@dataclass(frozen=True)
class Clause:
    field: str  # canonical lower-case name
    op: str  # "=", "!=", ">", ">=", "<", "<=", "in", "not in", "is", "is not"
    operand: Operand
    pos: int


@dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    inner: Node


Node = Clause | And | Or | Not


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True)
class Query:
    where: Node | None
    order_by: tuple[SortKey, ...]


# ---------------------------------------------------------------- fields

FIELD_ALIASES = {
    "project": "project",
    "labels": "labels",
    "label": "labels",
    "status": "status",
    "statuscategory": "statuscategory",
    "resolution": "resolution",
    "key": "key",
    "issue": "key",
    "issuekey": "key",
    "id": "key",
    "updated": "updated",
    "updateddate": "updated",
    "created": "created",
    "createddate": "created",
    "resolved": "resolved",
    "resolutiondate": "resolved",
    "assignee": "assignee",
    "reporter": "reporter",
    "type": "issuetype",
    "issuetype": "issuetype",
    "component": "component",
    "components": "component",
    "watcher": "watcher",
    "watchers": "watcher",
}
_DATE_FIELDS = {"updated", "created", "resolved"}
_EQUALITY = {"=", "!=", "in", "not in", "is", "is not"}
_ORDERED = {">", ">=", "<", "<="}
_ALLOWED_OPS = (
    dict.fromkeys(set(FIELD_ALIASES.values()) - _DATE_FIELDS, _EQUALITY)
    | dict.fromkeys(_DATE_FIELDS, _EQUALITY | _ORDERED)
    | {"key": _EQUALITY | _ORDERED}  # Jira's issue key field takes >, >=, <, <=
)
_SORTABLE = {
    "key",
    "updated",
    "created",
    "resolved",
    "project",
    "status",
    "assignee",
    "reporter",
    "issuetype",
}
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}


def _canonical_field(token: Token) -> str:
    name = FIELD_ALIASES.get(token.text.lower())
    if name is None:
        raise JqlError(
            f"Field '{token.text}' does not exist or you do not have permission to view it. {_at(token.pos)}"
        )
    return name


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    # token helpers
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def is_kw(self, word: str, offset: int = 0) -> bool:
        tok = self.peek(offset)
        return tok.kind == "WORD" and tok.text.lower() == word

    def expect_kw(self, word: str) -> Token:
        if not self.is_kw(word):
            self.fail(f"'{word.upper()}'")
        return self.advance()

    def fail(self, expected: str) -> None:
        tok = self.peek()
        raise JqlError(
            f"Error in the JQL Query: Expecting {expected} but got {tok.describe()}. {_at(tok.pos)}"
        )

    # grammar
    def query(self) -> Query:
        where: Node | None = None
        if self.peek().kind != "EOF" and not self.is_kw("order"):
            where = self.or_expr()
        order: list[SortKey] = []
        if self.is_kw("order"):
            self.advance()
            self.expect_kw("by")
            order.append(self.sort_key())
            while self.peek().kind == "COMMA":
                self.advance()
                order.append(self.sort_key())
        if self.peek().kind != "EOF":
            self.fail("either 'OR' or 'AND'" if where is not None else "a field name")
        return Query(where, tuple(order))

    def sort_key(self) -> SortKey:
        tok = self.peek()
        if tok.kind not in ("WORD", "STRING"):
            self.fail("a field name")
        self.advance()
        name = _canonical_field(tok)
        if name not in _SORTABLE:
            raise JqlError(f"Field '{tok.text}' does not support sorting. {_at(tok.pos)}")
        descending = False
        if self.is_kw("asc") or self.is_kw("desc"):
            descending = self.advance().text.lower() == "desc"
        return SortKey(name, descending)

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.is_kw("or") or (self.peek().kind == "OP" and self.peek().text == "||"):
            self.advance()
            node = Or(node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.is_kw("and") or (self.peek().kind == "OP" and self.peek().text == "&&"):
            self.advance()
            node = And(node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        tok = self.peek()
        if self.is_kw("not") or (tok.kind == "OP" and tok.text == "!"):
            self.advance()
            return Not(self.not_expr())
        if tok.kind == "LPAREN":
            self.advance()
            node = self.or_expr()
            if self.peek().kind != "RPAREN":
                self.fail("')'")
            self.advance()
            return node
        return self.clause()

    def clause(self) -> Clause:
        tok = self.peek()
        if tok.kind not in ("WORD", "STRING") or (
            tok.kind == "WORD" and tok.text.lower() in _KEYWORDS
        ):
            self.fail("a field name")
        self.advance()
        field_name = _canonical_field(tok)
        op_tok = self.peek()
        op = self.operator()
        if op not in _ALLOWED_OPS[field_name]:
            raise JqlError(
                f"The operator '{op.upper()}' is not supported by the '{tok.text}' field. {_at(op_tok.pos)}"
            )
        operand = self.operand(op)
        return Clause(field_name, op, operand, tok.pos)

    def operator(self) -> str:
        tok = self.peek()
        if tok.kind == "OP" and tok.text in ("=", "!=", ">", ">=", "<", "<="):
            self.advance()
            return tok.text
        if self.is_kw("in"):
            self.advance()
            return "in"
        if self.is_kw("not") and self.is_kw("in", 1):
            self.advance()
            self.advance()
            return "not in"
        if self.is_kw("is"):
            self.advance()
            if self.is_kw("not"):
                self.advance()
                return "is not"
            return "is"
        self.fail("operator")
        raise AssertionError("unreachable")

    def operand(self, op: str) -> Operand:
        tok = self.peek()
        if op in ("is", "is not"):
            if self.is_kw("empty") or self.is_kw("null"):
                self.advance()
                return Empty(tok.pos)
            self.fail("'EMPTY' or 'NULL'")
        if op in ("in", "not in"):
            if tok.kind != "LPAREN":
                self.fail("'('")
            self.advance()
            items = [self.value()]
            while self.peek().kind == "COMMA":
                self.advance()
                items.append(self.value())
            if self.peek().kind != "RPAREN":
                self.fail("')'")
            self.advance()
            return tuple(items)
        if self.is_kw("empty") or self.is_kw("null"):
            self.advance()
            return Empty(tok.pos)
        return self.value()

    def value(self) -> Value | Func:
        tok = self.peek()
        if tok.kind == "STRING":
            self.advance()
            return Value(tok.text, True, tok.pos)
        if tok.kind == "WORD" and tok.text.lower() not in _KEYWORDS:
            self.advance()
            if self.peek().kind == "LPAREN":
                self.advance()
                args: list[Value] = []
                if self.peek().kind != "RPAREN":
                    args.append(self._plain_value())
                    while self.peek().kind == "COMMA":
                        self.advance()
                        args.append(self._plain_value())
                if self.peek().kind != "RPAREN":
                    self.fail("')'")
                self.advance()
                return Func(tok.text, tuple(args), tok.pos)
            return Value(tok.text, False, tok.pos)
        self.fail("either a value, 'EMPTY' or a function")
        raise AssertionError("unreachable")

    def _plain_value(self) -> Value:
        tok = self.peek()
        if tok.kind not in ("WORD", "STRING"):
            self.fail("a function argument")
        self.advance()
        return Value(tok.text, tok.kind == "STRING", tok.pos)


def parse(text: str) -> Query:
    """Parse JQL ``text`` into a :class:`Query`; raises :class:`JqlError`."""
    return _Parser(text).query()


# ---------------------------------------------------------------- evaluation


_S = TypeVar("_S", bound="Searchable")


class Searchable(Protocol):
    """What the evaluator needs from an issue snapshot."""

    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def project(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def components(self) -> tuple[str, ...]: ...
    @property
    def status(self) -> str: ...
    @property
    def status_category(self) -> str: ...  # "new" | "indeterminate" | "done"
    @property
    def resolution(self) -> str | None: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def watchers(self) -> tuple[str, ...]: ...
    @property
    def reporter(self) -> str | None: ...
    @property
    def issue_type(self) -> str: ...
    @property
    def created(self) -> datetime: ...
    @property
    def updated(self) -> datetime: ...
    @property
    def resolutiondate(self) -> datetime | None: ...


@dataclass(frozen=True)
class EvalContext:
    """Site knowledge the evaluator needs: the time, the caller and how to resolve names."""

    now: datetime
    current_user: str | None
    project_aliases: Callable[[str], str | None]  # key, name or id -> project key
    user_aliases: Callable[[str], str | None]  # accountId, email or display name -> accountId
    key_aliases: Callable[[str], str | None]  # key (old or new) or id -> current key


Predicate = Callable[[Searchable], bool]

_CATEGORY_NAMES = {
    "to do": "new",
    "new": "new",
    "2": "new",
    "in progress": "indeterminate",
    "indeterminate": "indeterminate",
    "4": "indeterminate",
    "done": "done",
    "complete": "done",
    "3": "done",
}
_REL_DATE = re.compile(r"^([+-]?)((?:\d+[wdhm]\s*)+)$", re.IGNORECASE)
_REL_PART = re.compile(r"(\d+)([wdhm])", re.IGNORECASE)
_ABS_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_UNIT = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
}


def parse_date(text: str, now: datetime, pos: int = 0) -> datetime:
    """A JQL date literal as an aware UTC datetime (absolute dates are read as UTC)."""
    stripped = text.strip()
    rel = _REL_DATE.match(stripped)
    if rel:
        total = sum(
            (_UNIT[u.lower()] * int(n) for n, u in _REL_PART.findall(rel.group(2))), timedelta()
        )
        return now - total if rel.group(1) == "-" else now + total
    for fmt in _ABS_FORMATS:
        try:
            return datetime.strptime(stripped, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise JqlError(
        f"Date value '{text}' for field is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
        f"'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'. {_at(pos)}"
    )


def compile_query(query: Query, ctx: EvalContext) -> Predicate:
    """Turn the WHERE part of ``query`` into a predicate over issue snapshots."""
    if query.where is None:
        return lambda issue: True
    return _compile(query.where, ctx)


def _compile(node: Node, ctx: EvalContext) -> Predicate:
    if isinstance(node, And):
        left, right = _compile(node.left, ctx), _compile(node.right, ctx)
        return lambda i: left(i) and right(i)
    if isinstance(node, Or):
        left, right = _compile(node.left, ctx), _compile(node.right, ctx)
        return lambda i: left(i) or right(i)
    if isinstance(node, Not):
        inner = _compile(node.inner, ctx)
        return lambda i: not inner(i)
    return _compile_clause(node, ctx)


def _scalar(operand: Value | Func, ctx: EvalContext) -> str | None:
    """Resolve a value or a function call to a string (``None`` for currentUser() when anonymous)."""
    if isinstance(operand, Value):
        return operand.text
    name = operand.name.lower()
    if name == "currentuser":
        return ctx.current_user
    if name == "now":
        return "+0m"
    raise JqlError(f"Unable to find JQL function '{operand.name}()'. {_at(operand.pos)}")


def _values(operand: Operand, ctx: EvalContext) -> list[tuple[str | None, int]]:
    if isinstance(operand, tuple):
        return [(_scalar(v, ctx), v.pos) for v in operand]
    assert not isinstance(operand, Empty)
    return [(_scalar(operand, ctx), operand.pos)]


def _compile_clause(clause: Clause, ctx: EvalContext) -> Predicate:
    f, op = clause.field, clause.op
    if isinstance(clause.operand, Empty):
        getter = _EMPTY_GETTERS[f]
        if op in ("=", "is"):
            return lambda i: not getter(i)
        if op in ("!=", "is not"):
            return lambda i: bool(getter(i))
        raise JqlError(f"The operator '{op}' does not support EMPTY. {_at(clause.pos)}")

    if f in _DATE_FIELDS:
        return _compile_date(clause, ctx)

    raw = _values(clause.operand, ctx)
    match f:
        case "project":
            wanted = {_resolve(ctx.project_aliases, v, "project", p) for v, p in raw}
            return _single(lambda i: i.project, wanted, op)
        case "labels":
            return _multi(lambda i: i.labels, {v for v, _ in raw if v is not None}, op)
        case "component":
            return _multi(
                lambda i: tuple(c.lower() for c in i.components),
                {v.lower() for v, _ in raw if v is not None},
                op,
            )
        case "status":
            return _single(lambda i: i.status.lower(), {(v or "").lower() for v, _ in raw}, op)
        case "statuscategory":
            cats = set()
            for v, p in raw:
                cat = _CATEGORY_NAMES.get((v or "").lower())
                if cat is None:
                    raise JqlError(
                        f"The value '{v}' does not exist for the field 'statusCategory'. {_at(p)}"
                    )
                cats.add(cat)
            return _single(lambda i: i.status_category, cats, op)
        case "resolution":
            names = {(v or "").lower() for v, _ in raw}
            if "unresolved" in names:
                names.discard("unresolved")
                return _nullable_single(
                    lambda i: i.resolution.lower() if i.resolution else None, names, op, True
                )
            return _nullable_single(
                lambda i: i.resolution.lower() if i.resolution else None, names, op, False
            )
        case "key":
            keys = {_resolve(ctx.key_aliases, v, "issue", p) for v, p in raw}
            if op in _ORDERED:
                literal = str(raw[0][0])  # an issue id stands for its issue's current key
                return _key_order(next(iter(keys)) if literal.isdigit() else literal, op)
            return _single(lambda i: i.key, keys, op)
        case "issuetype":
            return _single(lambda i: i.issue_type.lower(), {(v or "").lower() for v, _ in raw}, op)
        case "watcher":
            ids = {ctx.user_aliases(v) if v is not None else None for v, _ in raw} - {None}
            return _multi(lambda i: i.watchers, ids, op)
        case "assignee" | "reporter":
            ids = {ctx.user_aliases(v) if v is not None else None for v, _ in raw} - {None}
            getter = (lambda i: i.assignee) if f == "assignee" else (lambda i: i.reporter)
            return _nullable_single(getter, ids, op, False)
    raise JqlError(f"Field '{f}' is not searchable in the sandbox. {_at(clause.pos)}")


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _key_order(literal: str, op: str) -> Predicate:
    """``key >= SHOP-120``: issues of SHOP numbered from 120 (the key must exist, as for ``=``).

    The sandbox compares issue numbers within the literal's project and matches no issue of
    another project; a query that partitions by key names the project as well, so it does not
    depend on how a real site orders keys of different projects."""
    project, _, number = literal.upper().rpartition("-")
    bound = int(number) if number.isdigit() else 0
    compare = _COMPARE[op]

    def match(issue: Searchable) -> bool:
        p, _, n = issue.key.rpartition("-")
        return p == project and n.isdigit() and compare(int(n), bound)

    return match


def _resolve(lookup: Callable[[str], str | None], value: str | None, what: str, pos: int) -> str:
    resolved = lookup(value) if value is not None else None
    if resolved is None:
        if what == "issue":
            raise JqlError(
                f"An issue with key '{value}' does not exist for field 'key'. {_at(pos)}"
            )
        raise JqlError(f"The value '{value}' does not exist for the field '{what}'. {_at(pos)}")
    return resolved


def _single(
    getter: Callable[[Searchable], object], wanted: AbstractSet[object], op: str
) -> Predicate:
    if op in ("=", "in"):
        return lambda i: getter(i) in wanted
    return lambda i: getter(i) not in wanted


def _nullable_single(
    getter: Callable[[Searchable], object], wanted: AbstractSet[object], op: str, match_none: bool
) -> Predicate:
    # Jira's '!=' and 'NOT IN' never match an empty field unless EMPTY is named explicitly.
    if op in ("=", "in"):
        return lambda i: (getter(i) in wanted) or (match_none and getter(i) is None)
    return lambda i: getter(i) is not None and getter(i) not in wanted and not match_none


def _multi(
    getter: Callable[[Searchable], Sequence[str]], wanted: AbstractSet[object], op: str
) -> Predicate:
    if op in ("=", "in"):
        return lambda i: not wanted.isdisjoint(getter(i))
    # '!=' / NOT IN on a multi-value field: the issue must have values, none of them excluded.
    return lambda i: bool(getter(i)) and wanted.isdisjoint(getter(i))


def _compile_date(clause: Clause, ctx: EvalContext) -> Predicate:
    attr = {"updated": "updated", "created": "created", "resolved": "resolutiondate"}[clause.field]
    dates = [
        parse_date(v if v is not None else "", ctx.now, p) for v, p in _values(clause.operand, ctx)
    ]

    def get(i: Searchable) -> datetime | None:
        value: datetime | None = getattr(i, attr)
        return value

    op = clause.op
    if op in ("in", "=") and dates:
        ds = set(dates)
        return lambda i: get(i) in ds
    if op in ("not in", "!="):
        ds = set(dates)
        return lambda i: get(i) is not None and get(i) not in ds
    d = dates[0]
    compare: dict[str, Callable[[datetime], bool]] = {
        ">": lambda x: x > d,
        ">=": lambda x: x >= d,
        "<": lambda x: x < d,
        "<=": lambda x: x <= d,
    }
    cmp = compare[op]
    return lambda i: (x := get(i)) is not None and cmp(x)


_EMPTY_GETTERS: dict[str, Callable[[Searchable], object]] = {
    "project": lambda i: i.project,
    "labels": lambda i: i.labels,
    "component": lambda i: i.components,
    "status": lambda i: i.status,
    "statuscategory": lambda i: i.status_category,
    "resolution": lambda i: i.resolution,
    "key": lambda i: i.key,
    "issuetype": lambda i: i.issue_type,
    "assignee": lambda i: i.assignee,
    "reporter": lambda i: i.reporter,
    "watcher": lambda i: i.watchers,
    "updated": lambda i: i.updated,
    "created": lambda i: i.created,
    "resolved": lambda i: i.resolutiondate,
}


def sort_issues(issues: list[_S], order: Sequence[SortKey]) -> list[_S]:
    """Sort snapshots by ``order``; without ORDER BY, by id ascending.  Empty values sort last."""
    result = sorted(issues, key=lambda i: i.id)
    for sk in reversed(order):
        present = [i for i in result if _sort_value(i, sk.field) is not None]
        missing = [i for i in result if _sort_value(i, sk.field) is None]
        present.sort(key=lambda i: _sort_value(i, sk.field), reverse=sk.descending)  # type: ignore[arg-type,return-value]
        result = present + missing
    return result


def _sort_value(issue: Searchable, field_name: str) -> object:
    match field_name:
        case "key":
            project, _, number = issue.key.rpartition("-")
            return (project, int(number))
        case "updated":
            return issue.updated
        case "created":
            return issue.created
        case "resolved":
            return issue.resolutiondate
        case "project":
            return issue.project
        case "status":
            return issue.status
        case "assignee":
            return issue.assignee
        case "reporter":
            return issue.reporter
        case "issuetype":
            return issue.issue_type
    return None

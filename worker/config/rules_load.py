"""Validate ``rules/*.yaml`` and build :class:`worker.core.rules.Rules`.

Every problem is collected (with file, line, key path and a fix) before anything is built.
:func:`collect_rules` returns the partial facts even when the rules are broken, so that the
config validation can still check the roles and severities it refers to.

Comparing an acknowledge SLA with a resolve SLA
------------------------------------------------
SLA expressions of different kinds are put on one notional, deliberately conservative scale:
a plain duration counts as its elapsed value, "N business days" counts as N × 8 hours (a
working day is assumed to hold at most 8 hours, so a 9 h acknowledge against a 1 business
day resolve is refused), and "1 sprint" and "next planning" lie beyond every duration and
business-day count, in that order. ``minutes/hours < N business days < 1 sprint < next
planning``; two expressions of the same kind compare by their amounts.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from worker.config import formats
from worker.config.errors import ConfigIssue, PathKey
from worker.config.fields import Reader, describe, one_of
from worker.config.yamlloc import YamlDoc, read_yaml
from worker.core.rules import (
    SOURCE_LANGUAGE,
    Assignment,
    AssignmentPolicy,
    Cell,
    ChannelPlan,
    ChannelSpec,
    IssueType,
    Principle,
    RecommendationPart,
    Role,
    Rules,
    Severity,
    Sla,
    SlaKind,
    Translations,
    parse_duration,
    parse_sla,
)

RULE_FILES = (
    "severities.yaml",
    "types.yaml",
    "roles.yaml",
    "matrix.yaml",
    "channels.yaml",
    "policy.yaml",
)

_SEVERITY_KEYS = (
    "name",
    "meaning",
    "label",
    "acknowledge",
    "resolve",
    "calendar",
    "written_trail",
    "remind_every",
)
_TYPE_KEYS = (
    "number",
    "name",
    "description",
    "labels",
    "jira_issue_types",
    "components",
    "sensitive",
)
_ROLE_KEYS = ("name", "scope", "track", "rank")
_CALENDARS = ("always", "business")
_SCOPES = ("global", "team")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
_PER_LANGUAGE_FIX = (
    "write one text (English), or one per language with English first, e.g. "
    "{en: Critical, fr: Critique}"
)
_SLA_FIX = 'write a duration ("15m", "4h"), "N business days", "1 sprint" or "next planning"'
_BUSINESS_DAY = timedelta(hours=8)


def sla_order(sla: Sla) -> tuple[int, timedelta]:
    """Position of an SLA on the conservative scale described in the module docstring."""
    if sla.kind is SlaKind.DURATION:
        assert isinstance(sla.amount, timedelta)
        return (0, sla.amount)
    if sla.kind is SlaKind.BUSINESS_DAYS:
        assert isinstance(sla.amount, int)
        return (0, _BUSINESS_DAY * sla.amount)
    if sla.kind is SlaKind.SPRINT:
        return (1, timedelta(0))
    return (2, timedelta(0))


def _too_long(sla: Sla) -> bool:
    if sla.kind is SlaKind.DURATION:
        return isinstance(sla.amount, timedelta) and formats.too_long(sla.amount)
    if sla.kind is SlaKind.BUSINESS_DAYS:
        return isinstance(sla.amount, int) and sla.amount > formats.MAX_BUSINESS_DAYS
    return False


def canonical_hash(contents: dict[str, Any]) -> str:
    """sha256 over canonical JSON: insensitive to whitespace, comments and key order."""
    text = json.dumps(
        contents, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(
    r: Reader,
    body: dict[str, Any] | None,
    path: PathKey,
    key: str,
    *,
    required: bool = False,
    default: str | None = None,
) -> tuple[str | None, dict[str, str]]:
    """A text a person reads, in one language or several: ``(english, {language: text})``.

    ``name: Critical`` is English; ``name: {en: Critical, fr: Critique}`` gives each language its
    text. Each problem is reported at its own line: a key that is not a language code, a text
    that is not text or is empty, a per-language value without its English.
    """
    value = r.get(body, path, key, "any", required=required)
    if value is None:
        return default, ({SOURCE_LANGUAGE: default} if default else {})
    if isinstance(value, str):
        return value, {SOURCE_LANGUAGE: value}
    if not isinstance(value, dict):
        r.issue(
            (*path, key),
            f"expected a text, or a text per language, got {describe(value)}.",
            _PER_LANGUAGE_FIX,
        )
        return None, {}
    texts: dict[str, str] = {}
    ok = True
    for lang, text in value.items():
        where = (*path, key, lang)
        if not isinstance(lang, str) or not _LANGUAGE_CODE.match(lang):
            r.issue(
                where,
                f"{lang!r} is not a language code.",
                "write a language code such as en or fr (lower case), then the text in that "
                "language",
                key=True,
            )
            ok = False
        elif not isinstance(text, str) or not text.strip():
            what = "an empty text" if isinstance(text, str) or text is None else describe(text)
            r.issue(where, f"expected the {lang} text, got {what}.", _PER_LANGUAGE_FIX)
            ok = False
        else:
            texts[lang] = text
    if ok and SOURCE_LANGUAGE not in texts:
        r.issue(
            (*path, key),
            f"no English text: the languages given are {', '.join(map(str, value))}.",
            "add en: ... (English is the text a language without its own falls back to)",
        )
        ok = False
    return (texts[SOURCE_LANGUAGE], texts) if ok else (None, {})


def read_markers(
    r: Reader, body: dict[str, Any] | None, path: PathKey, key: str
) -> dict[str, tuple[str, ...]] | None:
    """Recommendation markers: a list (English) or a list per language; None when invalid."""
    value = r.get(body, path, key, "any", required=True)
    if value is None:
        return None
    if isinstance(value, list):
        items = r.str_list(body, path, key, required=True, non_empty=True)
        return {SOURCE_LANGUAGE: tuple(items)} if items else None
    if not isinstance(value, dict):
        r.issue(
            (*path, key),
            f"expected a list of words, or a list per language, got {describe(value)}.",
            'write e.g. ["what happened", context], or {en: [...], fr: [...]}',
        )
        return None
    out: dict[str, tuple[str, ...]] = {}
    ok = True
    for lang in value:
        if not isinstance(lang, str) or not _LANGUAGE_CODE.match(lang):
            r.issue(
                (*path, key, lang),
                f"{lang!r} is not a language code.",
                "write a language code such as en or fr (lower case), then the list of words",
                key=True,
            )
            ok = False
            continue
        items = r.str_list(value, (*path, key), lang, required=True, non_empty=True)
        if not items:
            ok = False
            continue
        out[lang] = tuple(items)
    if ok and SOURCE_LANGUAGE not in out:
        r.issue(
            (*path, key),
            f"no English words: the languages given are {', '.join(map(str, value))}.",
            "add en: [...] (the English words are shown where a language has none)",
        )
        ok = False
    return out if ok else None


def _translations(*fields_: tuple[str, dict[str, str]]) -> Translations:
    return Translations.of({name: texts for name, texts in fields_ if texts})


@dataclass(frozen=True)
class WrittenText:
    """Where one text of the rules is written, and the languages it is written in."""

    reader: Reader
    path: PathKey
    languages: frozenset[str]


def missing_language(parts: RulesParts, language: str) -> list[ConfigIssue]:
    """One problem per text of the rules not written in ``language`` (nothing for English)."""
    if language == SOURCE_LANGUAGE:
        return []
    out = []
    for at in parts.texts_at:
        if language in at.languages:
            continue
        key = at.path[-1]
        out.append(
            ConfigIssue(
                at.reader.doc.file,
                at.reader.doc.line_of(at.path),
                at.path,
                f"no {language} text, and the configuration's language is {language}.",
                f"write {key}: {{en: ..., {language}: ...}} with the {language} text "
                "(a plain text is English only)",
            )
        )
    return out


@dataclass
class RulesParts:
    """What could be read from ``rules/``, valid parts only (used even when issues exist)."""

    rules_dir: Path
    severities: dict[str, Severity] = field(default_factory=dict)
    types: dict[str, IssueType] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    matrix: dict[tuple[str, str], Cell] = field(default_factory=dict)
    ladder: dict[str, str] = field(default_factory=dict)
    top_roles: tuple[str, ...] = ()
    coordinates_with: dict[str, tuple[str, ...]] = field(default_factory=dict)
    channels: dict[str, ChannelSpec] = field(default_factory=dict)
    channel_plans: dict[str, ChannelPlan] = field(default_factory=dict)
    recommendation: tuple[RecommendationPart, ...] = ()
    principles: tuple[Principle, ...] = ()
    label_prefix: str = "escalation-"  # labels.severity_prefix
    type_label_prefix: str = "escalation-type-"  # labels.type_prefix
    default_type: str = ""
    nudge_at: float = 0.75
    source_hash: str = ""
    assignment: AssignmentPolicy = field(default_factory=AssignmentPolicy)
    late_routing_grace: timedelta | None = None
    # the rules are read in English; Rules.in_language reads them in another language
    language: str = SOURCE_LANGUAGE
    texts_at: list[WrittenText] = field(default_factory=list)  # for missing_language
    # Ids declared in the files, valid or not (None: the file could not be read). References are
    # checked against these so that one broken entry does not make every reference to it fail too.
    declared_severities: tuple[str, ...] | None = None
    declared_types: tuple[str, ...] | None = None
    declared_roles: tuple[str, ...] | None = None

    def file(self, name: str) -> Path:
        return self.rules_dir / name

    def role_uses(self) -> dict[str, str]:
        """Every role the rules need a person for -> where it is first needed (for messages)."""
        uses: dict[str, str] = {}
        for (type_id, sev_id), cell in self.matrix.items():
            for role in cell.handlers:
                uses.setdefault(role, f"handles {type_id} › {sev_id}")
        for src, dst in self.ladder.items():
            uses.setdefault(src, "is on the ladder")
            uses.setdefault(dst, f"is on the ladder above {src}")
        for role in self.top_roles:
            uses.setdefault(role, "is a top role")
        for src, peers in self.coordinates_with.items():
            for peer in peers:
                uses.setdefault(peer, f"coordinates with {src}")
        return uses


class _RulesLoader:
    def __init__(self, rules_dir: Path) -> None:
        self.parts = RulesParts(rules_dir)
        self.issues: list[ConfigIssue] = []
        self.docs: dict[str, YamlDoc] = {}
        self.readers: dict[str, Reader] = {}
        self.ladder_ok = True

    # -- helpers ---------------------------------------------------------------------------
    def _text(
        self,
        r: Reader,
        body: dict[str, Any] | None,
        path: PathKey,
        key: str,
        *,
        required: bool = False,
        default: str | None = None,
    ) -> tuple[str | None, dict[str, str]]:
        """:func:`read_text`, remembering where the text is and in which languages it is given."""
        english, texts = read_text(r, body, path, key, required=required, default=default)
        if english is not None and body is not None and key in body:
            self.parts.texts_at.append(WrittenText(r, (*path, key), frozenset(texts)))
        return english, texts

    def _open(
        self, name: str, known: tuple[str, ...] | None
    ) -> tuple[Reader, dict[str, Any] | None]:
        doc, issues = read_yaml(self.parts.file(name))
        self.issues.extend(issues)
        reader = Reader(doc, self.issues)
        self.docs[name] = doc
        self.readers[name] = reader
        if issues:
            return reader, None
        if doc.data is None:
            reader.issue(
                (),
                "the file is empty.",
                f"restore {name} from the worker's shipped rules/ folder",
                line=1,
            )
            return reader, None
        return reader, reader.section((), doc.data, known)

    def _role_ref(self, r: Reader, path: PathKey, value: Any) -> str | None:
        """A reference to a role: reported when it is not text or not defined in roles.yaml."""
        if not r.check(path, value, "str"):
            return None
        known = self.parts.declared_roles
        if known is not None and value not in known:
            r.issue(
                path,
                f"unknown role '{value}'.",
                one_of(value, known, f"the roles defined in {self.parts.file('roles.yaml')}"),
            )
            return None
        return str(value)

    # -- files -----------------------------------------------------------------------------
    def load(self) -> None:
        self._policy()
        self._roles()
        self._severities()
        self._types()
        self._assignment()
        self._matrix()
        self._channels()
        self._labels()
        self._ladder_reach()
        contents = {name: doc.data for name, doc in self.docs.items()}
        self.parts.source_hash = canonical_hash(contents)

    def _policy(self) -> None:
        r, top = self._open(
            "policy.yaml",
            (
                "labels",
                "nudge_at",
                "recommendation",
                "principles",
                "assignment",
                "late_routing_grace",
            ),
        )
        if top is None:
            return
        p = self.parts
        labels = r.section(
            ("labels",),
            r.get(top, (), "labels", "map", required=True),
            ("severity_prefix", "type_prefix"),
        )
        for key in ("severity_prefix", "type_prefix"):
            value = r.get(labels, ("labels",), key, "str", required=True)
            if value is None:
                continue
            if not value.strip() or any(ch.isspace() for ch in value):
                r.issue(
                    ("labels", key),
                    "the label prefix is empty, so every label of every issue would match it."
                    if not value.strip()
                    else f"the label prefix {value!r} contains a space; Jira labels cannot.",
                    'write a prefix without spaces, e.g. "escalation-"'
                    if key == "severity_prefix"
                    else 'write a prefix without spaces, e.g. "escalation-type-"',
                )
                continue
            setattr(
                p,
                {"severity_prefix": "label_prefix", "type_prefix": "type_label_prefix"}[key],
                value,
            )
        nudge = r.get(top, (), "nudge_at", "number", default=0.75)
        if not 0 < nudge < 1:
            r.issue(
                ("nudge_at",),
                f"nudge_at must lie strictly between 0 and 1, got {nudge}.",
                "write the share of the acknowledge window after which to remind, e.g. 0.75",
            )
        else:
            p.nudge_at = float(nudge)
        parts: list[RecommendationPart] = []
        items = r.get(top, (), "recommendation", "list", required=True, default=[])
        for i, item in enumerate(items):
            path = ("recommendation", i)
            body = r.section(path, item, ("id", "title", "markers"))
            if body is None:
                continue
            pid = r.get(body, path, "id", "str", required=True)
            title, titles = self._text(r, body, path, "title", required=True)
            markers = read_markers(r, body, path, "markers")
            if pid and title and markers:
                lowered = {lang: tuple(m.lower() for m in ms) for lang, ms in markers.items()}
                every = tuple(dict.fromkeys(m for ms in lowered.values() for m in ms))
                parts.append(
                    RecommendationPart(
                        pid,
                        title,
                        every,
                        _translations(("title", titles)),
                        tuple(lowered.items()),
                    )
                )
        p.recommendation = tuple(parts)
        principles: list[Principle] = []
        for i, item in enumerate(r.get(top, (), "principles", "list", default=[])):
            path = ("principles", i)
            body = r.section(path, item, ("id", "title", "text"))
            if body is None:
                continue
            pid = r.get(body, path, "id", "str", required=True)
            title, titles = self._text(r, body, path, "title", required=True)
            text, texts = self._text(r, body, path, "text", required=True)
            if pid and title and text:
                principles.append(
                    Principle(pid, title, text, _translations(("title", titles), ("text", texts)))
                )
        p.principles = tuple(principles)
        self._late_grace(r, top)

    def _late_grace(self, r: Reader, top: dict[str, Any]) -> None:
        raw = r.get(top, (), "late_routing_grace", "str", default="auto")
        if raw is None or str(raw).strip().lower() == "auto":
            return
        try:
            grace = parse_duration(str(raw))
        except (OverflowError, ValueError):  # e.g. 99999999999999999999m: longer than any date
            grace = timedelta.max
        if grace is None or grace <= timedelta(0) or grace > timedelta(days=30):
            r.issue(
                ("late_routing_grace",),
                f"late_routing_grace must be 'auto' or a duration up to 30 days, got {raw!r}.",
                'write e.g. "10m" or "1h", or auto (a quarter of the acknowledge SLA, at least 5 min)',
            )
            return
        self.parts.late_routing_grace = grace

    def _assignment(self) -> None:
        """policy.yaml's assignment: section; read after the severities and kinds it names."""
        r, doc = self.readers.get("policy.yaml"), self.docs.get("policy.yaml")
        if r is None or doc is None or not isinstance(doc.data, dict):
            return
        body = r.section(
            ("assignment",),
            r.get(doc.data, (), "assignment", "map", default={}),
            ("default", "severities", "types"),
        )
        if not body:
            return
        modes = {m.value: m for m in Assignment}
        fix = "write owner (the worker assigns the owner) or keep_assignee"

        def mode(path: PathKey, value: Any) -> Assignment | None:
            if isinstance(value, str) and value in modes:
                return modes[value]
            r.issue(path, f"unknown assignment mode {value!r}.", fix)
            return None

        p = self.parts
        default = mode(("assignment", "default"), body.get("default", "owner"))
        tables: dict[str, dict[str, Assignment]] = {"severities": {}, "types": {}}
        known = {"severities": p.declared_severities, "types": p.declared_types}
        for section, table in tables.items():
            path = ("assignment", section)
            entries = r.get(body, ("assignment",), section, "map", default={}) or {}
            for ident, value in entries.items():
                ids = known[section]
                if ids is not None and ident not in ids:
                    r.issue(
                        (*path, ident),
                        f"unknown {section[:-1] if section == 'types' else 'severity'} {ident!r}.",
                        f"use one of {', '.join(ids)}",
                        key=True,
                    )
                    continue
                m = mode((*path, ident), value)
                if m is not None:
                    table[str(ident)] = m
        p.assignment = AssignmentPolicy(
            default or Assignment.OWNER, tables["severities"], tables["types"]
        )

    def _roles(self) -> None:
        r, top = self._open("roles.yaml", ("roles", "ladder", "top", "coordinates_with"))
        p = self.parts
        if top is None:
            return
        roles = r.section(("roles",), r.get(top, (), "roles", "map", required=True), None)
        if roles is not None:
            p.declared_roles = tuple(roles)
        for rid, body in (roles or {}).items():
            path = ("roles", rid)
            body = r.section(path, body, _ROLE_KEYS)
            if body is None:
                continue
            name, names = self._text(r, body, path, "name", required=True)
            scope = r.get(body, path, "scope", "str", required=True)
            if scope is not None and scope not in _SCOPES:
                r.issue(
                    (*path, "scope"),
                    f"unknown scope '{scope}'.",
                    "write 'global' (one person for the whole "
                    "organisation) or 'team' (one per team)",
                )
                scope = None
            track = r.get(body, path, "track", "str", required=True)
            rank = r.get(body, path, "rank", "int", required=True)
            if rank is not None and rank < 1:
                r.issue(
                    (*path, "rank"),
                    f"rank must be 1 or more, got {rank}.",
                    "number the ranks from 1 upwards",
                )
                rank = None
            if name is None or None in (scope, track, rank):
                continue
            p.roles[rid] = Role(rid, name, scope, track, rank, _translations(("name", names)))
        before = len(self.issues)
        ladder = r.section(("ladder",), r.get(top, (), "ladder", "map", required=True), None) or {}
        edges: dict[str, str] = {}
        for src, dst in ladder.items():
            path = ("ladder", src)
            if not r.known_role(path, src, p.declared_roles, p.file("roles.yaml")):
                continue
            target = self._role_ref(r, path, dst)
            if target is not None:
                edges[src] = target
        in_cycle = self._cycles(r, edges)
        for src, target in edges.items():
            path = ("ladder", src)
            a, b = p.roles.get(src), p.roles.get(target)
            if a is not None and b is not None:
                if a.track != b.track:
                    r.issue(
                        path,
                        f"the edge {src} → {target} goes across, from the {a.track} track to the "
                        f"{b.track} track.",
                        "escalate to the next role up on the same track; the top role "
                        "brings in other tracks through coordinates_with",
                    )
                    continue
                if b.rank == a.rank:
                    r.issue(
                        path,
                        f"the edge {src} → {target} goes across: both roles have rank {a.rank}.",
                        "escalate to a role of strictly higher rank",
                    )
                    continue
                if b.rank < a.rank:
                    r.issue(
                        path,
                        f"the edge {src} → {target} goes down, from rank {a.rank} to rank {b.rank}.",
                        "escalate to a role of strictly higher rank",
                    )
                    continue
            if src not in in_cycle:
                p.ladder[src] = target
        self.ladder_ok = len(self.issues) == before

        tops = r.get(top, (), "top", "list", required=True, default=[])
        top_roles: list[str] = []
        for i, item in enumerate(tops):
            role = self._role_ref(r, ("top", i), item)
            if role is not None:
                top_roles.append(role)
                if role in p.ladder:
                    r.issue(
                        ("ladder", role),
                        f"'{role}' is a top role but escalates to '{p.ladder[role]}'.",
                        f"remove the edge '{role}: {p.ladder[role]}' (the top hands nothing further) or "
                        f"take '{role}' out of top",
                    )
        if isinstance(tops, list) and not tops:
            r.issue(
                ("top",), "no top role.", "list the role(s) where the ladder ends, e.g. top: [cpo]"
            )
        p.top_roles = tuple(top_roles)

        coord = (
            r.section(("coordinates_with",), r.get(top, (), "coordinates_with", "map"), None) or {}
        )
        for src, peers in coord.items():
            path = ("coordinates_with", src)
            if not r.known_role(path, src, p.declared_roles, p.file("roles.yaml")):
                continue
            if not r.check(path, peers, "list"):
                continue
            found = [self._role_ref(r, (*path, i), peer) for i, peer in enumerate(peers)]
            p.coordinates_with[src] = tuple(x for x in found if x is not None)

    def _cycles(self, r: Reader, edges: dict[str, str]) -> set[str]:
        """Report each cycle of ``edges`` once (at its first line); return the roles on cycles."""
        on_cycles: set[str] = set()
        for start in edges:
            seen: list[str] = []
            node: str | None = start
            while node is not None and node not in seen:
                seen.append(node)
                node = edges.get(node)
            if node is None:
                continue
            cycle = seen[seen.index(node) :]
            if on_cycles & set(cycle):
                continue
            on_cycles.update(cycle)
            first = min(cycle, key=lambda role: r.doc.line_of(("ladder", role)) or 0)
            ring = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
            r.issue(
                ("ladder", first),
                f"the ladder has a cycle: {' → '.join(ring)}.",
                "every chain must end at a top role; remove one of these edges",
            )
        return on_cycles

    def _severities(self) -> None:
        r, top = self._open("severities.yaml", ("severities",))
        if top is None:
            return
        sevs = (
            r.section(("severities",), r.get(top, (), "severities", "map", required=True), None)
            or {}
        )
        self.parts.declared_severities = tuple(sevs)
        if not sevs and "severities" in top:
            r.issue(("severities",), "no severity is defined.", "define S1 to S4 from the seed")
        for rank, (sid, body) in enumerate(sevs.items(), start=1):
            path = ("severities", sid)
            body = r.section(path, body, _SEVERITY_KEYS)
            if body is None:
                continue
            name, names = self._text(r, body, path, "name", required=True)
            meaning, meanings = self._text(r, body, path, "meaning", default="")
            label = r.get(body, path, "label", "str", required=True)
            ack = self._sla(r, body, path, "acknowledge", required=True)
            resolve = self._sla(r, body, path, "resolve", required=True)
            calendar = r.get(body, path, "calendar", "str", required=True)
            if calendar is not None and calendar not in _CALENDARS:
                r.issue(
                    (*path, "calendar"),
                    f"unknown calendar '{calendar}'.",
                    "write 'always' (around the clock) or 'business' (working hours of config.yaml)",
                )
                calendar = None
            trail = r.get(body, path, "written_trail", "bool", default=False)
            remind = self._sla(r, body, path, "remind_every", required=False) or ack
            if remind is not None and remind.kind not in (SlaKind.DURATION, SlaKind.BUSINESS_DAYS):
                r.issue(
                    (*path, "remind_every"),
                    f"remind_every must be a duration or business days, got '{remind}'.",
                    'write e.g. "15m", "1h" or "1 business day"',
                )
                remind = None
            if ack is not None and resolve is not None and sla_order(ack) >= sla_order(resolve):
                how = "as long as" if sla_order(ack) == sla_order(resolve) else "longer than"
                r.issue(
                    (*path, "acknowledge"),
                    f"the acknowledge SLA ({ack}) is {how} the resolve SLA ({resolve}).",
                    "make acknowledge shorter than resolve (order used: minutes/hours < business days "
                    "(1 ≈ 8 h) < 1 sprint < next planning)",
                )
                ack = None
            if (
                name is None
                or label is None
                or ack is None
                or resolve is None
                or calendar is None
                or remind is None
            ):
                continue
            self.parts.severities[sid] = Severity(
                sid,
                rank,
                name,
                meaning or "",
                label,
                ack,
                resolve,
                calendar,
                trail,
                remind,
                _translations(("name", names), ("meaning", meanings)),
            )

    def _sla(
        self, r: Reader, body: dict[str, Any], path: PathKey, key: str, *, required: bool
    ) -> Sla | None:
        value = r.get(body, path, key, "any", required=required)
        if value is None:
            return None
        try:
            sla = parse_sla(str(value)) if isinstance(value, str) else None
        except (OverflowError, ValueError):  # 99999999999999999999m does not fit in a timedelta
            sla = Sla(SlaKind.DURATION, formats.MAX_DURATION * 2, str(value))
        if sla is None:
            r.issue((*path, key), f"cannot read the SLA {value!r}.", _SLA_FIX)
        elif _too_long(sla):
            r.issue(
                (*path, key),
                f"the SLA {value!r} is longer than {formats.MAX_DURATION_TEXT}; no escalation "
                "could wait that long.",
                _SLA_FIX,
            )
            return None
        return sla

    def _types(self) -> None:
        r, top = self._open("types.yaml", ("default_type", "types"))
        if top is None:
            return
        p = self.parts
        types = r.section(("types",), r.get(top, (), "types", "map", required=True), None) or {}
        p.declared_types = tuple(types)
        numbers: dict[int, str] = {}
        for tid, body in types.items():
            path = ("types", tid)
            body = r.section(path, body, _TYPE_KEYS)
            if body is None:
                continue
            number = r.get(body, path, "number", "int", required=True)
            if number is not None and number in numbers:
                r.issue(
                    (*path, "number"),
                    f"number {number} is already used by type '{numbers[number]}'.",
                    "give each type its own number",
                )
            elif number is not None:
                numbers[number] = tid
            name, names = self._text(r, body, path, "name", required=True)
            description, descriptions = self._text(r, body, path, "description", default="")
            labels = r.str_list(body, path, "labels", required=True, non_empty=True)
            issue_types = r.str_list(body, path, "jira_issue_types") or []
            components = r.str_list(body, path, "components") or []
            sensitive = r.get(body, path, "sensitive", "bool", default=False)
            if name is None or None in (number, labels):
                continue
            p.types[tid] = IssueType(
                tid,
                number,
                name,
                description or "",
                tuple(labels or ()),
                tuple(issue_types),
                tuple(components),
                sensitive,
                _translations(("name", names), ("description", descriptions)),
            )
        default = r.get(top, (), "default_type", "str", required=True)
        if default is not None and types and default not in types:
            r.issue(
                ("default_type",),
                f"unknown type '{default}'.",
                one_of(default, types, f"the types defined under types: in {p.file('types.yaml')}"),
            )
        elif default is not None:
            p.default_type = default

    def _matrix(self) -> None:
        r, top = self._open("matrix.yaml", None)
        if top is None:
            return
        p = self.parts
        types_doc = p.file("types.yaml")
        sev_ids = list(p.declared_severities or ())
        type_ids = p.declared_types
        for tid, row in top.items():
            path: PathKey = (tid,)
            if type_ids is not None and tid not in type_ids:
                r.issue(
                    path,
                    f"unknown issue type '{tid}'.",
                    one_of(tid, type_ids, f"the types defined in {types_doc}"),
                    key=True,
                )
                continue
            row = r.section(path, row, None)
            if row is None:
                continue
            for sid, cell in row.items():
                cpath = (tid, sid)
                if p.declared_severities is not None and sid not in sev_ids:
                    r.issue(
                        cpath,
                        f"unknown severity '{sid}'.",
                        one_of(
                            sid, sev_ids, f"the severities defined in {p.file('severities.yaml')}"
                        ),
                        key=True,
                    )
                    continue
                body = r.section(cpath, cell, ("handlers", "note"))
                if body is None:
                    continue
                raw = r.get(
                    body,
                    cpath,
                    "handlers",
                    "list",
                    required=True,
                    fix="add 'handlers: [owner, other roles...]' (the owner first)",
                )
                note, notes = self._text(r, body, cpath, "note")
                if raw is None:
                    continue
                if not raw:
                    r.issue((*cpath, "handlers"), "no handler.", "name at least the owner role")
                    continue
                handlers: list[str] = []
                for i, item in enumerate(raw):
                    role = self._role_ref(r, (*cpath, "handlers", i), item)
                    if role is not None and role in handlers:
                        r.issue(
                            (*cpath, "handlers", i),
                            f"role '{role}' is listed twice.",
                            "list each role once",
                        )
                    elif role is not None:
                        handlers.append(role)
                if len(handlers) == len(raw):
                    p.matrix[(tid, sid)] = Cell(
                        tid, sid, tuple(handlers), note, _translations(("note", notes))
                    )
            for sid in sev_ids:
                if sid not in row:
                    r.issue(
                        path,
                        f"no cell for severity '{sid}'.",
                        f"add '{sid}: {{handlers: [...]}}' to this row; every type needs a cell for each of "
                        f"{', '.join(sev_ids)}",
                        line=r.doc.missing_line(path),
                    )
        for tid in type_ids or ():
            if tid not in top:
                r.issue(
                    (),
                    f"no row for issue type '{tid}'.",
                    f"add '{tid}:' with a cell for each of {', '.join(sev_ids)}",
                    line=1,
                )

    def _channels(self) -> None:
        r, top = self._open("channels.yaml", ("channels", "plans"))
        if top is None:
            return
        p = self.parts
        channels = (
            r.section(("channels",), r.get(top, (), "channels", "map", required=True), None) or {}
        )
        for cid, body in channels.items():
            path = ("channels", cid)
            body = r.section(path, body, ("name", "description"))
            if body is None:
                continue
            name, names = self._text(r, body, path, "name", required=True)
            description, descriptions = self._text(r, body, path, "description", default="")
            if name is not None:
                p.channels[cid] = ChannelSpec(
                    cid,
                    name,
                    description or "",
                    _translations(("name", names), ("description", descriptions)),
                )
        plans = r.section(("plans",), r.get(top, (), "plans", "map", required=True), None)
        if plans is None:
            return
        sev_doc = p.file("severities.yaml")
        for sid, body in plans.items():
            path = ("plans", sid)
            if p.declared_severities is not None and sid not in p.declared_severities:
                r.issue(
                    path,
                    f"unknown severity '{sid}'.",
                    one_of(sid, p.declared_severities, f"the severities defined in {sev_doc}"),
                    key=True,
                )
                continue
            body = r.section(path, body, ("primary", "backup", "here", "note"))
            if body is None:
                continue
            lists: dict[str, tuple[str, ...]] = {}
            ok = True
            for key in ("primary", "backup"):
                items = r.str_list(
                    body, path, key, required=key == "primary", non_empty=key == "primary"
                )
                ok = ok and (items is not None or key == "backup")
                for i, cid in enumerate(items or []):
                    if channels and cid not in channels:
                        r.issue(
                            (*path, key, i),
                            f"unknown channel '{cid}'.",
                            one_of(cid, channels, "the channels defined under channels:"),
                        )
                        ok = False
                lists[key] = tuple(items or ())
            here = r.get(body, path, "here", "bool", default=False)
            note, notes = self._text(r, body, path, "note")
            if ok:
                p.channel_plans[sid] = ChannelPlan(
                    sid,
                    lists["primary"],
                    lists["backup"],
                    note,
                    here,
                    _translations(("note", notes)),
                )
        for sid in p.declared_severities or ():
            if sid not in plans:
                r.issue(
                    ("plans",),
                    f"no channel plan for severity '{sid}'.",
                    f"add '{sid}: {{primary: [...], backup: [...]}}' under plans:",
                    line=r.doc.missing_line(("plans",)),
                )

    def _labels(self) -> None:
        """Severity labels carry the prefix; no label is used twice (case-insensitively)."""
        p = self.parts
        seen: dict[str, str] = {}
        sev_r = self.readers.get("severities.yaml")
        if sev_r is not None:
            for sid, sev in p.severities.items():
                path = ("severities", sid, "label")
                if not sev.label.lower().startswith(p.label_prefix.lower()):
                    sev_r.issue(
                        path,
                        f"label '{sev.label}' does not start with the severity label prefix "
                        f"'{p.label_prefix}'.",
                        f"write '{p.label_prefix}{sid}' (the prefix is labels.severity_prefix in "
                        f"{p.file('policy.yaml')})",
                    )
                self._one_label(sev_r, path, sev.label, f"severity {sid}", seen)
        type_r = self.readers.get("types.yaml")
        if type_r is not None:
            for tid, itype in p.types.items():
                for i, label in enumerate(itype.labels):
                    self._one_label(type_r, ("types", tid, "labels", i), label, f"type {tid}", seen)

    def _one_label(
        self, r: Reader, path: PathKey, label: str, owner: str, seen: dict[str, str]
    ) -> None:
        key = label.lower()
        if key in seen:
            r.issue(
                path,
                f"duplicate label '{label}': already used by {seen[key]}.",
                "give every severity and every type its own label (labels are compared ignoring case)",
            )
        else:
            seen[key] = f"{owner} ({r.file}:{r.doc.line_of(path)})"

    def _ladder_reach(self) -> None:
        """Each owner of a cell must either be a top role or climb the ladder to one."""
        p = self.parts
        r = self.readers.get("matrix.yaml")
        if r is None or not p.top_roles or not self.ladder_ok:
            return  # a broken ladder is reported already; fix it first
        reported: set[str] = set()
        for (tid, sid), cell in p.matrix.items():
            owner = cell.owner
            if owner in reported:
                continue
            chain = [owner]
            while (
                chain[-1] not in p.top_roles
                and chain[-1] in p.ladder
                and p.ladder[chain[-1]] not in chain
            ):
                chain.append(p.ladder[chain[-1]])
            if chain[-1] in p.top_roles:
                continue
            reported.add(owner)
            r.issue(
                (tid, sid, "handlers", 0),
                f"owner '{owner}' cannot reach a top role ({', '.join(p.top_roles)}) on the ladder.",
                f"add a ladder edge from '{chain[-1]}' in {p.file('roles.yaml')}, or make another role the owner",
            )


def collect_rules(rules_dir: Path) -> tuple[RulesParts, list[ConfigIssue]]:
    """Read and validate every rules file; return what was valid and all problems."""
    loader = _RulesLoader(rules_dir)
    if not rules_dir.is_dir():
        return loader.parts, [
            ConfigIssue(
                rules_dir,
                None,
                (),
                "the rules folder does not exist.",
                f"create it with {', '.join(RULE_FILES)}, or point rules_dir at it",
            )
        ]
    loader.load()
    return loader.parts, loader.issues


def build_rules(parts: RulesParts) -> Rules:
    """The immutable :class:`Rules` from fully valid parts.

    :class:`RulesParts` carries every field of :class:`Rules` under the same name (plus what only
    validation needs), so the two cannot drift apart: a field added to ``Rules`` and not to the
    parts fails here at once.
    """
    values: dict[str, Any] = {}
    for f in fields(Rules):
        value = getattr(parts, f.name)
        values[f.name] = dict(value) if isinstance(value, dict) else value
    return Rules(**values)


def sort_issues(issues: list[ConfigIssue]) -> list[ConfigIssue]:
    return sorted(issues, key=ConfigIssue.sort_key)


__all__ = [
    "RULE_FILES",
    "RulesParts",
    "build_rules",
    "canonical_hash",
    "collect_rules",
    "missing_language",
    "sla_order",
    "sort_issues",
]

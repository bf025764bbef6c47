"""The escalation rules as typed, immutable data.

``worker.config`` builds a :class:`Rules` from the YAML files in ``rules/`` and validates it;
everything downstream (``decide``, the Confluence page, reports) reads only these objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar, Protocol, TypeVar

SOURCE_LANGUAGE = (
    "en"  # the rules' texts are written in English first; a plain YAML text is English
)


@dataclass(frozen=True, slots=True)
class Translations:
    """The texts of one rules entry in each language the rules write it in.

    Written in the rules as ``name: {en: Critical, fr: Critique}`` (a plain text is English).
    The entry's own fields (``Severity.name``) hold the language the rules are read in (English
    unless :meth:`Rules.in_language` chose another); this keeps every language, so the rules can
    be read in another one later. Immutable and hashable, like the entries that carry it.
    """

    texts: tuple[tuple[str, str, str], ...] = ()  # (field, language, text)

    def get(self, field_name: str, language: str) -> str | None:
        for f, lang, text in self.texts:
            if f == field_name and lang == language:
                return text
        return None

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(lang for _, lang, _ in self.texts)

    @staticmethod
    def of(by_field: Mapping[str, Mapping[str, str]]) -> Translations:
        """From ``{field: {language: text}}``."""
        return Translations(
            tuple(
                (f, lang, text) for f, by_lang in by_field.items() for lang, text in by_lang.items()
            )
        )


NO_TRANSLATIONS = Translations()


class _Written(Protocol):
    """A rules entry with texts a person reads (see :meth:`Rules.in_language`)."""

    PROSE: ClassVar[tuple[str, ...]]
    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def translations(self) -> Translations: ...


_W = TypeVar("_W", bound=_Written)


def _in_language(
    entry: _W,
    language: str,
    untranslated: Callable[[str], str] | None,
    typography: Callable[[str], str] | None,
) -> _W:
    """``entry`` with each text of :attr:`PROSE` in ``language``.

    A text the rules do not give in ``language`` is English, or ``untranslated(english)`` when
    that is given (the pseudo-locale of the tests transforms every text this way).
    """
    changes: dict[str, str] = {}
    for name in entry.PROSE:
        current = getattr(entry, name)
        if current is None:
            continue
        english = entry.translations.get(name, SOURCE_LANGUAGE) or current
        text = entry.translations.get(name, language)
        if text is None:
            text = untranslated(english) if untranslated is not None else english
        changes[name] = typography(text) if typography is not None else text
    return replace(entry, **changes)


class SlaKind(StrEnum):
    DURATION = "duration"  # elapsed time on the severity's calendar
    BUSINESS_DAYS = "business_days"  # the same point of the N-th next working day
    SPRINT = "sprint"  # end of the issue's sprint, else the configured sprint length
    PLANNING = "planning"  # the next session of the planning cadence


@dataclass(frozen=True, slots=True)
class Sla:
    kind: SlaKind
    amount: timedelta | int | None
    text: str

    def __str__(self) -> str:
        return self.text


_DURATION = re.compile(
    r"^\s*(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)\s*$", re.IGNORECASE
)
_BUSINESS_DAYS = re.compile(r"^\s*(\d+)\s*(bd|business\s+days?)\s*$", re.IGNORECASE)
_SPRINTS = re.compile(r"^\s*1\s*sprints?\s*$", re.IGNORECASE)
_PLANNING = re.compile(r"^\s*next\s+planning\s*$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta | None:
    """Parse ``15m``, ``1h``, ``2 days``, ``2w``; None when the text is not a duration."""
    m = _DURATION.match(str(text))
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2).lower()
    if unit.startswith("m"):
        return timedelta(minutes=n)
    if unit.startswith("h"):
        return timedelta(hours=n)
    if unit.startswith("d"):
        return timedelta(days=n)
    return timedelta(weeks=n)


def _human(d: timedelta) -> str:
    minutes = int(d.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours % 24 or hours == 0 else f"{hours // 24} d"


def parse_sla(text: str) -> Sla | None:
    """Parse an SLA expression (see ``rules/severities.yaml``); None when it is not one."""
    text = str(text)
    d = parse_duration(text)
    if d is not None:
        return Sla(SlaKind.DURATION, d, _human(d)) if d > timedelta(0) else None
    m = _BUSINESS_DAYS.match(text)
    if m:
        n = int(m.group(1))
        if n <= 0:
            return None
        return Sla(SlaKind.BUSINESS_DAYS, n, f"{n} business day" + ("s" if n > 1 else ""))
    if _SPRINTS.match(text):
        return Sla(SlaKind.SPRINT, 1, "1 sprint")
    if _PLANNING.match(text):
        return Sla(SlaKind.PLANNING, None, "next planning")
    return None


@dataclass(frozen=True, slots=True)
class Severity:
    id: str
    rank: int  # 1 is the most severe
    name: str
    meaning: str
    label: str
    acknowledge: Sla
    resolve: Sla
    calendar: str  # "always" | "business"
    written_trail: bool
    remind_every: Sla
    translations: Translations = NO_TRANSLATIONS

    PROSE: ClassVar[tuple[str, ...]] = ("name", "meaning")


@dataclass(frozen=True, slots=True)
class IssueType:
    id: str
    number: int
    name: str
    description: str
    labels: tuple[str, ...]
    jira_issue_types: tuple[str, ...]
    components: tuple[str, ...]
    sensitive: bool
    translations: Translations = NO_TRANSLATIONS

    PROSE: ClassVar[tuple[str, ...]] = ("name", "description")


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    scope: str  # "global" | "team"
    track: str
    rank: int
    translations: Translations = NO_TRANSLATIONS

    PROSE: ClassVar[tuple[str, ...]] = ("name",)


@dataclass(frozen=True, slots=True)
class Cell:
    type_id: str
    severity_id: str
    handlers: tuple[str, ...]
    note: str | None = None
    translations: Translations = NO_TRANSLATIONS

    PROSE: ClassVar[tuple[str, ...]] = ("note",)

    @property
    def owner(self) -> str:
        return self.handlers[0]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    id: str
    name: str
    description: str
    translations: Translations = NO_TRANSLATIONS

    PROSE: ClassVar[tuple[str, ...]] = ("name", "description")


@dataclass(frozen=True, slots=True)
class ChannelPlan:
    severity_id: str
    primary: tuple[str, ...]
    backup: tuple[str, ...]
    note: str | None = None
    here: bool = False
    translations: Translations = NO_TRANSLATIONS

    PROSE: ClassVar[tuple[str, ...]] = ("note",)


@dataclass(frozen=True, slots=True)
class RecommendationPart:
    """One part of a recommendation: its title, and the words that show a description gives it.

    ``markers`` holds the words of every language the rules write (a French team may write in
    English and the other way round); :meth:`markers_in` gives one language's words, for a page
    that tells people what to write.
    """

    id: str
    title: str
    markers: tuple[str, ...]
    translations: Translations = NO_TRANSLATIONS
    markers_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()

    PROSE: ClassVar[tuple[str, ...]] = ("title",)

    def markers_in(self, language: str) -> tuple[str, ...]:
        """The words written for ``language``; English's when the rules give none for it."""
        table = dict(self.markers_by_language)
        return table.get(language) or table.get(SOURCE_LANGUAGE) or self.markers


@dataclass(frozen=True, slots=True)
class Principle:
    id: str
    title: str
    text: str
    translations: Translations = NO_TRANSLATIONS

    PROSE: ClassVar[tuple[str, ...]] = ("title", "text")


class Assignment(StrEnum):
    """Who Jira's assignee is while an escalation is open."""

    OWNER = "owner"  # the worker assigns each level's owner
    KEEP_ASSIGNEE = "keep_assignee"  # the team keeps its assignee; the owner watches and is named


@dataclass(frozen=True)
class AssignmentPolicy:
    """The assignment mode per kind and per severity; a kind's entry wins over a severity's."""

    default: Assignment = Assignment.OWNER
    severities: Mapping[str, Assignment] = field(default_factory=dict)
    types: Mapping[str, Assignment] = field(default_factory=dict)

    def mode(self, severity_id: str | None, type_id: str | None) -> Assignment:
        return (
            self.types.get(type_id or "") or self.severities.get(severity_id or "") or self.default
        )


MIN_LATE_GRACE = timedelta(minutes=5)
BUSINESS_DAY_HOURS = timedelta(hours=8)  # one business day, where a length must be compared


@dataclass(frozen=True)
class Rules:
    severities: Mapping[str, Severity]
    types: Mapping[str, IssueType]
    roles: Mapping[str, Role]
    matrix: Mapping[tuple[str, str], Cell]
    ladder: Mapping[str, str]
    top_roles: tuple[str, ...]
    coordinates_with: Mapping[str, tuple[str, ...]]
    channels: Mapping[str, ChannelSpec]
    channel_plans: Mapping[str, ChannelPlan]
    recommendation: tuple[RecommendationPart, ...]
    principles: tuple[Principle, ...]
    label_prefix: str
    type_label_prefix: str
    default_type: str
    nudge_at: float
    source_hash: str
    assignment: AssignmentPolicy = field(default_factory=AssignmentPolicy)
    # what an escalation found after its acknowledge deadline still gets (None: a quarter of the
    # severity's acknowledge SLA, at least MIN_LATE_GRACE)
    late_routing_grace: timedelta | None = None
    # the language of the texts a person reads (names, meanings, notes, titles): see in_language
    language: str = SOURCE_LANGUAGE

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the rules give texts in, English first."""
        found: set[str] = set()
        for entry in self._written():
            found |= entry.translations.languages
        return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))

    def _written(self) -> Iterable[_Written]:
        yield from self.severities.values()
        yield from self.types.values()
        yield from self.roles.values()
        yield from self.matrix.values()
        yield from self.channels.values()
        yield from self.channel_plans.values()
        yield from self.recommendation
        yield from self.principles

    def in_language(
        self,
        language: str,
        *,
        untranslated: Callable[[str], str] | None = None,
        typography: Callable[[str], str] | None = None,
    ) -> Rules:
        """These rules with every text a person reads in ``language``.

        Names, meanings, descriptions, notes, recommendation titles and principles take the
        rules' text for ``language``; one the rules do not give stays English, or becomes
        ``untranslated(english)`` when that is given; ``typography`` (the language's spacing
        rules, e.g. :meth:`Texts.typography`) is applied to each. Ids, labels and the recommendation
        markers (every language's, for matching) are unchanged. The result is what the worker
        runs with: every sentence and page built from it reads in that language.
        """
        if language == self.language and untranslated is None and typography is None:
            return self

        def each(entry: _W) -> _W:
            return _in_language(entry, language, untranslated, typography)

        return replace(
            self,
            severities={k: each(v) for k, v in self.severities.items()},
            types={k: each(v) for k, v in self.types.items()},
            roles={k: each(v) for k, v in self.roles.items()},
            matrix={k: each(v) for k, v in self.matrix.items()},
            channels={k: each(v) for k, v in self.channels.items()},
            channel_plans={k: each(v) for k, v in self.channel_plans.items()},
            recommendation=tuple(each(p) for p in self.recommendation),
            principles=tuple(each(p) for p in self.principles),
            language=language,
        )

    def cell(self, type_id: str, severity_id: str) -> Cell:
        return self.matrix[(type_id, severity_id)]

    def escalates_to(self, role_id: str) -> str | None:
        return self.ladder.get(role_id)

    def chain(self, role_id: str) -> tuple[str, ...]:
        """The role followed by every role above it, up to the top (validated acyclic)."""
        out = [role_id]
        while (nxt := self.ladder.get(out[-1])) is not None and nxt not in out:
            out.append(nxt)
        return tuple(out)

    @cached_property
    def _severity_by_label(self) -> dict[str, Severity]:
        exact = {s.label: s for s in self.severities.values()}
        folded = {s.label.lower(): s for s in self.severities.values()}
        return {**folded, **exact}

    def severity_for_label(self, label: str) -> Severity | None:
        """Exact label match first, then a case-insensitive one (``Escalation-s2``)."""
        table = self._severity_by_label
        return table.get(label) or table.get(label.lower())

    @cached_property
    def _type_lookup(
        self,
    ) -> tuple[dict[str, IssueType], dict[str, IssueType], dict[str, IssueType]]:
        by_label: dict[str, IssueType] = {}
        by_jira: dict[str, IssueType] = {}
        by_comp: dict[str, IssueType] = {}
        for t in self.types.values():  # the first kind listed wins a shared signal
            for lbl in t.labels:
                by_label.setdefault(lbl.lower(), t)
            for name in t.jira_issue_types:
                by_jira.setdefault(name.lower(), t)
            for comp in t.components:
                by_comp.setdefault(comp.lower(), t)
        return by_label, by_jira, by_comp

    def type_for_label(self, label: str) -> IssueType | None:
        return self._type_lookup[0].get(label.lower())

    def type_signals(
        self, labels: Sequence[str], jira_type: str, components: Sequence[str]
    ) -> IssueType | None:
        """The kind named by the issue's labels (first in rules order), else its Jira type, else a component."""
        by_label, by_jira, by_comp = self._type_lookup
        hits = [by_label[x.lower()] for x in labels if x.lower() in by_label]
        if hits:
            order = list(self.types)
            return min(hits, key=lambda t: order.index(t.id))
        if jira_type.lower() in by_jira:
            return by_jira[jira_type.lower()]
        for c in components:
            if c.lower() in by_comp:
                return by_comp[c.lower()]
        return None

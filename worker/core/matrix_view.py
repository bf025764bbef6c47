"""The matrix as a person reads it on a wall: roles and deadlines per cell, people in one table.

Both the Confluence page and the printed poster draw from :func:`matrix_view`, so the two always
say the same thing. A cell names roles, never people: who fills a role differs per team, and
that goes in one table beneath (:attr:`MatrixView.teams`), which stays readable at ten teams.

Every text of the view is in the language of the :class:`~worker.core.texts.Texts` it is given
(the rules' names come from rules already read in that language: ``Rules.in_language``); its
phrases belong to the ``pages`` catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from worker.core.directory import Directory, Person
from worker.core.i18n_marks import N_, Np_
from worker.core.rules import IssueType, Rules, Severity, Sla, SlaKind
from worker.core.texts import ENGLISH, Texts

CALENDAR_TEXT = {"always": N_("around the clock"), "business": N_("business hours")}
JIRA_ONLY = N_("Jira comment only")
WITH_HERE = N_("{channels} (@here in the team channel)")
WITH_BACKUP = N_("{channels} / backup: {backup}")
CHANNEL_JOIN = " + "
MINUTES, HOURS, DAYS = N_("{n} min"), N_("{n} h"), N_("{n} d")
BUSINESS_DAYS = Np_("{n} business day", "{n} business days")
ONE_SPRINT = N_("1 sprint")
NEXT_PLANNING = N_("next planning")


def sla_words(sla: Sla, texts: Texts = ENGLISH) -> str:
    """An SLA as people read it, in the language of ``texts`` (``15 min``, ``1 business day``)."""
    if sla.kind is SlaKind.DURATION and isinstance(sla.amount, timedelta):
        minutes = int(sla.amount.total_seconds() // 60)
        if minutes % 60:
            return texts.gettext(MINUTES).format(n=minutes)
        hours = minutes // 60
        if hours % 24 or hours == 0:
            return texts.gettext(HOURS).format(n=hours)
        return texts.gettext(DAYS).format(n=hours // 24)
    if sla.kind is SlaKind.BUSINESS_DAYS and isinstance(sla.amount, int):
        return texts.ngettext(*BUSINESS_DAYS, sla.amount).format(n=sla.amount)
    if sla.kind is SlaKind.SPRINT:
        return texts.gettext(ONE_SPRINT)
    if sla.kind is SlaKind.PLANNING:
        return texts.gettext(NEXT_PLANNING)
    return sla.text


@dataclass(frozen=True, slots=True)
class SeverityColumn:
    id: str
    rank: int
    name: str
    label: str
    meaning: str
    acknowledge: str
    resolve: str
    clocks: str  # when the clocks run
    channels: str  # primary channels, then the backup after "/"


@dataclass(frozen=True, slots=True)
class KindRow:
    id: str
    number: int
    name: str


@dataclass(frozen=True, slots=True)
class CellView:
    owner: str  # role name
    with_roles: tuple[str, ...]  # role names kept informed
    acknowledge: str
    resolve: str
    path: tuple[str, ...]  # the roles above the owner, in order
    top: str | None  # when the owner is the top of the ladder: whom it works with ("" for nobody)
    note: str | None


@dataclass(frozen=True, slots=True)
class TeamRow:
    name: str
    projects: tuple[str, ...]
    people: tuple[tuple[Person, ...], ...]  # one entry per role of MatrixView.team_roles


@dataclass(frozen=True, slots=True)
class MatrixView:
    severities: tuple[SeverityColumn, ...]
    kinds: tuple[KindRow, ...]
    cells: Mapping[tuple[str, str], CellView]  # (kind id, severity id); a missing key: not covered
    global_roles: tuple[tuple[str, tuple[Person, ...]], ...]  # role name, people
    team_roles: tuple[str, ...]  # role names, the columns of the team table
    teams: tuple[TeamRow, ...]

    def cell(self, kind_id: str, severity_id: str) -> CellView | None:
        return self.cells.get((kind_id, severity_id))


def _role_name(rules: Rules, role_id: str) -> str:
    role = rules.roles.get(role_id)
    return role.name if role else role_id


def channels_text(rules: Rules, severity_id: str, texts: Texts = ENGLISH) -> str:
    """The channels a severity calls for, as a person reads them (primary, then the backup)."""
    return _channels(rules, severity_id, texts)


def _channels(rules: Rules, severity_id: str, texts: Texts) -> str:
    plan = rules.channel_plans.get(severity_id)
    if plan is None:
        return texts.gettext(JIRA_ONLY)

    def names(ids: tuple[str, ...]) -> str:
        return CHANNEL_JOIN.join(rules.channels[c].name if c in rules.channels else c for c in ids)

    text = names(plan.primary) or texts.gettext(JIRA_ONLY)
    if plan.here:
        text = texts.gettext(WITH_HERE).format(channels=text)
    backup = names(plan.backup)
    return texts.gettext(WITH_BACKUP).format(channels=text, backup=backup) if backup else text


def _cells(
    rules: Rules, kinds: list[IssueType], severities: list[Severity], texts: Texts
) -> tuple[dict[tuple[str, str], CellView], list[str]]:
    """The matrix's cells, and the role ids they name (owners' ladders included), first use first."""
    cells: dict[tuple[str, str], CellView] = {}
    used: list[str] = []
    for t in kinds:
        for s in severities:
            c = rules.matrix.get((t.id, s.id))
            if c is None:
                continue
            chain = rules.chain(c.owner)
            top: str | None = None
            if len(chain) <= 1 and c.owner in rules.top_roles:
                peers = rules.coordinates_with.get(c.owner, ())
                top = ", ".join(_role_name(rules, p) for p in peers)
            for r in (*c.handlers, *chain[1:]):
                if r not in used:
                    used.append(r)
            cells[(t.id, s.id)] = CellView(
                owner=_role_name(rules, c.owner),
                with_roles=tuple(_role_name(rules, r) for r in c.handlers[1:]),
                acknowledge=sla_words(s.acknowledge, texts),
                resolve=sla_words(s.resolve, texts),
                path=tuple(_role_name(rules, r) for r in chain[1:]),
                top=top,
                note=c.note,
            )
    return cells, used


def matrix_view(rules: Rules, directory: Directory, texts: Texts = ENGLISH) -> MatrixView:
    """The wall view of ``rules`` and ``directory`` (pure, deterministic), in ``texts``' language."""
    severities = sorted(rules.severities.values(), key=lambda s: s.rank)
    kinds = sorted(rules.types.values(), key=lambda t: t.number)
    cells, used = _cells(rules, kinds, severities, texts)
    # every role the matrix or its ladder names, in the order rules/roles.yaml lists them
    used = [r for r in rules.roles if r in used] + [r for r in used if r not in rules.roles]
    global_ids = [r for r in used if r in rules.roles and rules.roles[r].scope == "global"]
    team_ids = [r for r in used if r in rules.roles and rules.roles[r].scope == "team"]
    teams = tuple(
        TeamRow(
            name=team.name,
            projects=team.projects + team.components,
            people=tuple(directory.people_for(r, team.id) for r in team_ids),
        )
        for team in directory.teams.values()
    )
    return MatrixView(
        severities=tuple(
            SeverityColumn(
                id=s.id,
                rank=s.rank,
                name=s.name,
                label=s.label,
                meaning=s.meaning,
                acknowledge=sla_words(s.acknowledge, texts),
                resolve=sla_words(s.resolve, texts),
                clocks=texts.gettext(CALENDAR_TEXT.get(s.calendar, s.calendar)),
                channels=_channels(rules, s.id, texts),
            )
            for s in severities
        ),
        kinds=tuple(KindRow(t.id, t.number, t.name) for t in kinds),
        cells=cells,
        global_roles=tuple(
            (_role_name(rules, r), directory.people_for(r, None)) for r in global_ids
        ),
        team_roles=tuple(_role_name(rules, r) for r in team_ids),
        teams=teams,
    )

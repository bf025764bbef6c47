"""The people directory: who fills each role, globally and per team."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Person:
    handle: str
    account_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    slack_id: str | None = None


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    projects: tuple[str, ...]
    components: tuple[str, ...]
    members: Mapping[str, tuple[str, ...]]  # role id -> person handles
    slack_channel: str | None = None


@dataclass(frozen=True, slots=True)
class Absence:
    """``person`` is away from ``start`` until ``end`` (exclusive); ``deputy`` stands in."""

    person: str  # handle in people:
    start: datetime
    end: datetime
    deputy: str  # handle in people:

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class Directory:
    people: Mapping[str, Person]
    global_roles: Mapping[str, tuple[str, ...]]
    teams: Mapping[str, Team]
    absences: tuple[Absence, ...] = ()
    _by_account: Mapping[str, Person] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_account", {p.account_id: p for p in self.people.values()})

    def people_for(self, role_id: str, team_id: str | None) -> tuple[Person, ...]:
        """Everyone who fills ``role_id``: the team's members for team roles, else the global ones."""
        handles: tuple[str, ...] = ()
        if team_id is not None and team_id in self.teams:
            handles = self.teams[team_id].members.get(role_id, ())
        if not handles:
            handles = self.global_roles.get(role_id, ())
        return tuple(self.people[h] for h in handles if h in self.people)

    def away(self, person: Person, at: datetime) -> Absence | None:
        """The absence that keeps ``person`` away at ``at``, if any."""
        for a in self.absences:
            if a.covers(at) and self.people.get(a.person) == person:
                return a
        return None

    def stand_in(self, person: Person, at: datetime) -> tuple[Person, Absence | None]:
        """Who acts for ``person`` at ``at``: their deputy while they are away, else themselves."""
        absence = self.away(person, at)
        if absence is None or absence.deputy not in self.people:
            return person, None
        return self.people[absence.deputy], absence

    def by_account(self, account_id: str | None) -> Person | None:
        if account_id is None:
            return None
        return self._by_account.get(account_id)

    def team_for(self, project: str, components: Sequence[str] = ()) -> Team | None:
        """A component match wins over a project match; among project matches the first team listed."""
        comps = {c.lower() for c in components}
        for team in self.teams.values():
            if project in team.projects and comps & {c.lower() for c in team.components}:
                return team
        for team in self.teams.values():
            if not team.projects and comps & {c.lower() for c in team.components}:
                return team
        for team in self.teams.values():
            if project in team.projects and not team.components:
                return team
        for team in self.teams.values():
            if project in team.projects:
                return team
        return None

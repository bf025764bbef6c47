"""Who fills a level of the ladder: the owner and the handlers, from the matrix cell and the directory.

Level 0 is the cell itself (its handler roles, its owner role). Each level above holds one role
of the ladder (and, at the top, the roles it coordinates with). People Jira reports inactive are
skipped; a level with no active owner passes to the next role up, and the notes say why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from worker.core.directory import Directory, Person
from worker.core.rules import Cell, Rules


@dataclass(frozen=True, slots=True)
class Inactive:
    """A person of the level whom Jira reports inactive (deactivated or unknown account)."""

    person: Person
    role: str


@dataclass(frozen=True, slots=True)
class Vacant:
    """Nobody active holds ``role``, so the level moved up to ``next_role``."""

    role: str
    next_role: str


@dataclass(frozen=True, slots=True)
class Away:
    """``person`` is away until ``until``; ``deputy`` stands in for them at this level."""

    person: Person
    role: str
    deputy: Person
    until: datetime


StaffNote = Inactive | Vacant | Away


@dataclass(frozen=True, slots=True)
class Staff:
    """The people of one level: ``owner`` first among ``handlers``; ``notes`` on who was skipped."""

    level: int
    role: str
    owner: Person | None
    handlers: tuple[Person, ...]
    notes: tuple[StaffNote, ...] = ()


@dataclass(frozen=True, slots=True)
class Staffing:
    """Answers "who fills this level?" from the directory, the rules and Jira's inactive accounts.

    ``answers`` is an explicit cache of :meth:`climb`: while nobody in the directory is away the
    answer depends only on (cell, team, level, role), because the rules, the directory and the
    inactive accounts of one Staffing never change. At an instant when someone is away the answer
    is computed every time and not kept. (scripts/bench_core.py: about 5 % of ``decide``.)
    """

    rules: Rules
    directory: Directory
    inactive: frozenset[str]
    answers: dict[tuple[Cell, str | None, int, str], Staff] = field(
        default_factory=dict, compare=False, repr=False
    )

    def climb(
        self, cell: Cell, team: str | None, level: int, role: str, now: datetime | None = None
    ) -> Staff:
        """From (level, role) up: the first level whose owner is active, one step at a time.

        People away at ``now`` (``absences:``) are replaced by their deputies, and a note says so.
        """
        if now is not None and any(a.covers(now) for a in self.directory.absences):
            return self._climb(cell, team, level, role, now)
        key = (cell, team, level, role)
        found = self.answers.get(key)
        if found is None:
            found = self.answers[key] = self._climb(cell, team, level, role, None)
        return found

    def _climb(
        self, cell: Cell, team: str | None, level: int, role: str, now: datetime | None
    ) -> Staff:
        notes: list[StaffNote] = []
        while True:
            staff = self._level(cell, team, level, role, now)
            notes.extend(staff.notes)
            nxt = self.rules.escalates_to(role)
            if staff.owner is not None or nxt is None:
                return Staff(level, role, staff.owner, staff.handlers, tuple(notes))
            notes.append(Vacant(role, nxt))
            level, role = level + 1, nxt

    def _level(
        self, cell: Cell, team: str | None, level: int, owner_role: str, now: datetime | None
    ) -> Staff:
        rules = self.rules
        if level == 0:
            roles: Sequence[str] = cell.handlers
        elif owner_role in rules.top_roles:
            roles = (owner_role, *rules.coordinates_with.get(owner_role, ()))
        else:
            roles = (owner_role,)
        notes: list[StaffNote] = []
        handlers: list[Person] = []
        for role in roles:
            for p in self.directory.people_for(role, team):
                p = self._present(p, role, now, notes)
                if p.account_id in self.inactive:
                    notes.append(Inactive(p, role))
                elif p not in handlers:
                    handlers.append(p)
        owners = [
            self._present(p, owner_role, now, None)
            for p in self.directory.people_for(owner_role, team)
        ]
        owners = self.active(owners)
        owner = owners[0] if owners else None
        if owner is not None:
            handlers = [owner, *[h for h in handlers if h != owner]]
        return Staff(level, owner_role, owner, tuple(handlers), tuple(notes))

    def _present(
        self, person: Person, role: str, now: datetime | None, notes: list[StaffNote] | None
    ) -> Person:
        """``person``, or their deputy while they are away at ``now`` (noted once in ``notes``)."""
        if now is None:
            return person
        deputy, absence = self.directory.stand_in(person, now)
        if absence is not None and notes is not None:
            notes.append(Away(person, role, deputy, absence.end))
        return deputy

    def active(self, people: Sequence[Person]) -> list[Person]:
        return [p for p in people if p.account_id not in self.inactive]

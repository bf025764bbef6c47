"""Who holds each role: the ``people:``, ``roles:`` and ``teams:`` sections of config.yaml.

Read in the order the file reads, one method per section, then two checks across sections:
which watched projects the teams cover, and whether every role the rules ask for has a person
wherever it can be asked for. Problems go to the :class:`Reader`; nothing here raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from worker.config import formats
from worker.config.errors import PathKey
from worker.config.fields import Reader, one_of
from worker.config.rules_load import RulesParts
from worker.core.directory import Directory, Person, Team
from worker.core.rules import Role

PERSON_KEYS = ("account_id", "name", "email", "phone", "slack")
TEAM_KEYS = ("name", "projects", "components", "slack_channel", "calendar")


def read_directory(
    r: Reader, parts: RulesParts | None, top: dict[str, Any], jira_projects: Sequence[str]
) -> Directory:
    """The directory of people, global roles and teams (partial when problems were reported)."""
    return _DirectoryLoader(r, parts).load(top, jira_projects)


class _DirectoryLoader:
    def __init__(self, r: Reader, parts: RulesParts | None) -> None:
        self.r = r
        self.parts = parts
        self.roles_file = parts.file("roles.yaml") if parts else Path("rules/roles.yaml")
        self.all_roles: dict[str, Role] = parts.roles if parts else {}
        self.declared_roles = parts.declared_roles if parts else None
        self.people_section: dict[str, Any] | None = None
        self.raw_roles: dict[str, Any] = {}
        self.raw_teams: dict[str, Any] = {}

    def load(self, top: dict[str, Any], jira_projects: Sequence[str]) -> Directory:
        people = self.people(top)
        global_roles = self.global_roles(top)
        teams, in_scope = self.teams(top, jira_projects)
        self.coverage(teams, jira_projects)
        self.staffing(global_roles, in_scope)
        return Directory(people=people, global_roles=global_roles, teams=teams)

    # -- people: ------------------------------------------------------------------------------
    def people(self, top: dict[str, Any]) -> dict[str, Person]:
        r = self.r
        self.people_section = r.section(
            ("people",), r.get(top, (), "people", "map", required=True), None
        )
        people: dict[str, Person] = {}
        accounts: dict[str, str] = {}
        for handle, body in (self.people_section or {}).items():
            path = ("people", handle)
            person = self.person(path, handle, r.section(path, body, PERSON_KEYS))
            if person is None:
                continue
            if person.account_id in accounts:
                r.issue(
                    (*path, "account_id"),
                    f"accountId '{person.account_id}' is already used by "
                    f"'{accounts[person.account_id]}'.",
                    "give each person their own Atlassian accountId (one entry per person)",
                )
                continue
            accounts[person.account_id] = handle
            people[handle] = person
        return people

    def person(self, path: PathKey, handle: str, body: dict[str, Any] | None) -> Person | None:
        r = self.r
        if body is None:
            return None
        account = r.get(
            body,
            path,
            "account_id",
            "str",
            required=True,
            fix="add account_id: the person's Atlassian accountId, in quotes",
        )
        name = r.get(body, path, "name", "str", required=True)
        email = r.get(body, path, "email", "str")
        if not r.shaped((*path, "email"), email, formats.email):
            email = None
        phone = r.get(
            body, path, "phone", "str", fix='write the number in quotes, e.g. "+33600000001"'
        )
        if not r.shaped((*path, "phone"), phone, formats.phone):
            phone = None
        slack = r.get(body, path, "slack", "str")
        if not r.shaped((*path, "slack"), slack, formats.slack_member):
            slack = None
        if account is None or name is None:
            return None
        return Person(handle, account, name, email, phone, slack)

    def handles(self, path: PathKey, value: Any) -> tuple[str, ...]:
        """The person handles a role names: one handle or a list of them, each defined."""
        r = self.r
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            r.wrong_type(
                path, value, "str", "write a person handle from people:, or a list of handles"
            )
            return ()
        if not items:
            r.issue(
                path,
                "the list names nobody.",
                "write the handle of at least one person from people:, or remove the line",
            )
            return ()
        known = self.people_section or {}
        out: list[str] = []
        for i, h in enumerate(items):
            ipath = path if isinstance(value, str) else (*path, i)
            if not r.check(ipath, h, "str"):
                continue
            if h not in known and self.people_section is not None:
                r.issue(
                    ipath,
                    f"unknown person '{h}'.",
                    one_of(h, known, "the handles defined under people:"),
                )
                continue
            out.append(h)
        return tuple(out)

    # -- roles: -------------------------------------------------------------------------------
    def global_roles(self, top: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        r = self.r
        self.raw_roles = r.section(("roles",), r.get(top, (), "roles", "map"), None) or {}
        out: dict[str, tuple[str, ...]] = {}
        for rid, value in self.raw_roles.items():
            path = ("roles", rid)
            role = self.all_roles.get(rid)
            if not r.known_role(path, rid, self.declared_roles, self.roles_file):
                continue
            if role is not None and role.scope == "team":
                r.issue(
                    path,
                    f"'{rid}' is a team role; it is filled per team.",
                    f"move it under each team in teams: (teams.<team>.{rid})",
                    key=True,
                )
                continue
            found = self.handles(path, value)
            if found:
                out[rid] = found
        return out

    # -- teams: -------------------------------------------------------------------------------
    def teams(
        self, top: dict[str, Any], jira_projects: Sequence[str]
    ) -> tuple[dict[str, Team], list[str]]:
        """Every team, and the ids of those in scope (a watched project, or components only)."""
        r = self.r
        self.raw_teams = r.section(("teams",), r.get(top, (), "teams", "map"), None) or {}
        teams: dict[str, Team] = {}
        in_scope: list[str] = []
        whole: dict[str, str] = {}  # project -> the team handling all of it (no components)
        for tid, body in self.raw_teams.items():
            path = ("teams", tid)
            if not r.check(path, body, "map"):
                continue
            members = self.members(path, body)
            name = r.get(body, path, "name", "str", default=tid)
            components = r.str_list(body, path, "components") or []
            projects = self.team_projects(path, tid, body, whole, whole_team=not components)
            channel = r.get(body, path, "slack_channel", "str")
            if not r.shaped((*path, "slack_channel"), channel, formats.slack_channel):
                channel = None
            if not projects and not components:
                r.issue(
                    path,
                    f"team '{tid}' has no projects and no components, so no issue can reach it.",
                    "add projects: [KEY] and/or components: [name]",
                    line=r.doc.missing_line(path),
                )
            if not projects or set(projects) & set(jira_projects):
                in_scope.append(tid)
            teams[tid] = Team(tid, name, tuple(projects), tuple(components), members, channel)
        return teams, in_scope

    def members(self, path: PathKey, body: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        """The team roles a team fills (its other keys are the team's own settings)."""
        r = self.r
        team_roles = [rid for rid, role in self.all_roles.items() if role.scope == "team"]
        members: dict[str, tuple[str, ...]] = {}
        for key, value in body.items():
            if key in TEAM_KEYS:
                continue
            role = self.all_roles.get(key)
            if role is not None and role.scope == "global":
                r.issue(
                    (*path, key),
                    f"'{key}' is a global role; it is filled once for everyone.",
                    f"move it under roles: at the top level (roles.{key})",
                    key=True,
                )
            elif self.declared_roles is not None and key not in self.declared_roles:
                r.unknown_key(
                    (*path, key),
                    key,
                    [*TEAM_KEYS, *team_roles],
                    hint=f"a team holds name, projects, components, slack_channel and the team "
                    f"roles of {self.roles_file}",
                )
            elif role is not None:
                found = self.handles((*path, key), value)
                if found:
                    members[key] = found
        return members

    def team_projects(
        self,
        path: PathKey,
        tid: str,
        body: dict[str, Any],
        whole: dict[str, str],
        *,
        whole_team: bool,
    ) -> list[str]:
        """The team's project keys; a project two teams both take whole is refused."""
        r = self.r
        projects: list[str] = []
        for i, key in enumerate(r.str_list(body, path, "projects") or []):
            ipath = (*path, "projects", i)
            if not r.shaped(ipath, key, formats.project_key):
                continue
            if key in projects:
                r.issue(ipath, f"project {key} is listed twice.", "list it once")
                continue
            if whole_team and key in whole:
                # two teams taking a whole project: the first listed would silently win
                r.issue(
                    ipath,
                    f"project {key} is already handled by team '{whole[key]}'.",
                    "list each project under one team; to share a project between teams, "
                    "give each team the components: it handles",
                )
                continue
            if whole_team:
                whole[key] = tid
            projects.append(key)
        return projects

    # -- across sections ----------------------------------------------------------------------
    def coverage(self, teams: dict[str, Team], jira_projects: Sequence[str]) -> None:
        """Every watched project belongs to a team."""
        covered = {key for team in teams.values() for key in team.projects}
        for i, key in enumerate(jira_projects):
            if key not in covered:
                self.r.issue(
                    ("jira", "projects", i),
                    f"project {key} is not covered by any team.",
                    f"add {key} to the projects: of the team that handles it, under teams:",
                )

    def staffing(self, global_roles: dict[str, tuple[str, ...]], in_scope: list[str]) -> None:
        """Every role the rules need has a person wherever it can be asked for."""
        r, parts = self.r, self.parts
        if parts is None:
            return
        for rid, use in parts.role_uses().items():
            role = self.all_roles.get(rid)
            if role is None:
                continue
            if role.scope == "global":
                if rid not in global_roles and rid not in self.raw_roles:
                    r.issue(
                        ("roles",),
                        f"no person for the global role '{rid}', which {use}.",
                        f"add '{rid}: <person handle>' under roles:",
                        line=r.doc.missing_line(("roles",)),
                    )
                continue
            for tid in in_scope:
                if rid not in self.raw_teams[tid]:
                    r.issue(
                        ("teams", tid),
                        f"team '{tid}' has no person for the role '{rid}', which {use}.",
                        f"add '{rid}: <person handle>' to team '{tid}'",
                        line=r.doc.missing_line(("teams", tid)),
                    )

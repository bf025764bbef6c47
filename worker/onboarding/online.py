"""``check --online``: what only the live site can tell about a configuration.

The offline ``check`` reads files; this asks Jira and Confluence, with the worker's own account,
whether the configuration will work there: every watched project exists and can be browsed, the
account holds the project permissions each of its effects needs, every person of the directory
exists, is active and can be assigned issues of their team's projects, and the matrix page's
space exists. Each problem is one :class:`Finding` (what is wrong and how to fix it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import requests

from worker.config.model import Config
from worker.jira.gateway import JiraGateway
from worker.jira.http import JiraError

# What each effect of the worker needs, in Jira's words (see each operation's documentation).
PERMISSIONS: Mapping[str, str] = {
    "BROWSE_PROJECTS": "read the project's issues",
    "ADD_COMMENTS": "post routing and escalation comments",
    "ASSIGN_ISSUES": "assign the owner",
    "MANAGE_WATCHERS": "add the handlers as watchers",
    "EDIT_ISSUES": "store the escalation record (an issue property)",
}


@dataclass(frozen=True)
class Finding:
    subject: str
    what: str
    fix: str

    def line(self) -> str:
        return f"{self.subject}: {self.what} ==> {self.fix}"


class SpaceLookup(Protocol):
    def space_by_key(self, key: str) -> object: ...


@dataclass(frozen=True)
class OnlineReport:
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]


def check_online(
    gateway: JiraGateway,
    config: Config,
    *,
    wiki: Callable[[], SpaceLookup] | None,
    public_url: str | None = None,
    account_id: str | None = None,
) -> OnlineReport:
    findings: list[Finding] = []
    notes: list[str] = []
    readable = _projects(gateway, config, findings)
    notes.append(f"projects readable: {', '.join(readable) or 'none'}")
    for project in readable:
        _permissions(gateway, project, findings)
    _people(gateway, config, readable, findings)
    if wiki is not None:
        _space(wiki, config, findings, notes)
    if public_url:
        notes.append(_webhook_note(public_url))
    _unstored(gateway, account_id, findings)
    return OnlineReport(tuple(findings), tuple(notes))


def _unstored(gateway: JiraGateway, account_id: str | None, findings: list[Finding]) -> None:
    """Issues whose escalation record Jira refused (noted by the cycles on the worker's account), as
    long as the issue still holds the record it held then."""
    from worker.cycle.unstored import fix_for, still_unstored

    if account_id is None:
        account_id = str(gateway.myself().get("accountId") or "") or None
    for issue, entry in still_unstored(gateway, account_id):
        findings.append(
            Finding(
                f"issue {issue}",
                f"its escalation record could not be stored (since {entry['at']}): {entry['error']}",
                fix_for(entry["error"]),
            )
        )


def _projects(gateway: JiraGateway, config: Config, findings: list[Finding]) -> list[str]:
    readable = []
    for key in config.jira.projects:
        try:
            exists = gateway.project_exists(key)
        except JiraError as exc:
            if exc.status != 403:
                raise
            findings.append(
                Finding(
                    f"project {key}",
                    "403: the worker account may not browse it",
                    "grant Browse Projects to the worker account in the project's permission "
                    "scheme",
                )
            )
            continue
        if exists:
            readable.append(key)
        else:
            findings.append(
                Finding(
                    f"project {key}",
                    "does not exist, or the worker account cannot see it",
                    "fix jira.projects (and the team's projects) in config.yaml, or grant Browse "
                    "Projects to the worker account",
                )
            )
    return readable


def _permissions(gateway: JiraGateway, project: str, findings: list[Finding]) -> None:
    have = gateway.my_permissions(project, list(PERMISSIONS))
    for key, needed_for in PERMISSIONS.items():
        if not have.get(key):
            findings.append(
                Finding(
                    f"project {project}",
                    f"the worker account lacks {key} (needed to {needed_for})",
                    f"grant {key.replace('_', ' ').title()} to the worker account in {project}'s "
                    "permission scheme",
                )
            )


def _people(
    gateway: JiraGateway, config: Config, readable: Iterable[str], findings: list[Finding]
) -> None:
    d = config.directory
    people = sorted(d.people.values(), key=lambda p: p.handle)
    active = gateway.users_active([p.account_id for p in people])
    usable = set()
    for p in people:
        state = active.get(p.account_id)
        if state is None:
            findings.append(
                Finding(
                    f"person {p.handle} ({p.name})",
                    f"accountId {p.account_id} does not exist on this site",
                    "copy the accountId from the person's Jira profile URL (…/people/<accountId>)",
                )
            )
        elif not state:
            findings.append(
                Finding(
                    f"person {p.handle} ({p.name})",
                    "the Atlassian account is deactivated",
                    "give their roles to someone active in config.yaml",
                )
            )
        else:
            usable.add(p.handle)
    readable_set = set(readable)
    globals_ = {h for handles in d.global_roles.values() for h in handles}
    for team in d.teams.values():
        members = {h for handles in team.members.values() for h in handles} | globals_
        for project in team.projects:
            if project not in readable_set:
                continue
            for handle in sorted(members & usable):
                person = d.people[handle]
                if not gateway.assignable(project, person.account_id):
                    findings.append(
                        Finding(
                            f"person {handle} ({person.name})",
                            f"cannot be assigned issues of {project} (team {team.id})",
                            f"grant them the Assignable User permission in {project}, or use "
                            "assignment: keep_assignee for the severities they own",
                        )
                    )


def _space(
    wiki: Callable[[], SpaceLookup], config: Config, findings: list[Finding], notes: list[str]
) -> None:
    from worker.confluence.client import ConfluenceAuthError, ConfluenceError, ConfluenceNotFound

    key = config.confluence.space
    if not key:
        notes.append("Confluence: no space configured, the matrix page is not published")
        return
    try:
        wiki().space_by_key(key)
    except ConfluenceNotFound:
        findings.append(
            Finding(
                f"Confluence space {key}",
                "does not exist, or the worker account cannot see it",
                "fix confluence.space in config.yaml, or give the worker account access",
            )
        )
    except ConfluenceAuthError:
        findings.append(
            Finding(
                f"Confluence space {key}",
                "Confluence refused the worker's credentials",
                "give the worker account Confluence access on this site",
            )
        )
    except ConfluenceError as exc:
        findings.append(Finding(f"Confluence space {key}", str(exc), "try again later"))
    else:
        notes.append(f"Confluence space {key}: found")


def _webhook_note(public_url: str) -> str:
    """What the running web process says about Jira webhook deliveries (informational)."""
    url = public_url.rstrip("/") + "/healthz"
    try:
        resp = requests.get(url, timeout=5)
        stats = resp.json().get("jira_webhooks") if resp.ok else None
    except (requests.RequestException, ValueError):
        return f"web process at {public_url}: not reachable, so webhook deliveries are unknown"
    if not isinstance(stats, Mapping):
        return f"web process at {public_url}: answered without webhook figures"
    return f"Jira webhooks seen by {public_url}: {json.dumps(dict(stats), sort_keys=True)}"

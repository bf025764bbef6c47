"""Seed a sandbox site with the organisation a configuration describes: people, projects, a worker user."""

from __future__ import annotations

from dataclasses import dataclass

from worker.config.model import Config
from worker.sandbox.jira import JiraSite

WORKER_ACCOUNT = "sandbox-worker"
WORKER_EMAIL = "worker@sandbox.invalid"


@dataclass(frozen=True)
class WorkerLogin:
    account_id: str
    email: str
    token: str

    def environ(self, url: str) -> dict[str, str]:
        return {"JIRA_URL": url, "JIRA_EMAIL": self.email, "JIRA_API_TOKEN": self.token}


def seed_organisation(
    site: JiraSite, config: Config, *, token: str = "sandbox-token"
) -> WorkerLogin:
    """Every person of the directory as an active user, every project in scope, and the worker's login."""
    groups: tuple[str, ...] = ()
    vis = config.jira.people_issue_visibility
    if vis is not None and vis.type == "group":
        groups = (vis.value,)  # the worker must be able to read back its restricted comments
    site.add_user(
        WORKER_ACCOUNT, "Escalation Worker", email=WORKER_EMAIL, api_token=token, groups=groups
    )
    for person in config.directory.people.values():
        site.add_user(person.account_id, person.name, email=person.email)
    components: dict[str, list[str]] = {}
    for team in config.directory.teams.values():
        for project in team.projects:
            components.setdefault(project, []).extend(team.components)
    for project in config.jira.projects:
        site.add_project(
            project, project.title(), components=sorted(set(components.get(project, [])))
        )
    return WorkerLogin(WORKER_ACCOUNT, WORKER_EMAIL, token)

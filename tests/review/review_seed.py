"""The sample month (:mod:`worker.sandbox.sample_month`) served over HTTP for the tests, with Confluence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from worker.config.model import Config
from worker.sandbox.clock import SandboxClock
from worker.sandbox.confluence import ConfluenceSite
from worker.sandbox.jira import JiraSite
from worker.sandbox.organisation import WORKER_ACCOUNT, WORKER_EMAIL, WorkerLogin
from worker.sandbox.sample_month import (
    COUNTERPART_FIELD,
    DECISION_FIELD,
    NOW,
    SPECS,
    Spec,
    record_for,
    seed_site,
)
from worker.sandbox.server import SandboxServer


@dataclass
class Seeded:
    config: Config
    site: JiraSite
    wiki: ConfluenceSite
    server: SandboxServer
    login: WorkerLogin
    keys: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {
            **self.login.environ(self.server.url),
            "ESCALATION_WORKER_NOW": NOW.isoformat(),
            "ESCALATION_WORKER_CONFIG": str(self.config.path),
        }

    def key(self, name: str) -> str:
        return self.keys[name]


def seed_month(config: Config) -> Iterator[Seeded]:
    site = JiraSite(SandboxClock(NOW))
    site.strict_contract = True
    keys = seed_site(site, config)
    wiki = ConfluenceSite(site.clock)
    wiki.add_space("PROD", "Product")
    with SandboxServer(site, wiki) as server:
        yield Seeded(
            config,
            site,
            wiki,
            server,
            WorkerLogin(WORKER_ACCOUNT, WORKER_EMAIL, "sandbox-token"),
            keys,
        )


__all__ = [
    "COUNTERPART_FIELD",
    "DECISION_FIELD",
    "NOW",
    "SPECS",
    "Seeded",
    "Spec",
    "record_for",
    "seed_month",
]

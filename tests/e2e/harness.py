"""A sandbox site on 127.0.0.1 plus the real worker wired to it over HTTP, on a controlled clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from worker.app import build_cycle, connection
from worker.config.model import Config
from worker.cycle.apply import Notifier
from worker.cycle.cycle import Cycle, CycleReport, Memory
from worker.jira.http import RetryPolicy
from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.organisation import WorkerLogin, seed_organisation
from worker.sandbox.server import SandboxServer

REPORTER = "reporter-0000000000000001"
FULL_DESCRIPTION = (
    "What happened: checkout fails for 10% of carts. Tried: rolled back the last deploy. "
    "We recommend pausing the promo. We need a go from you."
)


@dataclass
class World:
    config: Config
    site: JiraSite
    server: SandboxServer
    login: WorkerLogin
    sleeps: list[float] = field(default_factory=list)
    settles: list[float] = field(default_factory=list)  # a cycle's waits for another process
    throttled: list[float] = field(default_factory=list)  # the client rate limiter's waits

    @property
    def clock(self) -> SandboxClock:
        return self.site.clock

    def env(self) -> dict[str, str]:
        return self.login.environ(self.server.url)

    def cycle(
        self, memory: Memory | None = None, notifier: Notifier | None = None, **kw: Any
    ) -> Cycle:
        conn = connection(self.config, self.env())
        policy = kw.pop(
            "policy", RetryPolicy(max_attempts=6, max_wait=30, max_total=120, base=0.01)
        )
        return build_cycle(
            self.config,
            conn,
            now=self.clock.now,
            memory=memory,
            notifier=notifier,
            sleep=self.sleeps.append,
            policy=policy,
            **kw,
        )

    def tick(self, **kw: Any) -> CycleReport:
        """A fresh process: empty memory, one full cycle (like cron's ``tick``)."""
        return self.cycle(**kw).run()

    def issue(
        self,
        summary: str = "Checkout fails",
        *,
        labels: tuple[str, ...] = ("escalation-S3", "escalation-type-scope"),
        project: str = "SHOP",
        at: datetime | None = None,
        description: str = FULL_DESCRIPTION,
        **kw: Any,
    ) -> str:
        """A reporter files an issue, then applies the labels (the clock starts at the label)."""
        when = at or self.clock.now()
        key = self.site.create_issue(
            project, summary, reporter=REPORTER, description=description, at=when, **kw
        )
        if labels:
            self.site.add_labels(key, *labels, by=REPORTER, at=when)
        return key

    def comment_texts(self, key: str) -> list[str]:
        return [c.text for c in self.comments(key)]

    def comments(self, key: str) -> list[Any]:
        from worker.jira.adf import to_text

        out = []
        for c in self.site.comments(key):
            out.append(_C(c, to_text(c.body)))
        return out

    def worker_comments(self, key: str) -> list[Any]:
        return [c for c in self.comments(key) if c.author == self.login.account_id]

    def record(self, key: str) -> Any:
        return self.site.property(key, self.config.jira.property_key)


@dataclass
class _C:
    raw: Any
    text: str

    @property
    def author(self) -> str:
        return self.raw.author

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def start_world(config: Config, start: datetime) -> Iterator[World]:
    clock = SandboxClock(start)
    site = JiraSite(clock)
    site.strict_contract = True
    login = seed_organisation(site, config)
    site.add_user(REPORTER, "Rita Reporter", email="rita@example.com")
    with SandboxServer(site) as server:
        yield World(config, site, server, login)
    # every request the worker sent, and every answer, matched Atlassian's OpenAPI document
    assert not site.contract_violations, site.contract_violations

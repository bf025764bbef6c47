"""Shared pieces of the first-day tests: a notifier that records, mentions read from ADF."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from tests.e2e.harness import World
from worker.config.model import AdoptionSettings, Config, StormSettings
from worker.core.actions import Notify
from worker.core.delivery import OutboxEntry

KINDS = ("scope", "incident", "stakeholder", "people")
SEVERITIES = ("S2", "S3", "S3", "S4")


class RecordingNotifier:
    """Takes every notification the cycle sends (the channels themselves are tested elsewhere)."""

    def __init__(self) -> None:
        self.sent: list[Notify] = []

    def start_cycle(self) -> None:
        pass

    def deliver(
        self,
        action: Notify,
        entries: Sequence[OutboxEntry],
        persist: Callable[[list[OutboxEntry]], None],
    ) -> list[OutboxEntry]:
        self.sent.append(action)
        return list(entries)

    def per_person(self, event: str | None = None) -> Counter[str]:
        return Counter(
            r for n in self.sent if event is None or n.event == event for r in n.recipients
        )


def configured(
    config: Config, *, since: datetime | None = None, adopt: bool = True, limit: int = 10
) -> Config:
    return replace(
        config,
        adoption=AdoptionSettings(enabled=adopt, since=since),
        storm=StormSettings(max_per_person=limit, window=timedelta(minutes=10)),
    )


def seed(world: World, count: int, *, start: datetime, step: timedelta) -> list[str]:
    """``count`` escalations of every kind and severity, labelled one ``step`` apart from ``start``."""
    keys = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        project = "PEOPLE" if kind == "people" else ("PAY" if i % 3 == 0 else "SHOP")
        sev = SEVERITIES[(i // len(KINDS)) % len(SEVERITIES)]
        labels = (f"escalation-{sev}", f"escalation-type-{kind}")
        keys.append(
            world.issue(f"Old escalation {i}", labels=labels, project=project, at=start + i * step)
        )
    return keys


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for child in node.get("content") or ():
            yield from _walk(child)


def mentions(world: World) -> Counter[str]:
    """@mentions of each person in every comment the worker posted on the site."""
    out: Counter[str] = Counter()
    all_keys = world.site.keys  # the site's issue keys (JiraSite is not a mapping)
    for issue_key in all_keys():
        for c in world.site.comments(issue_key):
            if c.author != world.login.account_id:
                continue
            for node in _walk(c.body):
                if node.get("type") == "mention":
                    out[node["attrs"]["id"]] += 1
    return out


def writes(world: World, kind: str) -> int:
    """Requests of one kind the worker sent: 'comment' (POST comment) or 'assign' (PUT assignee)."""
    suffix = {"comment": "/comment", "assign": "/assignee"}[kind]
    method = {"comment": "POST", "assign": "PUT"}[kind]
    return sum(
        1
        for r in world.site.request_log
        if r.method == method and r.path.endswith(suffix) and r.status < 300
    )

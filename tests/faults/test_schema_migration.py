"""Records written by the deployed worker (schema 1) are upgraded in place and continued, never
replaced or re-routed (issue 12: "existing records are migrated, never replaced").

The fixtures in ``tests/fixtures/records`` were produced by the worker as it was before the schema
changed (see ``make_schema1.py``): the issue is rebuilt as that worker left it -- assignee, watchers,
its comments with their action ids -- and the stored record is put back verbatim.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.harness import World
from tests.faults.faults_support import worker_assignments, worker_comment_ids
from tests.support import paris
from worker.core.record import from_json, to_json
from worker.cycle.notifications import notifier_from_channels
from worker.jira.mapping import COMMENT_PROPERTY
from worker.notify.message import Delivery, Message

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "records"


class Provider:
    def __init__(self, id: str) -> None:
        self.id = id
        self.received: list[str] = []

    def configured(self) -> bool:
        return True

    def send(self, message: Message) -> Delivery:
        self.received.append(message.id)
        return Delivery(self.id, "sent", "ok", tuple(r.account_id for r in message.recipients))


def restore(world: World, name: str, summary: str, labels: tuple[str, ...]) -> dict[str, Any]:
    """The issue as the schema-1 worker left it, with its record stored verbatim."""
    data = json.loads((FIXTURES / name).read_text())
    key = world.issue(summary, labels=labels)
    assert key == data["issue"]["key"]
    start = world.clock.now()
    world.site.set_assignee(key, data["issue"]["assignee"], by=world.login.account_id, at=start)
    for w in data["issue"]["watchers"]:
        world.site.add_watcher(key, w)
    for action_id in data["worker_comment_ids"]:
        world.site.add_comment(
            key,
            world.login.account_id,
            f"(comment {action_id})",
            at=start,
            properties={COMMENT_PROPERTY: {"id": action_id}},
        )
    world.site.set_property(key, world.config.jira.property_key, data["record"], at=start)
    assert data["record"]["schema"] == 1
    return data


def tick(world: World, at: datetime, providers: dict[str, Provider]) -> None:
    world.clock.set(at)
    notifier = notifier_from_channels(
        providers,  # type: ignore[arg-type]
        world.config,
        now=world.clock.now,
    )
    report = world.tick(notifier=notifier)
    assert not report.errors, report.errors


def test_the_schema_1_fixtures_read_and_upgrade_without_loss() -> None:
    for path in sorted(FIXTURES.glob("schema1_*.json")):
        stored = json.loads(path.read_text())["record"]
        rec = from_json(stored)
        assert rec.schema == 2 and rec.history == () and rec.timeline_parts == 0
        again = to_json(rec)
        for name in stored:
            if name != "schema":
                assert again[name] == stored[name], name  # every schema-1 field carried over as is


def test_an_escalated_s1_record_is_continued_not_rerouted(world: World) -> None:
    data = restore(
        world,
        "schema1_s1_escalated.json",
        "Payments down",
        ("escalation-S1", "escalation-type-incident"),
    )
    key, old = data["issue"]["key"], data["record"]
    providers = {c: Provider(c) for c in ("phone", "slack_channel", "sms")}
    tick(world, paris(2026, 3, 2, 9, 20), providers)

    rec = world.record(key)
    assert rec["schema"] == 3  # upgraded in place, in the same property
    for name in ("epoch", "revision", "level", "owner", "opened_at", "level_started_at"):
        assert rec[name] == old[name], name
    assert set(old["done"]) <= set(rec["done"])
    assert rec["timeline"][: len(old["timeline"])] == old["timeline"]
    assert worker_comment_ids(world, key) == data["worker_comment_ids"]  # nothing re-posted
    assert worker_assignments(world, key) == [old["owner"]]  # only the restore's assignment
    # the Slack channel that had failed for the schema-1 worker is retried, nothing else is sent
    assert providers["slack_channel"].received == [
        "SHOP-1#1.0:notify:route:L0",
        "SHOP-1#1.0:notify:remind:L0:1",
    ]
    assert providers["phone"].received == [] and providers["sms"].received == []
    kept = {(e["message_id"], e["channel"]) for e in old["outbox"]}
    assert kept <= {(e["message_id"], e["channel"]) for e in rec["outbox"]}

    # the escalation goes on where it was: the next reminder, once
    tick(world, paris(2026, 3, 2, 9, 32), providers)
    ids = worker_comment_ids(world, key)
    assert ids == [*data["worker_comment_ids"], "SHOP-1#1.0:comment:remind:L0:2"]
    assert Counter(providers["phone"].received) == Counter({"SHOP-1#1.0:notify:remind:L0:2": 1})
    assert world.record(key)["epoch"] == 1


def test_a_schema_1_record_left_mid_send_is_settled_not_rerouted(world: World) -> None:
    data = restore(
        world,
        "schema1_s2_crashed_mid_send.json",
        "Partner unhappy",
        ("escalation-S2", "escalation-type-stakeholder"),
    )
    key, old = data["issue"]["key"], data["record"]
    providers = {c: Provider(c) for c in ("slack_dm", "email")}
    tick(world, paris(2026, 3, 2, 9, 3), providers)

    rec = world.record(key)
    # the old worker died during its first routing: what it stored was the claim on an empty record
    assert old["epoch"] == 0 and old["status"] == "invalid"
    assert rec["schema"] == 3 and rec["epoch"] == 1 and rec["pending"] == []
    assert worker_comment_ids(world, key) == ["SHOP-1#1.0:comment:routed:L0"]
    assert worker_assignments(world, key) == [data["issue"]["assignee"]]
    # the Slack DM may have gone out before the crash: abandoned, not re-sent; email used instead
    status = {e["channel"]: e["status"] for e in rec["outbox"]}
    assert status == {"slack_dm": "abandoned", "email": "sent"}
    assert providers["slack_dm"].received == [] and providers["email"].received == [
        "SHOP-1#1.0:notify:route:L0"
    ]
    (event,) = [e for e in rec["timeline"] if e["kind"] == "abandoned"]
    assert "slack_dm" in event["detail"] and "email sent" in event["detail"]
    assert {p for p in old["pending"] if ":assign:" not in p} <= set(rec["done"])
    world.clock.advance(timedelta(minutes=1))
    tick(world, world.clock.now(), providers)
    assert worker_comment_ids(world, key) == ["SHOP-1#1.0:comment:routed:L0"]
    assert providers["email"].received == ["SHOP-1#1.0:notify:route:L0"]

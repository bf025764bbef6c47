"""The weekly digest: grouping by PO, ordering, privacy, and sending through the sandbox."""

from __future__ import annotations

from collections.abc import Generator
from datetime import timedelta

from tests.e2e.harness import World, start_world
from tests.support import PD, paris
from tests.support import PO as PO  # re-exported: tests/i18n/test_digest_language.py imports it
from worker.config.model import Config
from worker.core.record import LevelState, Record
from worker.notify.digest import build_digests, read_open, send
from worker.notify.message import Delivery, Message

SARAH = "5b10a2844c20165700ede224"  # PO of payments


def rec(
    severity: str,
    team: str,
    kind: str = "scope_disagreement",
    *,
    status: str = "open",
    due_h: int = 4,
) -> Record:
    start = paris(2026, 3, 2, 9, 0)
    return Record(
        epoch=1,
        status=status,
        severity=severity,
        type=kind,
        team=team,
        current=LevelState(owner=PO, ack_due=start + timedelta(hours=due_h)),
        opened_at=start,
        resolve_due=start + timedelta(days=due_h),
    )


def test_digest_groups_by_po_and_keeps_only_open_s3_s4(example_config: Config) -> None:
    now = paris(2026, 3, 9, 9, 0)
    msgs = build_digests(
        example_config,
        [
            ("SHOP-2", "Later one", rec("S3", "checkout", due_h=10)),
            ("SHOP-1", "Sooner one", rec("S4", "checkout", due_h=2)),
            ("SHOP-3", "Major", rec("S2", "checkout")),
            ("SHOP-4", "Closed", rec("S3", "checkout", status="closed")),
            ("PAY-1", "Payments thing", rec("S3", "payments")),
            ("PEOPLE-1", "Alice and Bob clash", rec("S4", "payments", kind="people_issue")),
        ],
        now,
    )
    by_recipient = {m.recipients[0].account_id: m for m in msgs}
    assert set(by_recipient) == {PO, SARAH}
    emma = by_recipient[PO].text.splitlines()
    assert [line.split()[1] for line in emma[1:]] == [
        "SHOP-1",
        "SHOP-2",
    ]  # soonest resolve deadline first
    assert "2026-W11" in by_recipient[PO].title
    sarah = by_recipient[SARAH]
    assert "PEOPLE-1 [S4] (confidential)" in sarah.text and "Alice" not in sarah.text
    assert sarah.sensitive


class Recording:
    def __init__(self, cid: str, ok: bool = True) -> None:
        self.id, self.ok = cid, ok
        self.sent: list[Message] = []

    def configured(self) -> bool:
        return True

    def send(self, message: Message) -> Delivery:
        self.sent.append(message)
        reached = tuple(r.account_id for r in message.recipients) if self.ok else ()
        return Delivery(self.id, "sent" if self.ok else "failed", "", reached)


def test_digest_reads_jira_and_falls_back_to_email(example_config: Config) -> None:
    gen = start_world(example_config, paris(2026, 3, 2, 9, 0))
    assert isinstance(gen, Generator)  # closed below, which runs the world's teardown
    world: World = next(gen)
    try:
        world.issue("Scope fight", labels=("escalation-S3", "escalation-type-scope"))
        world.issue(
            "Typo on the pricing page", labels=("escalation-S4", "escalation-type-stakeholder")
        )
        world.issue("Outage", labels=("escalation-S1", "escalation-type-incident"))
        world.tick()
        cycle = world.cycle()
        items = read_open(cycle.gateway, example_config)
        assert sorted(k for k, _, _ in items) == ["SHOP-1", "SHOP-2"]
        msgs = build_digests(example_config, items, world.clock.now())
        slack, email = Recording("slack_dm", ok=False), Recording("email")
        results = send(msgs, {"slack_dm": slack, "email": email}, world.clock.now())
        assert len(slack.sent) == 1 and len(email.sent) == 1
        assert email.sent[0].recipients[0].account_id == PO
        assert results[0][1] == ["slack_dm:failed", "email:sent"]
        assert PD not in {r.account_id for m in msgs for r in m.recipients}
    finally:
        gen.close()

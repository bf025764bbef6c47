"""Outbox planning and the dispatcher: at-most-once, retries, backups, rate limits, unconfigured channels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from structlog.testing import capture_logs

from tests.notify.notify_builders import ALICE, BOB, Clock, Crash, FakeChannel, message
from worker.notify.message import Delivery
from worker.notify.outbox import (
    Dispatcher,
    OutboxEntry,
    dump_entries,
    entries_for,
    load_entries,
    plan_sends,
)

MID = "SHOP-12/1/escalate/L1"
AT = "2024-03-04T03:00:00+00:00"


def entry(channel: str, status: str, attempts: int = 1, **kw: object) -> OutboxEntry:
    return OutboxEntry(MID, channel, status, attempts, AT, **kw)  # type: ignore[arg-type]


class Store:
    """Stands for the issue's state property: what record_intent persisted last."""

    def __init__(self) -> None:
        self.saved: list[list[OutboxEntry]] = []

    def __call__(self, entries: list[OutboxEntry]) -> None:
        self.saved.append(list(entries))

    @property
    def last(self) -> list[OutboxEntry]:
        return self.saved[-1]


# ---- plan_sends (pure) -----------------------------------------------------------------------


def test_fresh_message_plans_every_primary_and_no_backup() -> None:
    assert plan_sends(MID, ["phone", "slack_channel"], ["sms"], []) == [
        ("phone", None),
        ("slack_channel", None),
    ]


def test_final_statuses_are_never_sent_again() -> None:
    entries = [
        entry("phone", "sent"),
        entry("slack_channel", "skipped"),
        entry("email", "abandoned"),
    ]
    assert plan_sends(MID, ["phone", "slack_channel", "email"], [], entries) == []


def test_intent_without_outcome_is_not_resent_but_calls_for_the_backup() -> None:
    plan = plan_sends(MID, ["phone"], ["sms"], [entry("phone", "intent")])
    assert plan == [("sms", "phone")]


def test_failed_is_retried_below_the_limit_and_the_backup_joins_in() -> None:
    plan = plan_sends(
        MID, ["phone"], ["sms"], [entry("phone", "failed", attempts=2)], max_attempts=3
    )
    assert plan == [("phone", None), ("sms", "phone")]
    assert (
        plan_sends(MID, ["phone"], [], [entry("phone", "failed", attempts=3)], max_attempts=3) == []
    )


def test_backup_is_used_once_and_retried_only_when_it_failed() -> None:
    used = [entry("phone", "failed"), entry("sms", "sent", backup_for="phone")]
    assert plan_sends(MID, ["phone"], ["sms"], used) == [("phone", None)]
    failed_backup = [entry("phone", "abandoned", 3), entry("sms", "failed", backup_for="phone")]
    assert plan_sends(MID, ["phone"], ["sms"], failed_backup) == [("sms", "phone")]


def test_no_backup_while_primaries_succeed_or_are_untried() -> None:
    assert plan_sends(MID, ["slack_dm"], ["email"], [entry("slack_dm", "sent")]) == []


def test_entries_of_other_messages_do_not_count() -> None:
    other = OutboxEntry("SHOP-12/1/escalate/L2", "phone", "sent", 1, AT)
    assert plan_sends(MID, ["phone"], [], [other]) == [("phone", None)]


def test_retry_waits_for_retry_at_when_now_is_given() -> None:
    waiting = [entry("slack_dm", "failed", retry_at="2024-03-04T03:00:30+00:00")]
    early = datetime(2024, 3, 4, 3, 0, 10, tzinfo=UTC)
    late = datetime(2024, 3, 4, 3, 0, 31, tzinfo=UTC)
    assert plan_sends(MID, ["slack_dm"], [], waiting, now=early) == []
    assert plan_sends(MID, ["slack_dm"], [], waiting, now=late) == [("slack_dm", None)]


def test_a_channel_named_twice_is_planned_once() -> None:
    assert plan_sends(MID, ["jira", "jira"], ["jira"], []) == [("jira", None)]


_statuses = st.sampled_from(["intent", "sent", "failed", "skipped", "abandoned"])


@given(
    st.lists(
        st.builds(
            OutboxEntry,
            message_id=st.sampled_from([MID, "other"]),
            channel=st.sampled_from(["phone", "sms", "email", "slack_dm"]),
            status=_statuses,
            attempts=st.integers(0, 5),
            last_at=st.just(AT),
            detail=st.text(max_size=5),
            backup_for=st.none() | st.just("phone"),
            reached=st.lists(st.text(max_size=3), max_size=2).map(tuple),
            retry_at=st.none() | st.just(AT),
        ),
        max_size=6,
    )
)
def test_json_round_trip_and_plan_invariants(entries: list[OutboxEntry]) -> None:
    assert load_entries(dump_entries(entries)) == entries
    plan = plan_sends(MID, ["phone", "slack_dm"], ["sms", "email"], entries, max_attempts=3)
    current = entries_for(MID, entries)
    for channel, _ in plan:
        previous = current.get(channel)
        # Only untried channels, or failures under the limit, are ever planned.
        assert previous is None or (previous.status == "failed" and previous.attempts < 3)
    assert len({c for c, _ in plan}) == len(plan)


def test_from_json_rejects_unknown_status() -> None:
    with pytest.raises(ValueError, match="unknown outbox status"):
        OutboxEntry.from_json(
            {"message_id": MID, "channel": "sms", "status": "maybe", "attempts": 1, "last_at": AT}
        )


# ---- Dispatcher (shell over fakes) -----------------------------------------------------------


def test_intent_is_recorded_before_the_send() -> None:
    store = Store()
    seen_at_send: list[list[str]] = []

    class Peeking(FakeChannel):
        def send(self, msg):  # type: ignore[no-untyped-def]
            seen_at_send.append([e.status for e in store.last if e.channel == self.id])
            return super().send(msg)

    dispatcher = Dispatcher({"phone": Peeking("phone")}, now=Clock(), warned=set())
    result = dispatcher.deliver(message(), ["phone"], [], [], store)
    assert seen_at_send == [["intent"]]
    assert [(e.channel, e.status, e.attempts) for e in result] == [("phone", "sent", 1)]
    assert result[0].reached == (ALICE.account_id, BOB.account_id)


def test_primary_down_uses_backup_once_and_retries_primary_up_to_the_limit() -> None:
    phone, sms = FakeChannel("phone", ["failed"]), FakeChannel("sms")
    clock, store = Clock(), Store()
    dispatcher = Dispatcher({"phone": phone, "sms": sms}, now=clock, max_attempts=3, warned=set())
    entries: list[OutboxEntry] = []
    for _ in range(5):  # five cycles
        entries = dispatcher.deliver(message(), ["phone"], ["sms"], entries, store)
        clock.advance(60)
    assert len(phone.sent) == 3  # first try + two retries, then abandoned
    assert len(sms.sent) == 1
    by = entries_for(MID, entries)
    assert (by["phone"].status, by["phone"].attempts) == ("abandoned", 3)
    assert by["phone"].detail.startswith("gave up after 3 attempts")
    assert (by["sms"].status, by["sms"].backup_for) == ("sent", "phone")


def test_crash_between_send_and_record_never_sends_twice() -> None:
    phone, sms = FakeChannel("phone", [Crash()]), FakeChannel("sms")
    store, clock = Store(), Clock()
    dispatcher = Dispatcher({"phone": phone, "sms": sms}, now=clock, warned=set())
    with pytest.raises(Crash):
        dispatcher.deliver(message(), ["phone"], ["sms"], [], store)
    persisted = store.last  # all that survived the crash
    assert [e.status for e in persisted] == ["intent"]

    phone.script = ["sent"]  # even if the provider works now...
    clock.advance(60)
    entries = dispatcher.deliver(message(), ["phone"], ["sms"], persisted, store)
    entries = dispatcher.deliver(message(), ["phone"], ["sms"], entries, store)
    assert len(phone.sent) == 1  # ...nobody is called a second time
    by = entries_for(MID, entries)
    assert by["phone"].status == "abandoned" and "outcome unknown" in by["phone"].detail
    assert len(sms.sent) == 1 and by["sms"].status == "sent"


def test_rate_limit_is_not_retried_in_the_same_call_and_waits_for_retry_after() -> None:
    limited = Delivery("slack_dm", "failed", "ratelimited", retry_after=30.0)
    dm = FakeChannel("slack_dm", [limited, "sent"])
    clock = Clock()
    dispatcher = Dispatcher({"slack_dm": dm}, now=clock, warned=set())
    entries = dispatcher.deliver(message(), ["slack_dm"], [], [], Store())
    assert len(dm.sent) == 1
    assert entries[0].status == "failed"
    assert entries[0].retry_at == "2024-03-04T03:00:30+00:00"

    clock.advance(10)
    entries = dispatcher.deliver(message(), ["slack_dm"], [], entries, Store())
    assert len(dm.sent) == 1  # still inside Retry-After
    clock.advance(25)
    entries = dispatcher.deliver(message(), ["slack_dm"], [], entries, Store())
    assert len(dm.sent) == 2 and entries[0].status == "sent" and entries[0].attempts == 2


def test_unconfigured_channel_is_skipped_with_one_warning_and_backup_is_used() -> None:
    phone = FakeChannel("phone", is_configured=False)
    sms = FakeChannel("sms")
    warned: set[str] = set()
    dispatcher = Dispatcher({"phone": phone, "sms": sms}, now=Clock(), warned=warned)
    with capture_logs() as logs:
        first = dispatcher.deliver(message(), ["phone"], ["sms"], [], Store())
        dispatcher.deliver(message(id="SHOP-13/1/escalate/L1"), ["phone"], ["sms"], [], Store())
    warnings = [log for log in logs if log["event"] == "notify.channel_not_configured"]
    assert warnings == [
        {"event": "notify.channel_not_configured", "channel": "phone", "log_level": "warning"}
    ]
    assert phone.sent == []
    by = entries_for(MID, first)
    assert (by["phone"].status, by["phone"].detail) == ("skipped", "not configured")
    assert (by["sms"].status, by["sms"].backup_for) == ("sent", "phone")
    assert len(sms.sent) == 2


def test_unknown_channel_id_is_treated_as_unconfigured() -> None:
    dispatcher = Dispatcher({}, now=Clock(), warned=set())
    entries = dispatcher.deliver(message(), ["carrier_pigeon"], [], [], Store())
    assert [(e.channel, e.status) for e in entries] == [("carrier_pigeon", "skipped")]


def test_a_provider_that_raises_does_not_escape_deliver() -> None:
    broken = FakeChannel("email", [RuntimeError("boom")])
    jira = FakeChannel("jira")
    dispatcher = Dispatcher({"email": broken, "jira": jira}, now=Clock(), warned=set())
    entries = dispatcher.deliver(message(), ["email", "jira"], [], [], Store())
    by = entries_for(MID, entries)
    assert (by["email"].status, by["email"].detail) == ("failed", "provider raised RuntimeError")
    assert by["jira"].status == "sent"


def test_partial_failure_retries_only_the_people_not_reached_and_backs_up_only_them() -> None:
    half = Delivery("phone", "failed", "Bob: HTTP 500", (ALICE.account_id,))
    phone, sms = FakeChannel("phone", [half, "sent"]), FakeChannel("sms")
    dispatcher = Dispatcher({"phone": phone, "sms": sms}, now=Clock(), warned=set())
    entries = dispatcher.deliver(message(), ["phone"], ["sms"], [], Store())
    entries = dispatcher.deliver(message(), ["phone"], ["sms"], entries, Store())
    assert [r.name for r in phone.sent[0].recipients] == ["Alice", "Bob"]
    assert [r.name for r in phone.sent[1].recipients] == ["Bob"]  # Alice is not called twice
    assert [[r.name for r in m.recipients] for m in sms.sent] == [["Bob"]]
    assert entries_for(MID, entries)["phone"].reached == (ALICE.account_id, BOB.account_id)


def test_record_intent_failure_stops_before_any_send() -> None:
    phone = FakeChannel("phone")

    def refuse(entries: list[OutboxEntry]) -> None:
        raise OSError("state property write failed")

    dispatcher = Dispatcher({"phone": phone}, now=Clock(), warned=set())
    with pytest.raises(OSError):
        dispatcher.deliver(message(), ["phone"], [], [], refuse)
    assert phone.sent == []


def test_entries_of_other_messages_are_kept_untouched() -> None:
    other = OutboxEntry("SHOP-9/1/route/L0", "email", "intent", 1, AT)
    dispatcher = Dispatcher({"jira": FakeChannel("jira")}, now=Clock(), warned=set())
    entries = dispatcher.deliver(message(), ["jira"], [], [other], Store())
    assert entries[0] == other

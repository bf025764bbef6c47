"""Two workers at once: the claim slot (create-if-absent, 201/200), read-back, confession, takeover of a
stale claim, leases in Jira's time, and the duplicate comment deleted as the last line.

Every interleaving is forced by the sandbox (requests held or put in order), and time passes by moving
the sandbox's and the workers' clocks: nothing here races real time.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.harness import World
from tests.faults.faults_support import (
    FAST_POLICY,
    CountingChannel,
    make_world,
    running,
    worker_assignments,
    worker_comment_ids,
)
from tests.support import paris
from worker.app import build_cycle, connection
from worker.config.model import Config
from worker.core.decision import Decision
from worker.core.record import Journal, Record
from worker.cycle import apply
from worker.cycle.apply import HOST, Applier, Claim, mark_live, new_claim_token, pid_alive
from worker.cycle.claims import (
    MACHINE,
    claim_live,
    confession,
    digest,
    process_gone,
    read_slot,
    slot_key,
)
from worker.cycle.cycle import Cycle
from worker.cycle.gather import Loaded
from worker.cycle.notifications import notifier_from_channels
from worker.notify.message import Delivery, Message
from worker.sandbox.faults import FaultRule, Hold, Match, Ordering

START = paris(2026, 3, 2, 9, 0)
LEASE = timedelta(minutes=2)


@pytest.fixture(autouse=True)
def shared_slot_for_new_issues(monkeypatch: pytest.MonkeyPatch) -> None:
    """These races are of the shared slot: new issues take it here (records of schema 2 still do
    in production; new issues take claims of one's own, tests/faults/test_claims_own.py)."""
    monkeypatch.setattr(apply, "SHARED_SLOT_FOR_NEW_ISSUES", True)


def worker(
    world: World, channel: CountingChannel, now: Callable[[], datetime] | None = None
) -> Cycle:
    """A worker process: its own HTTP session, claim token and (possibly skewed) host clock."""
    clock = now or world.clock.now
    notifier = notifier_from_channels(
        {"slack_dm": channel}, world.config, now=clock, site_url=world.server.url
    )
    return build_cycle(
        world.config,
        connection(world.config, world.env()),
        now=clock,
        notifier=notifier,
        sleep=world.sleeps.append,
        policy=FAST_POLICY,
    )


def s2(world: World) -> str:
    return world.issue("Partner unhappy", labels=("escalation-S2", "escalation-type-stakeholder"))


def assert_once(world: World, key: str, channel: CountingChannel) -> None:
    """One routing comment, one assignment, each notification sent once, nothing left pending."""
    ids = worker_comment_ids(world, key)
    assert len(ids) == 1, ids
    assert len(worker_assignments(world, key)) == 1, worker_assignments(world, key)
    sent = Counter(channel.sent)
    assert sent and set(sent.values()) == {1}, sent
    rec = world.record(key)
    assert rec is not None and rec["pending"] == [] and ids[0] in rec["done"]
    assert world.site.issue(key).assignee == rec["owner"]


def nothing_done(world: World, key: str, channel: CountingChannel) -> None:
    assert worker_comment_ids(world, key) == []
    assert worker_assignments(world, key) == []
    assert channel.sent == []


def fresh_read() -> Match:
    return Match("GET", r"/issue/SHOP-\d+$", query_contains="fields=summary")


def read_back() -> Match:
    return Match("GET", r"/issue/SHOP-\d+$", query_contains="fields=updated")


def claim_put(token: str) -> Match:
    return Match("PUT", r"/properties/escalation-worker\.claim\.", body_contains=f'"{token}"')


def confession_put() -> Match:
    return Match("PUT", r"/properties/escalation-worker\.claim\.", body_contains='"lost"')


def both(world: World, a: Cycle, b: Cycle) -> None:
    with running(a), running(b):
        pass


# --- the same instant: both read before either claims --------------------------------------------


@contextmanager
def two_workers(
    config: Config,
) -> Iterator[tuple[World, Ordering, str, Cycle, Cycle, CountingChannel]]:
    """A world with one S2 escalation and two workers whose requests an ``Ordering`` can order."""
    channel = CountingChannel()
    order = Ordering(None, [])
    with make_world(config, START, hooks=(order,)) as world:
        order.site = world.site
        key = s2(world)
        yield world, order, key, worker(world, channel), worker(world, channel), channel


def race(world: World, order: Ordering, a: Cycle, b: Cycle, *then: Match) -> None:
    """Both read fresh, A then B write their claim, then ``then`` in that order; both run out."""
    order.steps = [
        fresh_read(),
        fresh_read(),
        claim_put(a.claim_token),
        claim_put(b.claim_token),
        *then,
    ]
    order.taken = [False] * len(order.steps)
    order.done = [threading.Event() for _ in order.steps]
    both(world, a, b)
    assert order.completed


def test_same_instant_the_loser_confesses_and_the_winner_acts(example_config: Config) -> None:
    with two_workers(example_config) as (world, order, key, a, b, channel):
        # both fresh reads first; A creates the slot (201), B replaces it (200) and confesses, A reads back
        race(world, order, a, b, confession_put(), read_back())
        puts = [
            r.status
            for r in world.site.request_log
            if r.method == "PUT" and ".claim." in r.path and r.fault is None
        ]
        assert puts[:2] == [201, 200]  # one creator, one loser
        assert_once(world, key, channel)
        world.tick()
        assert_once(world, key, channel)


def test_same_instant_both_stand_back_then_one_acts_after_the_lease(
    example_config: Config,
) -> None:
    with two_workers(example_config) as (world, order, key, a, b, channel):
        # A reads back (twice) before B's confession: a foreign token, A cannot know it is alone
        race(world, order, a, b, read_back(), read_back(), confession_put())
        nothing_done(world, key, channel)
        # the slot holds a confession: its holder is unknown, so a third worker respects it for the lease
        worker(world, channel).run()
        nothing_done(world, key, channel)
        world.clock.advance(LEASE + timedelta(seconds=1))
        worker(world, channel).run()
        assert_once(world, key, channel)


# --- a claim write stalled 3 s (sandbox time) ----------------------------------------------------


def test_a_claim_write_stalled_for_3_seconds(example_config: Config) -> None:
    channel = CountingChannel()
    hold = Hold(Match("PUT", r"/properties/escalation-worker\.claim\."), times=1)
    with make_world(example_config, START, hooks=(hold,)) as world:
        hold.clock, hold.advance = world.clock, timedelta(seconds=3)
        key = s2(world)
        a, b = worker(world, channel), worker(world, channel)
        with running(a):
            assert hold.wait_arrived()  # A's claim is on the wire, not yet at Jira
            before = world.clock.now()
            b.run()  # B claims (201), reads back and performs everything meanwhile
            assert_once(world, key, channel)
            hold.release()  # A's write lands 3 s later: 200, A leaves the issue
        assert world.clock.now() - before == timedelta(seconds=3)
        assert_once(world, key, channel)
        statuses = [
            r.status for r in world.site.request_log if r.method == "PUT" and ".claim." in r.path
        ]
        # B deleted its slot once the record had moved on, so A's late write creates it again
        # (201) -- and A's read-back finds a record that is not the state it claimed: it stands back
        assert statuses[:2] == [201, 201]
        assert not [k for k in world.site.issue(key).properties if ".claim." in k]


# --- host clocks skewed by five minutes ----------------------------------------------------------


@pytest.mark.parametrize("skew", [timedelta(minutes=5), timedelta(minutes=-5)])
def test_host_clocks_skewed_by_five_minutes(example_config: Config, skew: timedelta) -> None:
    channel = CountingChannel()
    # A's first effect stalls on the wire; B, whose clock is 10 minutes off A's, runs meanwhile
    hold = Hold(Match("PUT", r"/assignee$"), times=1)
    with make_world(example_config, START, hooks=(hold,)) as world:
        key = s2(world)
        world.clock.advance(timedelta(minutes=10))
        a = worker(world, channel, now=world.clock.skewed(-skew))
        b = worker(world, channel, now=world.clock.skewed(skew))
        with running(a):
            assert hold.wait_arrived()
            b.run()  # A's claim is 0 s old in Jira's time, whatever B's clock says
            assert worker_comment_ids(world, key) == []
            hold.release()
        assert_once(world, key, channel)
        # the claim and the record carry Jira's time, not a host's
        claims = [r for r in world.site.request_log if r.method == "PUT" and ".claim." in r.path]
        assert claims and all(r.json["at"].startswith("2026-03-02T08:10") for r in claims)


# --- a worker paused long enough for its claim to look stale ----------------------------------


def test_paused_after_claiming_the_takeover_wins(example_config: Config) -> None:
    channel = CountingChannel()
    hold = Hold(read_back(), times=1)  # A is paused between its claim and its read-back
    with make_world(example_config, START, hooks=(hold,)) as world:
        key = s2(world)
        a = worker(world, channel)
        b = worker(world, channel)
        with running(a):
            assert hold.wait_arrived()
            b.run()
            nothing_done(world, key, channel)  # A's claim is respected while its lease runs
            world.clock.advance(LEASE + timedelta(seconds=30))
            b.run()  # stale in Jira's time: B takes the next slot and does everything
            assert_once(world, key, channel)
            hold.release()  # A wakes up, reads back: the record moved on, A stands back
        assert_once(world, key, channel)
        rec = world.record(key)
        slots = [k for k in world.site.issue(key).properties if ".claim." in k]
        assert rec["writer"] == b.claim_token
        assert slots == []  # B took the next slot, then deleted it and A's dead one


def test_paused_during_an_effect_stops_at_the_next_one_and_the_duplicate_is_deleted(
    example_config: Config,
) -> None:
    channel = CountingChannel()
    hold = Hold(Match("POST", r"/comment$"), times=1)  # A's comment is on the wire when it pauses
    with make_world(example_config, START, hooks=(hold,)) as world:
        key = s2(world)
        a = worker(world, channel)
        b = worker(world, channel)
        with running(a):
            assert hold.wait_arrived()
            world.clock.advance(LEASE + timedelta(seconds=30))
            b.run()  # takes over: A's assignment found done, the comment not yet there
            hold.release()  # A's old comment lands after B's; A checks its claim before notifying
        assert len(worker_comment_ids(world, key)) == 2  # the one effect in flight during the pause
        assert Counter(channel.sent) and set(Counter(channel.sent).values()) == {1}
        worker(world, channel).run()  # the next reader of the comments deletes the later copy
        assert_once(world, key, channel)
        deletes = [
            r for r in world.site.request_log if r.method == "DELETE" and "/comment/" in r.path
        ]
        assert len(deletes) == 1 and deletes[0].status == 204


def test_a_long_cycle_checks_and_renews_its_claim_before_each_effect(
    example_config: Config,
) -> None:
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        key = s2(world)
        cyc = worker(world, channel)
        cyc.identify()
        ctx = cyc.context()
        loaded = cyc.gatherer.load_one(key)
        assert loaded is not None
        from worker.core.decide import decide

        now = world.clock.now()
        d = decide(ctx, loaded.snapshot, loaded.record, now)
        applier = cyc._applier(ctx, now)
        claim = applier.claim_issue(loaded, d)
        assert isinstance(claim, Claim), claim  # not None, and the slot was won
        world.clock.advance(LEASE / 2 + timedelta(seconds=1))  # slow effects: half the lease gone
        before = Counter(r.endpoint for r in world.site.request_log)
        result = applier.finish(claim)
        after = Counter(r.endpoint for r in world.site.request_log) - before
        assert result.performed and not result.note
        assert after["GET /rest/api/3/issue/{issueIdOrKey}"] >= 1  # read back before acting
        puts = [
            r.json
            for r in world.site.request_log[len(list(before.elements())) :]
            if r.method == "PUT" and r.path.endswith(claim.slot)
        ]
        assert puts, "the claim was renewed"
        renewed = read_slot(puts[-1])
        assert renewed is not None and renewed.at is not None
        assert renewed.at >= world.clock.now() - timedelta(seconds=1)
        assert_once(world, key, channel)


# --- request cost ----------------------------------------------------------------------------


def test_the_shared_slot_costs_five_requests_per_first_routing(example_config: Config) -> None:
    """No record yet: a worker of schema 2 may claim the same issue and reads only the shared slots,
    so a first routing keeps their protocol. Every later action on the issue costs four
    (test_claims_own.py::test_exclusion_costs_four_requests_per_acted_issue)."""
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        keys = [s2(world) for _ in range(3)]
        world.site.request_log.clear()
        worker(world, channel).run()
        for key in keys:
            assert_once(world, key, channel)
        per_issue: Counter[str] = Counter()
        for r in world.site.request_log:
            if r.path.endswith(tuple(f"/issue/{k}" for k in keys)) or ".claim." in r.path:
                per_issue[r.method] += 1
        # per issue: the fresh read and the read-back (GET), the claim (PUT) and its deletion once
        # the record moved on (DELETE); the completion is the record write the worker always made;
        # notifications add, per provider call, the claim's read-back and the outbox write
        sends = len(channel.sent)  # one Slack DM per issue here
        assert sends == len(keys)
        assert per_issue["GET"] == 2 * len(keys) + sends
        assert per_issue["PUT"] == len(keys)
        assert per_issue["DELETE"] == len(keys)
        for key in keys:  # no slot left at rest; the record now claimed the schema-3 way
            assert not [k for k in world.site.issue(key).properties if ".claim." in k]
            assert world.record(key)["schema"] == 3


# --- liveness of a claim ---------------------------------------------------------------------


class _Now:
    def __init__(self) -> None:
        self.at = paris(2026, 3, 2, 9, 0)

    def __call__(self) -> Any:
        return self.at


def _never_redecides(_: Loaded) -> Decision:
    raise AssertionError("these tests only ask a bare Applier about claims")


def applier(now: _Now) -> Applier:
    # no gateway nor gatherer: only the claim checks, which use neither, are called
    return Applier(None, None, _never_redecides, now=now, lease=LEASE)  # type: ignore[arg-type]


def test_live_and_dead_claims() -> None:
    now = _Now()
    a = applier(now)
    rec = Record(epoch=1, status="open", journal=Journal(pending=("x",)), claimed_at=now.at)
    # our own claim is never "someone else's"
    assert not a.claim_is_live(replace(rec, writer=a.claim))
    # another cycle of this process: live while it runs (for the lease, like any claim), dead once
    # it finished
    other = new_claim_token()
    mark_live(other, True)
    assert a.claim_is_live(replace(rec, writer=other))
    now.at += timedelta(minutes=3)
    assert not a.claim_is_live(replace(rec, writer=other))
    now.at -= timedelta(minutes=3)
    mark_live(other, False)
    assert not a.claim_is_live(replace(rec, writer=other))
    # a process of this kernel and pid namespace that was killed: dead at once, no lease to wait for
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not pid_alive(proc.pid)
    dead = f"{HOST}:{proc.pid}:deadbeef:{MACHINE}.1"
    assert MACHINE and process_gone(dead)
    assert not a.claim_is_live(replace(rec, writer=dead))
    # the same pid seen from another container (other machine id), or an old-format token: only the
    # lease tells, however the hostname looks
    for token in (f"{HOST}:{proc.pid}:deadbeef:{'f' * 12}.1", f"{HOST}:{proc.pid}:deadbeef"):
        assert not process_gone(token)
        assert a.claim_is_live(replace(rec, writer=token))
        now.at += timedelta(minutes=3)  # no Jira answer yet: the host clock stands in
        assert not a.claim_is_live(replace(rec, writer=token))
        now.at -= timedelta(minutes=3)


def test_a_live_process_with_a_reused_pid_is_told_apart() -> None:
    me = new_claim_token()
    host, _pid, rand, machine = me.split(":")
    mark_live(me, True)
    try:
        assert not process_gone(me)
    finally:
        mark_live(me, False)
    assert process_gone(me)  # this process, but that cycle is over
    # pid 1 runs, but it started long before the tick recorded in this token
    assert process_gone(f"{host}:1:{rand}:{machine.split('.')[0]}.999999999999")


def test_leases_are_measured_in_jira_time() -> None:
    t = datetime(2026, 3, 2, 8, 0, tzinfo=paris(2026, 3, 2, 9, 0).tzinfo)
    other = f"elsewhere:1:abcd:{'0' * 12}.1"
    assert claim_live(other, t, "me", t + timedelta(seconds=119), LEASE)
    assert not claim_live(other, t, "me", t + timedelta(seconds=120), LEASE)
    # a confession: the holder is unknown, the slot still counts for the lease
    slot = read_slot(confession(other, t, ["x"], "s"))
    assert slot is not None and slot.token is None and slot.lost == other
    assert claim_live(slot.token, slot.at, "me", t + timedelta(seconds=60), LEASE)


def test_a_killed_but_unreaped_process_counts_as_dead() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        # wait until it has exited without reaping it (a zombie)
        for _ in range(200):
            with open(f"/proc/{proc.pid}/stat", encoding="ascii") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            threading.Event().wait(0.01)
        assert not pid_alive(proc.pid)
    finally:
        proc.wait()


def test_slot_names_follow_the_record_state() -> None:
    rec = Record(epoch=1, status="open")
    assert digest(None) == "none"
    assert digest(rec) == digest(Record(epoch=1, status="open"))
    assert digest(rec) != digest(replace(rec, severity="S1"))
    key = slot_key("x" * 255, digest(rec), 3)
    assert len(key) <= 255 and key.endswith(".3")


# --- the sandbox models the primitive as documented --------------------------------------------


def test_sandbox_property_put_answers_201_then_200_and_dates_in_sandbox_time(
    example_config: Config,
) -> None:
    with make_world(example_config, START) as world:
        key = s2(world)
        cyc = worker(world, CountingChannel())
        gw = cyc.gateway
        assert gw.put_property(key, "p.claim.x", {"token": "a"}) is True
        assert gw.put_property(key, "p.claim.x", {"token": "b"}) is False  # the loser overwrites
        assert world.site.property(key, "p.claim.x") == {"token": "b"}
        assert gw.server_clock.now() is not None
        assert abs(gw.server_clock.now() - world.clock.now()) < timedelta(seconds=2)  # type: ignore[operator]
        world.clock.advance(timedelta(hours=5))
        gw.issue_properties(key, ["p.claim.x"])
        assert abs(gw.server_clock.now() - world.clock.now()) < timedelta(seconds=2)  # type: ignore[operator]
        gw.delete_property(key, "p.claim.x")
        assert world.site.property(key, "p.claim.x") is None
        assert gw.put_property(key, "p.claim.x", {"token": "c"}) is True


# --- a worker paused inside a provider call, longer than the lease (issue 12) ------------------


class Channel:
    """A provider channel that counts its sends; ``during`` runs inside the first send (a pause)."""

    def __init__(self, channel_id: str, during: Callable[[], None] | None = None) -> None:
        self.id = channel_id
        self.sent: list[str] = []
        self.during = during

    def configured(self) -> bool:
        return True

    def send(self, message: Message) -> Delivery:
        self.sent.append(message.id)
        if self.during is not None:
            during, self.during = self.during, None
            during()
        return Delivery(self.id, "sent", "ok", tuple(r.account_id for r in message.recipients))


def test_paused_inside_a_provider_call_the_next_channel_is_not_sent_twice(
    example_config: Config,
) -> None:
    """An S1 routing goes out by phone, then to the Slack channel. The phone call hangs longer than
    the lease; another worker takes the issue over meanwhile: it finds the phone's intent (abandons
    it visibly, sends the SMS backup) and sends the Slack channel itself. When the call returns, the
    first worker checks its claim before the next provider call and stops: every channel once.
    (Before: the claim was checked only between actions, so the Slack channel went out twice and the
    paused worker's intent write replaced the record the other one had completed.)"""
    with make_world(example_config, START) as world:
        key = world.issue("Payments down", labels=("escalation-S1", "escalation-type-incident"))
        taker: list[Cycle] = []

        def pause() -> None:  # the call hangs: time passes, the other worker runs meanwhile
            world.clock.advance(LEASE + timedelta(seconds=30))
            taker[0].run()

        phone = Channel("phone", during=pause)
        slack, sms = Channel("slack_channel"), Channel("sms")
        channels = {"phone": phone, "slack_channel": slack, "sms": sms}

        def process() -> Cycle:
            notifier = notifier_from_channels(
                channels, world.config, now=world.clock.now, site_url=world.server.url
            )
            return build_cycle(
                world.config,
                connection(world.config, world.env()),
                now=world.clock.now,
                notifier=notifier,
                sleep=world.sleeps.append,
                policy=FAST_POLICY,
            )

        a = process()
        taker.append(process())
        report = a.run()
        assert not report.errors, report.errors
        assert Counter(phone.sent) == Counter(slack.sent) == Counter(sms.sent)
        assert len(phone.sent) == len(slack.sent) == len(sms.sent) == 1
        rec = world.record(key)
        assert rec["writer"] == taker[0].claim_token and rec["pending"] == []
        outbox = {e["channel"]: e["status"] for e in rec["outbox"]}
        assert outbox == {"phone": "abandoned", "slack_channel": "sent", "sms": "sent"}
        assert [e["kind"] for e in rec["timeline"]].count("abandoned") == 1
        assert len(worker_comment_ids(world, key)) == 1
        assert len(worker_assignments(world, key)) == 1


# --- a server whose create-if-absent is not atomic: two 201s (assumption 1 false) ---------------


def two_201s(world: World) -> FaultRule:
    return world.site.faults.add(
        FaultRule(kind="created_anyway", method="PUT", path=r"\.claim\.", times=None)
    )


def test_two_201s_the_earlier_creator_reads_the_later_token_and_stands_back(
    example_config: Config,
) -> None:
    """Both claim writes answered 201; the earlier creator's read-back shows the later one's token
    (and no confession: the later one believes it won), so it stands back; the later one acts."""
    channel = CountingChannel()
    order = Ordering(None, [])
    with make_world(example_config, START, hooks=(order,)) as world:
        order.site = world.site
        key = s2(world)
        two_201s(world)
        a, b = worker(world, channel), worker(world, channel)
        order.steps = [
            fresh_read(),
            fresh_read(),
            claim_put(a.claim_token),
            claim_put(b.claim_token),
            read_back(),  # A's read-back after B's write has landed
        ]
        order.taken = [False] * len(order.steps)
        order.done = [threading.Event() for _ in order.steps]
        both(world, a, b)
        assert order.completed
        answers = [r.status for r in world.site.request_log if ".claim." in r.path][:2]
        assert answers == [201, 200]  # the site's truth; both clients were told 201
        assert_once(world, key, channel)
        assert world.record(key)["writer"] == b.claim_token
        world.tick()
        assert_once(world, key, channel)


def test_two_201s_both_read_back_their_own_token_and_no_effect_doubles(
    example_config: Config,
) -> None:
    """The interleaving the read-back cannot catch: A creates the slot and reads it back before B's
    write lands, B is told 201 too and reads back its own token; both go on. A's check right before
    its provider call finds its token overwritten and stops; B's comment is a duplicate of A's (same
    action id) and is deleted by the next reader of the comments; the assignment to the same person
    changes nothing. End state: every effect once."""
    from worker.core.decide import decide

    channel = CountingChannel()
    order = Ordering(None, [])
    with make_world(example_config, START, hooks=(order,)) as world:
        order.site = world.site
        key = s2(world)
        rule = two_201s(world)
        a, b = worker(world, channel), worker(world, channel)
        now = world.clock.now()
        steps = []
        for cyc in (a, b):
            cyc.identify()
            ctx = cyc.context()
            loaded = cyc.gatherer.load_one(key)
            assert loaded is not None
            steps.append((cyc._applier(ctx, now), loaded, decide(ctx, loaded.snapshot, None, now)))
        order.steps = [
            fresh_read(),
            fresh_read(),
            claim_put(a.claim_token),
            read_back(),
            claim_put(b.claim_token),
            read_back(),
        ]
        order.taken = [False] * len(order.steps)
        order.done = [threading.Event() for _ in order.steps]
        claims: dict[int, Any] = {}

        def claim(i: int) -> None:
            applier, loaded, d = steps[i]
            claims[i] = applier.claim_issue(loaded, d)

        for token in (a.claim_token, b.claim_token):
            mark_live(token, True)  # both processes are running
        try:
            threads = [threading.Thread(target=claim, args=(i,)) for i in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert order.completed and rule.fired == 2
            assert all(hasattr(c, "slot") for c in claims.values()), claims  # both think they won
            first = steps[0][0].finish(claims[0])
            assert "taken over" in first.note  # A stops before its notification
            second = steps[1][0].finish(claims[1])
            assert not second.note and not second.failed
        finally:
            for token in (a.claim_token, b.claim_token):
                mark_live(token, False)
        assert len(worker_comment_ids(world, key)) == 2  # the comment posted by both ...
        assert Counter(channel.sent) and set(Counter(channel.sent).values()) == {1}
        assert len(worker_assignments(world, key)) == 1
        world.tick()  # ... until the next reader of the comments deletes the later copy
        assert_once(world, key, channel)

"""Claims of one's own (records of schema 3): each process claims a record state with a property only it
writes, then reads the issue once with every property (``properties=*all``) and acts only when no other
live claim names that state (docs/design.md, "Claims of one's own").

The issue under test is routed first (no record yet: the shared slot of schema 2, see test_claims.py),
then its acknowledge SLA is missed, so the next cycle escalates it: that is the step raced here. Every
interleaving is forced by the sandbox (requests held or put in order), time passes on the sandbox's
clock, and each test checks effects and request counts, never wall time.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

import worker.core.record as record_module
import worker.jira.stored_record as stored_record_module
from tests.e2e.harness import REPORTER, World
from tests.faults.faults_support import (
    CountingChannel,
    make_world,
    running,
    worker_assignments,
    worker_comment_ids,
)
from tests.faults.test_claims import LEASE, START, s2, worker
from worker.config.model import Config
from worker.core.actions import Assign, Notify, PostComment
from worker.core.decide import decide
from worker.core.record import SCHEMA, from_json, to_json
from worker.cycle.apply import Applier, Claim, big_properties, own_protocol
from worker.cycle.claims import (
    claim_id,
    claims_seen,
    digest,
    digest_json,
    own_claim_key,
    own_claim_value,
    read_slot,
    slot_key,
    slot_value,
    survey,
)
from worker.cycle.cycle import Cycle
from worker.jira.stored_record import read_record
from worker.sandbox.faults import FaultRule, Hold, Match, Ordering

PK = "escalation-worker"


# --- helpers -----------------------------------------------------------------------------------


def claims_on(world: World, key: str) -> list[str]:
    return sorted(k for k in world.site.issue(key).properties if ".claim." in k)


def routed(world: World, channel: CountingChannel) -> str:
    """An S2 routed by a first worker (its record now schema 3), its acknowledge SLA then missed."""
    key = s2(world)
    worker(world, channel).run()
    assert world.record(key)["schema"] == SCHEMA
    world.clock.advance(timedelta(hours=3))
    return key


def escalated_once(world: World, key: str, channel: CountingChannel) -> None:
    """Routing and escalation each once: two comments, two assignments, every message sent once,
    nothing pending, and no claim left on the issue."""
    ids = worker_comment_ids(world, key)
    assert len(ids) == 2 and len(set(ids)) == 2, ids
    assert any(":comment:escalate" in i or "escalat" in i for i in ids), ids
    assert len(worker_assignments(world, key)) == 2, worker_assignments(world, key)
    sent = Counter(channel.sent)
    assert len(sent) == 2 and set(sent.values()) == {1}, sent
    rec = world.record(key)
    assert rec["pending"] == [] and all(i in rec["done"] for i in ids)
    assert world.site.issue(key).assignee == rec["owner"]
    assert claims_on(world, key) == []


def not_escalated(world: World, key: str, channel: CountingChannel) -> None:
    assert len(worker_comment_ids(world, key)) == 1
    assert len(worker_assignments(world, key)) == 1
    assert len(channel.sent) == 1


def own_put(token: str) -> Match:
    return Match("PUT", rf"/properties/{PK}\.claim\.[0-9a-f]+\.{claim_id(token)}$")


def own_delete(token: str) -> Match:
    return Match("DELETE", rf"/properties/{PK}\.claim\.[0-9a-f]+\.{claim_id(token)}$")


def full_read() -> Match:
    """The read after a claim: the issue's fields and every property."""
    return Match("GET", r"/issue/SHOP-\d+$", query_contains="properties=*all")


def reread() -> Match:
    """A read of every property without the issue's fields (the second look, a check)."""
    return Match("GET", r"/issue/SHOP-\d+$", query_contains="fields=updated&properties=*all")


def ordered(order: Ordering, *steps: Match) -> None:
    order.steps = list(steps)
    order.taken = [False] * len(steps)
    order.done = [threading.Event() for _ in steps]


@contextmanager
def two_workers(
    config: Config,
) -> Iterator[tuple[World, Ordering, str, Cycle, Cycle, CountingChannel]]:
    """A routed S2 due for escalation and two workers, ``lo`` with the lower claim id."""
    channel = CountingChannel()
    order = Ordering(None, [])
    with make_world(config, START, hooks=(order,)) as world:
        order.site = world.site
        key = routed(world, channel)
        a, b = worker(world, channel), worker(world, channel)
        lo, hi = sorted((a, b), key=lambda c: claim_id(c.claim_token))
        yield world, order, key, lo, hi, channel


def claimed(world: World, cyc: Cycle, key: str) -> tuple[Applier, Claim]:
    """``cyc`` reads ``key`` fresh, decides and wins its claim of one's own (no effect yet)."""
    cyc.identify()
    ctx = cyc.context()
    loaded = cyc.gatherer.load_one(key)
    assert loaded is not None and own_protocol(loaded.record)
    now = world.clock.now()
    applier = cyc._applier(ctx, now)
    assert isinstance(applier, Applier)
    claim = applier.claim_issue(loaded, decide(ctx, loaded.snapshot, loaded.record, now))
    assert isinstance(claim, Claim) and claim.own, claim
    return applier, claim


def statuses(world: World, token: str, method: str) -> list[int]:
    name = claim_id(token)
    return [
        r.status for r in world.site.request_log if r.method == method and r.path.endswith(name)
    ]


# --- the sandbox serves ``properties=*all`` and ``-key`` as the spec describes ------------------


def test_get_issue_returns_every_property_or_all_but_the_excluded(
    example_config: Config,
) -> None:
    with make_world(example_config, START) as world:
        key = s2(world)
        for name, value in (("a", 1), ("b", {"x": 2}), ("c", [3])):
            world.site.set_property(key, name, value)
        gw = worker(world, CountingChannel()).gateway
        base = f"/rest/api/3/issue/{key}"
        props = gw.http.call("GET", base, params={"properties": "*all"}).body["properties"]
        assert props == {"a": 1, "b": {"x": 2}, "c": [3]}
        props = gw.http.call("GET", base, params={"properties": "*all,-b"}).body["properties"]
        assert props == {"a": 1, "c": [3]}
        props = gw.http.call("GET", base, params={"properties": ["*all", "-a,-c"]}).body
        assert props["properties"] == {"b": {"x": 2}}
        props = gw.http.call("GET", base, params={"properties": "a,c,-c"}).body["properties"]
        assert props == {"a": 1}
        assert gw.all_properties(key, ["a"]) == {"b": {"x": 2}, "c": [3]}
        # search takes property keys by name only (up to five): ``*all`` is no key there
        found = gw.http.call(
            "POST",
            "/rest/api/3/search/jql",
            json={"jql": f"key = {key}", "fields": ["id"], "properties": ["*all"]},
        ).body["issues"][0]
        assert found.get("properties", {}) == {}


# --- request cost ------------------------------------------------------------------------------


def test_a_first_routing_costs_four_requests_too(example_config: Config) -> None:
    """A new issue (no record yet) is claimed with a claim of one's own as well: claim PUT, the read
    of the issue with every claim, the record PUT and the claim's DELETE, besides the effects."""
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        keys = [s2(world) for _ in range(3)]
        world.site.request_log.clear()
        worker(world, channel).run()
        assert len(channel.sent) == len(keys)  # one Slack DM per new escalation
        for key in keys:
            assert world.record(key)["status"] == "open"
            mine = [r for r in world.site.request_log if f"/issue/{key}" in r.path]
            kinds = Counter(
                "effect"
                if r.path.endswith(("/assignee", "/watchers", "/comment"))
                else "claim"
                if ".claim." in r.path
                else f"{r.method} {'record' if r.path.endswith(f'properties/{PK}') else 'issue'}"
                for r in mine
            )
            assert kinds["effect"] == 3, kinds  # the routing: assignment, watcher, comment
            # one Slack DM: its pre-send check (a read) and its intent (a record write)
            per_send = {"GET issue": 1, "PUT record": 1}
            exclusion = kinds - Counter(effect=3) - Counter(per_send)
            assert exclusion == Counter({"claim": 2, "GET issue": 1, "PUT record": 1}), kinds
            assert sum(exclusion.values()) == 4
            assert claims_on(world, key) == []


def test_exclusion_costs_four_requests_per_acted_issue(example_config: Config) -> None:
    """Per escalated issue (a record of schema 3): the claim PUT, the read of the issue with every
    claim, the record PUT and the claim's DELETE -- four, besides the effects. A provider call adds
    its check and its outbox intent (counted with the effects: a notification costs them whatever the
    protocol)."""
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        keys = [s2(world) for _ in range(3)]
        worker(world, channel).run()
        world.clock.advance(timedelta(hours=3))
        world.site.request_log.clear()
        before = len(channel.sent)
        worker(world, channel).run()
        sends = len(channel.sent) - before
        assert sends == len(keys)  # one Slack DM per escalation
        for key in keys:
            mine = [r for r in world.site.request_log if f"/issue/{key}" in r.path]
            kinds = Counter(
                "effect"
                if r.path.endswith(("/assignee", "/watchers", "/comment"))
                else "claim"
                if ".claim." in r.path
                else f"{r.method} {'record' if r.path.endswith(f'properties/{PK}') else 'issue'}"
                for r in mine
            )
            # the escalation: the assignment, the watcher and the comment
            assert kinds["effect"] == 3, kinds
            # one Slack DM: its pre-send check (a read) and its intent (a record write)
            per_send = {"GET issue": 1, "PUT record": 1}
            exclusion = kinds - Counter(effect=3) - Counter(per_send)
            assert exclusion == Counter({"claim": 2, "GET issue": 1, "PUT record": 1}), kinds
            assert sum(exclusion.values()) == 4
            assert claims_on(world, key) == []
            assert world.record(key)["schema"] == SCHEMA


# --- two claimers ------------------------------------------------------------------------------


def test_lockstep_the_higher_claim_gives_way_and_the_lower_acts(example_config: Config) -> None:
    """Both claim, then both read and see each other: the higher id withdraws, the lower reads once
    more, finds the other claim gone and acts."""
    with two_workers(example_config) as (world, order, key, lo, hi, channel):
        ordered(
            order,
            own_put(lo.claim_token),
            own_put(hi.claim_token),
            full_read(),
            full_read(),
            own_delete(hi.claim_token),
            reread(),
        )
        with running(lo), running(hi):
            pass
        assert order.completed
        escalated_once(world, key, channel)
        assert world.record(key)["writer"] == lo.claim_token
        assert statuses(world, hi.claim_token, "PUT") == [201]
        assert statuses(world, hi.claim_token, "DELETE") == [204]  # withdrawn, not left for a lease


def test_lockstep_the_lower_stands_back_too_when_the_withdrawal_is_late(
    example_config: Config,
) -> None:
    """The higher id's withdrawal has not landed when the lower reads again: both stand back, both
    claims are gone, and the next cycle of either escalates at once (no lease to wait for)."""
    with two_workers(example_config) as (world, order, key, lo, hi, channel):
        ordered(
            order,
            own_put(lo.claim_token),
            own_put(hi.claim_token),
            full_read(),
            full_read(),
            reread(),
            own_delete(hi.claim_token),
        )
        with running(lo), running(hi):
            pass
        assert order.completed
        not_escalated(world, key, channel)
        assert claims_on(world, key) == []
        # the issue stays due in both, again 30 s later (the other might have been acting): the next
        # cycle of either from then on, an incremental one whose search does not return the issue
        # (not updated for hours), escalates it
        world.clock.advance(timedelta(seconds=31))
        report = hi.run()
        assert report.mode == "incremental"
        escalated_once(world, key, channel)
        lo.run()  # claims, reads the record moved on, withdraws: nothing more
        escalated_once(world, key, channel)


@pytest.mark.parametrize("first", ["lo", "hi"])
def test_a_claim_landing_after_the_other_read_alone(example_config: Config, first: str) -> None:
    """One process claims and reads alone (it acts); the other's claim lands after that read. The later
    one sees the earlier claim: a higher id gives way at once, a lower one reads once more and gives
    way as the earlier claim is still there (or the record has moved on)."""
    with two_workers(example_config) as (world, order, key, lo, hi, channel):
        early, late = (lo, hi) if first == "lo" else (hi, lo)
        ordered(
            order, own_put(early.claim_token), full_read(), own_put(late.claim_token), full_read()
        )
        with running(early), running(late):
            pass
        assert order.completed
        escalated_once(world, key, channel)
        assert world.record(key)["writer"] == early.claim_token
        assert statuses(world, late.claim_token, "DELETE") == [204]


def test_a_claim_write_stalled_for_3_seconds(example_config: Config) -> None:
    """A's claim is on the wire while B claims, reads, escalates and cleans up; A's claim lands 3 s
    later (201: a property of its own), A's read shows the record moved on, A withdraws."""
    channel = CountingChannel()
    hold = Hold(Match("PUT", rf"/properties/{PK}\.claim\.[0-9a-f]+\.p"), times=1)
    with make_world(example_config, START, hooks=(hold,)) as world:
        key = routed(world, channel)
        hold.clock, hold.advance = world.clock, timedelta(seconds=3)
        a, b = worker(world, channel), worker(world, channel)
        with running(a):
            assert hold.wait_arrived()
            b.run()
            escalated_once(world, key, channel)
            hold.release()
        escalated_once(world, key, channel)
        assert statuses(world, a.claim_token, "PUT") == [201]
        assert statuses(world, a.claim_token, "DELETE") == [204]


# --- a holder that stops --------------------------------------------------------------------------


def test_paused_after_claiming_the_takeover_wins(example_config: Config) -> None:
    """A claims and pauses before its read. B respects A's claim while its lease runs, takes it over
    after (its claim corrected to say so), escalates and deletes both claims; A wakes, reads a record
    that moved on, stands back."""
    channel = CountingChannel()
    hold = Hold(full_read(), times=0)  # armed once the issue is routed (routing reads so too)
    with make_world(example_config, START, hooks=(hold,)) as world:
        key = routed(world, channel)
        hold.times = 1
        a, b = worker(world, channel), worker(world, channel)
        with running(a):
            assert hold.wait_arrived()
            b.run()
            not_escalated(world, key, channel)  # A's claim is live: B gives way
            world.clock.advance(LEASE + timedelta(seconds=30))
            b = worker(world, channel)  # (a full cycle: the issue was not updated for hours)
            b.run()
            escalated_once(world, key, channel)
            hold.release()
        escalated_once(world, key, channel)
        assert world.record(key)["writer"] == b.claim_token
        puts = [
            r.json
            for r in world.site.request_log
            if r.method == "PUT" and r.path.endswith(claim_id(b.claim_token))
        ]
        # claimed, then corrected to name the claim it took over before acting
        assert len(puts) == 2 and puts[-1]["over"] == [a.claim_token]


def test_crash_between_claim_and_completion(example_config: Config) -> None:
    """A claims, assigns and comments, then its process ends before the notification and the record.
    The next worker takes A's claim over at once (A's process is known to be gone), finds the
    assignment and the comment A listed already done, and sends only what is left."""
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        key = routed(world, channel)
        a = worker(world, channel)
        applier, claim = claimed(world, a, key)
        for action in claim.todo:
            if isinstance(action, (Assign, PostComment)):
                applier._perform(claim.fresh, action)
        assert len(worker_comment_ids(world, key)) == 2 and len(channel.sent) == 1
        # A's cycle never ran: its token is not among this process's live cycles -> gone
        b = worker(world, channel)
        b.run()
        escalated_once(world, key, channel)
        assert {type(x) for x in claim.todo} >= {Assign, PostComment, Notify}


def test_a_5xx_after_the_claim_write_landed(example_config: Config) -> None:
    """The claim PUT lands but is answered 500; the retry is answered 200 (the property exists): the
    worker does not count on a claim it cannot account for, deletes it and leaves the issue to the
    next cycle, which escalates once."""
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        key = routed(world, channel)
        world.site.faults.add(
            FaultRule(
                kind="applied_status", status=500, method="PUT", path=r"\.claim\.[0-9a-f]+\.p"
            )
        )
        a = worker(world, channel)
        a.run()
        not_escalated(world, key, channel)
        assert claims_on(world, key) == []
        assert statuses(world, a.claim_token, "PUT") == [201, 200]
        worker(world, channel).run()
        escalated_once(world, key, channel)


def test_paused_during_an_effect_stops_before_the_notification(example_config: Config) -> None:
    """A's escalation comment is on the wire past the lease; B takes A's claim over and escalates.
    A's comment lands late, then A's check before its provider call reads B's claim naming A in
    ``over``: A sends nothing. The next reader of the comments deletes A's late copy."""
    channel = CountingChannel()
    hold = Hold(Match("POST", r"/comment$", body_contains=":comment:escalate"), times=1)
    with make_world(example_config, START, hooks=(hold,)) as world:
        key = routed(world, channel)
        a, b = worker(world, channel), worker(world, channel)
        with running(a):
            assert hold.wait_arrived()
            world.clock.advance(LEASE + timedelta(seconds=30))
            b.run()
            hold.release()
        assert len(worker_comment_ids(world, key)) == 3  # the one effect in flight during the pause
        assert set(Counter(channel.sent).values()) == {1}
        worker(world, channel).run()
        escalated_once(world, key, channel)


# --- mixed versions, the old slots and stale claims ----------------------------------------------


def test_a_live_old_style_slot_of_the_state_is_respected(example_config: Config) -> None:
    """A slot of the shared protocol naming the present state (as a schema-2 worker writes it) holds
    the issue for its lease; once it lapses, it is taken over and deleted with the claim."""
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        key = routed(world, channel)
        state = digest(read_record(world.record(key))[0])
        slot = slot_key(PK, state)
        holder = "old-host:4242:cafe"  # an older token format: only the lease tells
        world.site.set_property(key, slot, slot_value(holder, world.clock.now(), [], state))
        worker(world, channel).run()
        not_escalated(world, key, channel)
        world.clock.advance(LEASE + timedelta(seconds=1))
        worker(world, channel).run()
        escalated_once(world, key, channel)


def test_claims_of_states_the_record_has_left_are_cleaned(example_config: Config) -> None:
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        key = routed(world, channel)
        t = world.clock.now()
        left = [
            own_claim_key(PK, "0" * 20, "gone:1:aa:bb.1"),
            slot_key(PK, "1" * 20),
            slot_key(PK, "1" * 20, 2),
        ]
        for name in left:
            world.site.set_property(key, name, own_claim_value("gone:1:aa:bb.1", t, [], "x"))
        world.site.set_property(key, f"{PK}.claimant", {"not": "a claim"})
        worker(world, channel).run()
        escalated_once(world, key, channel)
        assert f"{PK}.claimant" in world.site.issue(key).properties


def test_a_new_action_after_the_read_corrects_the_claim_before_acting(
    example_config: Config,
) -> None:
    """The issue's severity label changes between the search and the read: the decision on the read
    has actions the claim does not list, so the claim is rewritten with them before any effect (a
    successor taking over would look only for the ids the claim lists)."""
    channel = CountingChannel()

    def bump() -> None:
        world.site.remove_labels(key, "escalation-S2", by=REPORTER)
        world.site.add_labels(key, "escalation-S1", by=REPORTER)

    hook_match = Match("PUT", rf"/properties/{PK}\.claim\.[0-9a-f]+\.p")

    class OnClaim:
        fired = False

        def handle(self, req: Any) -> None:
            if not self.fired and hook_match(req):
                self.fired = True
                bump()

    with make_world(example_config, START, hooks=(OnClaim(),)) as world:
        key = routed(world, channel)
        a = worker(world, channel)
        a.run()
        puts = [
            (r.json, i)
            for i, r in enumerate(world.site.request_log)
            if r.method == "PUT" and r.path.endswith(claim_id(a.claim_token))
        ]
        assert len(puts) == 2
        (first, _), (second, at) = puts
        assert set(second["pending"]) - set(first["pending"])
        effects = [
            i
            for i, r in enumerate(world.site.request_log)
            if r.method != "GET"
            and r.path.endswith(("/assignee", "/comment", "/watchers"))
            and f"/{key}/" in r.path
        ]
        assert effects and at < min(i for i in effects if i > puts[0][1])
        assert claims_on(world, key) == []
        assert world.record(key)["pending"] == []


def test_schema_2_records_keep_their_digest_and_old_workers_leave_schema_3_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from worker.core.record import Record

    old = to_json(replace(Record(epoch=1, status="open", severity="S2"), schema=2))
    rec, problem, blocked = read_record(old)
    assert rec is not None and rec.schema == 2 and not own_protocol(rec)
    # a schema-2 worker names the slots of this state from the same digest
    assert digest(rec) == digest_json(old)
    new = to_json(replace(rec, schema=SCHEMA))
    assert own_protocol(from_json(new))
    # a schema-2 worker reading what this one writes: newer, left alone, never overwritten
    monkeypatch.setattr(record_module, "SCHEMA", 2)
    monkeypatch.setattr(stored_record_module, "SCHEMA", 2)
    rec, problem, blocked = read_record(new)
    assert rec is None and blocked and problem and "newer" in problem


def test_survey_sorts_the_claims_it_reads() -> None:
    t = START
    me, other, dead = "me:1:a:m.1", "other:2:b:m.2", "dead:3:c:m.3"
    props = {
        own_claim_key(PK, "s", me): own_claim_value(me, t, [], "s"),
        own_claim_key(PK, "s", other): own_claim_value(other, t, [], "s"),
        own_claim_key(PK, "s", dead): own_claim_value(dead, t - LEASE, ["x"], "s"),
        own_claim_key(PK, "old", other): own_claim_value(other, t, [], "old"),
        slot_key(PK, "s"): slot_value(other, t, [], "s"),
        f"{PK}.claim.s.not-a-claim": {},
        PK: {"kind": "record"},
    }
    found = survey(claims_seen(PK, props), "s", me, t, LEASE)
    assert found.mine is not None and found.mine.token == me
    assert sorted(s.name for s in found.live) == sorted(
        [own_claim_key(PK, "s", other), slot_key(PK, "s")]
    )
    assert [s.held.pending for s in found.dead] == [("x",)]
    assert found.stale == [own_claim_key(PK, "old", other)]
    assert not found.over_me
    taker = own_claim_value(other, t, [], "s", over=[me])
    found = survey(claims_seen(PK, {own_claim_key(PK, "s", other): taker}), "s", me, t, LEASE)
    assert found.over_me
    assert read_slot(taker) is not None and read_slot(taker).over == (me,)  # type: ignore[union-attr]
    assert len(own_claim_key("x" * 255, "d" * 20, me)) <= 255


def test_big_properties_are_left_out_of_the_read() -> None:
    from worker.core.record import Record

    rec = Record(epoch=3, status="open", history=(1, 2), timeline_parts=2)
    assert big_properties(PK, rec) == [
        f"{PK}.history.1",
        f"{PK}.history.2",
        f"{PK}.history.3.1",
        f"{PK}.history.3.2",
    ]
    assert big_properties(PK, None) == []


def test_a_long_escalation_checks_and_renews_its_claim(example_config: Config) -> None:
    """Half a lease gone between the claim and the effects (429 waits, a slow provider): the claim is
    read back with every claim and renewed (a new ``at`` in Jira's time) before the first effect."""
    channel = CountingChannel()
    with make_world(example_config, START) as world:
        key = routed(world, channel)
        cyc = worker(world, channel)
        applier, claim = claimed(world, cyc, key)
        world.clock.advance(LEASE / 2 + timedelta(seconds=1))
        mark = len(world.site.request_log)
        result = applier.finish(claim)
        assert result.performed and not result.note
        later = world.site.request_log[mark:]
        renewals = [r.json for r in later if r.method == "PUT" and r.path.endswith(claim.slot)]
        assert renewals, "the claim was renewed"
        renewed = read_slot(renewals[0])
        assert renewed is not None and renewed.at is not None
        assert renewed.at >= world.clock.now() - timedelta(seconds=1)
        first_effect = next(
            i for i, r in enumerate(later) if r.path.endswith(("/assignee", "/comment"))
        )
        assert any(
            r.method == "GET"
            and "properties=*all" in "&".join(f"{k}={v}" for k, vs in r.query.items() for v in vs)
            for r in later[:first_effect]
        )
        escalated_once(world, key, channel)


def test_a_claim_of_ones_own_that_lapsed_is_deleted(example_config: Config) -> None:
    """A process whose claim lapsed before a provider call stops; nobody else would delete its own
    claim (a taker that named it holds what it lists), so it deletes it itself: no claim at rest."""
    from worker.cycle.apply import ClaimLapsed

    channel = CountingChannel()
    with make_world(example_config, START) as world:
        key = routed(world, channel)
        cyc = worker(world, channel)
        applier, claim = claimed(world, cyc, key)
        assert claims_on(world, key)  # our claim is on the issue

        def lapse(_: Claim) -> Any:
            raise ClaimLapsed

        applier._finish = lapse  # type: ignore[method-assign,assignment]
        result = applier.finish(claim)
        assert "taken over" in result.note
        assert claims_on(world, key) == []

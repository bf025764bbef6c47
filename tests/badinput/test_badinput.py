"""Bad input (issue 8 item 4): every strange issue gets a clear log line or comment, and the cycle
still routes a healthy escalation filed next to it."""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from structlog.testing import capture_logs

from tests.e2e.harness import REPORTER, World
from tests.faults.faults_support import Hook, assert_exactly_once, make_world
from tests.support import CPO, PD, PO, paris
from worker.config.model import Config
from worker.core.record import KIND
from worker.cycle.cycle import CycleReport

START = paris(2026, 3, 2, 9, 0)


def control_routed(world: World, key: str) -> None:
    """The healthy neighbour was routed as usual, once."""
    assert world.site.issue(key).assignee == PO
    assert len(world.worker_comments(key)) == 1
    assert_exactly_once(world, [key])


@contextmanager
def ticking(
    world: World,
) -> Iterator[tuple[list[MutableMapping[str, Any]], list[CycleReport]]]:
    reports: list[CycleReport] = []
    with capture_logs() as logs:
        yield logs, reports
        reports.append(world.tick())


def events(
    logs: list[MutableMapping[str, Any]], name: str, key: str
) -> list[MutableMapping[str, Any]]:
    return [e for e in logs if e["event"] == name and e.get("issue") == key]


def test_unknown_duplicate_and_odd_case_labels(world: World) -> None:
    unknown = world.issue("Unknown severity", labels=("escalation-S9",))
    double = world.issue(
        "Two severities", labels=("escalation-S2", "escalation-S3", "escalation-type-scope")
    )
    odd = world.issue("Odd case", labels=("ESCALATION-s3", "Escalation-Type-Scope"))
    control = world.issue("Healthy")
    with ticking(world) as (_logs, reports):
        pass
    assert not reports[0].errors
    (c,) = world.worker_comments(unknown)
    assert "escalation-S9" in c.text
    assert world.record(double)["severity"] == "S2"  # the most severe wins, and people are told
    assert any("escalation-S3" in c.text for c in world.worker_comments(double))
    assert world.record(odd)["severity"] == "S3" and world.site.issue(odd).assignee == PO
    control_routed(world, control)
    world.tick()
    assert_exactly_once(world, [unknown, double, odd])


def test_issue_deleted_moved_or_hidden_mid_cycle(example_config: Config) -> None:
    holder: dict[str, Any] = {}
    hooks = (
        Hook("GET", "/issue/SHOP-1", lambda: holder["world"].site.delete_issue("SHOP-1")),
        Hook("GET", "/issue/SHOP-2", lambda: holder["world"].site.restrict_issue("SHOP-2", [])),
        Hook("GET", "/issue/SHOP-3", lambda: holder["world"].site.move_issue("SHOP-3", "PAY")),
    )
    with make_world(example_config, START, hooks=hooks) as world:
        holder["world"] = world
        gone, hidden, moved = (world.issue(f"Problem {i}") for i in range(3))
        control = world.issue("Healthy")
        with ticking(world) as (logs, reports):
            pass
        assert [h.fired for h in hooks] == [1, 1, 1]  # each changed between search and the write
        assert not reports[0].errors, reports[0].errors
        for key in (gone, hidden):
            (note,) = events(logs, "apply_note", key)
            assert "gone or no longer visible" in note["note"]
        for key in (gone, hidden):
            log = [e for e in world.site.request_log if e.path.split("/")[5:6] == [key]]
            # it vanished at the first read by key (the read after the worker's claim, which
            # went out while the issue was still there): nothing was written after that
            first_read = next(i for i, e in enumerate(log) if e.method == "GET")
            writes = [e.path for e in log[first_read:] if e.method != "GET"]
            assert writes == [], key
        # a moved issue keeps answering under its old key: it is routed once, to the new project's team
        assert len(world.worker_comments(moved)) == 1
        control_routed(world, control)
        world.tick()
        assert len(world.worker_comments(moved)) == 1


def test_inactive_and_unknown_account_ids(world: World) -> None:
    world.site.set_user_active(PD, False)
    key = world.issue("Assigned to a ghost")
    world.site.set_assignee(key, "557058:ghost-account", by=REPORTER)
    ghost_record = world.issue("Record names an unknown owner")
    world.tick()
    rec = world.record(ghost_record)
    rec["owner"] = "557058:ghost-account"
    rec["handlers"] = ["557058:ghost-account"]
    world.site.set_property(ghost_record, world.config.jira.property_key, rec)
    control = world.issue("Healthy")
    world.clock.set(paris(2026, 3, 2, 14, 0))
    with ticking(world) as (logs, reports):
        pass
    assert not reports[0].errors, reports[0].errors
    assert (
        world.site.issue(key).assignee == CPO
    )  # the PO missed the deadline; the inactive PD is skipped
    assert any(e["event"] == "inactive_people" for e in logs)
    assert world.site.issue(ghost_record).assignee == CPO  # escalated past the unknown owner
    assert world.record(ghost_record)["level"] == 2
    assert world.site.issue(control).assignee == PO
    world.tick()
    assert_exactly_once(world, [key, control])


def test_corrupt_foreign_newer_and_oversized_records(world: World) -> None:
    prop = world.config.jira.property_key
    corrupt, foreign, newer, oversized = (world.issue(f"Stored value {i}") for i in range(4))
    world.site.set_property(corrupt, prop, "{not json at all")
    world.site.set_property(foreign, prop, {"kind": "another-app/state", "owner": "someone"})
    newer_value = {"kind": KIND, "schema": 99, "status": "open", "epoch": 1}
    world.site.set_property(newer, prop, newer_value)
    with capture_logs() as first_logs:
        world.tick()
    big = world.record(oversized)
    big["timeline"] = (
        big["timeline"]
        + [
            {
                "at": "2026-03-02T08:01:00Z",
                "kind": "note",
                "detail": "x" * 500,
                "who": None,
                "level": 0,
            }
        ]
        * 80
    )
    world.site.set_property(oversized, prop, big)  # ~40 KB: more than Jira would accept
    control = world.issue("Healthy")
    world.clock.set(paris(2026, 3, 2, 14, 0))
    with ticking(world) as (logs, reports):
        pass
    assert not reports[0].errors, reports[0].errors
    for key in (corrupt, foreign):
        assert events(first_logs, "record_unreadable", key), key
        assert world.record(key)["kind"] == KIND  # replaced by a fresh record
    (note,) = events(logs, "record_unreadable", newer)
    assert note["handling"] == "left untouched"
    assert world.record(newer) == newer_value and world.site.comments(newer) == []
    assert len(json.dumps(world.record(oversized))) <= 32_000  # shrunk on the next write
    assert world.site.issue(oversized).assignee == PD
    control_routed(world, control)


def test_markup_and_jql_metacharacters_are_inert(world: World) -> None:
    summary = 'x" OR project = SECRET OR summary ~ "<script>alert(1)</script> {{mention}} \\'
    description = (
        '<ac:structured-macro ac:name="html"><ac:plain-text-body>evil</ac:plain-text-body>'
        '</ac:structured-macro> {"type":"mention","attrs":{"id":"557058:ghost"}} ] ) ORDER BY'
    )
    key = world.issue(summary, description=description)
    control = world.issue("Healthy")
    start = len(world.site.request_log)
    report = world.tick()
    assert not report.errors
    jqls = [
        e.json["jql"] for e in world.site.request_log[start:] if e.endpoint.endswith("/search/jql")
    ]
    assert jqls and not any("SECRET" in q or "script" in q or "ghost" in q for q in jqls)
    people = {p.account_id for p in world.config.directory.people.values()} | {REPORTER}
    for c in world.worker_comments(key):
        nodes = [n for p in c.body["content"] for n in p.get("content", [])]
        assert {n["type"] for n in nodes} <= {"text", "mention", "hardBreak"}
        assert {n["attrs"]["id"] for n in nodes if n["type"] == "mention"} <= people
    assert world.site.issue(key).assignee == PO
    control_routed(world, control)


def test_huge_comment_threads_and_comments_from_the_future(world: World) -> None:
    paged = world.issue("Long thread")
    skewed = world.issue("Skewed clock")
    control = world.issue("Healthy")
    world.tick()
    for i in range(230):
        world.site.add_comment(paged, REPORTER, f"ping {i}", at=START + timedelta(seconds=30 + i))
    world.site.add_comment(
        paged, REPORTER, "log dump:\n" + "0123456789" * 3_000, at=START + timedelta(minutes=5)
    )
    world.site.add_comment(
        paged, PO, "Seen, looking.", at=START + timedelta(minutes=10)
    )  # on the third page
    world.site.add_comment(skewed, PO, "On it (my clock runs fast)", at=START + timedelta(hours=2))
    world.clock.set(START + timedelta(minutes=15))
    world.tick()
    assert world.record(paged)["acked_by"] == PO
    skewed_rec = world.record(skewed)
    assert skewed_rec["acked_by"] == PO
    assert skewed_rec["acked_at"] == (START + timedelta(minutes=15)).isoformat().replace(
        "+00:00", "Z"
    )
    world.clock.set(paris(2026, 3, 2, 14, 0))  # past the ack deadline: nobody is escalated
    report = world.tick()
    assert not report.errors
    assert world.site.issue(paged).assignee == PO and world.site.issue(skewed).assignee == PO
    assert world.site.issue(control).assignee == PD  # the silent control issue did escalate
    assert_exactly_once(world, [paged, skewed, control])

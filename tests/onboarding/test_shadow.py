"""Shadow mode: the demo's day played twice, live and in shadow, makes the same decisions — and
the shadow run writes nothing (no PUT or DELETE, no POST but search and bulk changelogs)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import World
from tests.ops.ops_support import run_in_process
from worker.cycle.shadow import ShadowBook
from worker.demo import (
    DAY_END,
    DAY_START,
    DEMO_DAY,
    REPORTER_ID,
    REPORTER_NAME,
    SCRIPT,
    _perform,
    demo_config,
)
from worker.sandbox.clock import SandboxClock
from worker.sandbox.jira import JiraSite
from worker.sandbox.organisation import seed_organisation
from worker.sandbox.server import SandboxServer

READ_ONLY_POSTS = ("/rest/api/3/search/jql", "/rest/api/3/changelog/bulkfetch")


def _script() -> list:  # type: ignore[type-arg]
    # Slack clicks and keypresses go through the web process, which shadow mode does not run:
    # the same people acknowledge with a comment at the same minute in both runs.
    out = []
    for scene in sorted(SCRIPT, key=lambda s: s.at):
        if scene.verb in ("clicks", "presses"):
            scene = replace(scene, verb="comments", text="Seen, on it.")
        out.append(scene)
    return out


def _play(shadow: bool) -> tuple[list[tuple[str, str]], JiraSite, ShadowBook | None]:
    config = demo_config()
    tz = ZoneInfo(config.calendar.timezone)

    def local(t):  # type: ignore[no-untyped-def]
        return datetime.combine(DEMO_DAY, t, tzinfo=tz)

    clock = SandboxClock(local(DAY_START))
    site = JiraSite(clock)
    login = seed_organisation(site, config)
    site.add_user(REPORTER_ID, REPORTER_NAME, email="rita@example.com")
    book = ShadowBook() if shadow else None
    decisions: list[tuple[str, str]] = []
    with SandboxServer(site) as server:
        world = World(config, site, server, login)
        cycle = world.cycle(shadow=book)
        keys: dict[str, str] = {}
        pending = _script()
        t, end = local(DAY_START), local(DAY_END)
        while t < end:
            target = min(t + timedelta(minutes=5), end)
            while pending and local(pending[0].at) <= target:
                scene = pending.pop(0)
                clock.set(local(scene.at))
                _perform(site, config, keys, scene, local(scene.at))
            clock.set(target)
            report = cycle.run()
            assert not report.errors, report.errors
            decisions += [(r.key, a.id) for r in report.applied for a in r.performed]
            t = target
    return decisions, site, book


# slow tier: the demo's whole day played twice; the shadow tick below stays in the quick tier
@pytest.mark.slow
def test_a_shadow_day_decides_like_a_live_day_and_writes_nothing() -> None:
    live, _, _ = _play(shadow=False)
    shadow, site, book = _play(shadow=True)
    assert live, "the demo's day makes decisions"
    assert shadow == live
    assert book is not None and {k for k, _ in book.actions} == {k for k, _ in live}
    writes = [
        f"{r.method} {r.path}"
        for r in site.request_log
        if r.method in ("PUT", "DELETE") or (r.method == "POST" and r.path not in READ_ONLY_POSTS)
    ]
    assert writes == []
    for key in {k for k, _ in live}:
        assert site.property(key, "escalation-worker") is None


def test_shadow_tick_prints_what_the_first_live_cycle_would_do(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    key = world.issue(labels=("escalation-S1", "escalation-type-incident"))
    env = world.env() | {"ESCALATION_WORKER_NOW": world.clock.now().isoformat()}
    before = len(world.site.request_log)
    res = run_in_process(capsys, "tick", "--shadow", "--config", "config.example.yaml", env=env)
    assert res.returncode == 0, res.stderr

    lines = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    actions = [ln for ln in lines if ln.get("event") == "action"]
    assert actions and all(ln.get("shadow") is True for ln in actions)
    assert {ln["issue"] for ln in actions} == {key}
    (summary,) = [ln for ln in lines if ln.get("event") == "shadow_summary"]
    assert summary["issues"] == 1 and summary["actions"].get("comment") == 1
    requests = world.site.request_log[before:]
    assert all(
        r.method == "GET" or (r.method == "POST" and r.path in READ_ONLY_POSTS) for r in requests
    ), [(r.method, r.path) for r in requests]
    assert world.worker_comments(key) == []

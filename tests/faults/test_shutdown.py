"""Issue 14 item 1: SIGTERM in the middle of a large first cycle of ``run``.

After the signal no new claim and no new effect starts, except on the issues whose effects were
already being performed; the loop returns; the next ``tick`` completes every interrupted issue
exactly once. Counted from the sandbox's request log, not timed.
"""

from __future__ import annotations

import os
import signal
import threading
from datetime import timedelta
from typing import Any

from tests.e2e.harness import World
from tests.faults.faults_support import Hook, assert_exactly_once, cycle
from worker.runtime import Scheduler

EFFECTS = ("/comment", "/assignee", "/watchers")


def _issue_of(path: str) -> str:
    return path.split("/issue/")[1].split("/")[0]


def test_sigterm_mid_cycle_starts_nothing_new_and_the_next_tick_completes_it(
    world: World,
) -> None:
    keys = [world.issue(f"Problem {i}") for i in range(40)]
    sched = Scheduler(now=world.clock.now, grace=60.0)
    mark: dict[str, int] = {}

    class MarkedStop(threading.Event):
        """The stop flag, noting where the request log stood when the handler raised it: the
        signal is delivered to the main thread some bytecodes after os.kill, and "after the
        signal" means after the worker could know of it."""

        def set(self) -> None:
            mark.setdefault("at", len(world.site.request_log))
            super().set()

    sched.stop = MarkedStop()
    c = cycle(world)
    c.should_stop = sched.stop.is_set
    sched.set_poll(c, timedelta(minutes=1))
    c.between = sched.preempt
    exits: list[int] = []

    def send_sigterm() -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    # the signal arrives while the first cycle is posting its 10th routing comment
    hooks: list[Any] = []
    count = {"n": 0}

    def on_comment() -> None:
        count["n"] += 1
        if count["n"] == 10:
            send_sigterm()

    class EveryComment(Hook):
        def handle(self, req: Any) -> Any:
            if req.method == "POST" and req.path.endswith("/comment"):
                self.action()
            return None

    hooks.append(EveryComment("POST", "/comment", on_comment))
    world.server.apps = (*hooks, *world.server.apps)
    old = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        sched.install_signal_handlers(exit_now=exits.append)
        sched.run_forever(at_start=[sched.guarded("cycle", c.run)])
    finally:
        sched.cancel_watchdog()
        signal.signal(signal.SIGTERM, old[0])
        signal.signal(signal.SIGINT, old[1])
    assert exits == []  # it stopped by itself, no forced exit
    assert "at" in mark
    log = world.site.request_log
    before, after = log[: mark["at"]], log[mark["at"] :]
    # issues whose effects were being performed when the worker learnt of the signal: an effect
    # had been sent, or the claim slot had been won and read back (the go decision is taken then)
    slot_won: set[str] = set()
    read_back: set[str] = set()
    for e in before:
        if "/issue/" not in e.path:
            continue
        issue = _issue_of(e.path)
        if e.method == "PUT" and ".claim." in e.path:
            slot_won.add(issue)
        elif e.method == "GET" and issue in slot_won and e.path.endswith(f"/issue/{issue}"):
            read_back.add(issue)
    finishing = read_back | {_issue_of(e.path) for e in before if e.path.endswith(EFFECTS)}
    claimed = {
        _issue_of(e.path)
        for e in before
        if e.method == "PUT" and "/issue/" in e.path and "/properties/" in e.path
    }  # (the worker's own user properties are not issues)
    # A thread that checked for a stop an instant before the signal may have its claim reach Jira
    # an instant after it (issues are claimed and finished on the pool side by side): such a claim
    # must be given back (deleted) with no effect; any other claim after the signal is a new start.
    raced: dict[str, str] = {}
    for e in after:
        if "/issue/" not in e.path:
            continue
        issue = _issue_of(e.path)
        if e.path.endswith(EFFECTS) and e.method != "GET":
            assert issue in finishing, f"new effect after the signal: {e.method} {e.path}"
            assert issue not in raced, f"effect after a claim that raced the signal: {e.path}"
        if e.method == "PUT" and "/properties/" in e.path and issue not in claimed:
            raced.setdefault(issue, e.path)
        if e.method == "DELETE" and raced.get(issue) == e.path:
            raced[issue] = ""  # given back
    assert all(path == "" for path in raced.values()), f"claims kept after the signal: {raced}"
    routed_before = {k for k in keys if world.worker_comments(k)}
    assert 0 < len(routed_before) < len(keys)  # interrupted for real

    report = world.tick()  # a new process
    assert not report.errors, report.errors
    assert all(world.record(k)["status"] == "open" for k in keys)
    assert all(world.worker_comments(k) for k in keys)
    assert_exactly_once(world, keys)

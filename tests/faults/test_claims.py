"""Two workers at once: claims, the settle wait, and telling a live claim from a dead one."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from faults_support import cycle, make_world, worker_assignments, worker_comment_ids

from tests.support import PO, paris
from worker.config.model import Config
from worker.core.record import Journal, Record
from worker.cycle.apply import HOST, Applier, mark_live, new_claim_token, pid_alive
from worker.sandbox.app import Request, Response


@dataclass
class BothReadFirst:
    """Holds the first two fresh reads of an issue until both have arrived: the worst interleaving, where
    neither worker can see the other's claim when it decides to act."""

    path: str
    barrier: threading.Barrier = field(default_factory=lambda: threading.Barrier(2, timeout=10))
    seen: int = 0

    def handle(self, req: Request) -> Response | None:
        if req.method == "GET" and req.path == self.path and self.seen < 2:
            self.seen += 1
            self.barrier.wait()
        return None


def test_two_workers_reading_at_the_same_instant_act_once(example_config: Config) -> None:
    hook = BothReadFirst("/rest/api/3/issue/SHOP-1")
    with make_world(example_config, paris(2026, 3, 2, 9, 0), hooks=(hook,)) as world:
        key = world.issue()
        errors: list[BaseException] = []

        def one() -> None:
            try:
                cycle(world).run()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors
        assert hook.seen == 2  # both really read before either claimed
        assert len(worker_comment_ids(world, key)) == 1
        assert worker_assignments(world, key) == [PO]
        world.tick()  # and nothing is left half done
        assert len(worker_comment_ids(world, key)) == 1


class _Now:
    def __init__(self) -> None:
        self.at = paris(2026, 3, 2, 9, 0)

    def __call__(self) -> Any:
        return self.at


def applier(now: _Now) -> Applier:
    return Applier(None, None, lambda _: None, now=now, lease=timedelta(minutes=2))  # type: ignore[arg-type]


def test_live_and_dead_claims() -> None:
    now = _Now()
    a = applier(now)
    rec = Record(epoch=1, status="open", journal=Journal(pending=("x",)), claimed_at=now.at)
    # our own claim is never "someone else's"
    assert not a.claim_is_live(replace(rec, writer=a.claim))
    # another cycle of this process: live while it runs, dead once it finished
    other = new_claim_token()
    mark_live(other, True)
    assert a.claim_is_live(replace(rec, writer=other))
    mark_live(other, False)
    assert not a.claim_is_live(replace(rec, writer=other))
    # a process of this machine that was killed: dead at once, no lease to wait for
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not pid_alive(proc.pid)
    assert not a.claim_is_live(replace(rec, writer=f"{HOST}:{proc.pid}:deadbeef"))
    # another machine: trusted for the lease, then considered dead
    assert a.claim_is_live(replace(rec, writer="other-host:123:abcd"))
    now.at += timedelta(minutes=3)
    assert not a.claim_is_live(replace(rec, writer="other-host:123:abcd"))


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

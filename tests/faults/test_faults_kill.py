"""The worker process killed with SIGKILL in the middle of a cycle: a fresh process finishes the work
with nothing duplicated and nothing lost (issue 8 item 3, issue 3 "a new process mid-escalation")."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.harness import World
from tests.faults.faults_support import (
    STEPS_PARIS,
    assert_exactly_once,
    make_world,
    outcome,
    seed_campaign,
    worker_comment_ids,
)
from tests.support import PO, paris
from worker.config.model import Config
from worker.sandbox.faults import FaultRule

CHILD = Path(__file__).with_name("cycle_child.py")


def start_child(world: World) -> subprocess.Popen[bytes]:
    env = {**os.environ, **world.env(), "ESCALATION_WORKER_NOW": world.clock.now().isoformat()}
    return subprocess.Popen(
        [sys.executable, str(CHILD)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def kill_when(proc: subprocess.Popen[bytes], ready: object, timeout: float = 20.0) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` holds; False if the child finished first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    proc.kill()
    raise AssertionError("the child never reached the kill point")


def test_killed_between_comment_post_and_record_write(world: World) -> None:
    key = world.issue()
    # the comment lands, then the answer stalls: the child is killed before it can record the effect
    world.site.faults.add(
        FaultRule(kind="timeout", seconds=2.0, method="POST", path=r"/comment$", times=1)
    )
    proc = start_child(world)
    assert kill_when(proc, lambda: len(world.worker_comments(key)) == 1)
    (posted,) = worker_comment_ids(world, key)
    # intent recorded in the claim slot of the issue, completion never written
    claims = [
        v
        for k, v in world.site.issue(key).properties.items()
        if k.startswith("escalation-worker.claim.")
    ]
    assert len(claims) == 1 and posted in claims[0]["pending"]
    assert world.record(key) is None

    report = world.tick()  # a new process on an empty disk
    assert not report.errors, report.errors
    assert worker_comment_ids(world, key) == [posted]  # detected through the comment property
    assert world.site.issue(key).assignee == PO
    assert_exactly_once(world, [key])


# slow tier: a random campaign of six real worker processes killed mid-cycle; the deterministic
# kill between the comment and the record write stays in the quick tier
@pytest.mark.slow
def test_killed_at_random_points_of_cycles(example_config: Config) -> None:
    """Several children killed after a random number of requests, at two steps of the campaign; then
    ordinary cycles finish the work and the result equals a run that was never interrupted."""
    times = [paris(2026, 3, 2, h, m) for h, m in STEPS_PARIS[:2]]
    with make_world(example_config, times[0]) as clean:
        keys = seed_campaign(clean)
        for at in times:
            clean.clock.set(at)
            clean.tick()
        expected = outcome(clean, keys)

    rng = random.Random(8)
    with make_world(example_config, times[0]) as world:
        assert seed_campaign(world) == keys
        world.site.faults.add(FaultRule(kind="latency", seconds=0.02, times=None))
        kills = 0
        for at in times:
            world.clock.set(at)
            for _ in range(3):
                base = len(world.site.request_log)
                k = rng.randrange(3, 45)
                proc = start_child(world)
                kills += kill_when(
                    proc, lambda base=base, k=k: len(world.site.request_log) - base >= k
                )
            world.site.faults.clear()
            # a killed child's last request may still land while the next cycle runs; that cycle
            # then stands back from what it claimed (the record changed under it), so recovery is
            # "ordinary cycles", two here, the second finishing what the first left
            world.tick()
            world.tick()
            world.site.faults.add(FaultRule(kind="latency", seconds=0.02, times=None))
        assert kills >= 4
        assert outcome(world, keys) == expected
        assert_exactly_once(world, keys)

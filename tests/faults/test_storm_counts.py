"""Storm counts shared by two worker processes (issue 13 item 3): at the same instant, neither lets
a person past ``storm.max_per_person``.

Each guard is a separate process's: its own HTTP client, its own copy of the counts. The sandbox
answers the slot writes as Jira does (201 to the one that created the user property, 200 to the
others) and holds or orders the requests so that the interleavings are forced, not hoped for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from tests.faults.faults_support import cycle, make_world
from tests.onboarding.first_day import configured
from tests.support import paris
from worker.config.model import Config
from worker.core.actions import Notify
from worker.core.storm import within
from worker.cycle import site_state
from worker.cycle.storm import PROPERTY_KEY, SLOT_PREFIX, StormGuard
from worker.sandbox.faults import Hold, Match

START = paris(2026, 3, 2, 9, 0)
PERSON = "5b10a2844c20165700ede220"  # Emma


def _notify(n: int, severity: str = "S3") -> Notify:
    return Notify(
        id=f"SHOP-{n}#1.0:notify:route",
        issue_key=f"SHOP-{n}",
        severity=severity,
        event="route",
        recipients=(PERSON,),
        primary=("slack_dm",),
        backup=(),
        here=False,
        title="t",
        text="x",
        sensitive=False,
        reason="r",
    )


def _guard(world: object, config: Config, token: str, sleep: Callable[[float], None]) -> StormGuard:
    c = cycle(world)  # type: ignore[arg-type]
    c.identify()
    guard = StormGuard(
        config.rules,
        config.storm,
        gateway=c.gateway,
        account_id=c.memory.account_id,
        token=token,
        sleep=sleep,
    )
    guard.load()
    return guard


def _stored(world: object, guard: StormGuard) -> dict[str, object]:
    assert guard.gateway is not None and guard.account_id is not None
    return site_state.read(guard.gateway, guard.account_id, PROPERTY_KEY) or {}


def test_a_process_with_stale_counts_folds_once_it_sees_the_others(example_config: Config) -> None:
    config = configured(example_config, adopt=False, limit=4)
    with make_world(config, START) as world:
        now = world.clock.now()
        a = _guard(world, config, "A", lambda s: None)
        b = _guard(world, config, "B", lambda s: None)  # both read the counts now: nobody yet
        admitted_a = [a.admit(_notify(i), now) for i in range(4)]
        # B still believes the person was reached by nobody: the old read-modify-write let it
        # reach them four more times
        assert within(b.sent.get(PERSON, []), now, config.storm.window) == 0
        admitted_b = [b.admit(_notify(10 + i), now) for i in range(4)]
        assert admitted_a == [True] * 4 and admitted_b == [False] * 4
        b.save(now)
        stored = _stored(world, a)
        assert len(stored["sent"][PERSON]) == 4  # type: ignore[index]
        # nothing dropped: B's four wait for the person's digest
        assert len(stored["pending"][PERSON]) == 4  # type: ignore[index]


def test_same_instant_the_second_waits_for_the_first_states_counts(example_config: Config) -> None:
    """A wins the slot of the next state; its state write is held on the wire. B, starting from the
    same counts, loses the slot, finds the state not yet written and waits for it; then it decides
    on A's counts and folds."""
    config = configured(example_config, adopt=False, limit=1)
    hold = Hold(Match("PUT", r"/user/properties/escalation-worker\.storm$"), times=1)
    with make_world(config, START, hooks=(hold,)) as world:
        now = world.clock.now()
        a_done = threading.Event()
        results: dict[str, bool] = {}

        def b_sleep(_: float) -> None:  # B's back-off: A's held write lands meanwhile
            hold.release()
            assert a_done.wait(30)

        a = _guard(world, config, "A", lambda s: None)
        b = _guard(world, config, "B", b_sleep)

        def run_a() -> None:
            results["A"] = a.admit(_notify(1), now)
            a_done.set()

        thread = threading.Thread(target=run_a)
        thread.start()
        assert hold.wait_arrived()  # A has won slot 1; its counts are not stored yet
        assert site_state.read(b.gateway, b.account_id, f"{SLOT_PREFIX}1") is not None  # type: ignore[arg-type]
        results["B"] = b.admit(_notify(2), now)
        thread.join(30)
        assert results == {"A": True, "B": False}
        stored = _stored(world, a)
        assert stored["seq"] == 2 and len(stored["sent"][PERSON]) == 1  # type: ignore[index]


def test_a_slot_whose_holder_died_is_skipped_after_a_few_back_offs(example_config: Config) -> None:
    config = configured(example_config, adopt=False, limit=4)
    with make_world(config, START) as world:
        waits: list[float] = []
        b = _guard(world, config, "B", waits.append)
        assert b.gateway is not None and b.account_id is not None
        # a process won slot 1 and died before writing state 1
        site_state.create(
            b.gateway,
            b.account_id,
            f"{SLOT_PREFIX}1",
            {"token": "dead", "at": "2026-03-02T08:00:00Z"},
        )
        assert b.admit(_notify(1), world.clock.now()) is True
        assert _stored(world, b)["seq"] == 2
        assert len(waits) == 4  # it waited for the dead holder's state a few times first

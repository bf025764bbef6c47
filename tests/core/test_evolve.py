"""``record.evolve`` is ``dataclasses.replace`` for records, only cheaper (see record.py)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from worker.core.record import Event, Journal, LevelState, Record, evolve

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def a_record() -> Record:
    return Record(
        epoch=2,
        status="open",
        severity="S1",
        current=LevelState(level=1, owner="a1", handlers=("a1", "a2"), ack_due=T),
        journal=Journal(done=("x",)),
        timeline=(Event(T, "routed", "why"),),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"reminders": 3},
        {"status": "closed", "closed_at": T, "notes": ("recommendation",)},
        {"current": LevelState(level=2), "ack_breached": True},
    ],
)
def test_evolve_builds_what_replace_builds(changes: dict[str, object]) -> None:
    rec = a_record()
    new = evolve(rec, **changes)  # type: ignore[arg-type]
    want = dataclasses.replace(rec, **changes)  # type: ignore[arg-type]
    assert new == want and repr(new) == repr(want) and type(new) is Record
    assert new is not rec and rec == a_record()  # the old record is untouched
    assert vars(new) == vars(want)


def test_evolve_refuses_a_field_records_do_not_have() -> None:
    with pytest.raises(TypeError, match="reminderz"):
        evolve(a_record(), reminderz=1)  # type: ignore[call-arg]


def test_evolve_of_other_dataclasses_is_replace() -> None:
    level = LevelState(level=1, owner="a1")
    assert evolve(level, owner="b2") == LevelState(level=1, owner="b2")
    with pytest.raises(TypeError):
        evolve(level, nobody=1)  # type: ignore[call-arg]

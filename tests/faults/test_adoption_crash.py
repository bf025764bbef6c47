"""The adoption owner messages survive a crash between the records and the messages (issue 13
item 2): each owner is told exactly once, or the message is visibly abandoned; never lost
silently, never doubled.

The crash is a ``BaseException`` nothing in the worker catches, raised at a chosen point of the
cycle: from outside, the process died there. A new process (a fresh cycle, empty memory) then runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from structlog.testing import capture_logs

from tests.e2e.harness import World, start_world
from tests.onboarding.first_day import RecordingNotifier, configured, seed, writes
from tests.support import paris
from worker.config.model import Config
from worker.cycle import adoption_outbox
from worker.cycle.adoption_outbox import AdoptionOutbox
from worker.jira.stored_record import read_record

START = paris(2026, 3, 2, 9, 0)


class Crash(BaseException):
    """The process dies here."""


@pytest.fixture
def world(example_config: Config) -> Iterator[World]:
    yield from start_world(configured(example_config), START)


def _adopted(world: World, keys: list[str]) -> bool:
    records = [read_record(world.record(k))[0] for k in keys]
    return all(r is not None and r.timeline[-1].kind == "adopted" for r in records)


def _told(notifier: RecordingNotifier) -> Counter[str]:
    return Counter(r for n in notifier.sent if n.event == "adopt" for r in n.recipients)


def test_a_crash_after_the_records_and_before_the_messages(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = seed(world, 20, start=START - timedelta(hours=6), step=timedelta(minutes=9))
    settle = AdoptionOutbox._settle

    def dies_before_intent(self: AdoptionOutbox, owner: str, entries, entry, status, now) -> None:  # type: ignore[no-untyped-def]
        if status == "intent":
            raise Crash("before the first message")
        settle(self, owner, entries, entry, status, now)

    monkeypatch.setattr(AdoptionOutbox, "_settle", dies_before_intent)
    first = RecordingNotifier()
    with pytest.raises(Crash):
        world.tick(notifier=first)
    assert _adopted(world, keys)  # the records are written ...
    assert _told(first) == Counter()  # ... and nobody was told yet
    monkeypatch.setattr(AdoptionOutbox, "_settle", settle)

    world.clock.advance(timedelta(minutes=1))
    second = RecordingNotifier()
    report = world.tick(notifier=second)  # a new process
    told = _told(second)
    assert told and set(told.values()) == {1}  # every owner once
    listed = " ".join(n.text for n in second.sent if n.event == "adopt")
    assert all(k in listed for k in keys)  # every adopted key, from the stored entries
    assert report.actions["adopt_message"] == len(told)
    assert writes(world, "comment") == 0 and writes(world, "assign") == 0

    world.clock.advance(timedelta(minutes=1))
    third = RecordingNotifier()
    world.tick(notifier=third)
    assert _told(third) == Counter()  # never doubled


def test_a_crash_while_a_message_is_sent_abandons_it_visibly(world: World) -> None:
    keys = seed(world, 20, start=START - timedelta(hours=6), step=timedelta(minutes=9))

    class DiesOnFirstAdopt(RecordingNotifier):
        def deliver(self, action, entries, persist):  # type: ignore[no-untyped-def]
            if action.event == "adopt" and not any(n.event == "adopt" for n in self.sent):
                self.sent.append(action)  # it may have gone out: the provider had it
                raise Crash("mid-send")
            return super().deliver(action, entries, persist)

    first = DiesOnFirstAdopt()
    with pytest.raises(Crash):
        world.tick(notifier=first)
    (dying,) = [n for n in first.sent if n.event == "adopt"]
    assert _adopted(world, keys)

    world.clock.advance(timedelta(minutes=1))
    second = RecordingNotifier()
    with capture_logs() as logs:
        world.tick(notifier=second)
    abandoned = [e for e in logs if e["event"] == "adoption_message_abandoned"]
    assert [e["owner"] for e in abandoned] == list(dying.recipients)
    assert set(abandoned[0]["keys"]) == {k for k in keys if k in dying.text}
    told = _told(second)
    assert dying.recipients[0] not in told  # not sent twice
    assert told and set(told.values()) == {1}  # the others once

    world.clock.advance(timedelta(minutes=1))
    third = RecordingNotifier()
    world.tick(notifier=third)
    assert _told(third) == Counter()
    # nothing left open on the site
    assert (
        world.site._user_properties[world.login.account_id][adoption_outbox.INDEX_KEY]["outbox"]
        == []
    )  # type: ignore[attr-defined]

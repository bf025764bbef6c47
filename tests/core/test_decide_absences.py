"""Absences: while someone is away, their deputy gets the routing, escalation and reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from tests.support import CPO, CTO, PD, make_snapshot, paris
from worker.core.actions import Notify, PostComment
from worker.core.decide import Context, decide
from worker.core.directory import Absence


def away(ctx: Context, person: str, deputy: str, start: datetime, end: datetime) -> Context:
    directory = replace(ctx.directory, absences=(Absence(person, start, end, deputy),))
    return replace(ctx, directory=directory)


def test_an_absence_covering_the_cpo_routes_an_s1_to_the_deputy_and_says_so(ctx: Context) -> None:
    t0 = paris(2026, 3, 7, 3, 0)  # Saturday night: S1 runs around the clock
    holiday = away(ctx, "camille", "lea", paris(2026, 3, 2, 0, 0), paris(2026, 3, 14, 0, 0))
    snap = make_snapshot(labels=["escalation-S1", "escalation-type-incident"], created=t0)
    d = decide(holiday, snap, None, t0)
    assert d.record is not None and d.record.current.owner == PD and d.record.current.level == 0
    assert CPO not in d.record.current.handlers and set(d.record.current.handlers) == {PD, CTO}
    (comment,) = [a for a in d.actions if isinstance(a, PostComment)]
    text = comment.body.plain()
    assert "Camille Durand (CPO) is away until Sat 14 Mar 2026 00:00 (Europe/Paris)" in text
    assert "Léa Robert stands in" in text
    assert CPO not in comment.body.mentions()
    (n,) = [a for a in d.actions if isinstance(a, Notify)]
    assert CPO not in n.recipients and PD in n.recipients
    # after the absence, the same issue routes to the CPO again
    back = decide(holiday, snap, None, paris(2026, 3, 14, 0, 1))
    assert back.record is not None and back.record.current.owner == CPO


def test_a_reminder_goes_to_the_deputy_of_an_owner_who_left_after_routing(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    snap = make_snapshot(labels=["escalation-S2", "escalation-type-scope"], created=t0)
    rec = decide(ctx, snap, None, t0).record
    assert rec is not None and rec.current.owner == PD and rec.current.nudge_due is not None
    holiday = away(ctx, "lea", "camille", paris(2026, 3, 2, 9, 30), paris(2026, 3, 3, 0, 0))
    d = decide(holiday, snap, rec, rec.current.nudge_due + timedelta(minutes=1))
    assert d.did == "nudge"
    (comment,) = [a for a in d.actions if isinstance(a, PostComment)]
    assert comment.body.mentions() == (CPO,)
    assert "Léa Robert (Product Director) is away" in comment.body.plain()
    (n,) = [a for a in d.actions if isinstance(a, Notify)]
    assert n.recipients == (CPO,)

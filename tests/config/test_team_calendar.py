"""A team with its own calendar: its deadlines and the times in its comments use its zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.config.workspace import Workspace
from tests.support import make_snapshot, paris
from worker.config.clocks import build_team_clocks
from worker.config.load import load_config
from worker.core.actions import PostComment
from worker.core.decide import Context, decide

NEW_YORK = ZoneInfo("America/New_York")

TEAM_CALENDAR = """
    calendar:
      timezone: America/New_York
      holidays: {country: US}
"""


def _with_ny_team(ws: Workspace) -> Context:
    text = (ws.root / "config.yaml").read_text()
    anchor = "    projects: [PAY, PEOPLE]"
    assert text.count(anchor) == 1
    ws.edit("config.yaml", anchor, anchor + TEAM_CALENDAR.rstrip("\n"))
    config = load_config(ws.root / "config.yaml")
    assert set(config.team_calendars) == {"payments"}
    from worker.config.clocks import build_clocks

    return Context(
        rules=config.rules,
        directory=config.directory,
        clocks=build_clocks(config),
        team_clocks=build_team_clocks(config),
    )


def test_a_team_in_new_york_counts_its_own_working_hours(ws: Workspace) -> None:
    ctx = _with_ny_team(ws)
    # S3 (4 business hours) labelled Monday 2 March 09:00 Paris = 03:00 New York: the New York
    # day starts at 09:00 local (the organisation's hours, read in the team's zone)
    t0 = paris(2026, 3, 2, 9, 0)
    pay = make_snapshot(key="PAY-1", project="PAY", created=t0)
    shop = make_snapshot(key="SHOP-1", project="SHOP", created=t0)
    d_pay = decide(ctx, pay, None, t0 + timedelta(minutes=1))
    d_shop = decide(ctx, shop, None, t0 + timedelta(minutes=1))
    assert d_shop.record is not None and d_shop.record.current.ack_due == paris(2026, 3, 2, 14, 0)
    assert d_pay.record is not None and d_pay.record.current.ack_due is not None
    ny_due = d_pay.record.current.ack_due.astimezone(NEW_YORK)
    assert (ny_due.hour, ny_due.minute) == (14, 0)  # 09:00-12:30 + 13:30-14:00 New York time
    (comment,) = [a for a in d_pay.actions if isinstance(a, PostComment) and a.purpose == "route"]
    assert "America/New_York" in comment.body.plain()


def test_without_team_calendars_nothing_changes(ctx: Context) -> None:
    t0 = paris(2026, 3, 2, 9, 0)
    pay = make_snapshot(key="PAY-1", project="PAY", created=t0)
    assert decide(ctx, pay, None, t0) == decide(replace(ctx, team_clocks={}), pay, None, t0)


def test_a_team_calendar_error_is_located_under_the_team(ws: Workspace) -> None:
    ws.edit(
        "config.yaml",
        "    projects: [PAY, PEOPLE]",
        "    projects: [PAY, PEOPLE]\n    calendar:\n      timezone: Mars/Olympus",
    )
    code, out = ws.check()
    assert code == 1
    assert "teams › payments › calendar › timezone" in out and "Mars/Olympus" in out


def test_the_example_has_no_team_calendar() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "config.example.yaml")
    assert config.team_calendars == {}

"""Test helpers: the people of config.example.yaml, Paris times, a snapshot builder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from worker.core.snapshot import Change, Comment, IssueSnapshot

ROOT = Path(__file__).resolve().parents[1]
PARIS = ZoneInfo("Europe/Paris")
WORKER = "worker-account-0001"

# People of config.example.yaml (accountIds)
CPO = "5b10a2844c20165700ede21a"  # camille
CTO = "5b10a2844c20165700ede21b"  # theo
CEO = "5b10a2844c20165700ede21c"  # ines
PEOPLE = "5b10a2844c20165700ede21d"  # paul
PD = "5b10a2844c20165700ede21e"  # lea: product director and direct manager of both teams
TL = "5b10a2844c20165700ede21f"  # hugo: tech lead, checkout
PO = "5b10a2844c20165700ede220"  # emma: PO, checkout
LEAD_DEV = "5b10a2844c20165700ede221"  # louis
DEV1 = "5b10a2844c20165700ede222"  # chloe
DEV2 = "5b10a2844c20165700ede223"  # jules
REPORTER = "reporter-0000000000000001"


@dataclass(frozen=True)
class in_zone:
    """Makes a datetime in ``tz`` from its wall-clock fields; ``as_utc``: the same instant in UTC."""

    tz: tzinfo
    as_utc: bool = False

    def __call__(
        self,
        year: int,
        month: int,
        day: int,
        hour: int = 0,
        minute: int = 0,
        second: int = 0,
        microsecond: int = 0,
    ) -> datetime:
        local = datetime(year, month, day, hour, minute, second, microsecond, tzinfo=self.tz)
        return local.astimezone(UTC) if self.as_utc else local


paris = in_zone(PARIS, as_utc=True)  # Paris wall time, as the UTC instant the worker stores


FULL_DESCRIPTION = (
    "What happened: checkout fails for 10% of carts. Tried: rolled back the last deploy. "
    "We recommend pausing the promo. We need a go from you."
)


def make_snapshot(
    *,
    key: str = "SHOP-1",
    labels: Sequence[str] = ("escalation-S3", "escalation-type-scope"),
    created: datetime,
    changes: Sequence[Change] = (),
    comments: Sequence[Comment] | None = (),
    assignee: str | None = None,
    reporter: str | None = REPORTER,
    resolution: str | None = None,
    resolved_at: datetime | None = None,
    status_category: str = "new",
    project: str = "SHOP",
    issue_type: str = "Task",
    description: str = FULL_DESCRIPTION,
    summary: str = "Checkout fails",
    sprint_end: datetime | None = None,
    reporter_name: str | None = "Nora Reporter",
) -> IssueSnapshot:
    return IssueSnapshot(
        key=key,
        id=str(10000 + int(key.split("-")[1])),
        project=project,
        issue_type=issue_type,
        summary=summary,
        reporter=reporter,
        assignee=assignee,
        status="Done" if status_category == "done" else "To Do",
        status_category=status_category,
        resolution=resolution,
        resolved_at=resolved_at,
        created=created,
        updated=created,
        labels=tuple(labels),
        description=description,
        sprint_end=sprint_end,
        changes=tuple(changes),
        comments=None if comments is None else tuple(comments),
        reporter_name=reporter_name,
    )

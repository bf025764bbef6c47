"""The adoption instant (``adoption.since``) and telling the adopted owners.

``since: auto`` (the default) is the start of the first live cycle, remembered in a property of
the worker's own Jira account so that every later cycle and every other worker process uses the
same instant. Two workers starting together agree: each writes its own start, reads the value
back, and the earliest wins (a later value read back is overwritten with the earlier one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import structlog

from worker.config.model import AdoptionSettings
from worker.core.actions import Notify
from worker.core.adoption import Adopted, owner_messages, summary
from worker.core.rules import Rules
from worker.core.wording import Voice
from worker.cycle import site_state
from worker.cycle.storm import StormGuard
from worker.jira.gateway import JiraGateway

log = structlog.get_logger("worker.adoption")
PROPERTY_KEY = "escalation-worker.adoption"


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def stored_since(gateway: JiraGateway, account_id: str) -> datetime | None:
    found = site_state.read(gateway, account_id, PROPERTY_KEY)
    return _parse(found.get("since")) if found else None


def resolve_since(
    settings: AdoptionSettings,
    gateway: JiraGateway,
    account_id: str | None,
    now: datetime,
    *,
    live: bool,
) -> datetime | None:
    """The instant before which labels are adopted; None when adoption is off.

    A cycle that writes nothing (shadow, dry run) uses the stored instant, else its own start:
    it shows what the first live cycle would do, without remembering anything.
    """
    if not settings.enabled:
        return None
    if settings.since is not None:
        return settings.since
    if account_id is None:
        return None
    found = stored_since(gateway, account_id)
    if found is not None or not live:
        return found or now
    mine = {"schema": 1, "since": _iso(now)}
    site_state.write(gateway, account_id, PROPERTY_KEY, mine)
    back = stored_since(gateway, account_id)
    if back is None or back > now:
        # another worker wrote a later start after ours: the earliest wins, put ours back
        site_state.write(gateway, account_id, PROPERTY_KEY, mine)
        back = now
    log.info("adoption_started", since=_iso(back), hint="labels applied before it are adopted")
    return back


def tell_owners(
    rules: Rules,
    voice: Voice,
    items: Sequence[Adopted],
    since: datetime,
    now: datetime,
    *,
    guard: StormGuard | None,
    send: Callable[[Notify], bool] | None,
    deliver: Callable[[], int] | None = None,
) -> int:
    """The adoption's summary (one log event) and one message per adopted owner (through the
    storm guard: an owner over their budget finds the list in their digest). A live cycle passes
    ``deliver``, which sends them through the adoption outbox (pending entries of earlier cycles
    too). Returns the number of messages sent."""
    if not items:
        return deliver() if deliver is not None else 0
    messages = owner_messages(rules, voice, items, since)
    log.info(
        "adopted",
        since=_iso(since),
        escalations=len(items),
        owners=len(messages),
        summary=summary(voice, items),
        sent=send is not None or deliver is not None,
    )
    if deliver is not None:  # the crash-safe path: worker/cycle/adoption_outbox.py
        return deliver()
    if send is None:
        return 0
    sent = 0
    for message in messages:
        if guard is not None and not guard.admit(message, now):
            continue
        sent += bool(send(message))
    return sent

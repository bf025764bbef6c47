"""Adoption: escalations labelled before ``adoption.since`` are taken over quietly.

``decide`` returns an ``adopt`` decision for each (the record, no effects); this module turns the
adopted escalations of a cycle into one message per owner and a summary. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from worker.core import sentences as S
from worker.core.actions import Notify
from worker.core.decision import Decision, Did
from worker.core.rules import Rules
from worker.core.wording import Voice


@dataclass(frozen=True, slots=True)
class Adopted:
    """One adopted escalation, as its owner's message and the summary list it."""

    key: str
    owner: str | None  # accountId; None when nobody could be staffed
    severity: str
    summary: str
    ack_due: datetime | None
    sensitive: bool
    team: str | None = None


def adopted(rules: Rules, decision: Decision, summary: str) -> Adopted | None:
    """The adopted escalation a decision describes (None for any other decision)."""
    rec = decision.record
    if decision.did is not Did.ADOPT or rec is None or rec.severity is None:
        return None
    kind = rules.types.get(rec.type or "")
    return Adopted(
        decision.issue_key,
        rec.current.owner,
        rec.severity,
        summary,
        rec.current.ack_due,
        bool(kind and kind.sensitive),
        rec.team,
    )


def by_owner(items: Sequence[Adopted]) -> dict[str | None, list[Adopted]]:
    """Adopted escalations grouped by owner (most severe first, then by key)."""
    out: dict[str | None, list[Adopted]] = {}
    for a in sorted(items, key=lambda a: (a.severity, a.key)):
        out.setdefault(a.owner, []).append(a)
    return out


def _line(voice: Voice, a: Adopted) -> str:
    summary = "" if a.sensitive else a.summary
    return voice.t(S.ADOPTED_LINE).format(
        key=a.key, severity=a.severity, summary=summary, ack_due=voice.when(a.ack_due)
    )


def owner_messages(
    rules: Rules, voice: Voice, items: Sequence[Adopted], since: datetime
) -> list[Notify]:
    """One message per adopted owner listing what they now own, on the channels of the most
    severe of their escalations (an owner whose severities have no channels gets none)."""
    out: list[Notify] = []
    for owner, mine in by_owner(items).items():
        if owner is None:
            continue
        ranked = sorted(mine, key=lambda a: rules.severities[a.severity].rank)
        plan = rules.channel_plans.get(ranked[0].severity)
        if plan is None:
            continue
        keys = ",".join(a.key for a in mine)
        digest = hashlib.sha256(keys.encode()).hexdigest()[:12]
        out.append(
            Notify(
                id=f"adopt:{since.isoformat()}:{owner}:{digest}",
                issue_key=mine[0].key,
                severity=ranked[0].severity,
                event="adopt",
                recipients=(owner,),
                primary=plan.primary,
                backup=plan.backup,
                here=False,
                title=voice.texts.ngettext(*S.ADOPTED_TITLE, len(mine)).format(count=len(mine)),
                text=voice.t(S.ADOPTED_TEXT).format(
                    since=voice.when(since), lines="\n".join(_line(voice, a) for a in mine)
                ),
                sensitive=any(a.sensitive for a in mine),
                reason=voice.t(S.ADOPTED_REASON_OWNER),
                team=None,
            )
        )
    return out


def summary(voice: Voice, items: Sequence[Adopted]) -> dict[str, list[str]]:
    """The whole adoption, owner name -> the keys they now own (printed once)."""
    return {
        voice.name(owner): [f"{a.key} {a.severity}" for a in mine]
        for owner, mine in by_owner(items).items()
    }


__all__ = ["Adopted", "adopted", "by_owner", "owner_messages", "summary"]

"""The storm guard's rules: who a decision reaches, and how a folded person is taken out of it.

No person receives more than ``limit`` notifications or mentions within ``window``; the updates
beyond that are folded: the comment names them without the @mention, the notification leaves them
out, and one digest later lists everything folded. S1 (the most severe rank) is never folded.
Pure: the shell keeps the counts (on the site) and calls these functions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from worker.core import sentences as S
from worker.core.actions import Action, Notify, PostComment
from worker.core.decision import Decision
from worker.core.messages import Doc, Inline, Mention, Text
from worker.core.rules import Rules
from worker.core.texts import ENGLISH, Texts


@dataclass(frozen=True, slots=True)
class StormPolicy:
    limit: int  # notifications or mentions per person within ``window``
    window: timedelta
    exempt: frozenset[str]  # severity ids never folded

    @classmethod
    def of(cls, rules: Rules, limit: int, window: timedelta) -> StormPolicy:
        exempt = frozenset(s.id for s in rules.severities.values() if s.rank == 1)
        return cls(limit, window, exempt)


@dataclass(frozen=True, slots=True)
class Folded:
    """One update a person did not receive on its own: it goes into their digest."""

    person: str
    key: str
    severity: str
    event: str

    def line(self, texts: Texts = ENGLISH) -> str:
        """``KEY S2 event`` (key and severity first in every language: they are read back)."""
        event = S.EVENT_WORDS.get(self.event)
        return (
            texts.gettext(S.DIGEST_LINE)
            .format(
                key=self.key,
                severity=self.severity,
                event=texts.gettext(event) if event else self.event,
                summary="",
            )
            .rstrip(": \u00a0\u202f")
        )


def reached(decision: Decision) -> tuple[str, ...]:
    """The people a decision's effects reach: the comment's mentions, the notification's recipients."""
    seen: dict[str, None] = {}
    for a in decision.actions:
        if isinstance(a, PostComment):
            seen.update(dict.fromkeys(a.body.mentions()))
        elif isinstance(a, Notify):
            seen.update(dict.fromkeys(a.recipients))
    return tuple(seen)


def event_of(decision: Decision) -> str:
    for a in decision.actions:
        if isinstance(a, Notify):
            return a.event
    return decision.did.value


def within(sent: Iterable[datetime], now: datetime, window: timedelta) -> int:
    """How many of ``sent`` fall in the window ending at ``now``."""
    return sum(1 for t in sent if now - window < t <= now)


def may_reach(
    policy: StormPolicy, severity: str | None, sent: Sequence[datetime], now: datetime
) -> bool:
    """Whether one more update of ``severity`` may reach a person who got ``sent`` already."""
    if severity is not None and severity in policy.exempt:
        return True
    return within(sent, now, policy.window) < policy.limit


def _plain(para: tuple[Inline, ...], folded: Collection[str]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for i in para:
        item: Inline = Text(i.name) if isinstance(i, Mention) and i.account_id in folded else i
        if out and isinstance(item, Text) and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + item.text)
        else:
            out.append(item)
    return tuple(out)


def fold(decision: Decision, folded: Collection[str]) -> Decision:
    """The decision with ``folded`` people named without a mention and left out of notifications
    (a notification left with nobody is dropped: the digest carries it)."""
    if not folded:
        return decision
    actions: list[Action] = []
    for a in decision.actions:
        if isinstance(a, PostComment):
            body = Doc(tuple(_plain(p, folded) for p in a.body.paragraphs))
            actions.append(replace(a, body=body))
        elif isinstance(a, Notify):
            keep = tuple(r for r in a.recipients if r not in folded)
            if keep:
                actions.append(replace(a, recipients=keep))
        else:
            actions.append(a)
    return replace(decision, actions=tuple(actions))


def digest(
    rules: Rules,
    policy: StormPolicy,
    person: str,
    lines: Sequence[str],
    severities: Collection[str],
    now: datetime,
    texts: Texts = ENGLISH,
) -> Notify | None:
    """The one message listing what was folded for ``person``, on the channels of the most severe
    folded update (None when none of those severities has channels)."""
    ranked = sorted(
        (rules.severities[s] for s in severities if s in rules.severities), key=lambda s: s.rank
    )
    plans = [rules.channel_plans[s.id] for s in ranked if s.id in rules.channel_plans]
    if not plans or not lines:
        return None
    window = texts.format_duration(policy.window)
    return Notify(
        id=f"digest:{person}:{now.isoformat()}",
        issue_key=lines[0].split(" ", 1)[0],
        severity=plans[0].severity_id,
        event="digest",
        recipients=(person,),
        primary=plans[0].primary,
        backup=plans[0].backup,
        here=False,
        title=texts.ngettext(*S.DIGEST_TITLE, len(lines)).format(count=len(lines)),
        text=texts.gettext(S.DIGEST_TEXT).format(
            limit=policy.limit, window=window, lines="\n".join(lines)
        ),
        sensitive=False,
        reason=texts.gettext(S.DIGEST_REASON).format(limit=policy.limit, window=window),
    )


def pending_severities(pending: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """The severities named in stored digest lines ("KEY S2 event"), per person."""
    return {p: {ln.split(" ")[1] for ln in lines if " " in ln} for p, lines in pending.items()}

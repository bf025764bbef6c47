"""The weekly review digest: each PO gets the list of their team's open S3/S4 escalations and deadlines.

``build_digests`` is pure (records in, messages out); ``send_weekly_digest`` reads Jira and sends
through the configured channels (a Slack DM, with email as the backup). The digest is written in
the configured language (its texts are in the ``pages`` catalog).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog

from worker.config.model import Config
from worker.core.i18n_marks import N_, Np_
from worker.core.record import Record
from worker.core.texts import ENGLISH, Texts
from worker.jira.gateway import JiraGateway
from worker.notify.message import Message, Recipient

log = structlog.get_logger("worker.digest")
DIGEST_SEVERITIES = ("S3", "S4")
PRIMARY, BACKUP = ("slack_dm",), ("email",)


@dataclass(frozen=True)
class DigestItem:
    key: str
    summary: str
    severity: str
    kind: str
    owner: str
    ack_due: datetime | None
    resolve_due: datetime | None
    acknowledged: bool
    sensitive: bool


HEADER = N_("Open S3/S4 escalations for the weekly review ({week}, times in {zone}):")
ACKNOWLEDGED = N_("acknowledged")
WAITING = N_("waiting for acknowledgement by {when}")
CONFIDENTIAL = N_("(confidential)")
KIND_SUMMARY = N_("{kind}: {summary}")
LINE = N_("- {key} [{severity}] {what} — owner {owner}; {state}; resolve by {resolve_due}")
TITLE = Np_(
    "Weekly escalation review {week}: {count} open", "Weekly escalation review {week}: {count} open"
)
NOBODY = N_("nobody")


def _when(at: datetime | None, tz: ZoneInfo, texts: Texts) -> str:
    if at is None:
        return "—"
    if texts.language == "en":  # the short form the digest has always used: Mon 07 Dec 14:00
        return at.astimezone(tz).strftime("%a %d %b %H:%M")
    return f"{texts.format_date(at.astimezone(tz).date())} {texts.format_time(at, tz)}"


def build_digests(
    config: Config,
    issues: Iterable[tuple[str, str, Record]],
    now: datetime,
    *,
    site_url: str = "",
    texts: Texts = ENGLISH,
) -> list[Message]:
    """One message per PO with open S3/S4 escalations of their team(s), soonest deadline first.

    ``config.rules`` and ``texts`` give the language (the kinds' names come from the rules)."""
    _ = texts.gettext
    tz = ZoneInfo(config.calendar.timezone)
    rules, d = config.rules, config.directory
    by_po: dict[str, list[DigestItem]] = {}
    for key, summary, rec in issues:
        if not rec.is_open or rec.severity not in DIGEST_SEVERITIES:
            continue
        pos = d.people_for("po", rec.team)
        if not pos:
            continue
        itype = rules.types.get(rec.type or "")
        owner = d.by_account(rec.current.owner)
        item = DigestItem(
            key=key,
            summary=summary,
            severity=rec.severity or "",
            kind=itype.name if itype else (rec.type or ""),
            owner=owner.name if owner else (rec.current.owner or _(NOBODY)),
            ack_due=rec.current.ack_due,
            resolve_due=rec.resolve_due,
            acknowledged=rec.current.acked_at is not None,
            sensitive=bool(itype and itype.sensitive),
        )
        for po in pos:
            by_po.setdefault(po.account_id, []).append(item)
    week = now.astimezone(tz).strftime("%G-W%V")
    messages = []
    for account_id, items in sorted(by_po.items()):
        person = d.by_account(account_id)
        assert person is not None
        items.sort(key=lambda i: (i.resolve_due or now, i.key))
        lines = [_(HEADER).format(week=week, zone=tz.key)]
        for i in items:
            state = (
                _(ACKNOWLEDGED)
                if i.acknowledged
                else _(WAITING).format(when=_when(i.ack_due, tz, texts))
            )
            what = (
                _(CONFIDENTIAL)
                if i.sensitive
                else _(KIND_SUMMARY).format(kind=i.kind, summary=i.summary)
            )
            lines.append(
                _(LINE).format(
                    key=i.key,
                    severity=i.severity,
                    what=what,
                    owner=i.owner,
                    state=state,
                    resolve_due=_when(i.resolve_due, tz, texts),
                )
            )
        messages.append(
            Message(
                id=f"digest/{week}/{account_id}",
                issue_key=items[0].key,
                issue_url=site_url.rstrip("/") or "",
                severity=items[0].severity,
                event="digest",
                title=texts.ngettext(*TITLE, len(items)).format(week=week, count=len(items)),
                text="\n".join(lines),
                recipients=(
                    Recipient(
                        person.account_id, person.name, person.email, person.phone, person.slack_id
                    ),
                ),
                sensitive=any(i.sensitive for i in items),
            )
        )
    return messages


def read_open(gateway: JiraGateway, config: Config) -> list[tuple[str, str, Record]]:
    """Open S3/S4 escalations with their records, read from Jira in pages (records come inline)."""
    from worker.jira import jql
    from worker.jira.stored_record import read_record, record_of

    labels = [
        config.rules.severities[s].label for s in DIGEST_SEVERITIES if s in config.rules.severities
    ]
    query = (
        f"project in {jql.in_list(config.jira.projects)} AND labels in {jql.in_list(labels)} "
        "AND resolution is EMPTY ORDER BY key ASC"
    )
    out = []
    for issue in gateway.search(query, fields=["summary"]):
        rec, _, _ = read_record(record_of(issue, gateway.property_key))
        if rec is not None:
            out.append(
                (str(issue.get("key")), str((issue.get("fields") or {}).get("summary") or ""), rec)
            )
    return out


def send(
    messages: Sequence[Message], channels: Mapping[str, object], now: datetime
) -> list[tuple[str, list[str]]]:
    """Send each digest (Slack DM, email as backup); returns (message id, statuses)."""
    from worker.notify.outbox import Dispatcher

    dispatcher = Dispatcher(channels, now=lambda: now)  # type: ignore[arg-type]
    results = []
    for m in messages:
        entries = dispatcher.deliver(m, PRIMARY, BACKUP, [], lambda _entries: None)
        results.append((m.id, [f"{e.channel}:{e.status}" for e in entries]))
        log.info(
            "digest_sent", message_id=m.id, outcome=[f"{e.channel}:{e.status}" for e in entries]
        )
    return results


def send_weekly_digest(
    gateway: JiraGateway,
    config: Config,
    channels: Mapping[str, object],
    now: datetime,
    *,
    site_url: str = "",
) -> list[tuple[str, list[str]]]:
    """Read the open S3/S4 escalations and send each PO their digest."""
    from worker.i18n import texts_for

    messages = build_digests(
        config,
        read_open(gateway, config),
        now,
        site_url=site_url,
        texts=texts_for(config.language),
    )
    return send(messages, channels, now)

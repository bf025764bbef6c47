"""The weekly review digest: each PO gets the list of their team's open S3/S4 escalations and deadlines.

``build_digests`` is pure (records in, messages out); ``send_weekly_digest`` reads Jira and sends
through the configured channels (a Slack DM, with email as the backup).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import structlog

from worker.config.model import Config
from worker.core.record import Record
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


def _when(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%a %d %b %H:%M") if at else "—"


def build_digests(
    config: Config, issues: Iterable[tuple[str, str, Record]], now: datetime, *, site_url: str = ""
) -> list[Message]:
    """One message per PO with open S3/S4 escalations of their team(s), soonest deadline first."""
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
        owner = d.by_account(rec.owner)
        item = DigestItem(
            key=key,
            summary=summary,
            severity=rec.severity or "",
            kind=itype.name if itype else (rec.type or ""),
            owner=owner.name if owner else (rec.owner or "nobody"),
            ack_due=rec.ack_due,
            resolve_due=rec.resolve_due,
            acknowledged=rec.acked_at is not None,
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
        lines = [f"Open S3/S4 escalations for the weekly review ({week}, times in {tz.key}):"]
        for i in items:
            state = (
                "acknowledged"
                if i.acknowledged
                else f"waiting for acknowledgement by {_when(i.ack_due, tz)}"
            )
            what = "(confidential)" if i.sensitive else f"{i.kind}: {i.summary}"
            lines.append(
                f"- {i.key} [{i.severity}] {what} — owner {i.owner}; {state}; resolve by {_when(i.resolve_due, tz)}"
            )
        messages.append(
            Message(
                id=f"digest/{week}/{account_id}",
                issue_key=items[0].key,
                issue_url=site_url.rstrip("/") or "",
                severity=items[0].severity,
                event="digest",
                title=f"Weekly escalation review {week}: {len(items)} open",
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
    messages = build_digests(config, read_open(gateway, config), now, site_url=site_url)
    return send(messages, channels, now)

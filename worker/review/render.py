"""A :class:`~worker.review.compute.Report` as Markdown, CSV, JSON or Confluence storage format.

Rendering never computes a figure: everything shown comes from the report. The storage form
leaves out the generation time so that the page's hash changes only when the figures do.

Markdown and the storage page are written in the language of the ``texts`` given (the ``pages``
catalog; names of severities and kinds come from the rules, read in that language). CSV and JSON
are for machines: their keys and codes stay as they are.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.core import UnknownLocaleError
from babel.numbers import format_decimal

from worker.core.i18n_marks import N_, Np_
from worker.core.texts import ENGLISH, Texts
from worker.review.compute import Compliance, Durations, Entry, Listed, Report
from worker.sanitise import csv_row, md_cell, one_line, xml_text

DEFINITIONS = (
    N_(
        "An escalation counts in the month it was opened (severity label applied), in the calendar's time zone; "
        "escalations opened earlier and still open when the month began are listed as carried over, not counted again."
    ),
    N_(
        "Compliance = met / (met + breached). Open escalations past their deadline count as breached; those still "
        "inside it are pending and left out, as are closed ones never acknowledged in time to matter (none) and "
        "label removals without a breach (withdrawn)."
    ),
    N_(
        "Time to acknowledge / resolve is elapsed time from the opening; unacknowledged or unresolved escalations are "
        "excluded. Median: mean of the two middle values for an even count. 90th percentile: nearest rank "
        "(the ceil(0.9 x n)-th smallest value)."
    ),
    N_(
        "A pattern is a team, a counterpart team of a cross-team dependency, or a type seen at least {min} times."
    ),
    N_(
        "People issues count in every figure but are never named: lists show them only as a number."
    ),
)

# the codes of the report (compute.py), as words
STATES = {
    "open": N_("open"),
    "closed": N_("closed"),
    "met": N_("met"),
    "breached": N_("breached"),
    "none": N_("none"),
    "pending": N_("pending"),
    "withdrawn": N_("withdrawn"),
    "resolved": N_("resolved"),
    "label_removed": N_("label removed"),
}
EVENTS = {
    "labelled": N_("labelled"),
    "routed": N_("routed"),
    "acknowledged": N_("acknowledged"),
    "nudged": N_("nudged"),
    "escalated": N_("escalated"),
    "reminded": N_("reminded"),
    "relabelled": N_("relabelled"),
    "delegated": N_("delegated"),
    "adopted": N_("adopted"),
    "resolve_breached": N_("resolve deadline passed"),
    "closed": N_("closed"),
    "failed": N_("failed"),
    "unknown_label": N_("unknown label"),
    "near_miss_label": N_("label close to a severity"),
}
PATTERNS = {
    "team": N_("Same team"),
    "dependency": N_("Same dependency (counterpart team)"),
    "type": N_("Same type"),
}
OPENED = Np_(
    "{count} escalation opened in {month} (previous month {previous}: {previous_count}, {change}).",
    "{count} escalations opened in {month} (previous month {previous}: {previous_count}, {change}).",
)
CONFIDENTIAL = Np_("{count} confidential", "{count} confidential")
CONFIDENTIAL_NOT_SHOWN = N_("{count} confidential escalation(s) (people issues) not shown.")


def _word(table: dict[str, str], code: str | None, texts: Texts) -> str:
    """A code of the report in words; in English the code as it has always been shown."""
    if code is None:
        return ""
    if texts.language == "en" or code not in table:
        return code
    return texts.gettext(table[code])


# --- small formatters --------------------------------------------------------------------------------


def duration_text(seconds: float | None, texts: Texts = ENGLISH) -> str:
    _ = texts.gettext
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("{n} min").format(n=minutes)
    hours, mins = divmod(minutes, 60)
    if hours < 48:
        if mins:
            return _("{hours} h {minutes:02d} min").format(hours=hours, minutes=mins)
        return _("{n} h").format(n=hours)
    days, hours = divmod(hours, 24)
    return (
        _("{days} d {hours} h").format(days=days, hours=hours)
        if hours
        else _("{n} d").format(n=days)
    )


def decimal_text(value: float, texts: Texts = ENGLISH) -> str:
    """One decimal, with the language's decimal mark (87.5 in English, 87,5 in French)."""
    try:
        return format_decimal(value, format="0.0", locale=texts.language)
    except (UnknownLocaleError, ValueError):  # a test-only pseudo-locale: the English form
        return f"{value:.1f}"


def rate_text(c: Compliance, texts: Texts = ENGLISH) -> str:
    rate = c.rate
    if rate is None:
        return texts.gettext(N_("n/a"))
    return texts.gettext(N_("{percent}% ({met}/{total})")).format(
        percent=decimal_text(rate * 100, texts), met=c.met, total=c.met + c.breached
    )


def _local(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else "—"


def _change(now: int, before: int) -> str:
    d = now - before
    return f"+{d}" if d > 0 else str(d)


def _confidential(n: int, texts: Texts = ENGLISH) -> str:
    return texts.ngettext(*CONFIDENTIAL, n).format(count=n) if n else ""


def _keys(keys: Sequence[str], confidential: int, texts: Texts = ENGLISH) -> str:
    parts = list(keys) + ([_confidential(confidential, texts)] if confidential else [])
    return ", ".join(parts)


def _breached(c: Compliance, texts: Texts = ENGLISH) -> str:
    if not c.open_breached:
        return str(c.breached)
    return texts.gettext(N_("{breached} ({open} open)")).format(
        breached=c.breached, open=c.open_breached
    )


# --- Markdown ----------------------------------------------------------------------------------------


def _md_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    out = [
        "| " + " | ".join(map(md_cell, header)) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    out += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return out


def chart_rows(report: Report) -> list[list[str]]:
    """The team x severity table with a text bar per team: ``S1 ## S2 #`` (one ``#`` per escalation)."""
    rows = []
    for team, counts in report.chart:
        total = sum(counts)
        bar = " ".join(
            f"{sid} {'#' * n}" for (sid, _), n in zip(report.severities, counts, strict=False) if n
        )
        rows.append([team, *map(str, counts), str(total), bar])
    return rows


def _sla_rows(report: Report, texts: Texts) -> list[list[object]]:
    _ = texts.gettext
    return [
        [
            _(label),
            c.met,
            _breached(c, texts),
            c.pending,
            rate_text(c, texts),
        ]
        for label, c in ((N_("Acknowledge"), report.acknowledge), (N_("Resolve"), report.resolve))
    ]


def _duration_rows(report: Report, texts: Texts) -> list[list[object]]:
    _ = texts.gettext
    rows: list[list[object]] = []
    for label, overall, attr in (
        (N_("Acknowledge"), report.time_to_acknowledge, "time_to_acknowledge"),
        (N_("Resolve"), report.time_to_resolve, "time_to_resolve"),
    ):
        rows.append(_duration_row(_("{measure}, all").format(measure=_(label)), overall, texts))
        for f in report.per_severity:
            d: Durations = getattr(f, attr)
            if d.count or d.excluded:
                name = _("{measure}, {severity}").format(measure=_(label), severity=f.severity)
                rows.append(_duration_row(name, d, texts))
    return rows


def _pattern_line(report: Report, texts: Texts) -> list[str]:
    _ = texts.gettext
    return [
        _("{pattern}: {name} — {count} ({keys})").format(
            pattern=_(PATTERNS[p.dimension]),
            name=one_line(p.name),
            count=p.count,
            keys=_keys(p.keys, p.confidential, texts),
        )
        for p in report.patterns
    ]


def _volume_line(report: Report, texts: Texts) -> str:
    return texts.ngettext(*OPENED, report.total).format(
        count=report.total,
        month=report.month,
        previous=report.month.previous(),
        previous_count=report.previous_total,
        change=_change(report.total, report.previous_total),
    )


def _headers(texts: Texts) -> dict[str, str]:
    _ = texts.gettext
    return {
        "change": _("Change"),
        "severity": _("Severity"),
        "type": _("Type"),
        "team": _("Team"),
    }


def to_markdown(report: Report, texts: Texts = ENGLISH) -> str:
    _ = texts.gettext
    tz = ZoneInfo(report.timezone)
    prev = report.month.previous()
    m = report.month
    h = _headers(texts)
    lines = [
        _("# Escalation review {month}").format(month=m),
        "",
        _(
            "Time zone {zone}. Generated {at}; open escalations are shown as they stand at that "
            "moment."
        ).format(zone=report.timezone, at=_local(report.generated_at, tz)),
        "",
        _("## Volume"),
        "",
        _volume_line(report, texts),
        "",
        _("### By severity"),
        "",
        *_md_table(
            [h["severity"], str(m), str(prev), h["change"]],
            [
                [f"{v.id} {v.name}", v.count, v.previous, _change(v.count, v.previous)]
                for v in report.by_severity
            ],
        ),
        "",
        _("### By type"),
        "",
        *_md_table(
            [h["type"], str(m), str(prev), h["change"]],
            [[v.name, v.count, v.previous, _change(v.count, v.previous)] for v in report.by_type],
        ),
        "",
        _("### By team"),
        "",
        *_md_table(
            [h["team"], str(m), str(prev), h["change"]],
            [[v.name, v.count, v.previous, _change(v.count, v.previous)] for v in report.by_team],
        ),
        "",
        _("## Volume by team and severity"),
        "",
    ]
    if report.chart:
        lines += _md_table(
            [h["team"], *[s for s, _s in report.severities], _("Total"), _("Chart")],
            chart_rows(report),
        )
    else:
        lines.append(_("No escalations this month."))
    lines += ["", _("## SLA compliance"), ""]
    lines += _md_table(
        [_("SLA"), _("Met"), _("Breached"), _("Pending"), _("Compliance")],
        _sla_rows(report, texts),
    )
    lines += ["", _("By severity:"), ""]
    lines += _md_table(
        [h["severity"], _("Acknowledge"), _("Resolve")],
        [
            [f.severity, rate_text(f.acknowledge, texts), rate_text(f.resolve, texts)]
            for f in report.per_severity
        ],
    )
    lines += ["", _("## Time to acknowledge and to resolve"), ""]
    lines += _md_table(
        [_("Measure"), _("Count"), _("Median"), _("90th percentile"), _("Excluded")],
        _duration_rows(report, texts),
    )
    lines += ["", _("## How far escalations climbed"), ""]
    lines += (
        _md_table([_("Levels climbed"), _("Escalations")], [[lvl, n] for lvl, n in report.levels])
        if report.levels
        else [_("No escalations this month.")]
    )
    lines += ["", _("## Recurring patterns"), ""]
    if report.patterns:
        lines += ["- " + line for line in _pattern_line(report, texts)]
    else:
        lines.append(
            _("No team, dependency or type came up {count} times or more.").format(
                count=report.min_pattern
            )
        )
    sev_list = (
        "–".join(report.trail_severities[:1] + report.trail_severities[-1:])
        if report.trail_severities
        else ""
    )
    lines += ["", _("## {severities} escalations").format(severities=sev_list), ""]
    if not report.entries:
        lines.append(_("None.") if not report.confidential_entries else "")
    for e in report.entries:
        lines += _md_entry(e, tz, texts)
    if report.confidential_entries:
        n = report.confidential_entries
        lines.append(texts.gettext(CONFIDENTIAL_NOT_SHOWN).format(count=n))
    lines += ["", _("## Still open"), ""]
    lines.append(_listed_md(report.still_open, report.still_open_confidential, tz, texts))
    lines += ["", _("## Carried over from earlier months"), ""]
    lines.append(_listed_md(report.carried_over, report.carried_over_confidential, tz, texts))
    lines += ["", _("## Definitions"), ""]
    lines += [f"- {_(d).format(min=report.min_pattern)}" for d in DEFINITIONS]
    return "\n".join(lines) + "\n"


def _duration_row(label: str, d: Durations, texts: Texts = ENGLISH) -> list[object]:
    return [
        label,
        d.count,
        duration_text(d.median_s, texts),
        duration_text(d.p90_s, texts),
        d.excluded,
    ]


def _listed_md(
    items: Sequence[Listed], confidential: int, tz: ZoneInfo, texts: Texts = ENGLISH
) -> str:
    if not items and not confidential:
        return texts.gettext(N_("None."))
    parts = [
        one_line(
            texts.gettext(N_("{key} ({severity}, opened {at}, {status})")).format(
                key=i.key,
                severity=i.severity,
                at=_local(i.opened_at, tz),
                status=_word(STATES, i.status, texts),
            )
        )
        for i in items
    ]
    if confidential:
        parts.append(_confidential(confidential, texts))
    return "; ".join(parts) + "."


def _outcome_text(e: Entry, texts: Texts = ENGLISH) -> str:
    return texts.gettext(N_("acknowledge {acknowledge}, resolve {resolve}")).format(
        acknowledge=_word(STATES, e.acknowledge, texts),
        resolve=_word(STATES, e.resolve, texts),
    )


def _facts(e: Entry, tz: ZoneInfo, texts: Texts) -> list[str]:
    """The lines that describe one escalation (the same in Markdown and on the page)."""
    _ = texts.gettext
    team = e.team
    if e.counterpart:
        team = _("{team} (counterpart: {counterpart})").format(
            team=e.team, counterpart=e.counterpart
        )
    opened = _("Opened {opened}; first acknowledged {acked}").format(
        opened=_local(e.opened_at, tz), acked=_local(e.first_ack_at, tz)
    )
    if e.first_ack_by:
        opened = _("Opened {opened}; first acknowledged {acked} by {person}").format(
            opened=_local(e.opened_at, tz), acked=_local(e.first_ack_at, tz), person=e.first_ack_by
        )
    facts = [
        _("{severity}, {kind}, team {team}; {status}").format(
            severity=e.severity, kind=e.type_name, team=team, status=_word(STATES, e.status, texts)
        ),
        _("{opened}; owner {owner}; levels climbed {levels}").format(
            opened=opened, owner=e.owner or "—", levels=e.levels_reached
        ),
        _(
            "Outcome: {outcome}; time to acknowledge {acknowledge}, time to resolve {resolve}"
        ).format(
            outcome=_outcome_text(e, texts),
            acknowledge=duration_text(e.time_to_acknowledge_s, texts),
            resolve=duration_text(e.time_to_resolve_s, texts),
        ),
        _("Decision: {decision}").format(decision=e.decision or "—"),
    ]
    if e.closed_at:
        reason = _word(STATES, e.close_reason, texts) if e.close_reason else _("closed")
        closed = _("Closed {at} ({reason})").format(at=_local(e.closed_at, tz), reason=reason)
        if e.resolution:
            closed = _("Closed {at} ({reason}), resolution {resolution}").format(
                at=_local(e.closed_at, tz), reason=reason, resolution=e.resolution
            )
        facts.insert(3, closed)
    return facts


def _timeline(e: Entry, tz: ZoneInfo, texts: Texts) -> tuple[list[str], list[list[object]]]:
    _ = texts.gettext
    header = [_("When"), _("Event"), _("Who"), _("Level"), _("Detail")]
    rows: list[list[object]] = [
        [
            _local(t.at, tz),
            _word(EVENTS, t.kind, texts),
            t.who or "",
            "" if t.level is None else t.level,
            t.detail,
        ]
        for t in e.timeline
    ]
    return header, rows


def _md_entry(e: Entry, tz: ZoneInfo, texts: Texts = ENGLISH) -> list[str]:
    # every line one line: a break inside a summary or a name would start a heading or a list item
    lines = [one_line(f"### {e.key} — {e.summary}"), ""]
    lines += [one_line(f"- {fact}") for fact in _facts(e, tz, texts)]
    lines.append("")
    header, rows = _timeline(e, tz, texts)
    lines += _md_table(header, rows)
    if e.timeline_dropped:
        lines.append(
            texts.gettext(
                N_("({count} older events were dropped to keep the record small.)")
            ).format(count=e.timeline_dropped)
        )
    lines.append("")
    return lines


# --- CSV and JSON --------------------------------------------------------------------------------------


class _SafeCsv:
    """A ``csv.writer`` whose every text cell goes through :func:`worker.sanitise.csv_cell`."""

    def __init__(self, writer: Any) -> None:
        self._w = writer

    def writerow(self, row: Iterable[object]) -> None:
        self._w.writerow(csv_row(row))


def to_csv(report: Report) -> str:
    """One figure per row: ``section,item,metric,value``."""
    buf = io.StringIO()
    w = _SafeCsv(csv.writer(buf, lineterminator="\n"))
    w.writerow(["section", "item", "metric", "value"])
    w.writerow(["volume", "total", str(report.month), report.total])
    w.writerow(["volume", "total", str(report.month.previous()), report.previous_total])
    for section, vols in (
        ("severity", report.by_severity),
        ("type", report.by_type),
        ("team", report.by_team),
    ):
        for v in vols:
            w.writerow([f"volume_by_{section}", v.id or v.name, str(report.month), v.count])
            w.writerow(
                [f"volume_by_{section}", v.id or v.name, str(report.month.previous()), v.previous]
            )
    for team, counts in report.chart:
        for (sid, _), n in zip(report.severities, counts, strict=False):
            w.writerow(["chart", team, sid, n])
    figs = [
        (
            "all",
            report.acknowledge,
            report.resolve,
            report.time_to_acknowledge,
            report.time_to_resolve,
        )
    ]
    figs += [
        (f.severity, f.acknowledge, f.resolve, f.time_to_acknowledge, f.time_to_resolve)
        for f in report.per_severity
    ]
    for item, ack, res, tta, ttr in figs:
        for sla, c in (("acknowledge", ack), ("resolve", res)):
            for metric in ("met", "breached", "open_breached", "pending", "excluded"):
                w.writerow([f"compliance_{sla}", item, metric, getattr(c, metric)])
            w.writerow(
                [f"compliance_{sla}", item, "rate", "" if c.rate is None else f"{c.rate:.4f}"]
            )
        for name, d in (("time_to_acknowledge_s", tta), ("time_to_resolve_s", ttr)):
            w.writerow([name, item, "count", d.count])
            w.writerow([name, item, "median", "" if d.median_s is None else f"{d.median_s:g}"])
            w.writerow([name, item, "p90", "" if d.p90_s is None else f"{d.p90_s:g}"])
            w.writerow([name, item, "excluded", d.excluded])
    for lvl, n in report.levels:
        w.writerow(["levels", lvl, "escalations", n])
    for p in report.patterns:
        w.writerow([f"pattern_{p.dimension}", p.id, "count", p.count])
        w.writerow([f"pattern_{p.dimension}", p.id, "keys", _keys(p.keys, p.confidential)])
    for e in report.entries:
        w.writerow(["escalation", e.key, "outcome", _outcome_text(e)])
    w.writerow(["escalation", "confidential", "count", report.confidential_entries])
    w.writerow(
        [
            "still_open",
            "",
            "keys",
            _keys([i.key for i in report.still_open], report.still_open_confidential),
        ]
    )
    w.writerow(
        [
            "carried_over",
            "",
            "keys",
            _keys([i.key for i in report.carried_over], report.carried_over_confidential),
        ]
    )
    return buf.getvalue()


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def to_dict(report: Report) -> dict[str, Any]:
    data = _jsonable(asdict(report))
    data["month"] = str(report.month)
    data["previous_month"] = str(report.month.previous())
    data["acknowledge"]["rate"] = report.acknowledge.rate
    data["resolve"]["rate"] = report.resolve.rate
    for f, out in zip(report.per_severity, data["per_severity"], strict=False):
        out["acknowledge"]["rate"] = f.acknowledge.rate
        out["resolve"]["rate"] = f.resolve.rate
    data["chart"] = [
        {"team": t, "counts": dict(zip([s for s, _ in report.severities], c, strict=False))}
        for t, c in report.chart
    ]
    data["percentile_definition"] = "nearest rank"
    result: dict[str, Any] = data
    return result


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


# --- Confluence storage format ----------------------------------------------------------------------


def _e(text: object) -> str:
    """Text for the storage page: XML-safe characters, escaped (see worker.sanitise)."""
    return xml_text(text)


def _s_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tbody><tr>{head}</tr>{body}</tbody></table>"


def chart_macro(report: Report, texts: Texts = ENGLISH) -> str:
    """The Confluence chart macro: stacked bars, one per team, one series per severity."""
    _ = texts.gettext
    params = {
        "type": "bar",
        "title": _("Escalations by team and severity, {month}").format(month=report.month),
        "stacked": "true",
        "dataOrientation": "vertical",
        "legend": "true",
        "width": "600",
        "height": "300",
    }
    p = "".join(f'<ac:parameter ac:name="{k}">{_e(v)}</ac:parameter>' for k, v in params.items())
    table = _s_table(
        [_("Team"), *[s for s, _s in report.severities]], [[t, *c] for t, c in report.chart]
    )
    return f'<ac:structured-macro ac:name="chart">{p}<ac:rich-text-body>{table}</ac:rich-text-body></ac:structured-macro>'


def to_storage(report: Report, texts: Texts = ENGLISH) -> str:
    _ = texts.gettext
    tz = ZoneInfo(report.timezone)
    m, prev = report.month, report.month.previous()
    h = _headers(texts)
    out: list[str] = [
        "<p>"
        + _e(
            _(
                "Monthly review of escalations opened in {month} (time zone {zone}), generated by "
                "the escalation worker from the records on the Jira issues. Open escalations are "
                "shown as they stood at the last update of this page."
            ).format(month=m, zone=report.timezone)
        )
        + "</p>",
        "<h2>" + _e(_("Volume")) + "</h2>",
        "<p>" + _e(_volume_line(report, texts)) + "</p>",
    ]
    for title, column, vols, full in (
        (N_("By severity"), "severity", report.by_severity, True),
        (N_("By type"), "type", report.by_type, False),
        (N_("By team"), "team", report.by_team, False),
    ):
        out.append("<h3>" + _e(_(title)) + "</h3>")
        out.append(
            _s_table(
                [h[column], str(m), str(prev), h["change"]],
                [
                    [
                        f"{v.id} {v.name}" if full else v.name,
                        v.count,
                        v.previous,
                        _change(v.count, v.previous),
                    ]
                    for v in vols
                ],
            )
        )
    out.append("<h2>" + _e(_("Volume by team and severity")) + "</h2>")
    no_escalations = "<p>" + _e(_("No escalations this month.")) + "</p>"
    out.append(chart_macro(report, texts) if report.chart else no_escalations)
    out.append("<h2>" + _e(_("SLA compliance")) + "</h2>")
    out.append(
        _s_table(
            [_("SLA"), _("Met"), _("Breached"), _("Pending"), _("Compliance")],
            _sla_rows(report, texts),
        )
    )
    out.append(
        _s_table(
            [h["severity"], _("Acknowledge"), _("Resolve")],
            [
                [f.severity, rate_text(f.acknowledge, texts), rate_text(f.resolve, texts)]
                for f in report.per_severity
            ],
        )
    )
    out.append("<h2>" + _e(_("Time to acknowledge and to resolve")) + "</h2>")
    out.append(
        _s_table(
            [_("Measure"), _("Count"), _("Median"), _("90th percentile"), _("Excluded")],
            _duration_rows(report, texts),
        )
    )
    out.append("<h2>" + _e(_("How far escalations climbed")) + "</h2>")
    out.append(
        _s_table([_("Levels climbed"), _("Escalations")], report.levels)
        if report.levels
        else "<p>" + _e(_("None.")) + "</p>"
    )
    out.append("<h2>" + _e(_("Recurring patterns")) + "</h2>")
    if report.patterns:
        items = "".join(
            "<li>"
            + _e(_("{pattern}: {name} — {count} ({keys})")).format(
                pattern=_e(_(PATTERNS[p.dimension])),
                name=f"<strong>{_e(p.name)}</strong>",
                count=p.count,
                keys=_e(_keys(p.keys, p.confidential, texts)),
            )
            + "</li>"
            for p in report.patterns
        )
        out.append(f"<ul>{items}</ul>")
    else:
        out.append(
            "<p>"
            + _e(
                _("No team, dependency or type came up {count} times or more.").format(
                    count=report.min_pattern
                )
            )
            + "</p>"
        )
    sev_list = (
        "–".join(report.trail_severities[:1] + report.trail_severities[-1:])
        if report.trail_severities
        else ""
    )
    out.append("<h2>" + _e(_("{severities} escalations").format(severities=sev_list)) + "</h2>")
    for e in report.entries:
        out.append(_storage_entry(e, tz, texts))
    if report.confidential_entries:
        n = report.confidential_entries
        out.append("<p>" + _e(_(CONFIDENTIAL_NOT_SHOWN).format(count=n)) + "</p>")
    elif not report.entries:
        out.append("<p>" + _e(_("None.")) + "</p>")
    out.append("<h2>" + _e(_("Still open")) + "</h2>")
    still = _listed_md(report.still_open, report.still_open_confidential, tz, texts)
    out.append(f"<p>{_e(still)}</p>")
    out.append("<h2>" + _e(_("Carried over from earlier months")) + "</h2>")
    carried = _listed_md(report.carried_over, report.carried_over_confidential, tz, texts)
    out.append(f"<p>{_e(carried)}</p>")
    out.append("<h2>" + _e(_("Definitions")) + "</h2>")
    out.append(
        "<ul>"
        + "".join(f"<li>{_e(_(d).format(min=report.min_pattern))}</li>" for d in DEFINITIONS)
        + "</ul>"
    )
    return "".join(out)


def _storage_entry(e: Entry, tz: ZoneInfo, texts: Texts = ENGLISH) -> str:
    header, rows = _timeline(e, tz, texts)
    return (
        f"<h3>{_e(e.key)} — {_e(e.summary)}</h3><ul>"
        + "".join(f"<li>{_e(f)}</li>" for f in _facts(e, tz, texts))
        + "</ul>"
        + _s_table(header, rows)
    )


__all__ = [
    "chart_macro",
    "chart_rows",
    "duration_text",
    "rate_text",
    "to_csv",
    "to_dict",
    "to_json",
    "to_markdown",
    "to_storage",
]

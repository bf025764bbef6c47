"""A :class:`~worker.review.compute.Report` as Markdown, CSV, JSON or Confluence storage format.

Rendering never computes a figure: everything shown comes from the report. The storage form
leaves out the generation time so that the page's hash changes only when the figures do.
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

from worker.review.compute import Compliance, Durations, Entry, Listed, Report
from worker.sanitise import csv_row, md_cell, one_line, xml_text

DEFINITIONS = (
    "An escalation counts in the month it was opened (severity label applied), in the calendar's time zone; "
    "escalations opened earlier and still open when the month began are listed as carried over, not counted again.",
    "Compliance = met / (met + breached). Open escalations past their deadline count as breached; those still "
    "inside it are pending and left out, as are closed ones never acknowledged in time to matter (none) and "
    "label removals without a breach (withdrawn).",
    "Time to acknowledge / resolve is elapsed time from the opening; unacknowledged or unresolved escalations are "
    "excluded. Median: mean of the two middle values for an even count. 90th percentile: nearest rank "
    "(the ceil(0.9 x n)-th smallest value).",
    "A pattern is a team, a counterpart team of a cross-team dependency, or a type seen at least {min} times.",
    "People issues count in every figure but are never named: lists show them only as a number.",
)


# --- small formatters --------------------------------------------------------------------------------


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, mins = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {mins:02d} min" if mins else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def rate_text(c: Compliance) -> str:
    rate = c.rate
    if rate is None:
        return "n/a"
    return f"{rate * 100:.1f}% ({c.met}/{c.met + c.breached})"


def _local(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else "—"


def _change(now: int, before: int) -> str:
    d = now - before
    return f"+{d}" if d > 0 else str(d)


def _confidential(n: int) -> str:
    return f"{n} confidential" if n else ""


def _keys(keys: Sequence[str], confidential: int) -> str:
    parts = list(keys) + ([_confidential(confidential)] if confidential else [])
    return ", ".join(parts)


def _breached(c: Compliance) -> str:
    return f"{c.breached} ({c.open_breached} open)" if c.open_breached else str(c.breached)


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


def to_markdown(report: Report) -> str:
    tz = ZoneInfo(report.timezone)
    prev = report.month.previous()
    m = report.month
    lines = [
        f"# Escalation review {m}",
        "",
        f"Time zone {report.timezone}. Generated {_local(report.generated_at, tz)}; open escalations are shown as they "
        "stand at that moment.",
        "",
        "## Volume",
        "",
        f"{report.total} escalation{'' if report.total == 1 else 's'} opened in {m} "
        f"(previous month {prev}: {report.previous_total}, "
        f"{_change(report.total, report.previous_total)}).",
        "",
        "### By severity",
        "",
        *_md_table(
            ["Severity", str(m), str(prev), "Change"],
            [
                [f"{v.id} {v.name}", v.count, v.previous, _change(v.count, v.previous)]
                for v in report.by_severity
            ],
        ),
        "",
        "### By type",
        "",
        *_md_table(
            ["Type", str(m), str(prev), "Change"],
            [[v.name, v.count, v.previous, _change(v.count, v.previous)] for v in report.by_type],
        ),
        "",
        "### By team",
        "",
        *_md_table(
            ["Team", str(m), str(prev), "Change"],
            [[v.name, v.count, v.previous, _change(v.count, v.previous)] for v in report.by_team],
        ),
        "",
        "## Volume by team and severity",
        "",
    ]
    if report.chart:
        lines += _md_table(
            ["Team", *[s for s, _ in report.severities], "Total", "Chart"], chart_rows(report)
        )
    else:
        lines.append("No escalations this month.")
    lines += ["", "## SLA compliance", ""]
    lines += _md_table(
        ["SLA", "Met", "Breached", "Pending", "Compliance"],
        [
            [
                "Acknowledge",
                report.acknowledge.met,
                _breached(report.acknowledge),
                report.acknowledge.pending,
                rate_text(report.acknowledge),
            ],
            [
                "Resolve",
                report.resolve.met,
                _breached(report.resolve),
                report.resolve.pending,
                rate_text(report.resolve),
            ],
        ],
    )
    lines += ["", "By severity:", ""]
    lines += _md_table(
        ["Severity", "Acknowledge", "Resolve"],
        [[f.severity, rate_text(f.acknowledge), rate_text(f.resolve)] for f in report.per_severity],
    )
    lines += ["", "## Time to acknowledge and to resolve", ""]
    rows: list[list[object]] = []
    for label, overall, attr in (
        ("Acknowledge", report.time_to_acknowledge, "time_to_acknowledge"),
        ("Resolve", report.time_to_resolve, "time_to_resolve"),
    ):
        rows.append(_duration_row(f"{label}, all", overall))
        for f in report.per_severity:
            d: Durations = getattr(f, attr)
            if d.count or d.excluded:
                rows.append(_duration_row(f"{label}, {f.severity}", d))
    lines += _md_table(["Measure", "Count", "Median", "90th percentile", "Excluded"], rows)
    lines += ["", "## How far escalations climbed", ""]
    lines += (
        _md_table(["Levels climbed", "Escalations"], [[lvl, n] for lvl, n in report.levels])
        if report.levels
        else ["No escalations this month."]
    )
    lines += ["", "## Recurring patterns", ""]
    if report.patterns:
        titles = {
            "team": "Same team",
            "dependency": "Same dependency (counterpart team)",
            "type": "Same type",
        }
        lines += [
            f"- {titles[p.dimension]}: {one_line(p.name)} — {p.count} ({_keys(p.keys, p.confidential)})"
            for p in report.patterns
        ]
    else:
        lines.append(f"No team, dependency or type came up {report.min_pattern} times or more.")
    sev_list = (
        "–".join(report.trail_severities[:1] + report.trail_severities[-1:])
        if report.trail_severities
        else ""
    )
    lines += ["", f"## {sev_list} escalations", ""]
    if not report.entries:
        lines.append("None." if not report.confidential_entries else "")
    for e in report.entries:
        lines += _md_entry(e, tz)
    if report.confidential_entries:
        lines.append(
            f"{report.confidential_entries} confidential escalation(s) (people issues) not shown."
        )
    lines += ["", "## Still open", ""]
    lines.append(_listed_md(report.still_open, report.still_open_confidential, tz))
    lines += ["", "## Carried over from earlier months", ""]
    lines.append(_listed_md(report.carried_over, report.carried_over_confidential, tz))
    lines += ["", "## Definitions", ""]
    lines += [f"- {d.format(min=report.min_pattern)}" for d in DEFINITIONS]
    return "\n".join(lines) + "\n"


def _duration_row(label: str, d: Durations) -> list[object]:
    return [label, d.count, duration_text(d.median_s), duration_text(d.p90_s), d.excluded]


def _listed_md(items: Sequence[Listed], confidential: int, tz: ZoneInfo) -> str:
    if not items and not confidential:
        return "None."
    parts = [
        one_line(f"{i.key} ({i.severity}, opened {_local(i.opened_at, tz)}, {i.status})")
        for i in items
    ]
    if confidential:
        parts.append(_confidential(confidential))
    return "; ".join(parts) + "."


def _outcome_text(e: Entry) -> str:
    return f"acknowledge {e.acknowledge}, resolve {e.resolve}"


def _md_entry(e: Entry, tz: ZoneInfo) -> list[str]:
    team = e.team + (f" (counterpart: {e.counterpart})" if e.counterpart else "")
    # every line one line: a break inside a summary or a name would start a heading or a list item
    lines = [
        one_line(f"### {e.key} — {e.summary}"),
        "",
        one_line(f"- {e.severity}, {e.type_name}, team {team}; {e.status}"),
        one_line(
            f"- Opened {_local(e.opened_at, tz)}; first acknowledged {_local(e.first_ack_at, tz)}"
            + (f" by {e.first_ack_by}" if e.first_ack_by else "")
            + f"; owner {e.owner or '—'}; levels climbed {e.levels_reached}"
        ),
        f"- Outcome: {_outcome_text(e)}; time to acknowledge {duration_text(e.time_to_acknowledge_s)}, "
        f"time to resolve {duration_text(e.time_to_resolve_s)}",
    ]
    if e.closed_at:
        lines.append(
            one_line(
                f"- Closed {_local(e.closed_at, tz)} ({e.close_reason or 'closed'})"
                + (f", resolution {e.resolution}" if e.resolution else "")
            )
        )
    lines.append(one_line(f"- Decision: {e.decision or '—'}"))
    lines.append("")
    rows = [
        [_local(t.at, tz), t.kind, t.who or "", "" if t.level is None else t.level, t.detail]
        for t in e.timeline
    ]
    lines += _md_table(["When", "Event", "Who", "Level", "Detail"], rows)
    if e.timeline_dropped:
        lines.append(f"({e.timeline_dropped} older events were dropped to keep the record small.)")
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


def chart_macro(report: Report) -> str:
    """The Confluence chart macro: stacked bars, one per team, one series per severity."""
    params = {
        "type": "bar",
        "title": f"Escalations by team and severity, {report.month}",
        "stacked": "true",
        "dataOrientation": "vertical",
        "legend": "true",
        "width": "600",
        "height": "300",
    }
    p = "".join(f'<ac:parameter ac:name="{k}">{_e(v)}</ac:parameter>' for k, v in params.items())
    table = _s_table(
        ["Team", *[s for s, _ in report.severities]], [[t, *c] for t, c in report.chart]
    )
    return f'<ac:structured-macro ac:name="chart">{p}<ac:rich-text-body>{table}</ac:rich-text-body></ac:structured-macro>'


def to_storage(report: Report) -> str:
    tz = ZoneInfo(report.timezone)
    m, prev = report.month, report.month.previous()
    out: list[str] = [
        f"<p>Monthly review of escalations opened in {m} (time zone {_e(report.timezone)}), generated by the "
        "escalation worker from the records on the Jira issues. Open escalations are shown as they stood at the "
        "last update of this page.</p>",
        "<h2>Volume</h2>",
        f"<p>{report.total} escalation{'' if report.total == 1 else 's'} "
        f"(previous month {prev}: {report.previous_total}, "
        f"{_change(report.total, report.previous_total)}).</p>",
    ]
    for title, vols, full in (
        ("By severity", report.by_severity, True),
        ("By type", report.by_type, False),
        ("By team", report.by_team, False),
    ):
        out.append(f"<h3>{title}</h3>")
        out.append(
            _s_table(
                [title[3:].capitalize(), str(m), str(prev), "Change"],
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
    out.append("<h2>Volume by team and severity</h2>")
    out.append(chart_macro(report) if report.chart else "<p>No escalations this month.</p>")
    out.append("<h2>SLA compliance</h2>")
    out.append(
        _s_table(
            ["SLA", "Met", "Breached", "Pending", "Compliance"],
            [
                [
                    "Acknowledge",
                    report.acknowledge.met,
                    _breached(report.acknowledge),
                    report.acknowledge.pending,
                    rate_text(report.acknowledge),
                ],
                [
                    "Resolve",
                    report.resolve.met,
                    _breached(report.resolve),
                    report.resolve.pending,
                    rate_text(report.resolve),
                ],
            ],
        )
    )
    out.append(
        _s_table(
            ["Severity", "Acknowledge", "Resolve"],
            [
                [f.severity, rate_text(f.acknowledge), rate_text(f.resolve)]
                for f in report.per_severity
            ],
        )
    )
    out.append("<h2>Time to acknowledge and to resolve</h2>")
    rows: list[list[object]] = []
    for label, overall, attr in (
        ("Acknowledge", report.time_to_acknowledge, "time_to_acknowledge"),
        ("Resolve", report.time_to_resolve, "time_to_resolve"),
    ):
        rows.append(_duration_row(f"{label}, all", overall))
        rows += [
            _duration_row(f"{label}, {f.severity}", getattr(f, attr))
            for f in report.per_severity
            if getattr(f, attr).count or getattr(f, attr).excluded
        ]
    out.append(_s_table(["Measure", "Count", "Median", "90th percentile", "Excluded"], rows))
    out.append("<h2>How far escalations climbed</h2>")
    out.append(
        _s_table(["Levels climbed", "Escalations"], report.levels)
        if report.levels
        else "<p>None.</p>"
    )
    out.append("<h2>Recurring patterns</h2>")
    if report.patterns:
        titles = {
            "team": "Same team",
            "dependency": "Same dependency (counterpart team)",
            "type": "Same type",
        }
        out.append(
            "<ul>"
            + "".join(
                f"<li>{titles[p.dimension]}: <strong>{_e(p.name)}</strong> — {p.count} ({_e(_keys(p.keys, p.confidential))})</li>"
                for p in report.patterns
            )
            + "</ul>"
        )
    else:
        out.append(
            f"<p>No team, dependency or type came up {report.min_pattern} times or more.</p>"
        )
    sev_list = (
        "–".join(report.trail_severities[:1] + report.trail_severities[-1:])
        if report.trail_severities
        else ""
    )
    out.append(f"<h2>{_e(sev_list)} escalations</h2>")
    for e in report.entries:
        out.append(_storage_entry(e, tz))
    if report.confidential_entries:
        out.append(
            f"<p>{report.confidential_entries} confidential escalation(s) (people issues) not shown.</p>"
        )
    elif not report.entries:
        out.append("<p>None.</p>")
    out.append("<h2>Still open</h2>")
    out.append(f"<p>{_e(_listed_md(report.still_open, report.still_open_confidential, tz))}</p>")
    out.append("<h2>Carried over from earlier months</h2>")
    out.append(
        f"<p>{_e(_listed_md(report.carried_over, report.carried_over_confidential, tz))}</p>"
    )
    out.append("<h2>Definitions</h2>")
    out.append(
        "<ul>"
        + "".join(f"<li>{_e(d.format(min=report.min_pattern))}</li>" for d in DEFINITIONS)
        + "</ul>"
    )
    return "".join(out)


def _storage_entry(e: Entry, tz: ZoneInfo) -> str:
    team = e.team + (f" (counterpart: {e.counterpart})" if e.counterpart else "")
    facts = [
        f"{e.severity}, {e.type_name}, team {team}; {e.status}",
        f"Opened {_local(e.opened_at, tz)}; first acknowledged {_local(e.first_ack_at, tz)}"
        + (f" by {e.first_ack_by}" if e.first_ack_by else "")
        + f"; owner {e.owner or '—'}; levels climbed {e.levels_reached}",
        f"Outcome: {_outcome_text(e)}; time to acknowledge {duration_text(e.time_to_acknowledge_s)}, "
        f"time to resolve {duration_text(e.time_to_resolve_s)}",
        f"Decision: {e.decision or '—'}",
    ]
    if e.closed_at:
        facts.insert(
            3,
            f"Closed {_local(e.closed_at, tz)} ({e.close_reason or 'closed'})"
            + (f", resolution {e.resolution}" if e.resolution else ""),
        )
    rows = [
        [_local(t.at, tz), t.kind, t.who or "", "" if t.level is None else t.level, t.detail]
        for t in e.timeline
    ]
    return (
        f"<h3>{_e(e.key)} — {_e(e.summary)}</h3><ul>"
        + "".join(f"<li>{_e(f)}</li>" for f in facts)
        + "</ul>"
        + _s_table(["When", "Event", "Who", "Level", "Detail"], rows)
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

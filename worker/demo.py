"""``escalation-worker demo``: one working day of escalations, handled by the real worker, in seconds.

What happens, in order:

1. A sandbox Jira site and a sandbox Confluence are started on 127.0.0.1 (an ephemeral port), and
   seeded with the organisation of ``config.example.yaml``: every person, the projects, a worker
   account, a reporter and the Confluence space.
2. The matrix page is published to the sandbox Confluence, as ``run`` does at start.
3. A scripted working day (:data:`SCRIPT`) is played on an accelerated clock. Between cycles, people
   act on the sandbox site exactly as they would in Jira's UI (file an issue and label it, comment,
   hand the issue over, relabel it, resolve it). The worker itself is the production code path:
   ``worker.app.build_cycle`` talking HTTP to the sandbox, one :class:`~worker.cycle.cycle.Memory`
   kept between cycles like ``run``, its ``now`` being the sandbox clock. Each cycle moves the clock
   ``speed_minutes`` simulated minutes forward.
4. A timeline is printed as the day unfolds. At the end of the day the month's review is computed
   from the sandbox and published under the matrix page, and the output folder receives both pages
   (as HTML and as stored), the review as Markdown, the notifications the channels would have sent,
   and the final state of every issue (fields, escalation record, comments).

Notifications go to recording channels: nothing leaves the machine. The sandbox server is stopped
and its HTTP sessions closed before :func:`run_demo` returns, so no thread outlives the call.
"""

from __future__ import annotations

import json
import logging
import sys
import time as walltime
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from worker.config.model import Config
from worker.core.record import Record, RecordError, from_json
from worker.notify.message import Delivery, Message

DEFAULT_SPEED_MINUTES = 5.0
DEMO_DAY = date(2026, 3, 3)  # a Tuesday with no holiday in the example calendar
DAY_START = time(8, 45)
DAY_END = time(18, 15)
REPORTER_ID = "demo-reporter-0001"
REPORTER_NAME = "Rita Reporter"
SPACE_NAME = "Product"

_FULL = "What happened: {what} Tried: {tried} We recommend {recommend} We need {need}"


def _description(what: str, tried: str, recommend: str, need: str) -> str:
    return _FULL.format(what=what, tried=tried, recommend=recommend, need=need)


# --- the script of the day ------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One issue of the day: where it is filed and what it says."""

    ref: str
    project: str
    summary: str
    labels: tuple[str, ...]
    description: str
    issue_type: str = "Task"


@dataclass(frozen=True)
class Scene:
    """Something a person does at a local wall-clock time of the demo day.

    ``verb`` is one of ``files`` (create the story's issue and apply its labels), ``comments``,
    ``assigns`` (hand over to ``target``, a person key of the config), ``relabels`` (swap the
    severity label for ``target``), ``resolves`` (move to Done), ``clicks`` (*Acknowledge* in
    Slack) and ``presses`` (1 on the phone during the escalation call). The last two go through the
    real web endpoint, signed as Slack and Twilio sign them.
    """

    at: time
    who: str  # a person key of config.yaml, or "reporter"
    verb: str
    ref: str
    text: str = ""
    target: str = ""


STORIES: tuple[Story, ...] = (
    Story(
        "outage",
        "SHOP",
        "Card payments fail at checkout (HTTP 500)",
        ("escalation-S1", "escalation-type-incident"),
        _description(
            "every card payment has failed since the 09:00 deploy.",
            "restarting the payment pods.",
            "rolling back release 4.12.",
            "a go for the rollback and someone to tell Sales.",
        ),
        issue_type="Incident",
    ),
    Story(
        "payouts",
        "PAY",
        "Payouts blocked by Checkout's API change",
        ("escalation-S2", "escalation-type-dependency"),
        _description(
            "the refund API changed shape and payouts stop at step 3.",
            "a local patch, not enough.",
            "Checkout restores the old field for two sprints.",
            "a decision between the two teams.",
        ),
    ),
    Story(
        "discounts",
        "SHOP",
        "Sales wants bulk discount codes before Friday's demo",
        ("escalation-S2", "escalation-type-stakeholder"),
        _description(
            "Sales promised bulk codes to a prospect.",
            "the single-code admin screen, too slow.",
            "a CSV import behind a flag.",
            "a yes or no before Thursday.",
        ),
    ),
    Story(
        "reorder",
        "SHOP",
        "One-click reorder: in sprint 14 or not?",
        ("escalation-S3", "escalation-type-scope"),
        _description(
            "design and engineering disagree on the sprint 14 scope.",
            "two refinement sessions.",
            "ship the button without saved carts.",
            "someone to settle it.",
        ),
    ),
    Story(
        "release",
        "SHOP",
        "Go/no-go for release 4.13",
        ("escalation-S3", "escalation-type-release"),
        _description(
            "4.13 is ready but depends on the payment fix.",
            "a partial test run.",
            "holding 4.13 until the fix is verified.",
            "a go or no-go call.",
        ),
    ),
    Story(
        "people",
        "PEOPLE",
        "Tension between two developers in the squad",
        ("escalation-S3", "escalation-type-people"),
        _description(
            "repeated arguments in code review.",
            "a retro on review etiquette.",
            "a conversation with each of them.",
            "the manager to step in.",
        ),
    ),
    Story(
        "typo",
        "SHOP",
        "Typo in the order confirmation email",
        ("escalation-S4", "escalation-type-stakeholder"),
        "What happened: Customer Success spotted 'recieved' in the order confirmation email.",
    ),  # no recommendation: the worker asks
)

SCRIPT: tuple[Scene, ...] = (
    Scene(time(9, 5), "reporter", "files", "outage"),
    Scene(time(9, 7), "camille", "presses", "outage"),
    Scene(time(9, 12), "camille", "comments", "outage", "Seen. Rolling back 4.12 now with Théo."),
    Scene(time(9, 20), "reporter", "files", "payouts"),
    Scene(time(9, 40), "reporter", "files", "discounts"),
    Scene(time(9, 50), "lea", "clicks", "payouts"),
    Scene(time(9, 52), "lea", "comments", "payouts", "On it; meeting Checkout's lead at 11:00."),
    Scene(time(10, 0), "reporter", "files", "reorder"),
    Scene(time(10, 30), "emma", "assigns", "reorder", target="louis"),
    Scene(time(11, 0), "reporter", "files", "release"),
    Scene(time(11, 30), "reporter", "relabels", "release", target="escalation-S2"),
    Scene(
        time(11, 40),
        "camille",
        "comments",
        "outage",
        "Rolled back 4.12; the payment SDK update caused it. The fix ships tomorrow.",
    ),
    Scene(time(11, 45), "camille", "resolves", "outage"),
    Scene(
        time(11, 55),
        "theo",
        "comments",
        "release",
        "No-go until the payment fix is verified in staging.",
    ),
    Scene(
        time(13, 45),
        "camille",
        "comments",
        "discounts",
        "Not before Friday. Offer the prospect a manual batch instead.",
    ),
    Scene(time(14, 0), "reporter", "files", "people"),
    Scene(time(15, 10), "lea", "comments", "people", "I will talk to both of them today."),
    Scene(time(15, 30), "reporter", "files", "typo"),
)


# --- recording notification channels --------------------------------------------------------


@dataclass
class Sent:
    at: datetime
    channel: str
    message: Message


@dataclass
class RecordingChannel:
    """A channel that records what it would have sent instead of calling a provider."""

    id: str
    clock: Callable[[], datetime]
    log: list[Sent]

    def configured(self) -> bool:
        return True

    def send(self, message: Message) -> Delivery:
        self.log.append(Sent(self.clock(), self.id, message))
        return Delivery(
            self.id,
            "sent",
            "recorded by the demo (nothing was sent)",
            tuple(r.account_id for r in message.recipients),
        )


# --- the timeline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    at: datetime
    key: str
    event: str
    who: str
    why: str
    deadline: str = ""


@dataclass
class Timeline:
    """Collects and prints lines; remembers which record events and notifications it has shown."""

    tz: ZoneInfo
    stream: TextIO
    lines: list[Line] = field(default_factory=list)
    seen_events: dict[str, int] = field(default_factory=dict)
    seen_sent: int = 0

    def when(self, at: datetime) -> str:
        local = at.astimezone(self.tz)
        if local.date() == DEMO_DAY:
            return f"{local:%H:%M}"
        if abs((local.date() - DEMO_DAY).days) < 7:
            return f"{local:%a %H:%M}"
        return f"{local:%a %d %b %H:%M}"

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.stream.write(self.render(line) + "\n")

    def render(self, line: Line) -> str:
        text = f"{self.when(line.at):>9}  {line.key:<9} {line.event:<13} {line.who:<16} {line.why}"
        if line.deadline:
            text += f"  [{line.deadline}]"
        return text

    def header(self) -> None:
        self.stream.write(f"{'time':>9}  {'issue':<9} {'event':<13} {'who':<16} why  [deadline]\n")


# --- outputs --------------------------------------------------------------------------------


@dataclass
class DemoResult:
    """What the demo did; :func:`run_demo` prints it and writes it to the output folder."""

    issues: dict[str, dict[str, Any]]
    cycles: int
    errors: list[str]
    wall_seconds: float
    requests: int
    page_action: str
    files: list[Path]


# --- helpers --------------------------------------------------------------------------------


def demo_config(path: Path | None = None) -> Config:
    """The configuration the demo runs with (the example configuration shipped in the package)."""
    from worker.config.load import load_config
    from worker.defaults import example_config_path

    return load_config(path or example_config_path())


def _local(tz: ZoneInfo, t: time) -> datetime:
    return datetime.combine(DEMO_DAY, t, tzinfo=tz).astimezone(UTC)


def _names(config: Config, worker_account: str) -> dict[str, str]:
    names = {p.account_id: p.name for p in config.directory.people.values()}
    names[REPORTER_ID] = REPORTER_NAME
    names[worker_account] = "Escalation Worker"
    return names


def _account(config: Config, who: str) -> str:
    if who == "reporter":
        return REPORTER_ID
    return config.directory.people[who].account_id


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """Keep the worker's INFO logs off the demo's timeline (warnings still show, on stderr)."""
    import structlog

    from worker import logs

    previous = structlog.get_config()
    logs.configure(stream=sys.stderr, level=logging.WARNING)
    try:
        yield
    finally:
        structlog.configure(**previous)


def _record_of(site: Any, key: str, prop: str) -> Record | None:
    raw = site.property(key, prop)
    if raw is None:
        return None
    try:
        return from_json(raw)
    except RecordError:
        return None


def _deadline(tl: Timeline, rec: Record, kind: str) -> str:
    if kind in ("closed",):
        o = rec.outcome
        return f"acknowledge {o.acknowledge if o else None}, resolve {o.resolve if o else None}"
    if (
        kind in ("acknowledged", "delegated", "resolve_breached")
        or rec.current.acked_at is not None
    ):
        return f"resolve by {tl.when(rec.resolve_due)}" if rec.resolve_due else ""
    parts = []
    if rec.current.ack_due:
        parts.append(f"ack by {tl.when(rec.current.ack_due)}")
    if rec.resolve_due:
        parts.append(f"resolve by {tl.when(rec.resolve_due)}")
    return ", ".join(parts)


def _show_record_events(tl: Timeline, key: str, rec: Record, names: Mapping[str, str]) -> None:
    shown = tl.seen_events.get(key, 0)
    for ev in rec.timeline[shown:]:
        if ev.kind == "notified":
            continue  # told by the recording channels, with the names of the people reached
        who = names.get(ev.who or "", ev.who or "") if ev.who else ""
        if ev.kind == "labelled":
            who = ""
        tl.add(Line(ev.at, key, ev.kind, who, ev.detail, _deadline(tl, rec, ev.kind)))
    tl.seen_events[key] = len(rec.timeline)


# comments whose story is not already told by a record event
_TOLD_BY_EVENTS = frozenset({"route", "relabel", "escalate", "nudge", "remind"})


def _show_other_comments(
    tl: Timeline, applied: Sequence[Any], site: Any, names: Mapping[str, str]
) -> None:
    for result in applied:
        for action in result.performed:
            if action.kind == "comment" and action.purpose not in _TOLD_BY_EVENTS:
                reporter = site.issue(action.issue_key).reporter
                tl.add(
                    Line(
                        site.clock.now(),
                        action.issue_key,
                        "asked",
                        names.get(reporter or "", ""),
                        action.reason,
                    )
                )


def _show_notifications(
    tl: Timeline, sent: Sequence[Sent], channel_names: Mapping[str, str]
) -> None:
    new = list(sent[tl.seen_sent :])
    tl.seen_sent = len(sent)
    grouped: dict[str, list[Sent]] = {}
    for s in new:
        grouped.setdefault(s.message.id, []).append(s)
    for items in grouped.values():
        msg = items[0].message
        via = ", ".join(dict.fromkeys(channel_names.get(s.channel, s.channel) for s in items))
        who = ", ".join(r.name for r in msg.recipients)
        tl.add(
            Line(
                items[0].at,
                msg.issue_key,
                "notified",
                who[:16] if len(msg.recipients) == 1 else f"{len(msg.recipients)} people",
                f"{msg.event} via {via} → {who}",
            )
        )


def _perform(
    site: Any, config: Config, keys: dict[str, str], scene: Scene, at: datetime, web: Any = None
) -> str:
    """Play one scene on the sandbox site (``web``: the local web endpoint); returns the issue key."""
    by = _account(config, scene.who)
    story = next(s for s in STORIES if s.ref == scene.ref)
    if scene.verb == "files":
        key: str = site.create_issue(
            story.project,
            story.summary,
            reporter=REPORTER_ID,
            issue_type=story.issue_type,
            description=story.description,
            at=at,
        )
        site.add_labels(key, *story.labels, by=REPORTER_ID, at=at)
        keys[scene.ref] = key
        return key
    key = keys[scene.ref]
    if scene.verb == "comments":
        site.add_comment(key, by, scene.text, at=at)
    elif scene.verb == "assigns":
        site.set_assignee(key, _account(config, scene.target), by=by, at=at)
    elif scene.verb == "relabels":
        old = [
            lab
            for lab in site.issue(key).labels
            if config.rules.severity_for_label(lab) is not None
        ]
        site.remove_labels(key, *old, by=by, at=at)
        site.add_labels(key, scene.target, by=by, at=at)
    elif scene.verb == "resolves":
        site.transition(key, "Done", by=by, at=at)
    elif scene.verb == "clicks":
        web.slack_click(config.directory.people[scene.who].slack_id or "", key)
    elif scene.verb == "presses":
        web.keypress(config.directory.people[scene.who].phone or "", key)
    else:  # pragma: no cover - the script is data in this module
        raise ValueError(f"unknown scene verb {scene.verb!r}")
    return key


def _scene_line(
    config: Config, scene: Scene, key: str, at: datetime, names: Mapping[str, str]
) -> Line:
    who = names.get(_account(config, scene.who), scene.who)
    story = next(s for s in STORIES if s.ref == scene.ref)
    if scene.verb == "files":
        why = f"{story.summary} — labels {', '.join(story.labels)}"
    elif scene.verb == "comments":
        why = f"“{scene.text}”"
    elif scene.verb == "assigns":
        why = f"hands it over to {names.get(_account(config, scene.target), scene.target)}"
    elif scene.verb == "relabels":
        why = f"changes the severity to {scene.target}"
    elif scene.verb == "clicks":
        why = "presses Acknowledge under the Slack message"
    elif scene.verb == "presses":
        why = "presses 1 during the escalation phone call"
    else:
        why = "moves it to Done"
    return Line(at, key, f"> {scene.verb}", who, why)


# --- final state ----------------------------------------------------------------------------


def issue_state(site: Any, config: Config, key: str, names: Mapping[str, str]) -> dict[str, Any]:
    """Fields, escalation record (as stored) and comments (as text) of one sandbox issue."""
    from worker.jira.adf import to_text

    s = site.issue(key)
    raw = site.property(key, config.jira.property_key)
    comments = []
    for c in site.comments(key):
        comments.append(
            {
                "author": names.get(c.author, c.author),
                "created": c.created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "visibility": dict(c.visibility) if c.visibility else None,
                "by_worker": names.get(c.author) == "Escalation Worker",
                "text": to_text(c.body),
            }
        )
    return {
        "key": key,
        "summary": s.summary,
        "project": s.project,
        "status": s.status,
        "resolution": s.resolution,
        "labels": list(s.labels),
        "assignee": names.get(s.assignee or "", s.assignee),
        "watchers": [names.get(w, w) for w in site.watchers(key)],
        "reporter": names.get(s.reporter or "", s.reporter),
        "record": raw,
        "comments": comments,
    }


def _issue_markdown(state: Mapping[str, Any], tz: ZoneInfo) -> str:
    rec = state.get("record") or {}
    out = [f"## {state['key']} — {state['summary']}", ""]
    out.append(
        f"- status: {state['status']}"
        + (f" ({state['resolution']})" if state["resolution"] else "")
    )
    out.append(f"- labels: {', '.join(state['labels']) or '—'}")
    out.append(
        f"- assignee: {state['assignee'] or '—'}; watchers: {', '.join(state['watchers']) or '—'}"
    )
    if rec:
        out.append(
            f"- escalation: {rec.get('status')} {rec.get('severity')} {rec.get('type')}, level {rec.get('level')}, "
            f"ack due {rec.get('ack_due')}, resolve due {rec.get('resolve_due')}"
        )
        if rec.get("outcome"):
            o = rec["outcome"]
            out.append(
                f"- outcome: {o.get('reason')}, acknowledge {o.get('acknowledge')}, resolve {o.get('resolve')}"
                + (f", decision: {o.get('decision')}" if o.get("decision") else "")
            )
        out.append("")
        out.append("Record timeline:")
        out.append("")
        for ev in rec.get("timeline", []):
            at = datetime.fromisoformat(ev["at"].replace("Z", "+00:00")).astimezone(tz)
            out.append(f"- {at:%H:%M} {ev['kind']}: {ev['detail']}")
    out += ["", "Comments:", ""]
    for c in state["comments"]:
        restricted = f" (visible to {c['visibility']['value']} only)" if c["visibility"] else ""
        text = c["text"].strip().replace("\n", "\n  > ")
        out.append(f"- **{c['author']}**, {c['created']}{restricted}:\n  > {text}")
    return "\n".join(out) + "\n"


# --- entry point ----------------------------------------------------------------------------


def run_demo(
    output: Path,
    speed_minutes: float | None = None,
    *,
    stream: TextIO | None = None,
    config_path: Path | None = None,
    language: str | None = None,
) -> int:
    """Run the demo day and write its files to ``output``; returns the process exit code (0 = fine).

    ``speed_minutes`` is how many simulated minutes each worker cycle moves the clock (default
    :data:`DEFAULT_SPEED_MINUTES`); a larger value finishes sooner with the same story.
    ``language`` (e.g. ``"fr"``) replaces the config's: the worker's comments, notifications,
    calls, pages, poster and review are written in it (the people's own texts stay as written).
    """
    out = stream or sys.stdout
    speed = DEFAULT_SPEED_MINUTES if speed_minutes is None else speed_minutes
    if not 0 < speed <= 120:
        out.write(
            "error: --speed must be more than 0 and at most 120 simulated minutes per cycle\n"
        )
        return 2
    with _quiet_logs():
        result = _run(Path(output), speed, out, config_path, language)
    out.write(
        f"\nDone in {result.wall_seconds:.1f} s: {result.cycles} worker cycles, {result.requests} HTTP requests "
        f"to the sandbox, matrix page {result.page_action}.\n"
    )
    out.write(f"Files written to {output}/:\n")
    for f in result.files:
        out.write(f"  {f.name}\n")
    if result.errors:
        out.write("Errors during the run:\n" + "".join(f"  {e}\n" for e in result.errors))
        return 1
    return 0


def _run(
    output: Path, speed: float, out: TextIO, config_path: Path | None, language: str | None = None
) -> DemoResult:
    from worker.app import build_cycle, connection, preflight
    from worker.confluence.service import client_from_env, publish_matrix
    from worker.cycle.cycle import Memory
    from worker.cycle.notifications import notifier_from_channels
    from worker.notify.jira import JiraChannel
    from worker.notify.registry import CHANNEL_IDS
    from worker.sandbox.clock import SandboxClock
    from worker.sandbox.confluence import ConfluenceSite
    from worker.sandbox.jira import JiraSite
    from worker.sandbox.organisation import seed_organisation
    from worker.sandbox.server import SandboxServer

    t0 = walltime.perf_counter()
    config = demo_config(config_path)
    if language is not None:
        from worker.i18n.rules_text import rules_in

        config = replace(config, language=language, rules=rules_in(config.rules, language))
    tz = ZoneInfo(config.calendar.timezone)
    space = config.confluence.space or "PROD"
    clock = SandboxClock(_local(tz, DAY_START))
    site = JiraSite(clock)
    wiki = ConfluenceSite(clock)
    wiki.add_space(space, SPACE_NAME)
    login = seed_organisation(site, config)
    site.add_user(REPORTER_ID, REPORTER_NAME, email="rita@example.com")
    names = _names(config, login.account_id)

    output.mkdir(parents=True, exist_ok=True)
    sent: list[Sent] = []
    channels: dict[str, Any] = {cid: RecordingChannel(cid, clock.now, sent) for cid in CHANNEL_IDS}
    channels["jira"] = JiraChannel()  # the comment itself: nothing to record
    tl = Timeline(tz, out)
    day = Day(config, site, clock, tz, tl, names, sent)
    files: list[Path] = []

    out.write(
        f"Escalation worker demo — {DEMO_DAY:%A %d %B %Y}, {config.calendar.timezone}, "
        f"{speed:g} simulated minutes per cycle\n"
    )
    with SandboxServer(site, wiki) as server:
        env = login.environ(server.url)
        from worker.web.local import LocalWeb

        day.web = LocalWeb(config, env, clock.now)
        memory = Memory()
        notifier = notifier_from_channels(channels, config, now=clock.now, site_url=server.url)
        cycle = build_cycle(
            config, connection(config, env), now=clock.now, memory=memory, notifier=notifier
        )
        wiki_client = None
        try:
            day.errors.extend(preflight(cycle))
            wiki_client = client_from_env(config, env)
            published = publish_matrix(
                config, wiki_client, worker_account_id=memory.account_id, now=clock.now()
            )
            out.write(
                f"Sandbox site on {server.url}; matrix page {published.action} in Confluence space {space} "
                f"(page {published.page_id}, version {published.version}).\n\n"
            )
            tl.header()
            day.play(cycle, timedelta(minutes=speed))
            review = _monthly_review(
                config, cycle.gateway, memory.account_id, wiki_client, clock.now(), tz
            )
            out.write(
                f"\nMonthly review of {review.month} (so far): {review.action} as a child page of the matrix.\n"
            )
            files += _write_pages(output, config, wiki, space, review)
        finally:
            day.web.close()
            _close_sessions(cycle, wiki_client)

    states = {key: issue_state(site, config, key, names) for key in day.keys.values()}
    files += _write_day(output, config, tz, states, tl, sent)
    from worker.poster.service import write_poster

    poster = output / "matrix-poster.pdf"
    write_poster(config, poster)
    files.append(poster)
    return DemoResult(
        states,
        day.cycles,
        day.errors,
        walltime.perf_counter() - t0,
        day.requests,
        published.action,
        files,
    )


@dataclass
class Day:
    """Plays :data:`SCRIPT` against the sandbox, running the worker's cycle between scenes."""

    config: Config
    site: Any  # worker.sandbox.jira.JiraSite
    clock: Any  # worker.sandbox.clock.SandboxClock
    tz: ZoneInfo
    tl: Timeline
    names: Mapping[str, str]
    sent: list[Sent]
    keys: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cycles: int = 0
    requests: int = 0
    web: Any = None  # worker.web.local.LocalWeb: Slack clicks and phone keypresses

    def play(self, cycle: Any, step: timedelta) -> None:
        pending = sorted(SCRIPT, key=lambda s: s.at)
        t, end = _local(self.tz, DAY_START), _local(self.tz, DAY_END)
        while t < end:
            target = min(t + step, end)
            while pending and _local(self.tz, pending[0].at) <= target:
                scene = pending.pop(0)
                at = _local(self.tz, scene.at)
                self.clock.set(at)
                if scene.verb in ("clicks", "presses"):
                    # a button or a call exists once the issue is routed, which the Jira
                    # webhook makes immediate: run that cycle now, whatever the demo's pace
                    self._cycle(cycle)
                key = _perform(self.site, self.config, self.keys, scene, at, self.web)
                self.tl.add(_scene_line(self.config, scene, key, at, self.names))
            self.clock.set(target)
            self._cycle(cycle)
            t = target

    def _cycle(self, cycle: Any) -> None:
        """One cycle, and what it did shown on the timeline."""
        channel_names = {cid: ch.name for cid, ch in self.config.rules.channels.items()}
        report = cycle.run()
        self.cycles += 1
        self.requests += report.request_total
        self.errors.extend(report.errors)
        for key in self.keys.values():
            rec = _record_of(self.site, key, self.config.jira.property_key)
            if rec is not None:
                _show_record_events(self.tl, key, rec, self.names)
        _show_other_comments(self.tl, report.applied, self.site, self.names)
        _show_notifications(self.tl, self.sent, channel_names)


def _preview(storage: str, title: str, config: Config) -> str:
    from worker.confluence.render import names_from, render_preview_html
    from worker.i18n import texts_for

    return render_preview_html(
        storage, title, names=names_from(config.directory), texts=texts_for(config.language)
    )


def _write_pages(
    output: Path, config: Config, wiki: Any, space: str, review: ReviewOutcome
) -> list[Path]:
    """The matrix page and the review page as the sandbox Confluence stores them, and as HTML."""
    (page,) = wiki.pages(space_key=space, title=config.confluence.title)
    (review_page,) = wiki.pages(space_key=space, title=review.title)
    written = {
        "matrix-page.html": _preview(page.body, page.title, config),
        "matrix-page.storage.xml": page.body,
        "monthly-review.md": review.markdown,
        "monthly-review.html": _preview(review_page.body, review_page.title, config),
    }
    for name, text in written.items():
        (output / name).write_text(text, encoding="utf-8")
    return [output / name for name in written]


def _write_day(
    output: Path,
    config: Config,
    tz: ZoneInfo,
    states: Mapping[str, Mapping[str, Any]],
    tl: Timeline,
    sent: Sequence[Sent],
) -> list[Path]:
    """Final state of every issue, the timeline and the notifications, as files."""
    from worker.notify.twilio import sms_body, spoken_text

    notifications = [
        {
            "at": s.at.isoformat(),
            "channel": s.channel,
            "issue": s.message.issue_key,
            "event": s.message.event,
            "to": [r.name for r in s.message.recipients],
            "title": s.message.title,
            "text": s.message.text,
            # what the call would say and the text message would read
            **({"said": spoken_text(s.message)} if s.channel == "phone" else {}),
            **({"sms": sms_body(s.message)} if s.channel == "sms" else {}),
        }
        for s in sent
    ]
    written = {
        "issues.json": json.dumps(list(states.values()), indent=2, ensure_ascii=False) + "\n",
        "issues.md": f"# Final state of the demo issues ({DEMO_DAY:%A %d %B %Y}, {config.calendar.timezone})\n\n"
        + "\n".join(_issue_markdown(s, tz) for s in states.values()),
        "timeline.txt": "".join(tl.render(line) + "\n" for line in tl.lines),
        "notifications.json": json.dumps(notifications, indent=2, ensure_ascii=False) + "\n",
    }
    for name, text in written.items():
        (output / name).write_text(text, encoding="utf-8")
    return [output / name for name in written]


@dataclass(frozen=True)
class ReviewOutcome:
    month: str
    title: str
    action: str
    markdown: str


def _monthly_review(
    config: Config,
    gateway: Any,
    account_id: str | None,
    client: Any,
    now: datetime,
    tz: ZoneInfo,
) -> ReviewOutcome:
    """The review of the demo month so far, computed from the sandbox and published under the matrix page."""
    from worker.review.model import Month
    from worker.review.monthly import compute_month, publish_report, review_title
    from worker.review.render import to_markdown
    from worker.review.source import ReviewFields

    month = Month.of(now, tz)
    report = compute_month(gateway, config, month, now, fields=ReviewFields.from_config(config))
    result = publish_report(config, client, report, worker_account_id=account_id)
    from worker.i18n import texts_for

    texts = texts_for(config.language)
    return ReviewOutcome(
        str(month), review_title(month, texts), result.action, to_markdown(report, texts)
    )


def _close_sessions(cycle: Any, wiki_client: Any) -> None:
    """Close the HTTP keep-alive sessions so the server's connection threads end with it."""
    cycle.gateway.http.close()
    session = getattr(wiki_client, "session", None)
    if session is not None:
        session.close()

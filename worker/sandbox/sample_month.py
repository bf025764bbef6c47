"""A sample month of escalations for the sandbox: records written directly as issue properties.

Used by the tests and to try ``report`` / ``trail`` by hand against config.example.yaml::

    .venv/bin/python -m worker.sandbox.sample_month --port 8099
    # then, with the printed JIRA_* variables exported:
    ESCALATION_WORKER_NOW=2026-04-01T06:00:00Z escalation-worker report --month 2026-03 \\
        --config config.example.yaml --counterpart-field customfield_10100 --decision-field customfield_10101

The month under review is March 2026 in Europe/Paris (UTC+1 until 29 March, UTC+2 after). The
review runs on 1 April 2026 at 08:00 Paris (06:00 UTC). Every figure the tests expect is worked
out by hand in the test modules from the table below.

=====  =======  ====  ==========  ========  =================  ====================  =====================
name   project  sev   type        team      opened (UTC)       acknowledge           resolve / state
=====  =======  ====  ==========  ========  =================  ====================  =====================
P1     SHOP     S2    scope       checkout  02-10 10:00        +30 min met           resolved +4 h, met
P2     PAY      S1    incident    payments  02-20 10:00        +10 min met           resolved +2 h, met
P3     SHOP     S1    incident    checkout  02-28 22:30        +5 min met            resolved 03-01 02:00 (carried over)
A      SHOP     S1    incident    checkout  02-28 23:10 (=1 March 00:10 Paris)  +10 min met  resolved +3 h met
B      SHOP     S1    incident    checkout  03-05 09:00        +40 min breached, L1  resolved +6 h breached
C      SHOP     S2    dependency  checkout  03-10 09:00        +30 min met           resolved +5 h met; blocked by PAY
D      SHOP     S2    dependency  checkout  03-12 09:00        +2 h breached, L1     open, resolve breached
E      PAY      S2    release     payments  03-20 09:00        +20 min met           label removed, withdrawn
F      PEOPLE   S2    people      payments  03-25 10:00        +15 min met           resolved +2 h met
G      SHOP     S3    scope       checkout  03-26 09:00        none, breached, L2    open, resolve pending
H      PAY      S1    incident    payments  03-31 21:50 (=23:50 Paris)  +10 min met  open, resolve due passed
I      SHOP     S2    scope       checkout  03-31 22:30 (=1 April 00:30 Paris)  -  (April: not in March)
=====  =======  ====  ==========  ========  =================  ====================  =====================
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from worker.config.model import Config
from worker.core.record import Event, LevelState, Outcome, Record, to_json
from worker.sandbox.jira import JiraSite
from worker.sandbox.organisation import seed_organisation

NOW = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)  # 08:00 in Paris
# people of config.example.yaml
CPO = "5b10a2844c20165700ede21a"  # Camille Durand
CTO = "5b10a2844c20165700ede21b"  # Théo Martin
PD = "5b10a2844c20165700ede21e"  # Léa Robert, product director
REPORTER = "reporter-0000000000000001"
COUNTERPART_FIELD = "customfield_10100"
DECISION_FIELD = "customfield_10101"


def t(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Spec:
    name: str
    project: str
    severity: str
    type: str
    type_label: str
    team: str
    opened: datetime
    owner: str
    ack_after: timedelta | None = None
    ack_breached: bool = False
    level: int = 0
    resolved_after: timedelta | None = None  # resolved (closed) after this long
    withdrawn_after: timedelta | None = None  # label removed after this long
    resolve_due: timedelta = timedelta(hours=4)
    ack_due: timedelta = timedelta(minutes=15)
    resolve_breached: bool = False
    decision: str | None = None
    summary: str = ""


M = timedelta(minutes=1)
HOUR = timedelta(hours=1)
SPECS = (
    Spec(
        "P1",
        "SHOP",
        "S2",
        "scope_disagreement",
        "escalation-type-scope",
        "checkout",
        t(2, 10, 10),
        PD,
        ack_after=30 * M,
        resolved_after=4 * HOUR,
        resolve_due=8 * HOUR,
        ack_due=HOUR,
    ),
    Spec(
        "P2",
        "PAY",
        "S1",
        "production_incident",
        "escalation-type-incident",
        "payments",
        t(2, 20, 10),
        CPO,
        ack_after=10 * M,
        resolved_after=2 * HOUR,
    ),
    Spec(
        "P3",
        "SHOP",
        "S1",
        "production_incident",
        "escalation-type-incident",
        "checkout",
        t(2, 28, 22, 30),
        CPO,
        ack_after=5 * M,
        resolved_after=3 * HOUR + 30 * M,
        summary="Night outage before the month turned",
    ),
    Spec(
        "A",
        "SHOP",
        "S1",
        "production_incident",
        "escalation-type-incident",
        "checkout",
        t(2, 28, 23, 10),
        CPO,
        ack_after=10 * M,
        resolved_after=3 * HOUR,
        decision="Rolled back release 4.2; promo paused",
        summary="Checkout down at midnight",
    ),
    Spec(
        "B",
        "SHOP",
        "S1",
        "production_incident",
        "escalation-type-incident",
        "checkout",
        t(3, 5, 9),
        CTO,
        ack_after=40 * M,
        ack_breached=True,
        level=1,
        resolved_after=6 * HOUR,
        resolve_breached=True,
        decision="Owner comment that the configured field overrides",
        summary="Card payments rejected",
    ),
    Spec(
        "C",
        "SHOP",
        "S2",
        "cross_team_dependency",
        "escalation-type-dependency",
        "checkout",
        t(3, 10, 9),
        PD,
        ack_after=30 * M,
        resolved_after=5 * HOUR,
        resolve_due=8 * HOUR,
        ack_due=HOUR,
        summary="Waiting on the payments API change",
    ),
    Spec(
        "D",
        "SHOP",
        "S2",
        "cross_team_dependency",
        "escalation-type-dependency",
        "checkout",
        t(3, 12, 9),
        CPO,
        ack_after=2 * HOUR,
        ack_breached=True,
        level=1,
        resolve_due=24 * HOUR,
        ack_due=HOUR,
        resolve_breached=True,
        summary="Refund endpoint still missing",
    ),
    Spec(
        "E",
        "PAY",
        "S2",
        "release_decision",
        "escalation-type-release",
        "payments",
        t(3, 20, 9),
        CPO,
        ack_after=20 * M,
        withdrawn_after=6 * HOUR,
        resolve_due=24 * HOUR,
        ack_due=HOUR,
        summary="Go/no-go 7.0",
    ),
    Spec(
        "F",
        "PEOPLE",
        "S2",
        "people_issue",
        "escalation-type-people",
        "payments",
        t(3, 25, 10),
        PD,
        ack_after=15 * M,
        resolved_after=2 * HOUR,
        resolve_due=24 * HOUR,
        ack_due=HOUR,
        decision="Private matter settled",
        summary="Conflict in the squad (confidential)",
    ),
    Spec(
        "G",
        "SHOP",
        "S3",
        "scope_disagreement",
        "escalation-type-scope",
        "checkout",
        t(3, 26, 9),
        CPO,
        ack_breached=True,
        level=2,
        resolve_due=timedelta(days=20),
        ack_due=4 * HOUR,
        summary="Which filter first",
    ),
    Spec(
        "H",
        "PAY",
        "S1",
        "production_incident",
        "escalation-type-incident",
        "payments",
        t(3, 31, 21, 50),
        CPO,
        ack_after=10 * M,
        summary="Payouts stuck at month end",
    ),
    Spec(
        "I",
        "SHOP",
        "S2",
        "scope_disagreement",
        "escalation-type-scope",
        "checkout",
        t(3, 31, 22, 30),
        PD,
        ack_after=10 * M,
        resolve_due=24 * HOUR,
        ack_due=HOUR,
        summary="April already in Paris",
    ),
)
SEVERITY_LABEL = {
    "S1": "escalation-S1",
    "S2": "escalation-S2",
    "S3": "escalation-S3",
    "S4": "escalation-S4",
}


def record_for(s: Spec) -> Record:
    """The record the worker would have written, built field by field."""
    opened = s.opened
    ack_at = opened + s.ack_after if s.ack_after else None
    events = [
        Event(opened, "labelled", SEVERITY_LABEL[s.severity]),
        Event(opened, "routed", "routed to the owner", s.owner, 0),
    ]
    for lvl in range(1, s.level + 1):
        events.append(
            Event(
                opened + s.ack_due * lvl,
                "escalated",
                f"did not acknowledge; escalated to level {lvl}",
                s.owner,
                lvl,
            )
        )
    if ack_at:
        events.append(Event(ack_at, "acknowledged", "commented", s.owner, s.level))
    rec = Record(
        epoch=1,
        status="open",
        severity=s.severity,
        type=s.type,
        team=s.team,
        opened_at=opened,
        severity_at=opened,
        current=LevelState(
            level=s.level,
            owner_role="cpo",
            owner=s.owner,
            handlers=(s.owner,),
            started_at=opened,
            ack_due=opened + s.ack_due * (s.level + 1),
            acked_at=ack_at,
            acked_by=s.owner if ack_at else None,
        ),
        resolve_due=opened + s.resolve_due,
        first_ack_at=ack_at,
        first_ack_by=s.owner if ack_at else None,
        ack_breached=s.ack_breached,
        resolve_breached=s.resolve_breached,
    )
    if s.resolve_breached:
        events.append(Event(opened + s.resolve_due, "resolve_breached", "resolve deadline passed"))
    closed_after = s.resolved_after or s.withdrawn_after
    if closed_after is not None:
        at = opened + closed_after
        why = "resolved" if s.resolved_after else "label_removed"
        ack = (
            ("breached" if s.ack_breached else "met")
            if ack_at
            else ("breached" if s.ack_breached else "none")
        )
        if why == "resolved":
            resolve = "met" if at <= opened + s.resolve_due else "breached"
        else:
            resolve = "breached" if s.resolve_breached else "withdrawn"
        outcome = Outcome(
            reason=why,
            at=at.isoformat(),
            resolution="Done" if why == "resolved" else None,
            acknowledge=ack,
            resolve=resolve,
            time_to_acknowledge_s=s.ack_after.total_seconds() if s.ack_after else None,
            time_to_resolve_s=closed_after.total_seconds() if why == "resolved" else None,
            levels_reached=s.level,
            owner=s.owner,
            decision=s.decision,
        )
        events.append(
            Event(at, "closed", f"{why}: acknowledge {ack}, resolve {resolve}", s.owner, s.level)
        )
        rec = replace(rec, status="closed", closed_at=at, outcome=outcome)
    return replace_timeline(rec, events)


def replace_timeline(rec: Record, events: list[Event]) -> Record:
    return replace(rec, timeline=tuple(sorted(events, key=lambda e: e.at)))


def seed_site(site: JiraSite, config: Config) -> dict[str, str]:
    """Seed the organisation of ``config`` and the sample month; returns {spec name: issue key}.

    Leaves the site's clock at :data:`NOW`.
    """
    clock = site.clock
    clock.set(t(2, 1, 8))
    seed_organisation(site, config)
    site.add_user(REPORTER, "Rita Reporter", email="rita@example.com")
    keys: dict[str, str] = {}
    # noise: an issue the worker never saw, and one with a foreign property under the worker's key
    site.create_issue("SHOP", "Unrelated chore", reporter=REPORTER, at=t(3, 3, 9))
    foreign = site.create_issue(
        "SHOP",
        "Someone else's property",
        reporter=REPORTER,
        labels=["escalation-S2"],
        at=t(3, 3, 9),
    )
    site.set_property(foreign, config.jira.property_key, {"hello": "world"}, at=t(3, 3, 9))
    blocker = site.create_issue("PAY", "Payments API change", reporter=REPORTER, at=t(3, 1, 9))
    for s in SPECS:
        key = site.create_issue(
            s.project, s.summary or f"Escalation {s.name}", reporter=REPORTER, at=s.opened
        )
        keys[s.name] = key
        site.add_labels(key, SEVERITY_LABEL[s.severity], s.type_label, by=REPORTER, at=s.opened)
        if s.ack_after:
            site.add_comment(key, s.owner, "On it.", at=s.opened + s.ack_after)
        if s.resolved_after:
            site.transition(key, "Done", by=s.owner, at=s.opened + s.resolved_after)
        if s.withdrawn_after:
            site.remove_labels(
                key, SEVERITY_LABEL[s.severity], by=s.owner, at=s.opened + s.withdrawn_after
            )
        rec = record_for(s)
        site.set_property(
            key,
            config.jira.property_key,
            to_json(rec),
            at=rec.closed_at or s.opened + (s.ack_after or M),
        )
    # C is blocked by an issue of Payments (through a link); D names its counterpart in a custom field
    site.link_issues(blocker, keys["C"], "Blocks")
    site.link_issues(keys["C"], keys["A"], "Relates")  # same team: never a counterpart
    site.set_custom_field(keys["D"], COUNTERPART_FIELD, {"value": "Payments", "id": "10200"})
    site.set_custom_field(keys["B"], DECISION_FIELD, "Hotfix 4.2.1 shipped; post-mortem on Friday")
    clock.set(NOW)
    return keys


def main(argv: list[str] | None = None) -> int:
    """Serve the sample month on 127.0.0.1 (Jira and Confluence) until Ctrl-C or SIGTERM."""
    import argparse
    import signal
    import threading
    from pathlib import Path

    from worker.config.load import load_config
    from worker.sandbox.clock import SandboxClock
    from worker.sandbox.confluence import ConfluenceSite
    from worker.sandbox.organisation import WORKER_EMAIL
    from worker.sandbox.server import SandboxServer

    parser = argparse.ArgumentParser(
        prog="python -m worker.sandbox.sample_month", description=main.__doc__
    )
    parser.add_argument(
        "--port", type=int, default=8099, help="TCP port on 127.0.0.1 (0 picks a free one)"
    )
    parser.add_argument(
        "--config", default="config.example.yaml", help="configuration whose organisation to seed"
    )
    args = parser.parse_args(argv)
    config = load_config(Path(args.config))
    site = JiraSite(SandboxClock(NOW))
    keys = seed_site(site, config)
    wiki = ConfluenceSite(site.clock)
    wiki.add_space(config.confluence.space or "PROD")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with SandboxServer(site, wiki, port=args.port) as server:
        print(f"JIRA_URL={server.url}", flush=True)
        print(f"JIRA_EMAIL={WORKER_EMAIL}", flush=True)
        print("JIRA_API_TOKEN=sandbox-token", flush=True)
        print(f"ESCALATION_WORKER_NOW={NOW.isoformat()}", flush=True)
        print("issues: " + ", ".join(f"{n}={k}" for n, k in keys.items()), flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

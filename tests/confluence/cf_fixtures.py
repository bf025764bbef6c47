"""Small hand-built rules and directory whose texts need escaping (shared by the Confluence tests)."""

from __future__ import annotations

from datetime import timedelta

from worker.core.directory import Directory, Person, Team
from worker.core.rules import (
    Cell,
    ChannelPlan,
    ChannelSpec,
    IssueType,
    Principle,
    RecommendationPart,
    Role,
    Rules,
    Severity,
    Sla,
    SlaKind,
)

EVIL = '<b>Eve</b> & "co"'  # a person's display name
ODD = '<i>Odd</i> & "kind"'  # text from the rules


def sla(text: str, minutes: int) -> Sla:
    return Sla(SlaKind.DURATION, timedelta(minutes=minutes), text)


def small_rules() -> Rules:
    sev = {
        "S1": Severity(
            "S1",
            1,
            "Critical",
            "Everything is on fire & <nothing> works",
            "escalation-S1",
            sla("15 min", 15),
            sla("4 h", 240),
            "always",
            True,
            sla("15 min", 15),
        ),
        "S2": Severity(
            "S2",
            2,
            "Major",
            "A key flow is hurt",
            "escalation-S2",
            sla("1 h", 60),
            Sla(SlaKind.BUSINESS_DAYS, 1, "1 business day"),
            "business",
            True,
            sla("1 h", 60),
        ),
    }
    types = {
        "incident": IssueType(
            "incident",
            1,
            "Incident",
            "Prod is broken",
            ("escalation-type-incident",),
            ("Incident",),
            (),
            False,
        ),
        "people": IssueType(
            "people",
            2,
            ODD + " issue",
            "Confidential",
            ("escalation-type-people",),
            (),
            ("HR",),
            True,
        ),
    }
    roles = {
        "po": Role("po", "Product Owner", "team", "product", 1),
        "director": Role("director", "Product Director", "team", "product", 3),
        "cpo": Role("cpo", "CPO", "global", "product", 5),
        "cto": Role("cto", "CTO", "global", "engineering", 5),
    }
    matrix = {
        ("incident", "S1"): Cell("incident", "S1", ("cpo", "cto"), "Open #incidents & call"),
        ("incident", "S2"): Cell("incident", "S2", ("director",)),
        ("people", "S1"): Cell("people", "S1", ("cpo",)),
        ("people", "S2"): Cell("people", "S2", ("po", "director"), ODD),
    }
    return Rules(
        severities=sev,
        types=types,
        roles=roles,
        matrix=matrix,
        ladder={"po": "director", "director": "cpo"},
        top_roles=("cpo",),
        coordinates_with={"cpo": ("cto",)},
        channels={
            "phone": ChannelSpec("phone", "Phone call", "Rings"),
            "slack_dm": ChannelSpec("slack_dm", "Slack DM", "Direct message"),
            "sms": ChannelSpec("sms", "SMS", "Text"),
            "email": ChannelSpec("email", "Email", "Mail"),
        },
        channel_plans={
            "S1": ChannelPlan("S1", ("phone",), ("sms",)),
            "S2": ChannelPlan("S2", ("slack_dm",), ("email",), note="Quiet <hours>", here=True),
        },
        recommendation=(RecommendationPart("what", "What happened", ("what happened", "context")),),
        principles=(Principle("up", "Up only", 'Never "across" & never down'),),
        label_prefix="escalation-",
        type_label_prefix="escalation-type-",
        default_type="incident",
        nudge_at=0.75,
        source_hash="abc123",
    )


def small_directory() -> Directory:
    people = {
        "eve": Person("eve", "acc-eve", EVIL),
        "cam": Person("cam", "acc-cam", "Camille"),
        "theo": Person("theo", "acc-theo", "Théo"),
        "lea": Person("lea", "acc-lea", "Léa"),
        "sam": Person("sam", "acc-sam", "Sam"),
    }
    teams = {
        "red": Team(
            "red", "Red & <Team>", ("SHOP",), (), {"po": ("eve",), "director": ("lea",)}, "#red"
        ),
        "blue": Team(
            "blue", "Blue", ("PAY",), ("api",), {"po": ("sam",), "director": ("lea",)}, None
        ),
    }
    return Directory(people=people, global_roles={"cpo": ("cam",), "cto": ("theo",)}, teams=teams)

"""Loading the example config: typed settings, directory, summary, hash, several errors at once."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.config.workspace import ROOT, Workspace
from worker.config.check import run_check
from worker.config.errors import ConfigError, ConfigIssue
from worker.config.load import find_default_rules_dir, load_config, load_rules
from worker.config.rules_load import sla_order
from worker.core.rules import parse_sla
from worker.notify.registry import describe_settings


def test_the_default_rules_dir_is_the_packaged_copy_of_the_repository_rules() -> None:
    packaged = find_default_rules_dir()
    assert packaged.parts[-3:] == ("worker", "defaults", "rules")
    # in a clone the packaged folder is a link to the top-level rules/: one set of files
    assert packaged.resolve() == (ROOT / "rules").resolve()
    names = sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))
    assert names and sorted(p.name for p in packaged.glob("*.yaml")) == names


def test_check_of_the_example_summarises_and_exits_0() -> None:
    code, out = run_check(ROOT / "config.example.yaml", {}, describe_settings({}))
    assert code == 0, out
    assert "4 severities (S1 S2 S3 S4), 6 types, 24 cells" in out


def test_summary_in_full(ws: Workspace) -> None:
    code, out = ws.check(
        {"JIRA_URL": "https://acme.atlassian.net", "JIRA_API_TOKEN": "s3cr3t-token"}
    )
    assert code == 0
    assert out == "\n".join(
        [
            "OK config.yaml (rules: rules/)",
            "  4 severities (S1 S2 S3 S4), 6 types, 24 cells, 12 roles, ladder po → product_director → cpo; "
            "direct_manager → product_director → cpo; top cpo (cpo coordinates with cto)",
            "  2 teams, 14 people, 3 projects (SHOP PAY PEOPLE)",
            "  calendar Europe/Paris, 5 working days (mon tue wed thu fri), holidays FR (+2 extra)",
            "  environment: JIRA_URL set, JIRA_EMAIL unset, JIRA_API_TOKEN set, CONFLUENCE_URL unset",
            "  channels used by the rules:",
            "    email: not configured (SMTP_HOST, SMTP_FROM unset): skipped with a warning, backup used",
            "    jira: configured",
            "    phone: not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM unset): skipped with a warning, backup used",
            "    slack_channel: not configured (SLACK_BOT_TOKEN unset): skipped with a warning, backup used",
            "    slack_dm: not configured (SLACK_BOT_TOKEN unset): skipped with a warning, backup used",
            "    slack_mention: not configured (SLACK_BOT_TOKEN unset): skipped with a warning, backup used",
            "    sms: not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM unset): skipped with a warning, backup used",
        ]
    )
    assert "s3cr3t" not in out and "acme" not in out


def test_missing_identities_are_reported_for_people_a_channel_can_reach(ws: Workspace) -> None:
    # the CTO handles S1 incidents (phone, backup SMS); a lead dev is never phoned, so Louis's
    # missing number is not reported, but Théo's is
    ws.edit(
        "config.yaml",
        'email: theo@example.com,    phone: "+33600000002", slack: U01CTO',
        "email: theo@example.com, slack: U01CTO",
    )
    code, out = ws.check({})
    assert code == 0
    assert "    phone: missing a phone number for Théo Martin (people: in config.yaml)" in out
    assert "    sms: missing a phone number for Théo Martin (people: in config.yaml)" in out
    assert "Louis Simon" not in out


def test_summary_says_which_channels_are_configured(ws: Workspace) -> None:
    code, out = ws.check(
        {
            "SLACK_BOT_TOKEN": "xoxb-secret-777",
            "TWILIO_ACCOUNT_SID": "AC1",
            "TWILIO_AUTH_TOKEN": "tw-secret",
            "TWILIO_FROM": "+15550000000",
        }
    )
    assert code == 0
    assert "    slack_dm: configured" in out and "    phone: configured" in out
    assert "    email: not configured (SMTP_HOST, SMTP_FROM unset)" in out
    assert "xoxb-secret-777" not in out and "tw-secret" not in out


def test_settings_are_typed() -> None:
    config = load_config(ROOT / "config.example.yaml")
    assert config.rules_dir == ROOT / "rules"
    assert config.jira.projects == ("SHOP", "PAY", "PEOPLE")
    assert config.jira.token_env == "JIRA_API_TOKEN"
    assert config.jira.people_issue_visibility is not None
    assert (
        config.jira.people_issue_visibility.type,
        config.jira.people_issue_visibility.value,
    ) == ("group", "escalation-people")
    assert config.confluence.space == "PROD"
    assert config.confluence.publish_interval == timedelta(minutes=60)
    assert config.schedule.poll_interval == timedelta(minutes=1)
    assert config.schedule.jitter == timedelta(seconds=5)
    assert (config.schedule.concurrency, config.schedule.burst_concurrency) == (4, 16)
    assert (config.schedule.weekly_digest.weekday, config.schedule.weekly_digest.at) == (
        0,
        time(9, 0),
    )
    cal = config.calendar
    assert cal.timezone == "Europe/Paris"
    assert sorted(cal.hours) == [0, 1, 2, 3, 4]
    assert cal.hours[4] == ((time(9), time(12, 30)), (time(13, 30), time(17)))
    assert (cal.holiday_country, cal.holiday_subdivision, cal.holiday_categories) == (
        "FR",
        None,
        ("public",),
    )
    assert cal.extra_holidays == (date(2026, 12, 24), date(2026, 12, 31))
    assert cal.sprint_length == timedelta(weeks=2)
    assert cal.planning_first == datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert cal.planning_every == timedelta(weeks=2)


def test_directory_is_built_from_people_roles_and_teams() -> None:
    d = load_config(ROOT / "config.example.yaml").directory
    assert len(d.people) == 14
    assert d.global_roles["cpo"] == ("camille",)
    assert [p.handle for p in d.people_for("dev_squad", "checkout")] == ["chloe", "jules"]
    assert [p.handle for p in d.people_for("po", "payments")] == ["sarah"]
    assert [p.handle for p in d.people_for("cto", "payments")] == ["theo"]
    team = d.team_for("PEOPLE")
    assert team is not None and team.id == "payments" and team.slack_channel == "#team-payments"
    assert d.by_account("5b10a2844c20165700ede220") is d.people["emma"]
    assert d.people["louis"].phone is None and d.people["emma"].slack_id == "U01PO1"


def test_three_different_errors_are_all_reported(ws: Workspace) -> None:
    ws.edit(
        "rules/matrix.yaml",
        "S2: {handlers: [product_director, tech_lead]}",
        "S2: {handlers: [product_director, tech_leed]}",
    )
    ws.edit("config.yaml", "timezone: Europe/Paris", "timezone: Mars/Olympus")
    ws.edit("rules/severities.yaml", "    acknowledge: 4h\n", "    acknowledge: 2 sprints\n")
    with pytest.raises(ConfigError) as info:
        load_config(Path("config.yaml"))
    rendered = [issue.render().split("\n")[0] for issue in info.value.issues]
    assert rendered == [
        "config.yaml:36: calendar › timezone: unknown time zone 'Mars/Olympus'.",
        "rules/matrix.yaml:6: production_incident › S2 › handlers[1]: unknown role 'tech_leed'.",
        "rules/severities.yaml:42: severities › S3 › acknowledge: cannot read the SLA '2 sprints'.",
    ]
    code, out = ws.check()
    assert code == 1 and out.endswith("\n3 problems found.")


def test_rules_dir_is_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "etc" / "my-rules")
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    (tmp_path / "etc" / "config.yaml").write_text(
        text.replace("rules_dir: rules ", "rules_dir: my-rules ")
    )
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    config = load_config(Path("../etc/config.yaml"))
    assert config.rules_dir == Path("../etc/my-rules")


def test_without_rules_dir_the_shipped_rules_are_used(ws: Workspace) -> None:
    ws.edit("config.yaml", "rules_dir: rules ", "# no rules_dir ")
    shutil.rmtree(ws.root / "rules")
    config = load_config(Path("config.yaml"))
    assert config.rules_dir == find_default_rules_dir()
    assert len(config.rules.matrix) == 24


def test_source_hash_ignores_comments_and_layout_but_not_content(tmp_path: Path) -> None:
    base = load_rules(ROOT / "rules").source_hash
    assert len(base) == 64 and int(base, 16) >= 0
    shutil.copytree(ROOT / "rules", tmp_path / "a")
    matrix = tmp_path / "a" / "matrix.yaml"
    text = matrix.read_text(encoding="utf-8")
    matrix.write_text(
        "# a new comment\n\n"
        + text.replace("S4: {handlers: [po]}\n", "S4:\n    handlers:\n      - po\n")
    )
    assert load_rules(tmp_path / "a").source_hash == base
    matrix.write_text(
        text.replace(
            "S3: {handlers: [po, dev_squad]}", "S3: {handlers: [po, dev_squad, tech_lead]}"
        )
    )
    assert load_rules(tmp_path / "a").source_hash != base


def test_a_missing_rules_file_is_reported(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "channels.yaml").unlink()
    with pytest.raises(ConfigError) as info:
        load_rules(tmp_path / "rules")
    assert info.value.issues == (
        ConfigIssue(
            tmp_path / "rules" / "channels.yaml",
            None,
            (),
            "file not found.",
            "create it, or point to the right path",
        ),
    )


def test_a_missing_config_file_exits_1(tmp_path: Path) -> None:
    code, out = run_check(tmp_path / "nope.yaml", {}, ())
    assert code == 1
    assert (
        out
        == f"{tmp_path / 'nope.yaml'}: file not found.\n  ==> fix: create it, or point to the right path\n"
        "1 problem found."
    )


def test_an_empty_config_is_reported(ws: Workspace) -> None:
    ws.write("config.yaml", "# nothing yet\n")
    code, out = ws.check()
    assert (code, out) == (
        1,
        "config.yaml:1: the file is empty.\n  ==> fix: start from config.example.yaml\n"
        "1 problem found.",
    )


def test_load_config_does_not_read_the_process_environment(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIRA_API_TOKEN", "from-the-process")
    code, out = ws.check({})
    assert code == 0 and "JIRA_API_TOKEN unset" in out
    assert os.environ["JIRA_API_TOKEN"] == "from-the-process"


@pytest.mark.parametrize(
    ("shorter", "longer"),
    [
        ("15m", "4h"),
        ("1h", "1 business day"),
        ("8h", "2 business days"),
        ("4h", "1 sprint"),
        ("3w", "1 sprint"),
        ("5 business days", "1 sprint"),
        ("1 sprint", "next planning"),
        ("1 business day", "next planning"),
    ],
)
def test_sla_ordering_is_conservative(shorter: str, longer: str) -> None:
    a, b = parse_sla(shorter), parse_sla(longer)
    assert a is not None and b is not None
    assert sla_order(a) < sla_order(b)


def test_a_nine_hour_acknowledge_is_longer_than_one_business_day() -> None:
    nine, bd = parse_sla("9h"), parse_sla("1 business day")
    assert nine is not None and bd is not None
    assert sla_order(nine) > sla_order(bd)


def _paths(
    data: object, prefix: tuple[str | int, ...] = (), depth: int = 2
) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if depth and isinstance(data, dict):
        for key, value in data.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key), depth - 1))
    return out


# slow tier: a sweep of 100+ whole configuration loads; the pinned malformed corpus
# (test_malformed.py) covers each kind of error in the quick tier
@pytest.mark.slow
def test_wrong_shapes_anywhere_are_reported_never_raised(ws: Workspace) -> None:
    """Put a list or a number in place of each of the first two levels of the config."""
    import copy

    import yaml

    from worker.config.load import collect_config

    original = yaml.safe_load((ws.root / "config.yaml").read_text(encoding="utf-8"))
    paths = _paths(original)
    assert len(paths) > 50
    value: list[object] | int  # the wrong shape put in place
    for path in paths:
        for value in ([], 7):
            data = copy.deepcopy(original)
            target = data
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            ws.write("config.yaml", yaml.safe_dump(data, allow_unicode=True))
            config, issues = collect_config(Path("config.yaml"))
            assert (config is None) == bool(issues), path
            for issue in issues:
                assert issue.line is not None and issue.fix and issue.message.endswith("."), issue


@pytest.mark.parametrize(
    ("lines", "pools"),
    [
        ("", (4, 16)),
        ("\n  concurrency: 1", (1, 1)),  # a pool of one turns parallel work off, bursts included
        ("\n  concurrency: 8\n  burst_concurrency: 4", (8, 8)),  # never narrower
        ("\n  burst_concurrency: 32", (4, 32)),
    ],
)
def test_the_burst_pool_follows_the_everyday_pool(
    ws: Workspace, lines: str, pools: tuple[int, int]
) -> None:
    ws.edit("config.yaml", "  jitter: 5s", "  jitter: 5s" + lines)
    schedule = load_config(Path("config.yaml")).schedule
    assert (schedule.concurrency, schedule.burst_concurrency) == pools

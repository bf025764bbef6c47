"""Secrets (issue 12 item 4): a canary in every secret the worker reads -- Jira, Slack bot token and
signing secret, the Jira webhook secret, SMTP, Twilio, PagerDuty -- is absent from every output,
record and log of whole cycles, in every spelling (raw, percent-encoded, JSON-escaped, base64,
HTTP Basic and SMTP PLAIN), while every provider answers errors that echo the credentials back.

Reproduces what broke before: a Twilio error quoting ``Authorization: Basic …`` was stored in the
issue's record (outbox detail) and logged; a token containing ``+/=`` appeared URL-encoded in
``tick``/``plan`` stderr and in a log line.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import structlog

from tests.faults.faults_support import Hook, cycle, make_world
from tests.faults.secret_echo import echo_servers, echo_text, spellings
from tests.support import ROOT, paris
from worker import logs
from worker.config.model import Config
from worker.cycle.notifications import notifier_from_env
from worker.jira.http import JiraError
from worker.notify.message import Message, Recipient
from worker.notify.outbox import Dispatcher
from worker.notify.registry import build_channels
from worker.sandbox.app import Request, Response, error
from worker.sandbox.faults import FaultRule
from worker.web.settings import WebSettings

EMAIL = "worker@sandbox.invalid"
SID = "AC0123456789abcdef"
# every canary holds + / = so that its URL-encoded and base64 forms differ from it
SECRETS = {
    "JIRA_API_TOKEN": "ATATT3x+canary/jira=K9q7Zp",
    "SLACK_BOT_TOKEN": "xoxb-canary+slack/bot=7Hqa",
    "SLACK_SIGNING_SECRET": "sign+canary/slack=4Fdx",
    "JIRA_WEBHOOK_SECRET": "hook+canary/jira=2Wsv",
    "SMTP_PASSWORD": "smtp+canary/pass=5Tzk",
    "TWILIO_AUTH_TOKEN": "twilio+canary/tok=3Rwm",
    "PAGERDUTY_ROUTING_KEY": "pd+canary/key=8Yxn",
}
USERS = {"JIRA_API_TOKEN": EMAIL, "SMTP_PASSWORD": "worker", "TWILIO_AUTH_TOKEN": SID}
TOKEN = SECRETS["JIRA_API_TOKEN"]


def forbidden() -> list[tuple[str, str, str]]:
    """(variable, spelling, text) for every spelling of every canary."""
    return [
        (name, form, text)
        for name, secret in SECRETS.items()
        for form, text in spellings(secret, USERS.get(name)).items()
    ]


def assert_clean(texts: list[str]) -> None:
    for where, text in enumerate(texts):
        for name, form, value in forbidden():
            assert value not in text, f"{name} ({form}) leaked in output #{where}: {text[:300]}"
        assert "canary" not in text, f"a canary leaked in output #{where}: {text[:300]}"


class EchoAuth(Hook):
    """Answers one request with an error that quotes the Authorization header and every secret."""

    def handle(self, req: Request) -> Response | None:
        if not self.fired and req.method == self.method and req.path.endswith(self.path_suffix):
            self.fired += 1
            header = req.headers.get("authorization", "")
            return error(400, echo_text(list(SECRETS.values()), f"Authorization: {header}"))
        return None


def provider_env(http_url: str, smtp_port: int) -> dict[str, str]:
    return {
        **{k: v for k, v in SECRETS.items() if k != "JIRA_API_TOKEN"},
        "SLACK_API_URL": f"{http_url}/api/",
        "TWILIO_API_URL": http_url,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_FROM": "+15559990000",
        "PAGERDUTY_EVENTS_URL": f"{http_url}/v2/enqueue",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_FROM": "escalations@example.com",
        "SMTP_USERNAME": "worker",
        "SMTP_STARTTLS": "false",
    }


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    saved = structlog.get_config()
    stream = io.StringIO()
    logs.configure(stream=stream, json=True)
    try:
        yield stream
    finally:
        structlog.configure(**saved)


def written_to_jira(world: object, keys: list[str]) -> list[str]:
    """Everything the worker stored in Jira: records, comments, every write's body."""
    site = world.site  # type: ignore[attr-defined]
    out = [json.dumps(world.record(k)) for k in keys]  # type: ignore[attr-defined]
    out += [json.dumps(c.body) for k in keys for c in site.comments(k)]
    out += [json.dumps(e.json) for e in site.request_log if e.method != "GET"]
    return out


def test_every_secret_in_every_form_stays_out_of_a_whole_cycle(
    example_config: Config, json_log: io.StringIO
) -> None:
    echo = EchoAuth("POST", "/comment", lambda: None)
    with (
        echo_servers(list(SECRETS.values())) as (http, smtp, smtp_port),
        make_world(example_config, paris(2026, 3, 2, 9, 0), hooks=(echo,), token=TOKEN) as world,
    ):
        env = {**world.env(), **provider_env(http.url, smtp_port)}
        # the web process reads the signing and webhook secrets
        WebSettings.from_env({**env, "ESCALATION_WORKER_PUBLIC_URL": "https://worker.example"})
        s1 = world.issue(
            "Payments down", labels=("escalation-S1", "escalation-type-incident"), project="PAY"
        )
        s2 = world.issue("Partner unhappy", labels=("escalation-S2", "escalation-type-stakeholder"))
        world.site.faults.add(FaultRule(kind="status", status=503, path=r"/watchers$", times=2))
        world.site.faults.add(FaultRule(kind="drop", method="POST", path=r"/comment$", times=1))
        reports = []
        for minutes in (0, 1, 30):
            world.clock.set(paris(2026, 3, 2, 9, 0) + timedelta(minutes=minutes))
            notifier = notifier_from_env(world.config, env, now=world.clock.now)
            reports.append(world.cycle(notifier=notifier).run())
        # PagerDuty is in no plan of the example rules: send through it directly
        pd_entries = Dispatcher(build_channels(env), now=world.clock.now, warned=set()).deliver(
            Message("m1", s1, "u", "S1", "route", "t", "x", (Recipient("a", "A"),)),
            ["pagerduty"],
            [],
            [],
            lambda entries: None,
        )
        echo.fired = 0  # an exception raised straight from a call Jira answers with the echo
        with pytest.raises(JiraError) as info:
            cycle(world).gateway.post_comment(
                s1, {"type": "doc", "version": 1, "content": []}, action_id="x"
            )
        structlog.get_logger("test").exception("boom", error=info.value, exc_info=info.value)
        texts = [json_log.getvalue(), repr(reports), repr(pd_entries)]
        texts += [str(info.value), repr(info.value), json.dumps(info.value.body)]
        texts += ["".join(traceback.format_exception(info.value))]
        texts += written_to_jira(world, [s1, s2])
        outbox = [e for k in (s1, s2) for e in (world.record(k) or {}).get("outbox", [])]

    # every provider really answered with the echo, so the absence below means something
    assert echo.fired
    assert any("/Calls.json" in p for p in http.paths) and any(
        "/Messages.json" in p for p in http.paths
    )
    assert any(p.startswith("/api/") for p in http.paths) and "/v2/enqueue" in http.paths
    assert smtp.logins and pd_entries[0].status == "failed"
    assert {e["channel"] for e in outbox} >= {"phone", "sms", "slack_channel", "slack_dm", "email"}
    assert any("[redacted]" in e["detail"] for e in outbox)
    assert any(s1 in t for t in texts) and any('"event": "cycle"' in t for t in texts)
    assert_clean(texts)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "ESCALATION_"))}
    return subprocess.run(
        [sys.executable, "-m", "worker", *args, "--config", str(ROOT / "config.example.yaml")],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# slow tier: six real command processes; the whole cycle with every provider echoing the secrets
# runs in process in the quick tier (above)
@pytest.mark.slow
def test_commands_print_and_write_no_secret_in_any_form(
    example_config: Config, tmp_path: Path
) -> None:
    search_echo = EchoAuth("POST", "/search/jql", lambda: None)
    comment_echo = EchoAuth("POST", "/comment", lambda: None)
    start = paris(2026, 3, 2, 9, 0)
    with (
        echo_servers(list(SECRETS.values())) as (http, _smtp, smtp_port),
        make_world(example_config, start, hooks=(search_echo, comment_echo), token=TOKEN) as world,
    ):
        env = {
            **world.env(),
            **provider_env(http.url, smtp_port),
            "ESCALATION_WORKER_NOW": start.isoformat(),
            "TMPDIR": str(tmp_path),  # every file a command writes lands here
        }
        key = world.issue(
            "Payments down", labels=("escalation-S1", "escalation-type-incident"), project="PAY"
        )
        plan = run_cli("plan", env=env)  # its search is answered with the echo
        ticks = [run_cli("tick", env=env) for _ in range(2)]  # the first comment POST echoes
        others = [
            run_cli("explain", key, env=env),
            run_cli("report", "--month", "2026-03", "--format", "json", env=env),
            run_cli("check", env=env),
        ]
        texts = [plan.stdout, plan.stderr] + [t.stdout + t.stderr for t in ticks + others]
        texts += written_to_jira(world, [key])
        texts += [f.read_text(errors="replace") for f in tmp_path.rglob("*") if f.is_file()]
    assert search_echo.fired and comment_echo.fired
    assert plan.returncode != 0 and "[redacted]" in plan.stderr, plan.stderr
    assert_clean(texts)

"""Secrets (issue 8 item 5): a whole cycle with a recognisable token -- including failures whose
answers echo the credentials back -- leaves the token in no log line, error message or exception."""

from __future__ import annotations

import base64
import io
import json
import traceback
from collections.abc import Iterator

import pytest
import structlog

from tests.faults.faults_support import Hook, cycle, make_world
from tests.support import paris
from worker import logs
from worker.config.model import Config
from worker.jira.http import JiraError
from worker.sandbox.app import Request, Response, error
from worker.sandbox.faults import FaultRule

TOKEN = "ATATT3xFfGF0-canary-7f3c9e1d2b4a"
EMAIL = "worker@sandbox.invalid"


class EchoAuth(Hook):
    """Answers one request with an error that quotes the Authorization header and the token."""

    def handle(self, req: Request) -> Response | None:
        if not self.fired and req.method == self.method and req.path.endswith(self.path_suffix):
            self.fired += 1
            header = req.headers.get("authorization", "")
            return error(400, f"Bad request from {header} (token {TOKEN})")
        return None


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    saved = structlog.get_config()
    stream = io.StringIO()
    logs.configure(stream=stream, json=True)
    try:
        yield stream
    finally:
        structlog.configure(**saved)


def test_token_never_leaks(example_config: Config, json_log: io.StringIO) -> None:
    basic = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    echo = EchoAuth("POST", "/comment", lambda: None)
    with make_world(example_config, paris(2026, 3, 2, 9, 0), hooks=(echo,), token=TOKEN) as world:
        first = world.issue("Checkout down")
        second = world.issue("Search down", labels=("escalation-S1", "escalation-type-incident"))
        world.site.faults.add(FaultRule(kind="status", status=503, path=r"/watchers$", times=20))
        world.site.faults.add(FaultRule(kind="drop", method="POST", path=r"/comment$", times=1))
        reports = [cycle(world).run(), cycle(world).run()]
        texts = [json_log.getvalue()]
        texts += [e for r in reports for e in r.errors]
        texts += [r.note for r in reports for r in r.applied]
        # an exception raised straight from a call that Jira answers with the echo
        echo.fired = 0
        with pytest.raises(JiraError) as info:
            cycle(world).gateway.post_comment(
                first, {"type": "doc", "version": 1, "content": []}, action_id="x"
            )
        texts += [
            str(info.value),
            repr(info.value),
            "".join(traceback.format_exception(info.value)),
        ]
        structlog.get_logger("test").exception("boom", error=info.value, exc_info=info.value)
        texts.append(json_log.getvalue())

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert any(line["event"] == "cycle" for line in lines)  # the real log was captured
    assert echo.fired and any("[redacted]" in t for t in texts)  # the echoes really happened
    assert any(second in t for t in texts)
    for text in texts:
        assert TOKEN not in text
        assert basic not in text
        assert "ATATT3x" not in text

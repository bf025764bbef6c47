"""A flood of junk requests: every one refused, none wakes anything, and escalations keep running."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.harness import World
from tests.support import PO
from tests.web.webworld import Web, start_web
from worker.notify.twilio import SMS_PATH
from worker.web.app import JIRA_PATH, SLACK_PATH


@pytest.fixture
def small_web(world: World) -> Iterator[Web]:
    yield from start_web(world, concurrency=4)


def _junk(url: str, n: int) -> int:
    kinds = [
        (JIRA_PATH, b'{"webhookEvent":"jira:issue_updated","issue":{"key":"SHOP-1"}}', {}),
        (JIRA_PATH, b"x" * 2000, {"X-Hub-Signature": "sha256=" + "0" * 64}),
        (
            SLACK_PATH,
            b"payload=%7B%7D",
            {"X-Slack-Signature": "v0=00", "X-Slack-Request-Timestamp": "1"},
        ),
        (SMS_PATH, b"From=%2B33600000007&Body=ACK&MessageSid=SM1", {"X-Twilio-Signature": "AAAA"}),
        (JIRA_PATH, b"{}", {"Content-Length": "50000000"}),
    ]
    path, body, headers = kinds[n % len(kinds)]
    try:
        return requests.post(url + path, data=body, headers=headers, timeout=30).status_code
    except requests.ConnectionError:
        return 0  # the server may close a connection that announced 50 MB


def test_junk_flood_is_refused_while_a_real_escalation_is_routed(small_web: Web) -> None:
    web = small_web
    with ThreadPoolExecutor(max_workers=16) as pool:
        flood = [pool.submit(_junk, web.url, n) for n in range(400)]
        key = web.world.issue("Checkout fails")  # a real label, delivered by the signed webhook
        statuses = Counter(f.result() for f in flood)
    web.settle()
    assert set(statuses) <= {401, 400, 413, 503, 0}, statuses
    assert statuses[401] > 0
    assert web.keys_woken() and set(web.keys_woken()) == {key}
    assert web.world.record(key)["owner"] == PO
    assert len(web.world.worker_comments(key)) == 1
    health = requests.get(web.url + "/healthz", timeout=10).json()
    assert health["status"] == "ok"

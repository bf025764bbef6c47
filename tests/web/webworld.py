"""The web process on 127.0.0.1 in front of the real worker and the sandbox Jira, plus signed senders.

* :class:`SlackSender` plays Slack: it signs interaction payloads with the signing secret and the
  sandbox clock's time, as Slack signs them.
* :class:`TwilioSender` plays Twilio: it signs callbacks over the public URL with the auth token.
* The sandbox's :class:`~worker.sandbox.webhooks.Webhooks` plays Jira's admin webhooks.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from tests.e2e.harness import World
from tests.notify.fake_slack import FakeSlack
from worker.cycle.cycle import Cycle
from worker.notify.slack import ACK_ACTION, ACK_BLOCK_PREFIX, HANDOVER_ACTION
from worker.notify.twilio import SMS_PATH, VOICE_PATH
from worker.sandbox.webhooks import Webhooks
from worker.web.app import JIRA_PATH, SLACK_PATH, Services
from worker.web.server import WebServer, attach, bind, start
from worker.web.settings import WebSettings
from worker.web.verify import SlackVerifier, twilio_signature
from worker.web.wake import KeyCycles

JIRA_SECRET = "jira-webhook-secret-0f3a9c"
SLACK_SECRET = "slack-signing-secret-8e21d7"
TWILIO_TOKEN = "twilio-auth-token-5b7c11"
TWILIO_NUMBER = "+33900000000"


@dataclass
class Web:
    world: World
    server: WebServer
    waker: KeyCycles
    slack_fake: FakeSlack
    webhooks: Webhooks
    woken: list[list[str]] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def services(self) -> Services:
        return self.server.services

    def settle(self) -> None:
        """Wait for every delivery, click and key cycle in flight (counts, not wall time, are asserted)."""
        for _ in range(3):
            assert self.webhooks.drain(30)
            slack = self.services.slack
            if slack is not None:
                slack.drain(30)
            assert self.waker.drain(30)

    def keys_woken(self) -> list[str]:
        return [k for batch in self.woken for k in batch]

    def post(
        self, path: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> requests.Response:
        return requests.post(self.url + path, data=body, headers=dict(headers or {}), timeout=30)


class SlackSender:
    """Signs Slack interaction callbacks like Slack does."""

    def __init__(self, web: Web, secret: str = SLACK_SECRET) -> None:
        self.web = web
        self.secret = secret
        self._n = 0
        self._lock = threading.Lock()

    def payload(
        self,
        user: str,
        issue_key: str,
        *,
        action: str = ACK_ACTION,
        selected_user: str | None = None,
        action_ts: str | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            self._n += 1
            n = self._n
        act: dict[str, Any] = {
            "action_id": action,
            "block_id": f"{ACK_BLOCK_PREFIX}{issue_key}",
            "action_ts": action_ts or f"1772400000.{n:06d}",
            "type": "button" if action == ACK_ACTION else "users_select",
        }
        if action == ACK_ACTION:
            act["value"] = issue_key
        if action == HANDOVER_ACTION:
            act["selected_user"] = selected_user
        return {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
            "api_app_id": "A0001",
            "team": {"id": "T0001", "domain": "acme"},
            "container": {
                "type": "message",
                "message_ts": "1772400000.000100",
                "channel_id": "D0001",
            },
            "channel": {"id": "D0001", "name": "directmessage"},
            "trigger_id": f"trigger-{n}",
            "message": {"ts": "1772400000.000100", "text": f"*Escalation* {issue_key}"},
            "response_url": "https://hooks.slack.invalid/actions/T0001/1/x",
            "actions": [act],
        }

    def body(self, payload: Mapping[str, Any]) -> bytes:
        return urlencode({"payload": json.dumps(payload)}).encode()

    def headers(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        ts = str(
            timestamp if timestamp is not None else int(self.web.world.clock.now().timestamp())
        )
        sig = SlackVerifier(self.secret, lambda: 0.0).sign(body, ts)
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
        }

    def click(self, user: str, issue_key: str, **kw: Any) -> requests.Response:
        body = self.body(self.payload(user, issue_key, **kw))
        return self.web.post(SLACK_PATH, body, self.headers(body))


class TwilioSender:
    """Signs Twilio callbacks over the public URL, like Twilio does."""

    def __init__(self, web: Web, token: str = TWILIO_TOKEN) -> None:
        self.web = web
        self.token = token
        self._n = 0

    def _sid(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n:032x}"

    def send(
        self, path_and_query: str, params: Mapping[str, str], *, signed_url: str | None = None
    ) -> requests.Response:
        form = {k: [v] for k, v in params.items()}
        public = self.web.services.settings.public(path_and_query)
        signature = twilio_signature(self.token, signed_url or public, form)
        body = urlencode(params).encode()
        return self.web.post(
            path_and_query,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
        )

    def keypress(
        self, to: str, issue_key: str, digits: str = "1", sid: str | None = None
    ) -> requests.Response:
        return self.send(
            f"{VOICE_PATH}?{urlencode({'issue': issue_key})}",
            {
                "CallSid": sid or self._sid("CA"),
                "AccountSid": "AC" + "0" * 32,
                "From": TWILIO_NUMBER,
                "To": to,
                "Digits": digits,
                "CallStatus": "in-progress",
                "Direction": "outbound-api",
            },
        )

    def sms(self, sender: str, body: str, sid: str | None = None) -> requests.Response:
        return self.send(
            SMS_PATH,
            {
                "MessageSid": sid or self._sid("SM"),
                "AccountSid": "AC" + "0" * 32,
                "From": sender,
                "To": TWILIO_NUMBER,
                "Body": body,
                "NumMedia": "0",
            },
        )


def start_web(
    world: World, *, concurrency: int = 16, projects: Sequence[str] | None = None
) -> Iterator[Web]:
    sock = bind("127.0.0.1", 0)
    public = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = WebSettings(
        port=0,
        host="127.0.0.1",
        public_url=public,
        jira_secret=JIRA_SECRET,
        slack_secret=SLACK_SECRET,
        twilio_token=TWILIO_TOKEN,
        concurrency=concurrency,
    )
    services = Services(settings, epoch=lambda: world.clock.now().timestamp(), now=world.clock.now)
    server = start(services, sock)
    slack_fake = FakeSlack().start()
    woken: list[list[str]] = []
    cycles: list[Cycle] = []
    cycle = world.cycle()

    def run_keys(keys: list[str]) -> None:
        woken.append(list(keys))
        cycle.run(keys=keys)

    waker = KeyCycles(run_keys, debounce_s=0.02)
    env = {**world.env(), "SLACK_BOT_TOKEN": "xoxb-test-token-1", "SLACK_API_URL": slack_fake.url}
    attach(services, world.config, world.cycle(), waker, env, now=world.clock.now)
    webhooks = Webhooks(world.site)
    webhooks.register(server.url + JIRA_PATH, JIRA_SECRET, projects=projects or ())
    web = Web(world, server, waker, slack_fake, webhooks, woken, cycles)
    try:
        yield web
    finally:
        webhooks.close()
        if services.slack is not None:
            services.slack.close()
        waker.close()
        server.stop()
        slack_fake.stop()

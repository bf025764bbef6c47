"""The web process on 127.0.0.1 for the demo, with the senders Slack and Twilio would be.

:class:`LocalWeb` starts the real server (real HTTP, real signature checks) in front of a worker
connected to the sandbox, and sends what a person's click in Slack or keypress during a call would
make Slack and Twilio send: the same form bodies, signed the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from urllib.parse import urlencode

import requests

from worker.app import build_cycle, connection
from worker.config.model import Config
from worker.notify.slack import ACK_ACTION, ACK_BLOCK_PREFIX
from worker.notify.twilio import gather_url
from worker.web.app import SLACK_PATH, Services
from worker.web.server import WebServer, attach, bind, start
from worker.web.settings import WebSettings
from worker.web.verify import SlackVerifier, twilio_signature

SLACK_SECRET = "local-slack-signing-secret"
TWILIO_TOKEN = "local-twilio-auth-token"


class NextCycle:
    """A waker for a host that runs its own cycles: the next one reads what was recorded."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def wake(self, keys: Iterable[str]) -> None:
        self.asked.extend(keys)


class LocalWeb:
    def __init__(self, config: Config, environ: Mapping[str, str], now: Callable[[], datetime]):
        sock = bind("127.0.0.1", 0)
        public = f"http://127.0.0.1:{sock.getsockname()[1]}"
        settings = WebSettings(
            port=0,
            host="127.0.0.1",
            public_url=public,
            slack_secret=SLACK_SECRET,
            twilio_token=TWILIO_TOKEN,
        )
        self.now = now
        self.services = Services(settings, epoch=lambda: now().timestamp(), now=now)
        self.server: WebServer = start(self.services, sock)
        self.waker = NextCycle()
        self.recorder = build_cycle(config, connection(config, environ), now=now)
        attach(self.services, config, self.recorder, self.waker, environ, now=now)
        self.session = requests.Session()
        self._n = 0

    def close(self) -> None:
        if self.services.slack is not None:
            self.services.slack.close()
        self.session.close()
        self.recorder.gateway.http.close()  # keep-alive connections to the site end with it
        self.server.stop()

    def slack_click(self, slack_user: str, issue_key: str) -> int:
        """What Slack sends when ``slack_user`` presses *Acknowledge* under the message of ``issue_key``."""
        self._n += 1
        payload = {
            "type": "block_actions",
            "user": {"id": slack_user},
            "container": {"type": "message", "message_ts": f"{self._n}.0", "channel_id": "D0"},
            "message": {"ts": f"{self._n}.0", "text": issue_key},
            "actions": [
                {
                    "action_id": ACK_ACTION,
                    "block_id": f"{ACK_BLOCK_PREFIX}{issue_key}",
                    "value": issue_key,
                    "action_ts": f"{int(self.now().timestamp())}.{self._n:06d}",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        ts = str(int(self.now().timestamp()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SlackVerifier(SLACK_SECRET, lambda: 0.0).sign(body, ts),
        }
        answer = self.session.post(
            self.server.url + SLACK_PATH, data=body, headers=headers, timeout=30
        )
        if self.services.slack is not None:
            self.services.slack.drain()  # Slack gets its answer at once; the recording follows
        return answer.status_code

    def keypress(self, phone: str, issue_key: str, digits: str = "1") -> str:
        """What Twilio sends when the person called at ``phone`` presses ``digits``; returns the TwiML."""
        self._n += 1
        url = gather_url(self.services.settings.public_url or "", issue_key)
        form = {
            "CallSid": f"CA{self._n:032x}",
            "From": "+10000000000",
            "To": phone,
            "Digits": digits,
        }
        signature = twilio_signature(TWILIO_TOKEN, url, {k: [v] for k, v in form.items()})
        path = url[len(self.services.settings.public_url or "") :]
        answer = self.session.post(
            self.server.url + path,
            data=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
            timeout=30,
        )
        return answer.text

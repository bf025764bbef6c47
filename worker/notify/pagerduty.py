"""PagerDuty Events API v2: the documented alternative to Twilio phone calls and SMS.

One ``trigger`` event per message goes to ``POST https://events.pagerduty.com/v2/enqueue`` with the
integration's routing key (``PAGERDUTY_ROUTING_KEY``) and ``dedup_key`` = the message id, so a
repeated event for the same escalation step never opens a second incident. PagerDuty's own
escalation policy then pages whoever is on call (calls, SMS, push), so the event is not addressed
to individual recipients. ``PAGERDUTY_EVENTS_URL`` overrides the endpoint for a sandbox.

To page through PagerDuty instead of Twilio, name the ``pagerduty`` channel in
``rules/channels.yaml`` in place of ``phone`` (and keep ``sms`` or ``email`` as the backup)::

    plans:
      S1: {primary: [pagerduty, slack_channel], backup: [sms]}

PagerDuty incidents are seen by the whole service's responders, so for sensitive (people) issues
only the severity and issue key are sent, never the title or text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from worker.core.i18n_marks import N_
from worker.notify import _env
from worker.notify.message import Delivery, Message, texts_of
from worker.redact import redact, secret_from_env

DEFAULT_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
_TIMEOUT = 15.0
_SEVERITY = {"S1": "critical", "S2": "error", "S3": "warning", "S4": "info"}


@dataclass(frozen=True)
class PagerDutySettings:
    routing_key: str | None = field(default=None, repr=False)
    events_url: str = DEFAULT_EVENTS_URL
    source: str = "escalation-worker"

    REQUIRED = ("PAGERDUTY_ROUTING_KEY",)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> PagerDutySettings:
        return cls(
            routing_key=secret_from_env(environ, "PAGERDUTY_ROUTING_KEY"),
            events_url=_env.text(environ, "PAGERDUTY_EVENTS_URL") or DEFAULT_EVENTS_URL,
        )

    @staticmethod
    def missing(environ: Mapping[str, str]) -> list[str]:
        return _env.missing(environ, *PagerDutySettings.REQUIRED)


SUMMARY_SENSITIVE = N_("{severity} escalation on {key}")
SUMMARY = N_("[{severity}] {key}: {title}")


def event_body(message: Message, settings: PagerDutySettings) -> dict[str, Any]:
    """The Events API v2 request body for ``message``."""
    texts = texts_of(message)
    if message.sensitive:
        summary = texts.gettext(SUMMARY_SENSITIVE).format(
            severity=message.severity, key=message.issue_key
        )
        details: dict[str, Any] = {"issue": message.issue_key, "event": message.event}
    else:
        summary = texts.gettext(SUMMARY).format(
            severity=message.severity, key=message.issue_key, title=message.title
        )
        details = {
            "issue": message.issue_key,
            "event": message.event,
            "text": message.text,
            "handlers": [r.name for r in message.recipients],
        }
    return {
        "routing_key": settings.routing_key,
        "event_action": "trigger",
        "dedup_key": message.id,
        "payload": {
            "summary": summary[:1024],
            "source": settings.source,
            "severity": _SEVERITY.get(message.severity, "error"),
            "custom_details": details,
        },
        "links": [{"href": message.issue_url, "text": message.issue_key}],
    }


class PagerDutyChannel:
    """``pagerduty``: a trigger event through the Events API v2."""

    id = "pagerduty"

    def __init__(
        self, settings: PagerDutySettings, session: requests.Session | None = None
    ) -> None:
        self.settings = settings
        self._session = session or requests.Session()

    def __repr__(self) -> str:
        return f"PagerDutyChannel({self.settings!r})"

    def configured(self) -> bool:
        return self.settings.routing_key is not None

    def send(self, message: Message) -> Delivery:
        try:
            response = self._session.post(
                self.settings.events_url, json=event_body(message, self.settings), timeout=_TIMEOUT
            )
        except requests.RequestException as exc:
            return Delivery(self.id, "failed", f"request error {type(exc).__name__}")
        if response.status_code == 429:
            return Delivery(
                self.id,
                "failed",
                "rate limited by PagerDuty (429)",
                retry_after=_env.retry_after_seconds(response.headers.get("Retry-After")),
            )
        if not 200 <= response.status_code < 300:
            # PagerDuty's error body lists problems with the event; redacted in case it quotes the key.
            detail = redact(f"HTTP {response.status_code}{_errors(response)}")
            return Delivery(self.id, "failed", detail)
        return Delivery(
            self.id,
            "sent",
            f"event accepted, dedup_key {message.id}",
            tuple(r.account_id for r in message.recipients),
        )


def _errors(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data.get("message") or "")] + [str(e) for e in data.get("errors") or ()]
    text = "; ".join(p for p in parts if p)
    return f" ({text})" if text else ""

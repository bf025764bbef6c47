"""Request signatures: Jira (HMAC-SHA256 of the raw body), Slack (signing secret, 5-minute window), Twilio.

Each check runs on the raw bytes before anything is parsed and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence

from slack_sdk.signature import Clock, SignatureVerifier
from twilio.request_validator import RequestValidator

SLACK_WINDOW_S = 300


def jira_signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature: sha256=<hex>`` over the raw body, as Jira Cloud signs admin webhooks."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


def jira_signature(secret: str, body: bytes) -> str:
    """The header value Jira would send (used by the sandbox and the tests)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _InjectedClock(Clock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SlackVerifier:
    """slack_sdk's verifier with an injected clock; a malformed timestamp is simply invalid."""

    def __init__(self, secret: str, now: Callable[[], float]) -> None:
        self._verifier = SignatureVerifier(secret, clock=_InjectedClock(now))

    def ok(self, body: bytes, timestamp: str | None, signature: str | None) -> bool:
        if not timestamp or not signature or not timestamp.strip().isdigit():
            return False
        try:
            body.decode(
                "utf-8"
            )  # Slack signs UTF-8 text; the verifier would raise on anything else
        except UnicodeDecodeError:
            return False
        return bool(self._verifier.is_valid(body, timestamp.strip(), signature))

    def sign(self, body: bytes, timestamp: str) -> str:
        return str(self._verifier.generate_signature(timestamp=timestamp, body=body))


def twilio_signature_ok(
    token: str, url: str, params: Mapping[str, Sequence[str]], signature: str | None
) -> bool:
    """``X-Twilio-Signature`` over the public URL and the POSTed form (twilio's RequestValidator)."""
    if not signature:
        return False
    return bool(RequestValidator(token).validate(url, _MultiDict(params), signature))


def twilio_signature(token: str, url: str, params: Mapping[str, Sequence[str]]) -> str:
    return str(RequestValidator(token).compute_signature(url, _MultiDict(params)))


class _MultiDict(dict[str, Sequence[str]]):
    """What RequestValidator understands for a form with repeated names (``getall``)."""

    def getall(self, name: str) -> list[str]:
        return list(self[name])

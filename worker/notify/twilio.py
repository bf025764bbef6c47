"""Phone calls and SMS through Twilio's REST API, spoken to with plain ``requests``.

* ``phone``: ``POST {api}/2010-04-01/Accounts/{AccountSid}/Calls.json`` with ``To``, ``From`` and a
  short ``Twiml`` document (``<Response><Say>...</Say></Response>``).
* ``sms``: ``POST .../Messages.json`` with ``To``, ``From`` and ``Body``.

Both use HTTP basic auth (AccountSid:AuthToken) and share one :class:`TwilioClient`. One call or
SMS goes to each recipient with a phone number; the others are named in the delivery detail.
Environment: ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_FROM`` and, for a sandbox or a
test double, ``TWILIO_API_URL`` (default ``https://api.twilio.com``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import requests
from babel.core import get_global
from urllib3.exceptions import NameResolutionError, NewConnectionError

from worker.core.i18n_marks import N_
from worker.core.sentences import NOTIFY_TITLE, NOTIFY_TITLE_SENSITIVE
from worker.core.texts import Texts
from worker.notify import _env
from worker.notify.message import Delivery, Message, Recipient, texts_of
from worker.redact import redact, secret_from_env
from worker.sanitise import one_line, xml_text

DEFAULT_API_URL = "https://api.twilio.com"
_SPOKEN_LIMIT = 300
_SMS_LIMIT = 480
_TIMEOUT = 15.0


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str | None = None
    auth_token: str | None = field(default=None, repr=False)
    from_number: str | None = None
    api_url: str = DEFAULT_API_URL
    # where the web process receives Twilio's callbacks; with it, calls ask to press 1 to acknowledge
    public_url: str | None = None

    REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> TwilioSettings:
        sid = _env.text(environ, "TWILIO_ACCOUNT_SID")
        return cls(
            account_sid=sid,
            auth_token=secret_from_env(environ, "TWILIO_AUTH_TOKEN", user=sid),
            from_number=_env.text(environ, "TWILIO_FROM"),
            api_url=(_env.text(environ, "TWILIO_API_URL") or DEFAULT_API_URL).rstrip("/"),
            public_url=(_env.text(environ, "ESCALATION_WORKER_PUBLIC_URL") or "").rstrip("/")
            or None,
        )

    @staticmethod
    def missing(environ: Mapping[str, str]) -> list[str]:
        return _env.missing(environ, *TwilioSettings.REQUIRED)

    def complete(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.from_number)


VOICE_PATH = "/twilio/voice"
SMS_PATH = "/twilio/sms"

SPOKEN_SENSITIVE = N_(
    "This is the escalation worker. A severity {severity} escalation about a confidential people "
    "issue needs you. Please check Jira now."
)
SPOKEN = N_(
    "This is the escalation worker. Escalation, severity {severity}, for issue {key}. {title}. "
    "Please check Jira now."
)
PRESS_1 = N_("Press 1 to acknowledge.")
NO_KEY = N_("No key was pressed. Please acknowledge in Jira or Slack. Goodbye.")
SMS_BODY = N_("[{severity}] {key}: {title} {url}")
SMS_ACK_HINT = N_(" Reply ACK to acknowledge.")
# Translators: the Twilio <Say> voice for this language (Twilio's "Text-to-Speech" voice list,
# e.g. Polly.Lea for French); leave the text as is to use the account's default voice
VOICE = N_("twilio-voice")


def say_attributes(texts: Texts) -> str:
    """``<Say>``'s ``language`` and ``voice`` for a language other than English ("" in English,
    whose calls keep Twilio's defaults)."""
    if texts.language == "en":
        return ""
    subtags = get_global("likely_subtags").get(texts.language, "")
    parts = subtags.split("_")
    tag = f"{parts[0]}-{parts[-1]}" if len(parts) >= 2 else texts.language
    voice = texts.gettext(VOICE)
    named = f' voice="{xml_text(voice)}"' if voice != VOICE else ""
    return f' language="{xml_text(tag)}"{named}'


def subject(message: Message, texts: Texts) -> str:
    """The title without the "[S1] KEY: " it starts with, for a sentence that has just said the
    severity and the key (the call would read them out twice)."""
    prefix = texts.gettext(NOTIFY_TITLE).format(
        severity=message.severity, key=message.issue_key, summary=""
    )
    if prefix and message.title.startswith(prefix):
        return message.title[len(prefix) :]
    return message.title


def names_the_issue(message: Message, texts: Texts) -> bool:
    """Whether the title is one of the worker's per-issue titles, which start with "[S1] KEY"."""
    sensitive = texts.gettext(NOTIFY_TITLE_SENSITIVE).format(
        severity=message.severity, key=message.issue_key
    )
    return message.title == sensitive or subject(message, texts) != message.title


def spoken_text(message: Message) -> str:
    """Who is calling about what (no link: nobody can click a phone call).

    A people issue is never read aloud: neither its key nor its title, only that it is one.
    """
    texts = texts_of(message)
    if message.sensitive:
        sentence = texts.gettext(SPOKEN_SENSITIVE).format(severity=message.severity)
    else:
        sentence = texts.gettext(SPOKEN).format(
            severity=message.severity, key=message.issue_key, title=subject(message, texts)
        )
    sentence = one_line(sentence)
    return sentence if len(sentence) <= _SPOKEN_LIMIT else sentence[: _SPOKEN_LIMIT - 3] + "..."


def gather_url(public_url: str, issue_key: str) -> str:
    """Where Twilio posts the pressed key; the signed URL carries the issue key."""
    return f"{public_url}{VOICE_PATH}?{urlencode({'issue': issue_key})}"


def twiml(message: Message, public_url: str | None = None) -> str:
    """The TwiML document for a call, XML-escaped.

    With the web process reachable (``public_url``), the sentence is followed by "press 1 to
    acknowledge" inside a ``<Gather>`` whose answer goes to the web process; otherwise it is said twice.
    """
    texts = texts_of(message)
    said = xml_text(spoken_text(message))
    say = f"<Say{say_attributes(texts)}>"
    if not public_url:
        return f'<Response><Say loop="2"{say_attributes(texts)}>{said}</Say></Response>'
    action = xml_text(gather_url(public_url, message.issue_key))
    return (
        f'<Response><Gather numDigits="1" timeout="8" method="POST" action="{action}">'
        f"{say}{said}</Say>{say}{xml_text(texts.gettext(PRESS_1))}</Say></Gather>"
        f"{say}{xml_text(texts.gettext(NO_KEY))}</Say></Response>"
    )


def reply_twiml(text: str, *, sms: bool, texts: Texts | None = None) -> str:
    """The answer to a keypress (spoken, in the voice of ``texts``) or an SMS reply (a text
    message back)."""
    tag = "Message" if sms else "Say"
    attrs = "" if sms or texts is None else say_attributes(texts)
    return f"<Response><{tag}{attrs}>{xml_text(text if sms else one_line(text))}</{tag}></Response>"


def sms_body(message: Message, replies: bool = False) -> str:
    """The text message; with ``replies`` (the web process receives them) it says how to acknowledge."""
    texts = texts_of(message)
    if names_the_issue(message, texts):  # the worker's own titles already say "[S1] KEY"
        body = one_line(f"{message.title} {message.issue_url}")
    else:
        body = one_line(
            texts.gettext(SMS_BODY).format(
                severity=message.severity,
                key=message.issue_key,
                title=message.title,
                url=message.issue_url,
            )
        )
    hint = (
        texts.gettext(SMS_ACK_HINT)
        if replies and message.event in ("route", "escalate", "nudge", "remind")
        else ""
    )
    limit = _SMS_LIMIT - len(hint)
    return (body if len(body) <= limit else body[: limit - 3] + "...") + hint


@dataclass(frozen=True)
class _Result:
    ok: bool
    detail: str
    rate_limited: bool = False
    retry_after: float | None = None
    unknown: bool = False  # sent, but the answer leaves open whether Twilio acted on it


class TwilioClient:
    """The HTTP side, shared by the phone and SMS channels."""

    def __init__(self, settings: TwilioSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self._session = session or requests.Session()

    def __repr__(self) -> str:
        return f"TwilioClient({self.settings!r})"

    def _post(self, resource: str, form: dict[str, str]) -> _Result:
        s = self.settings
        url = f"{s.api_url}/2010-04-01/Accounts/{s.account_sid}/{resource}.json"
        try:
            response = self._session.post(
                url, data=form, auth=(s.account_sid or "", s.auth_token or ""), timeout=_TIMEOUT
            )
        except requests.RequestException as exc:
            if _never_sent(exc):
                # The exception text can contain the URL; the type is enough and safe to show.
                return _Result(False, f"request error {type(exc).__name__}")
            # The request may have reached Twilio (a read timeout, a connection lost mid-answer):
            # Twilio has no idempotency key, so a resend could ring the phone twice.
            return _Result(False, f"no answer ({type(exc).__name__})", unknown=True)
        if response.status_code == 429:
            return _Result(
                False,
                "rate limited by Twilio (429)",
                True,
                _env.retry_after_seconds(response.headers.get("Retry-After")),
            )
        if not 200 <= response.status_code < 300:
            detail = f"HTTP {response.status_code}{_twilio_error(response)}"
            # a 5xx does not say the call or message was not created
            return _Result(False, redact(detail), unknown=response.status_code >= 500)
        sid = _json(response).get("sid")
        return _Result(True, f"sid {sid}" if sid else "accepted")

    def call(self, to: str, message: Message) -> _Result:
        return self._post(
            "Calls",
            {
                "To": to,
                "From": self.settings.from_number or "",
                "Twiml": twiml(message, self.settings.public_url),
            },
        )

    def sms(self, to: str, message: Message) -> _Result:
        return self._post(
            "Messages",
            {
                "To": to,
                "From": self.settings.from_number or "",
                "Body": sms_body(message, bool(self.settings.public_url)),
            },
        )


def _never_sent(exc: requests.RequestException) -> bool:
    """The request provably never left: no connection could be opened (refused, DNS, connect timeout)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, (NewConnectionError, NameResolutionError))


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _twilio_error(response: requests.Response) -> str:
    """Twilio's own error code and message (redacted: a proxy or a test double may echo credentials)."""
    data = _json(response)
    code, text = data.get("code"), data.get("message")
    parts = [str(p) for p in (code, text) if p]
    return f" (Twilio {': '.join(parts)})" if parts else ""


class _TwilioChannel:
    id = ""

    def __init__(self, client: TwilioClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._client!r})"

    def configured(self) -> bool:
        return self._client.settings.complete()

    def _one(self, to: str, message: Message) -> _Result:
        raise NotImplementedError

    def send(self, message: Message) -> Delivery:
        with_phone: list[Recipient] = [r for r in message.recipients if r.phone]
        without = [r.name for r in message.recipients if not r.phone]
        if not with_phone:
            return Delivery(self.id, "skipped", "no recipient has a phone number")
        reached: list[str] = []
        problems: list[str] = []
        retry_after: float | None = None
        unknown = False
        for recipient in with_phone:
            result = self._one(recipient.phone or "", message)
            if result.ok:
                reached.append(recipient.account_id)
                continue
            unknown = unknown or result.unknown
            problems.append(f"{recipient.name}: {result.detail}")
            if result.rate_limited:
                retry_after = result.retry_after
                problems.append("stopped after a rate limit")
                break
        notes = [f"reached {len(reached)} of {len(with_phone)}"] + problems
        if without:
            notes.append("no phone number for " + ", ".join(without))
        # one outcome unknown: the channel is not tried again for anyone (the backup covers the
        # people not known to be reached) -- at-most-once beats a second call
        status: Literal["sent", "failed", "unknown"] = (
            "unknown" if unknown else "failed" if problems else "sent"
        )
        return Delivery(self.id, status, "; ".join(notes), tuple(reached), retry_after)


class TwilioCallChannel(_TwilioChannel):
    """``phone``: one automated voice call per recipient."""

    id = "phone"

    def _one(self, to: str, message: Message) -> _Result:
        return self._client.call(to, message)


class TwilioSmsChannel(_TwilioChannel):
    """``sms``: one text message per recipient."""

    id = "sms"

    def _one(self, to: str, message: Message) -> _Result:
        return self._client.sms(to, message)

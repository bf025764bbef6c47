"""Twilio callbacks: the key pressed during an escalation call, and SMS replies (``1``, ``ACK``, ``ACK SHOP-12``).

Both arrive signed over the public URL and are verified before this module sees them. The phone
number is mapped to a person of the directory; the acknowledgement is recorded like a Slack one.
The answer never says whether an issue or a person exists: only what was recorded for the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from worker.core.directory import Directory
from worker.core.i18n_marks import N_
from worker.core.texts import ENGLISH, Texts
from worker.jira.http import JiraError
from worker.jira.jql import in_list
from worker.notify.twilio import reply_twiml
from worker.web.acks import AckRecorder, AckRequest, Outcome
from worker.web.people import by_phone
from worker.web.wake import ISSUE_KEY

_ACK = re.compile(
    r"^\s*(?:1|ack|acknowledge|ok)(?:\s+([A-Za-z][A-Za-z0-9_]*-\d+))?\s*[.!]?\s*$", re.I
)

SAID = {
    Outcome.RECORDED: N_("Thank you. Your acknowledgement is recorded. The escalation stops here."),
    Outcome.ALREADY: N_("Thank you. Your acknowledgement was already recorded."),
    Outcome.REFUSED: N_(
        "No acknowledgement was recorded: this escalation is not waiting for you. "
        "Please check Jira."
    ),
    Outcome.UNAVAILABLE: N_(
        "Jira cannot be reached right now, so nothing was recorded. Please "
        "acknowledge in Jira or try again."
    ),
}
NOT_PRESSED = N_("No acknowledgement was recorded. Goodbye.")
UNKNOWN_NUMBER = N_(
    "This number is not linked to anyone in the escalation directory, so nothing was recorded."
)
SMS_HELP = N_(
    "Reply 1 or ACK to acknowledge the escalation waiting for you, or ACK followed by the "
    "issue key."
)
SMS_NONE = N_("No open escalation is waiting for your acknowledgement. Nothing was recorded.")
SMS_SEVERAL = N_(
    "Several escalations wait for you ({listed}). Reply ACK followed by the issue key, for "
    "example ACK {key}."
)
SMS_DONE = N_("{key}: {text}")


def first(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or ()
    return values[0] if values else ""


@dataclass(frozen=True)
class TwilioAnswer:
    twiml: str
    outcome: Outcome | None


class TwilioHooks:
    def __init__(
        self,
        recorder: AckRecorder,
        directory: Directory,
        open_jql: Callable[[], str],
        now: Callable[[], datetime],
        texts: Texts = ENGLISH,
    ) -> None:
        self.recorder = recorder
        self.directory = directory
        self.open_jql = open_jql
        self.now = now
        self.texts = texts  # the organisation's language: what is said and texted back

    def _said(self, msgid: str) -> str:
        return reply_twiml(self.texts.gettext(msgid), sms=False, texts=self.texts)

    def _texted(self, text: str) -> str:
        return reply_twiml(text, sms=True)

    def voice(self, form: Mapping[str, Sequence[str]], issue_key: str) -> TwilioAnswer:
        """The answer to ``<Gather>``: for an outbound call the person is the number called (``To``)."""
        if first(form, "Digits") != "1":
            return TwilioAnswer(self._said(NOT_PRESSED), None)
        person = by_phone(self.directory, first(form, "To"))
        if person is None or not ISSUE_KEY.match(issue_key):
            return TwilioAnswer(self._said(SAID[Outcome.REFUSED]), Outcome.REFUSED)
        result = self.recorder.record(
            AckRequest("phone", person, issue_key, first(form, "CallSid"), self.now())
        )
        return TwilioAnswer(self._said(SAID[result.outcome]), result.outcome)

    def sms(self, form: Mapping[str, Sequence[str]]) -> TwilioAnswer:
        """An SMS reply: the person is the sender (``From``)."""
        match = _ACK.match(first(form, "Body")[:200])
        if match is None:
            return TwilioAnswer(self._texted(self.texts.gettext(SMS_HELP)), None)
        person = by_phone(self.directory, first(form, "From"))
        if person is None:
            return TwilioAnswer(self._texted(self.texts.gettext(UNKNOWN_NUMBER)), Outcome.REFUSED)
        wanted = match.group(1).upper() if match.group(1) else None
        try:
            keys = self.recorder.open_for(person, self.open_jql())
        except JiraError:
            return TwilioAnswer(
                self._texted(self.texts.gettext(SAID[Outcome.UNAVAILABLE])), Outcome.UNAVAILABLE
            )
        if wanted is not None:
            keys = [k for k in keys if k == wanted]
        if not keys:
            return TwilioAnswer(self._texted(self.texts.gettext(SMS_NONE)), Outcome.REFUSED)
        if len(keys) > 1:
            listed = ", ".join(keys[:10])
            several = self.texts.gettext(SMS_SEVERAL).format(listed=listed, key=keys[0])
            return TwilioAnswer(self._texted(several), None)
        result = self.recorder.record(
            AckRequest("sms", person, keys[0], first(form, "MessageSid"), self.now())
        )
        text = self.texts.gettext(SAID[result.outcome])
        if result.outcome in (Outcome.RECORDED, Outcome.ALREADY):
            text = self.texts.gettext(SMS_DONE).format(key=keys[0], text=text)
        return TwilioAnswer(self._texted(text), result.outcome)


def open_escalations_jql(projects: Sequence[str], labels: Sequence[str]) -> str:
    """Issues that may hold an open escalation: a severity label, not resolved."""
    return (
        f"project in {in_list(projects)} AND labels in {in_list(labels)} "
        "AND resolution is EMPTY ORDER BY key ASC"
    )

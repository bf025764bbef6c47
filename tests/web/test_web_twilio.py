"""Twilio callbacks over real HTTP: a keypress and an SMS reply acknowledge; forged ones are refused."""

from __future__ import annotations

from tests.support import PO, paris
from tests.web.webworld import TwilioSender, Web
from worker.notify.message import Message, Recipient
from worker.notify.twilio import twiml
from worker.web.app import Services

EMMA_PHONE = "+33600000007"  # Emma Moreau, the PO who owns the S3 below
THEO_PHONE = "+33600000002"  # the CTO: not a handler of that level


def _escalation_due(web: Web, summary: str = "Checkout fails") -> str:
    key = web.world.issue(summary)
    web.settle()
    assert web.world.record(key)["owner"] == PO
    web.world.clock.set(paris(2026, 3, 2, 14, 0))
    return key


def _ack_comments(web: Web, key: str, words: str) -> list[str]:
    return [c.text for c in web.world.worker_comments(key) if words in c.text]


def _escalated(web: Web, key: str) -> bool:
    return any("Escalated one level up" in c.text for c in web.world.worker_comments(key))


def test_pressing_1_during_the_call_acknowledges(web: Web) -> None:
    key = _escalation_due(web)
    answer = TwilioSender(web).keypress(EMMA_PHONE, key)
    assert answer.status_code == 200 and "<Say>" in answer.text
    assert "acknowledgement is recorded" in answer.text
    web.settle()
    rec = web.world.record(key)
    assert rec["acked_by"] == PO
    assert any("acknowledged from a phone call" in e["detail"] for e in rec["timeline"])
    assert len(_ack_comments(web, key, "acknowledged from a phone call")) == 1
    web.world.tick()
    assert not _escalated(web, key)


def test_another_key_or_another_person_records_nothing(web: Web) -> None:
    key = _escalation_due(web)
    sender = TwilioSender(web)
    assert "No acknowledgement" in sender.keypress(EMMA_PHONE, key, digits="2").text
    refused = sender.keypress(THEO_PHONE, key)
    missing = sender.keypress(THEO_PHONE, "SHOP-999")
    assert refused.text == missing.text  # the same words whether or not the issue exists
    web.settle()
    assert web.world.record(key)["acked_at"] is None
    web.world.tick()
    assert _escalated(web, key)


def test_sms_reply_ack_acknowledges_the_only_open_escalation(web: Web) -> None:
    key = _escalation_due(web)
    answer = TwilioSender(web).sms(EMMA_PHONE, "ack")
    assert answer.status_code == 200 and "<Message>" in answer.text and key in answer.text
    web.settle()
    assert web.world.record(key)["acked_by"] == PO
    assert len(_ack_comments(web, key, "acknowledged from an SMS reply")) == 1


def test_sms_reply_with_several_open_asks_which_then_ack_key_works(web: Web) -> None:
    first = web.world.issue("Checkout fails")
    second = web.world.issue("Cart is empty")
    web.settle()
    web.world.clock.set(paris(2026, 3, 2, 11, 0))
    sender = TwilioSender(web)
    answer = sender.sms(EMMA_PHONE, "1")
    assert "Several escalations" in answer.text and first in answer.text and second in answer.text
    web.settle()
    assert web.world.record(first)["acked_at"] is None
    assert web.world.record(second)["acked_at"] is None
    answer = sender.sms(EMMA_PHONE, f"ACK {second.lower()}")
    assert second in answer.text
    web.settle()
    assert web.world.record(second)["acked_by"] == PO
    assert web.world.record(first)["acked_at"] is None


def test_sms_from_an_unknown_number_or_for_nothing_open_records_nothing(web: Web) -> None:
    key = _escalation_due(web)
    sender = TwilioSender(web)
    assert "not linked" in sender.sms("+15550000000", "ACK").text
    assert "No open escalation" in sender.sms(THEO_PHONE, "ACK").text
    assert "No open escalation" in sender.sms(EMMA_PHONE, "ACK SHOP-999").text
    assert "Reply 1 or ACK" in sender.sms(EMMA_PHONE, "hello?").text
    web.settle()
    assert web.world.record(key)["acked_at"] is None


def test_forged_and_replayed_twilio_requests_are_refused(web: Web) -> None:
    key = _escalation_due(web)
    forged = TwilioSender(web, token="not-the-token")
    assert forged.keypress(EMMA_PHONE, key).status_code == 401
    assert forged.sms(EMMA_PHONE, "ACK").status_code == 401
    sender = TwilioSender(web)
    # signed for another issue, sent for this one: the URL is part of the signature
    other = sender.send(
        f"/twilio/voice?issue={key}",
        {"CallSid": "CA1", "To": EMMA_PHONE, "Digits": "1"},
        signed_url=web.services.settings.public("/twilio/voice?issue=SHOP-2"),
    )
    assert other.status_code == 401
    unsigned = web.post("/twilio/sms", b"From=%2B33600000007&Body=ACK&MessageSid=SM1")
    assert unsigned.status_code == 401
    web.settle()
    assert web.world.record(key)["acked_at"] is None
    assert sender.keypress(EMMA_PHONE, key, sid="CA-same").status_code == 200
    assert sender.keypress(EMMA_PHONE, key, sid="CA-same").status_code == 400
    web.settle()
    assert len(_ack_comments(web, key, "acknowledged from a phone call")) == 1


def _message(sensitive: bool) -> Message:
    return Message(
        id="SHOP-7#1.0:notify:route:L0",
        issue_key="SHOP-7",
        issue_url="https://acme.atlassian.net/browse/SHOP-7",
        severity="S1",
        event="route",
        title="Harassment complaint against a manager",
        text="",
        recipients=(Recipient(PO, "Emma Moreau", phone=EMMA_PHONE),),
        sensitive=sensitive,
    )


def test_the_call_says_who_calls_about_what_and_gathers_one_key() -> None:
    doc = twiml(_message(False), "https://worker.example.com")
    assert '<Gather numDigits="1"' in doc
    assert 'action="https://worker.example.com/twilio/voice?issue=SHOP-7"' in doc
    assert "escalation worker" in doc and "SHOP-7" in doc and "Press 1" in doc
    assert twiml(_message(False)).startswith(
        '<Response><Say loop="2">'
    )  # no web process: no Gather


def test_a_people_issue_is_never_read_aloud() -> None:
    doc = twiml(_message(True), "https://worker.example.com")
    assert "confidential people issue" in doc
    assert "Harassment" not in doc
    said = doc.split("<Gather")[1].split('">', 1)[1]
    assert "SHOP-7" not in said


def test_services_without_worker_parts_answer_starting(web: Web) -> None:
    assert isinstance(web.services, Services) and web.services.ready


def test_a_people_issue_acknowledged_by_phone_gets_a_restricted_comment(web: Web) -> None:
    world = web.world
    key = world.issue(
        "Tension between two developers",
        labels=("escalation-S3", "escalation-type-people"),
        project="PEOPLE",
    )
    web.settle()
    rec = world.record(key)
    owner = world.config.directory.by_account(rec["owner"])
    assert owner is not None and owner.phone
    world.clock.set(paris(2026, 3, 2, 9, 10))  # the manager picks up the call ten minutes later
    assert "recorded" in TwilioSender(web).keypress(owner.phone, key).text
    web.settle()
    assert world.record(key)["acked_by"] == owner.account_id
    (ack,) = [c for c in world.worker_comments(key) if "acknowledged from a phone call" in c.text]
    vis = world.config.jira.people_issue_visibility
    assert vis is not None and ack.visibility == {"type": vis.type, "value": vis.value}

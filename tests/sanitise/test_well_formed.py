"""Well-formed output for every control or separator character (issue 12 item 8).

Every character below, put in a summary, a display name and a description, goes through every
renderer: the Confluence storage pages (matrix and monthly review) and the TwiML of a call must
parse as XML, the email must build and survive an ``email.parser`` round trip with no defect,
Slack payloads and ADF documents must encode as UTF-8 JSON and keep their shape. (Before, ``\\x01``,
``\\x0b`` or ``\\x1b`` broke the storage pages and the TwiML; U+2028, ``\\x0b`` or ``\\x85`` made the
email builder raise.)
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.review.review_seed import SPECS, record_for
from worker.config.model import Config
from worker.confluence.render import (
    names_from,
    parse_storage,
    render_matrix_page,
    render_preview_html,
)
from worker.core.messages import Doc, Mention, Text
from worker.jira.adf import to_adf
from worker.notify.email import build_email
from worker.notify.message import Message, Recipient
from worker.notify.slack import ack_blocks, done_blocks, summary
from worker.notify.twilio import reply_twiml, sms_body, spoken_text, twiml
from worker.review.compute import build_report
from worker.review.model import Escalation, Month
from worker.review.render import to_storage
from worker.sandbox.adf import validate as validate_adf
from worker.sanitise import clean, one_line, xml_text

CHARS = (
    [chr(c) for c in range(0x20)]
    + ["\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\ufffe", "\uffff"]
    + ["\ud800", "\udbff", "\udc00", "\udfff"]  # lone surrogates (from a JSON \\udXXX escape)
)
IDS = [f"U+{ord(c):04X}" for c in CHARS]
# characters no output may carry: every control but tab and newline, separators, surrogates,
# non-characters (tab and newline are checked per output where they are not legal)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
PARIS = ZoneInfo("Europe/Paris")


def message(ch: str) -> Message:
    return Message(
        id=f"SHOP-1/1/route/L0{ch}",
        issue_key="SHOP-1",
        issue_url="https://site.example/browse/SHOP-1",
        severity="S1",
        event="route",
        title=f"Checkout{ch}down {ch}now",
        text=f"first line{ch}second line\n{ch}",
        recipients=(
            Recipient("acc-1", f"Ann{ch}Lee", email="ann@example.com", phone="+33600000001"),
        ),
        team_channel="C0TEAM",
    )


def utf8_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    text.encode("utf-8")  # raises on a lone surrogate
    return text


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def xml_parses(document: str) -> ET.Element:
    return ET.fromstring(document.encode("utf-8"))


@pytest.mark.parametrize("ch", CHARS, ids=IDS)
def test_matrix_page_and_preview_with_every_name_and_description(
    example_config: Config, ch: str
) -> None:
    d = example_config.directory
    people = {h: replace(p, name=f"{p.name}{ch}x") for h, p in d.people.items()}
    teams = {t: replace(team, name=f"{team.name}{ch}y") for t, team in d.teams.items()}
    directory = replace(d, people=people, teams=teams)
    r = example_config.rules
    rules = replace(
        r,
        severities={
            k: replace(v, name=f"{v.name}{ch}", meaning=f"{ch}{v.meaning}")
            for k, v in r.severities.items()
        },
        types={
            k: replace(v, name=f"{v.name}{ch}", description=f"a{ch}b") for k, v in r.types.items()
        },
        roles={k: replace(v, name=f"{v.name}{ch}") for k, v in r.roles.items()},
        channels={
            k: replace(v, name=f"{v.name}{ch}", description=f"c{ch}d")
            for k, v in r.channels.items()
        },
        principles=tuple(replace(p, title=f"{p.title}{ch}") for p in r.principles),
    )
    storage = render_matrix_page(rules, directory, source_hash="abc")
    names = [t.name for t in rules.types.values()] + [r.name for r in rules.roles.values()]
    for name in names:
        assert xml_text(name) in storage, name  # the text is there, cleaned
    parse_storage(storage.encode("utf-8").decode("utf-8"))
    assert not FORBIDDEN.search(storage.replace("\n", "").replace("\t", ""))
    preview = render_preview_html(storage, f"Matrix{ch}title", names=names_from(directory))
    assert all(xml_text(p.name) in preview for p in people.values())
    assert not FORBIDDEN.search(preview.replace("\n", "").replace("\t", ""))
    preview.encode("utf-8")


@pytest.mark.parametrize("ch", CHARS, ids=IDS)
def test_review_page(example_config: Config, ch: str) -> None:
    spec = replace(SPECS[3], summary=f"Cards{ch}declined")
    report = build_report(
        [Escalation("X-1", spec.summary, "SHOP", record_for(spec))],
        Month(2026, 3),
        tz=PARIS,
        now=datetime(2026, 4, 1, tzinfo=UTC),
        rules=example_config.rules,
        directory=example_config.directory,
    )
    storage = to_storage(report)
    parse_storage(storage.encode("utf-8").decode("utf-8"))
    assert "Cards" in storage and not FORBIDDEN.search(storage.replace("\n", "").replace("\t", ""))


@pytest.mark.parametrize("ch", CHARS, ids=IDS)
def test_twiml_of_a_call_and_a_reply(ch: str) -> None:
    m = message(ch)
    for document in (
        twiml(m),
        twiml(m, "https://worker.example"),
        twiml(replace(m, sensitive=True)),
        reply_twiml(f"Acknowledged{ch}thanks", sms=False),
    ):
        root = xml_parses(document)
        said = "".join(root.itertext())
        assert not FORBIDDEN.search(said) and "\n" not in said  # spoken: one line
    sms_reply = "".join(xml_parses(reply_twiml(f"Acknowledged{ch}thanks", sms=True)).itertext())
    assert not FORBIDDEN.search(sms_reply) and sms_reply.startswith("Acknowledged")
    assert "Checkout" in spoken_text(m) and "\n" not in spoken_text(m)
    body = sms_body(m)
    assert not FORBIDDEN.search(body) and "\n" not in body
    body.encode("utf-8")


@pytest.mark.parametrize("ch", CHARS, ids=IDS)
def test_email_headers_and_body_round_trip(ch: str) -> None:
    m = message(ch)
    mail = build_email(m, m.recipients[0], "escalations@example.com")
    raw = mail.as_bytes()
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed.defects == []
    assert parsed["Subject"] == one_line(m.title)
    assert not FORBIDDEN.search(str(parsed["Subject"])) and "\n" not in str(parsed["Subject"])
    assert parsed["To"] == "ann@example.com"
    assert parsed["X-Escalation-Id"] == one_line(m.id)
    body = parsed.get_content()
    assert "first line" in body and "second line" in body
    assert not FORBIDDEN.search(body.replace("\r\n", "\n"))


@pytest.mark.parametrize("ch", CHARS, ids=IDS)
def test_slack_text_and_blocks(ch: str) -> None:
    m = message(ch)
    text = summary(m)
    payload = {"channel": "C0TEAM", "text": text, "blocks": ack_blocks(m, text)}
    done = {"blocks": done_blocks(text, f"Acknowledged by Ann{ch}Lee")}
    for value in (payload, done):
        utf8_json(value)
        for s in strings(value):
            assert not FORBIDDEN.search(s), repr(s)
    assert text.startswith("*Checkout") and "<https://site.example/browse/SHOP-1|SHOP-1>" in text


@pytest.mark.parametrize("ch", CHARS, ids=IDS)
def test_adf_comment(ch: str) -> None:
    doc = Doc(
        paragraphs=(
            (Text(f"Escalated{ch}: Checkout{ch}down"), Mention("acc-1", f"Ann{ch}Lee")),
            (Text(ch),),
            (Text(f"{ch}{ch}"), Text("end")),
        )
    )
    adf = to_adf(doc)
    validate_adf(adf, lambda account: account == "acc-1")
    utf8_json(adf)
    for paragraph in adf["content"]:
        assert paragraph["type"] == "paragraph" and paragraph["content"]
        for node in paragraph["content"]:
            assert node["type"] in ("text", "mention", "hardBreak")
            if node["type"] == "text":
                assert node["text"] and not FORBIDDEN.search(node["text"])
                assert "\n" not in node["text"]
            if node["type"] == "mention":
                assert node["attrs"]["text"] == f"@{one_line(f'Ann{ch}Lee')}"


def test_the_sanitiser_keeps_ordinary_text_and_breaks_lines_once() -> None:
    assert clean("Café — naïve 東京 🚀\ttab") == "Café — naïve 東京 🚀\ttab"
    assert clean("a\r\nb\rc\u2028d\x85e") == "a\nb\nc\nd\ne"
    assert one_line("  a\r\n\tb  \u2029c ") == "a b c"
    assert clean("\x1b[31mred\x00") == "[31mred"
    assert clean("\ud83d") == "\ufffd"
    assert unicodedata.category(clean("\udfff")) == "So"

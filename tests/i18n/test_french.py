"""A few French renderings pinned whole: a routing comment and notification, an S1 text message,
the call's TwiML, the comment of an acknowledgement from a call or Slack.

The kind and severity names and the cell's note come from rules/, read in French (its own
per-language prose); everything the worker writes around them is French, with French spacing: a no-break space (U+00A0) before ':', a narrow one (U+202F)
before ';' '?' '!', 24-hour times and French dates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.i18n.messages import message_for
from tests.support import CPO, CTO, make_snapshot, paris
from worker.core.actions import Notify, PostComment
from worker.core.channel_ack import ChannelAck, comment_doc
from worker.core.decide import Context, decide
from worker.i18n import texts_for
from worker.i18n.rules_text import rules_in
from worker.notify.twilio import sms_body, spoken_text, twiml

NB = "\u00a0"  # before a colon
NN = "\u202f"  # before ; ? !


@pytest.fixture(scope="module")
def fr(ctx: Context) -> Context:
    return replace(ctx, texts=texts_for("fr"), rules=rules_in(ctx.rules, "fr"))


def _s1(fr: Context) -> tuple[PostComment, Notify]:
    t0 = paris(2026, 3, 2, 10, 0)
    snap = make_snapshot(labels=["escalation-S1", "escalation-type-incident"], created=t0)
    d = decide(fr, snap, None, t0 + timedelta(minutes=1))
    (comment,) = [a for a in d.actions if isinstance(a, PostComment)]
    (notify,) = [a for a in d.actions if isinstance(a, Notify)]
    return comment, notify


def test_an_s1_routing_comment_in_french(fr: Context) -> None:
    comment, _ = _s1(fr)
    assert comment.body.mentions() == (CPO, CTO)
    assert comment.body.plain() == (
        f"Escalade S1 (critique), incident de production{NB}: la matrice désigne CPO + CTO. "
        f"Traitée par @Camille Durand, @Théo Martin{NN}; Camille Durand en est responsable.\n"
        f"Prise en charge avant le lun. 2 mars 2026 à 10:15 (Europe/Paris){NN}; résolution "
        "avant le lun. 2 mars 2026 à 14:00 (Europe/Paris). Prendre en charge, c’est commenter "
        "le ticket, changer son statut ou le confier nommément à quelqu’un.\n"
        "Ouvrir l’incident dans le canal Slack #incidents."  # the cell's note, from rules/
    )


def test_an_s1_text_message_in_french(fr: Context) -> None:
    _, notify = _s1(fr)
    assert notify.title == f"[S1] SHOP-1{NB}: Checkout fails"
    assert sms_body(message_for(notify, "fr"), replies=True) == (
        f"[S1] SHOP-1{NB}: Checkout fails "
        "https://acme.atlassian.net/browse/SHOP-1 Répondez ACK pour prendre en charge."
    )


def test_the_routing_notification_in_french(fr: Context) -> None:
    _, notify = _s1(fr)
    assert notify.text == (
        "SHOP-1 — Checkout fails\n"
        "Une escalade vous est confiée (S1). Prise en charge avant le lun. 2 mars 2026 à 10:15 "
        f"(Europe/Paris){NN}; résolution avant le lun. 2 mars 2026 à 14:00 (Europe/Paris)."
    )


@pytest.mark.parametrize(
    ("channel", "words"), [("phone", "via un appel téléphonique"), ("slack", "via Slack")]
)
def test_an_acknowledgement_from_a_channel_in_french(channel: str, words: str) -> None:
    """The comment the web process writes when someone presses 1 on a call or clicks in Slack."""
    ack = ChannelAck(CPO, channel, paris(2026, 3, 2, 10, 5), "CA1")
    doc = comment_doc(ack, "Camille Durand", "lun. 2 mars 2026 à 10:05", texts=texts_for("fr"))
    assert doc.plain() == f"@Camille Durand a pris en charge {words} le lun. 2 mars 2026 à 10:05."
    assert doc.mentions() == (CPO,)


def test_a_french_call_speaks_french_with_a_french_voice(fr: Context) -> None:
    _, notify = _s1(fr)
    message = message_for(notify, "fr")
    say = '<Say language="fr-FR" voice="Polly.Mathieu">'
    assert twiml(message, "https://worker.example") == (
        '<Response><Gather numDigits="1" timeout="8" method="POST" '
        'action="https://worker.example/twilio/voice?issue=SHOP-1">'
        f"{say}Ici le robot d’escalade. Escalade de sévérité S1 sur le ticket SHOP-1. "
        f"Checkout fails. Merci de consulter Jira dès maintenant.</Say>"
        f"{say}Appuyez sur 1 pour prendre en charge.</Say></Gather>"
        f"{say}Aucune touche n’a été pressée. Merci de prendre en charge dans Jira ou Slack. "
        "Au revoir.</Say></Response>"
    )
    assert twiml(message).startswith(
        '<Response><Say loop="2" language="fr-FR" voice="Polly.Mathieu">Ici le robot'
    )
    # English calls keep Twilio's defaults, byte for byte as before
    english = replace(message, language="en", title="[S1] SHOP-1: Checkout fails")
    assert twiml(english) == (f'<Response><Say loop="2">{spoken_text(english)}</Say></Response>')
    assert spoken_text(english) == (
        "This is the escalation worker. Escalation, severity S1, for issue SHOP-1. "
        "Checkout fails. Please check Jira now."
    )


def test_french_plurals_come_from_the_catalog() -> None:
    from worker.core import sentences as S

    fr = texts_for("fr")
    one = fr.ngettext(*S.ADOPTED_TITLE, 1).format(count=1)
    three = fr.ngettext(*S.ADOPTED_TITLE, 3).format(count=3)
    assert one == "Vous êtes désormais responsable de 1 escalade reprise par le robot"
    assert three == "Vous êtes désormais responsable de 3 escalades reprises par le robot"
    english = texts_for("en").ngettext(*S.ADOPTED_TITLE, 3).format(count=3)
    assert english == "You now own 3 escalation(s) the worker adopted"

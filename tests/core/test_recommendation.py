"""Recommendation parts recognised as people write them (the phrases of rules/policy.yaml)."""

from __future__ import annotations

import pytest

from worker.core.decide import Context
from worker.core.recommendation import missing
from worker.core.rules import RecommendationPart

ALL = {"what_happened", "tried", "recommend", "need"}

CASES = [
    (
        "complete, in sentences",
        "What happened: checkout fails for 10% of carts. We tried a rollback of the last deploy. "
        "We recommend pausing the promo. We need a go from you before 14:00.",
        set(),
    ),
    (
        "complete, Markdown headings with content",
        "## What happened\nCheckout fails for 10% of carts.\n\n## What we tried\n- rollback\n"
        "- cache flush\n\n## Our recommendation\nPause the promo.\n\n## What we need\nA go.",
        set(),
    ),
    (
        "complete, bold labels on their own line",
        "**What happened**\nThe promo engine double-counts.\n**Tried**\nA hotfix on staging.\n"
        "**Proposal**\nShip the hotfix tonight.\n**Ask**\nApproval from the CPO.",
        set(),
    ),
    (
        "complete, Jira wiki headings and numbered list",
        "h2. Context\nPayments API v2 is late.\nh2. Attempted\n1. weekly sync\n2. shared board\n"
        "h2. Options\nDelay the launch by a week.\nh2. Decision needed\nWhich date we announce.",
        set(),
    ),
    (
        "partial: only what happened and what was tried",
        "Context: the dashboard is empty since Monday.\n- Tried: restarting the exporter.",
        {"recommend", "need"},
    ),
    (
        "template headings left empty",
        "## What happened\n## What we tried\n## Recommendation\n## What we need",
        ALL,
    ),
    (
        "bold labels left empty",
        "**What happened:**\n**Tried:**\n**Recommendation:**\n**Need:**",
        ALL,
    ),
    (
        "keywords inside other words do not count",
        "This task is blocked: a contextual menu crashes, the needle gauge in the "
        "basket view stays red, and the pretried caches were reproposed.",
        ALL,
    ),
    (
        "word forms through the prefix markers",
        "Situation: orders are duplicated. Workarounds so far: manual dedupe. "
        "Recommended: a unique index. Requesting a maintenance window.",
        set(),
    ),
    ("empty description", "", ALL),
    # --- French, as a French team writes it (the phrases of every language are looked for) ---
    (
        "fr: complete, Markdown headings with content",
        "## Ce qui s’est passé\nLe paiement échoue pour 10 % des paniers.\n\n"
        "## Ce qui a été tenté\n- retour arrière du dernier déploiement\n\n"
        "## Recommandation\nSuspendre la promotion.\n\n"
        "## Ce dont nous avons besoin\nVotre feu vert avant 14 h.",
        set(),
    ),
    (
        "fr: complete, in sentences with the space before the colon",
        "Contexte : l’export comptable est vide depuis lundi. Nous avons déjà tenté de relancer "
        "le traitement. Nous recommandons de revenir à l’ancien export. Il nous faut votre "
        "arbitrage avant jeudi.",
        set(),
    ),
    (
        "fr: complete, bold labels on their own line",
        "**Constat**\nLe moteur de promotions compte deux fois.\n**Tentatives**\nUn correctif "
        "testé en recette.\n**Proposition**\nLivrer le correctif ce soir.\n**Demande**\n"
        "L’accord de la CPO.",
        set(),
    ),
    (
        "fr: complete, Jira wiki headings and numbered list",
        "h2. Contexte\nL’API Paiements v2 a du retard.\nh2. Pistes explorées\n1. point hebdo\n"
        "2. tableau partagé\nh2. Options\nDécaler le lancement d’une semaine.\n"
        "h2. Décision attendue\nLa date que nous annonçons.",
        set(),
    ),
    (
        "fr: partial, only what happened and what was tried",
        "Contexte : le tableau de bord est vide depuis lundi.\n- Essayé : redémarrer l’exporteur.",
        {"recommend", "need"},
    ),
    (
        "fr: template headings left empty",
        "## Ce qui s’est passé\n## Ce qui a été tenté\n## Ce que nous recommandons\n"
        "## Ce dont nous avons besoin",
        ALL,
    ),
    (
        "fr: bold labels left empty",
        "**Contexte :**\n**Tentatives :**\n**Recommandation :**\n**Besoin :**",
        ALL,
    ),
    (
        "fr: keywords inside other words do not count",
        "Ticket de suivi : la page optionnelle de l’espace demandeur s’affiche mal, le menu "
        "contextuel est tentaculaire et les paniers préconfigurés sont à revoir.",
        ALL,
    ),
    (
        "fr: typed without accents and with plain apostrophes",
        "ce qui s'est passe: la synchro plante. deja fait: purge du cache. on recommande un "
        "retour arriere. besoin d'un feu vert rapide.",
        set(),
    ),
    (
        "fr: only what we need, as a list item",
        "- Nous attendons une décision sur la date de sortie.",
        {"what_happened", "tried", "recommend"},
    ),
]


@pytest.mark.parametrize(("description", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_recommendation_parts_table(ctx: Context, description: str, want: set[str]) -> None:
    got = {p.id for p in missing(ctx.rules.recommendation, description)}
    assert got == want


def test_the_rules_have_the_four_parts(ctx: Context) -> None:
    assert {p.id for p in ctx.rules.recommendation} == ALL


def test_the_french_phrases_are_in_the_shipped_rules(ctx: Context) -> None:
    """The French rows above pass because the rules give French phrases, not by accident."""
    for part in ctx.rules.recommendation:
        assert part.markers_in("fr") != part.markers_in("en")
        assert set(part.markers_in("fr")) <= set(part.markers)


def test_without_the_french_phrases_a_french_description_is_not_understood(ctx: Context) -> None:
    english_only = [
        RecommendationPart(p.id, p.title, p.markers_in("en")) for p in ctx.rules.recommendation
    ]
    description = CASES[
        [c[0] for c in CASES].index("fr: complete, Markdown headings with content")
    ][1]
    assert {p.id for p in missing(english_only, description)} >= {"what_happened", "tried"}

"""Mistyped labels on a real site: found through the site's label list, told once per issue and
label, inside the routing comment when the issue is routed anyway."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import World


def test_mistyped_labels_get_one_did_you_mean_note_each(world: World) -> None:
    typo_only = world.issue("Checkout down", labels=("escalaton-S1",))
    routed = world.issue(
        "Payouts late", labels=("escalation-S3", "escalation-type-incidnet"), project="PAY"
    )
    plain = world.issue("Ordinary work", labels=("backend",))
    world.tick()

    assert len(world.worker_comments(typo_only)) == 1
    text = world.comment_texts(typo_only)[-1]
    assert "escalaton-S1" in text and "Did you mean escalation-S1?" in text
    assert "nothing was routed" in text
    assert world.record(typo_only)["status"] == "invalid"

    # routed by its valid severity; the near miss is a paragraph of the one routing comment
    assert len(world.worker_comments(routed)) == 1
    body = world.comment_texts(routed)[-1]
    assert "escalation-type-incidnet" in body and "Did you mean escalation-type-incident?" in body
    assert world.worker_comments(plain) == []

    searches = [r for r in world.site.request_log if r.path.endswith("/search/jql")]
    assert any("escalaton-S1" in str(r.json) for r in searches)
    assert sum(r.path.endswith("/rest/api/3/label") for r in world.site.request_log) == 1

    # once per issue and label: later cycles say nothing more
    world.clock.advance(timedelta(minutes=10))
    world.tick()
    assert len(world.worker_comments(typo_only)) == 1
    assert len(world.worker_comments(routed)) == 1

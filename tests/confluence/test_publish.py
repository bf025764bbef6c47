"""Publishing scenarios against the sandbox: create, update, unchanged, hand edits, conflicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.confluence.cf_support import EVE, WORKER
from worker.confluence.client import ConfluenceClient, ConfluenceConflict, Page
from worker.confluence.publish import PROPERTY_KEY, PublishError, PublishResult, publish
from worker.sandbox.confluence import ConfluenceSite

TITLE = "Escalation matrix"
BODY_V1 = "<p>Matrix <strong>one</strong></p><table><tbody><tr><td>S1</td></tr></tbody></table>"
BODY_V2 = "<p>Matrix <strong>two</strong></p>"


def run(
    client: ConfluenceClient | None, storage: str = BODY_V1, source_hash: str = "hash-1", **kw: Any
) -> PublishResult:
    args: dict[str, Any] = {
        "space_key": "PROD",
        "title": TITLE,
        "parent_id": None,
        "page_id": None,
        "storage": storage,
        "source_hash": source_hash,
        "on_manual_edit": "overwrite",
        "worker_account_id": WORKER,
    }
    args.update(kw)
    return publish(client, **args)


def test_publish_twice_makes_one_page_one_version_and_the_second_run_does_not_write(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    first = run(client)
    assert first.action == "created" and first.version == 1
    site.requests.clear()

    second = run(client)

    assert second.action == "unchanged"
    assert second.page_id == first.page_id and second.version == 1
    assert second.requests <= 2
    assert all(method == "GET" for method, _ in site.requests)
    pages = site.pages(title=TITLE)
    assert len(pages) == 1 and pages[0].version == 1 and pages[0].space_key == "PROD"
    assert pages[0].properties[PROPERTY_KEY]["hash"] == "hash-1"
    assert pages[0].properties[PROPERTY_KEY]["version"] == 1


def test_the_sandbox_rewrites_the_body_yet_the_page_is_still_seen_unchanged(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    created = run(client)
    assert created.page_id is not None
    stored = site.page(created.page_id).body
    assert stored != BODY_V1  # bytes differ (local ids, attribute order) ...
    assert "ac:local-id" in stored
    assert run(client).action == "unchanged"  # ... and still no write, since the hash decides


def test_new_rules_update_the_page_once_with_version_plus_one(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    created = run(client)
    updated = run(client, storage=BODY_V2, source_hash="hash-2")
    assert (
        updated.action == "updated" and updated.page_id == created.page_id and updated.version == 2
    )
    view = site.page(created.page_id or "")
    assert "two" in view.body
    assert view.properties[PROPERTY_KEY] == {
        "hash": "hash-2",
        "version": 2,
        "title": TITLE,
        "space_key": "PROD",
        "space_id": client.space_by_key("PROD").id,
    }
    assert view.version_authors == (WORKER, WORKER)
    assert run(client, storage=BODY_V2, source_hash="hash-2").action == "unchanged"


@pytest.mark.parametrize("mode", ["overwrite", "skip"])
def test_a_hand_edit_is_detected_logged_and_handled_per_config(
    site: ConfluenceSite, client: ConfluenceClient, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    created = run(client)
    page_id = created.page_id or ""
    site.edit_page_as(EVE, page_id, "<p>Eve fixed a typo</p>", message="typo")

    with caplog.at_level("WARNING", logger="worker.confluence.publish"):
        result = run(client, on_manual_edit=mode)

    assert result.editors == (EVE,)
    assert any(getattr(r, "editors", None) == (EVE,) for r in caplog.records)
    view = site.page(page_id)
    if mode == "skip":
        assert result.action == "skipped_manual_edit"
        assert view.version == 2 and "Eve fixed" in view.body
        assert EVE in result.message
        assert run(client, on_manual_edit=mode).action == "skipped_manual_edit"  # stays skipped
    else:
        assert result.action == "updated" and result.version == 3
        assert "Matrix" in view.body
        assert (
            EVE in view.version_messages[-1]
            and "overwrote manual edits" in view.version_messages[-1]
        )
        assert view.properties[PROPERTY_KEY]["version"] == 3
        assert run(client, on_manual_edit=mode).action == "unchanged"


def test_a_page_with_the_title_that_the_worker_did_not_create_is_never_overwritten(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    theirs = site.create_page_as(EVE, "PROD", TITLE, "<p>My own notes</p>")
    result = run(client)
    assert result.action == "skipped_not_owned" and result.page_id == theirs
    assert site.page(theirs).version == 1 and "own notes" in site.page(theirs).body
    assert len(site.pages(title=TITLE)) == 1


def test_a_page_configured_by_id_is_taken_over_even_without_the_property(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    theirs = site.create_page_as(EVE, "PROD", "Old matrix", "<p>Old</p>")
    result = run(client, page_id=theirs)
    assert result.action == "updated" and result.version == 2
    view = site.page(theirs)
    assert view.title == TITLE and "Taken over" in view.version_messages[-1]
    assert run(client, page_id=theirs).action == "unchanged"
    assert run(client, page_id=theirs).requests <= 2


def test_a_missing_configured_page_is_an_error_not_a_new_page(client: ConfluenceClient) -> None:
    with pytest.raises(PublishError, match="99999"):
        run(client, page_id="99999")


def test_same_title_in_another_space_is_not_mistaken_for_ours(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    other = site.create_page_as(EVE, "OPS", TITLE, "<p>Ops copy</p>")
    result = run(client)
    assert result.action == "created" and result.page_id != other
    assert {p.space_key for p in site.pages(title=TITLE)} == {"PROD", "OPS"}
    assert run(client).action == "unchanged"


def test_publishing_under_a_parent_and_as_a_child_page(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    parent = run(client)
    review = run(
        client,
        title="Escalation review 2026-03",
        parent_id=parent.page_id,
        storage="<p>Review</p>",
        source_hash="r1",
    )
    assert review.action == "created"
    assert site.page(review.page_id or "").parent_id == parent.page_id
    kids = [v for v in site.pages() if v.parent_id == parent.page_id]
    assert [k.title for k in kids] == ["Escalation review 2026-03"]


class ConflictOnce:
    """Wraps the real client: just before the first page save, someone else saves the page."""

    def __init__(self, inner: ConfluenceClient, site: ConfluenceSite, times: int = 1):
        self.inner = inner
        self.site = site
        self.times = times
        self.saves: list[int] = []

    @property
    def requests_made(self) -> int:
        return self.inner.requests_made

    def update_page(self, page_id: str, **kw: Any) -> Page:
        self.saves.append(kw["version"])
        if self.times > 0:
            self.times -= 1
            self.site.edit_page_as(
                WORKER, page_id, "<p>another worker run</p>", message="concurrent"
            )
        return self.inner.update_page(page_id, **kw)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return getattr(self.inner, name)


def test_a_409_is_reread_and_retried_once(site: ConfluenceSite, client: ConfluenceClient) -> None:
    created = run(client)
    racing = ConflictOnce(client, site)
    result = run(racing, storage=BODY_V2, source_hash="hash-2")  # type: ignore[arg-type]
    assert racing.saves == [2, 3]  # stale 2 -> 409 -> re-read -> 3
    assert result.action == "updated" and result.version == 3
    assert "two" in site.page(created.page_id or "").body


def test_a_second_409_is_raised_not_looped(site: ConfluenceSite, client: ConfluenceClient) -> None:
    run(client)
    racing = ConflictOnce(client, site, times=5)
    with pytest.raises(ConfluenceConflict):
        run(racing, storage=BODY_V2, source_hash="hash-2")  # type: ignore[arg-type]
    assert len(racing.saves) == 2


def test_dry_run_reads_but_never_writes(site: ConfluenceSite, client: ConfluenceClient) -> None:
    result = run(client, dry_run=True)
    assert result.action == "dry_run" and "would create" in result.message
    assert site.pages(title=TITLE) == []
    assert all(m == "GET" for m, _ in site.requests)
    created = run(client)
    site.requests.clear()
    result = run(client, storage=BODY_V2, source_hash="hash-2", dry_run=True)
    assert result.action == "dry_run" and result.page_id == created.page_id
    assert all(m == "GET" for m, _ in site.requests)
    assert site.page(created.page_id or "").version == 1


def test_dry_run_without_a_client_touches_nothing() -> None:
    result = run(None, dry_run=True)
    assert result.action == "dry_run" and result.requests == 0
    with pytest.raises(ValueError):
        run(None)


def test_invalid_manual_edit_mode_is_rejected(client: ConfluenceClient) -> None:
    with pytest.raises(ValueError, match="on_manual_edit"):
        run(client, on_manual_edit="merge")


def test_a_lost_property_write_is_caught_up_without_a_new_page_version(
    site: ConfluenceSite, client: ConfluenceClient
) -> None:
    created = run(client)
    page_id = created.page_id or ""
    # The worker saved the same content again but died before recording it in the property.
    site.edit_page_as(WORKER, page_id, BODY_V1, message="worker run that crashed")
    result = run(client)
    assert result.action == "unchanged" and result.editors == ()
    assert site.page(page_id).version == 2
    assert site.page(page_id).properties[PROPERTY_KEY]["version"] == 2

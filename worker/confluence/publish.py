"""Idempotent, drift-aware publishing of one generated Confluence page.

The page body is never compared: Confluence rewrites stored markup on save. Instead the worker
keeps a content property on the page (``escalation-worker.source``) whose value records the hash
of the source it rendered and the page version it wrote::

    {"hash": "<source hash>", "version": 7, "space_key": "PROD", "space_id": "98304"}

* same hash and same version         -> ``unchanged`` (two reads, no write)
* page version above the recorded one -> someone saved in between; if any of those versions was
  authored by another account it is a manual edit: ``overwrite`` (saying so in the version
  message) or ``skip``, per configuration
* a page with the title but without the property was not made by the worker: it is left alone
  (``skipped_not_owned``) unless the configuration names it by id
* a 409 on save means the version moved under us: everything is re-read and tried once more
* creating the page (``POST /pages``) is not idempotent: when its answer leaves the outcome unknown
  (a 5xx, a timeout, a dropped connection) the page is looked up by title in the space before it is
  sent again, so the worker never makes two pages; a page the worker account created whose property
  never got written (the run died in between) is recognised by its author and taken back

The function is generic (title, parent and storage are parameters) so other generated pages,
such as the monthly review, reuse it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from worker.confluence.client import (
    ConfluenceConflict,
    ConfluenceNotFound,
    ConfluenceOutcomeUnknown,
    ConfluencePort,
    ContentProperty,
    Page,
    Space,
)

log = logging.getLogger(__name__)

PROPERTY_KEY = "escalation-worker.source"

Action = Literal[
    "created", "updated", "unchanged", "skipped_manual_edit", "skipped_not_owned", "dry_run"
]


class PublishError(Exception):
    """Publishing could not be carried out (e.g. the configured page id does not exist)."""


@dataclass(frozen=True, slots=True)
class PublishResult:
    action: Action
    page_id: str | None
    version: int | None
    requests: int
    message: str
    editors: tuple[str, ...] = ()  # account ids of people whose manual edits were found


@dataclass(frozen=True, slots=True)
class _Target:
    space_key: str | None
    title: str
    parent_id: str | None
    page_id: str | None
    storage: str
    source_hash: str
    on_manual_edit: str
    worker_account_id: str | None
    dry_run: bool
    property_key: str


def _recorded(prop: ContentProperty | None) -> Mapping[str, Any] | None:
    """The property's value when it is one the worker wrote, else None."""
    if prop is None or not isinstance(prop.value, Mapping):
        return None
    value = prop.value
    if not isinstance(value.get("hash"), str) or not isinstance(value.get("version"), int):
        return None
    return value


def _owned_in_space(prop: ContentProperty | None, page: Page, space_key: str | None) -> bool:
    value = _recorded(prop)
    if value is None:
        return False
    return value.get("space_key") == space_key and str(value.get("space_id")) == page.space_id


def _count(client: ConfluencePort | None) -> int:
    return int(getattr(client, "requests_made", 0)) if client is not None else 0


def publish(
    client: ConfluencePort | None,
    *,
    space_key: str | None,
    title: str,
    parent_id: str | None,
    page_id: str | None,
    storage: str,
    source_hash: str,
    on_manual_edit: str = "overwrite",
    worker_account_id: str | None = None,
    dry_run: bool = False,
    property_key: str = PROPERTY_KEY,
) -> PublishResult:
    """Make the page ``title`` (or the page ``page_id``) show ``storage``, writing only when needed.

    With ``dry_run`` nothing is written; without a client (``None``) nothing is even read.
    """
    if on_manual_edit not in ("overwrite", "skip"):
        raise ValueError(f"on_manual_edit must be 'overwrite' or 'skip', not {on_manual_edit!r}")
    if page_id is None and not space_key:
        raise ValueError("a space key is needed when no page id is configured")
    target = _Target(
        space_key,
        title,
        parent_id,
        page_id,
        storage,
        source_hash,
        on_manual_edit,
        worker_account_id,
        dry_run,
        property_key,
    )
    if client is None:
        if not dry_run:
            raise ValueError("a client is required unless dry_run is set")
        return PublishResult(
            "dry_run", page_id, None, 0, "dry run without Confluence: nothing was read or written"
        )
    start = _count(client)
    try:
        result = _attempt(client, target)
    except ConfluenceConflict as exc:
        log.info("confluence.publish.conflict_retry", extra={"title": title, "detail": str(exc)})
        result = _attempt(client, target)  # a second conflict propagates
    return _with_requests(result, _count(client) - start)


def _with_requests(r: PublishResult, n: int) -> PublishResult:
    return PublishResult(r.action, r.page_id, r.version, n, r.message, r.editors)


def _attempt(client: ConfluencePort, t: _Target) -> PublishResult:
    page: Page | None
    prop: ContentProperty | None = None
    if t.page_id is not None:
        try:
            page = client.get_page(t.page_id)
        except ConfluenceNotFound as exc:
            raise PublishError(
                f"the configured Confluence page {t.page_id} does not exist or is not visible"
            ) from exc
        prop = client.get_property(page.id, t.property_key)
    else:
        page = None
        candidates = client.find_pages(t.title)
        unmarked = []
        for cand in candidates:
            p = client.get_property(cand.id, t.property_key)
            if _owned_in_space(p, cand, t.space_key):
                page, prop = cand, p
                break
            if p is None:
                unmarked.append(cand)
        if page is None:
            page = _own_unmarked(client, t, unmarked)
        if page is None:
            return _create(client, t, candidates)
    return _refresh(client, t, page, prop)


def _own_unmarked(client: ConfluencePort, t: _Target, unmarked: list[Page]) -> Page | None:
    """A page of the title in the target space, created by the worker's own account, without the
    worker's property: an earlier run created it and stopped before writing the property (or never
    heard that the create went through). It is the worker's page; anyone else's is left alone."""
    mine = [p for p in unmarked if t.worker_account_id and p.author_id == t.worker_account_id]
    if not mine or not t.space_key:
        return None
    space = client.space_by_key(t.space_key)
    for page in mine:
        if page.space_id == space.id:
            log.warning(
                "confluence.publish.unmarked_own_page",
                extra={"page_id": page.id, "title": t.title},
            )
            return page
    return None


def _property_value(t: _Target, page: Page, version: int) -> dict[str, Any]:
    return {
        "hash": t.source_hash,
        "version": version,
        "title": t.title,
        "space_key": t.space_key,
        "space_id": page.space_id,
    }


def _create(client: ConfluencePort, t: _Target, candidates: list[Page]) -> PublishResult:
    assert t.space_key is not None
    space = client.space_by_key(t.space_key)
    taken = [c for c in candidates if c.space_id == space.id]
    if taken:
        msg = (
            f"a page titled {t.title!r} already exists in space {t.space_key} (id {taken[0].id}) and was not "
            "created by the worker; it is left untouched. Configure its page id to let the worker take it over."
        )
        log.warning(
            "confluence.publish.not_owned", extra={"page_id": taken[0].id, "title": t.title}
        )
        return PublishResult("skipped_not_owned", taken[0].id, taken[0].version, 0, msg)
    if t.dry_run:
        return PublishResult(
            "dry_run", None, None, 0, f"would create {t.title!r} in space {t.space_key}"
        )
    created = _create_once(client, t, space)
    _create_property_once(
        client, created, t.property_key, _property_value(t, created, created.version)
    )
    log.info(
        "confluence.publish.created", extra={"page_id": created.id, "version": created.version}
    )
    return PublishResult(
        "created", created.id, created.version, 0, f"created {t.title!r} in space {t.space_key}"
    )


def _refresh(
    client: ConfluencePort, t: _Target, page: Page, prop: ContentProperty | None
) -> PublishResult:
    recorded = _recorded(prop)
    editors: tuple[str, ...] = ()
    if recorded is not None and page.version > recorded["version"]:
        newer = client.page_versions(page.id, newer_than=recorded["version"])
        authors = {v.author_id or "unknown" for v in newer}
        editors = tuple(sorted(a for a in authors if a != t.worker_account_id))
        if not newer and t.worker_account_id is None:
            editors = ("unknown",)
    if editors:
        log.warning(
            "confluence.publish.manual_edit",
            extra={
                "page_id": page.id,
                "editors": editors,
                "since_version": recorded and recorded["version"],
            },
        )
        who = ", ".join(editors)
        if t.on_manual_edit == "skip":
            return PublishResult(
                "skipped_manual_edit",
                page.id,
                page.version,
                0,
                f"page {page.id} was edited by hand (by {who}) after version {recorded and recorded['version']}; "
                "left as it is (on_manual_edit: skip)",
                editors,
            )
        message = (
            f"Regenerated from rules/ (source {t.source_hash[:12]}); overwrote manual edits by {who} "
            f"made after version {recorded and recorded['version']}"
        )
    elif (
        recorded is not None
        and recorded["hash"] == t.source_hash
        and recorded.get("title") == t.title
    ):
        if page.version != recorded["version"] and not t.dry_run and prop is not None:
            # Only the worker saved since (an earlier run died between page and property): catch up.
            client.update_property(page.id, prop, _property_value(t, page, page.version))
        return PublishResult(
            "unchanged", page.id, page.version, 0, f"{t.title!r} is up to date (v{page.version})"
        )
    elif recorded is None:
        # Reached only with a configured page id: the operator asked the worker to take it over.
        message = f"Taken over by the escalation worker and regenerated from rules/ (source {t.source_hash[:12]})"
    else:
        message = f"Regenerated from rules/ (source {t.source_hash[:12]})"
    if t.dry_run:
        return PublishResult(
            "dry_run", page.id, page.version, 0, f"would update page {page.id}: {message}", editors
        )
    move_to = t.parent_id if t.parent_id and t.parent_id != page.parent_id else None
    saved = client.update_page(
        page.id,
        title=t.title,
        storage=t.storage,
        version=page.version + 1,
        message=message,
        parent_id=move_to,
    )
    value = _property_value(t, saved, saved.version)
    if prop is None:
        _create_property_once(client, saved, t.property_key, value)
    else:
        try:
            client.update_property(saved.id, prop, value)
        except ConfluenceConflict:
            fresh = client.get_property(saved.id, t.property_key)
            if fresh is None:
                _create_property_once(client, saved, t.property_key, value)
            else:
                client.update_property(saved.id, fresh, value)
    log.info("confluence.publish.updated", extra={"page_id": saved.id, "version": saved.version})
    return PublishResult("updated", saved.id, saved.version, 0, message, editors)


CREATE_ATTEMPTS = 2  # sends of one new page per publish when the answers leave its fate unknown


def _create_once(client: ConfluencePort, t: _Target, space: Space) -> Page:
    """``POST /pages`` with look-up-before-resend: after an answer that leaves the outcome unknown,
    the page is looked for by title in the space; only when it is not there is it sent again."""
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return client.create_page(
                space_id=space.id, title=t.title, storage=t.storage, parent_id=t.parent_id
            )
        except ConfluenceOutcomeUnknown as exc:
            found = [
                p for p in client.find_pages(t.title, space_id=space.id) if p.space_id == space.id
            ]
            log.warning(
                "confluence.publish.create_outcome_unknown",
                extra={"title": t.title, "error": str(exc), "found": bool(found)},
            )
            if found:
                return found[0]
            if attempt == CREATE_ATTEMPTS:
                raise PublishError(
                    f"creating {t.title!r} in space {t.space_key} got no clear answer twice ({exc}) "
                    "and the page is not there; the next publish looks for it before creating it"
                ) from exc
    raise AssertionError("unreachable")


def _create_property_once(client: ConfluencePort, page: Page, key: str, value: Any) -> None:
    """``POST …/properties`` with look-up-before-resend (a second create of the same key is refused
    with 400, so a blind resend would fail where the first had worked)."""
    try:
        client.create_property(page.id, key, value)
    except ConfluenceOutcomeUnknown as exc:
        log.warning(
            "confluence.publish.property_outcome_unknown",
            extra={"page_id": page.id, "error": str(exc)},
        )
        if client.get_property(page.id, key) is None:
            client.create_property(page.id, key, value)

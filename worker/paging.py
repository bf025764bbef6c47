"""Bounded paging: a loop over a server's pages always ends.

Jira and Confluence page their lists with a cursor (``nextPageToken``, ``_links.next``) or an
offset (``startAt``) and say when a page is the last (``isLast``, a missing cursor, ``total``). A
misbehaving server or proxy can say "more" forever: repeat the same cursor, drop the cursor while
claiming more, ignore ``startAt``, or hand out fresh cursors without end. Every paging loop of the
worker asks a :class:`PageGuard` for the next cursor or offset; the guard stops the loop with a
one-line :class:`RunawayPaging` error on a repeated or absent cursor, an ignored offset, or when the
page cap is reached, so a request count is bounded whatever the server answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Page caps, one per kind of list. Each is far beyond what a real site needs (the numbers of items
# are in the comments) and low enough that a runaway loop ends after seconds, not hours.
SEARCH_PAGES = 1000  # 100,000 issues at 100 a page
BULK_CHANGELOG_PAGES = 1000  # per chunk of 1,000 issues
ISSUE_CHANGELOG_PAGES = 100  # 10,000 histories on one issue
ISSUE_COMMENT_PAGES = 100  # 10,000 comments on one issue
USER_PAGES = 20  # per chunk of 50 account ids
CONFLUENCE_PAGES = 100  # pages, versions, children or properties of one listing

FIX = (
    "the server kept announcing more pages (a fault on its side or in a proxy between); "
    "retry later, and report it to the site's support if it persists"
)


class RunawayPaging(Exception):
    """Marker of a paging loop stopped by its guard; mixed into each adapter's own error type."""

    fix = FIX


class PageGuard:
    """Counts the pages of one listing and vets each next cursor or offset.

    ``what`` names the listing in the error (``"changelog of SHOP-1"``); ``fail`` builds the
    adapter's error from the message (a ``RunawayPaging`` subclass of its usual error type).
    """

    def __init__(self, what: str, *, max_pages: int, fail: Callable[[str], Exception]) -> None:
        self.what = what
        self.max_pages = max(1, max_pages)
        self.pages = 0
        self._fail = fail
        self._seen: set[str] = set()

    def _stop(self, reason: str) -> Exception:
        return self._fail(f"{self.what}: {reason}; stopped after {self.pages} page(s)")

    def _count(self) -> None:
        self.pages += 1

    def _room_for_more(self) -> None:
        if self.pages >= self.max_pages:
            raise self._stop(f"more than {self.max_pages} pages announced (the cap)")

    def next_token(self, token: Any, *, last: Any = None) -> str | None:
        """The cursor of the next page, or ``None`` after the last page.

        ``last`` is the page's own "last page" flag when the API has one (``isLast``), else ``None``
        (then a missing cursor means the end).
        """
        self._count()
        if last is True:
            return None
        if token is None or token == "":
            if last is False:
                raise self._stop("the server said more pages follow but sent no cursor")
            return None
        cursor = str(token)
        if cursor in self._seen:
            raise self._stop(f"the server sent the same page cursor twice ({_short(cursor)})")
        self._seen.add(cursor)
        self._room_for_more()
        return cursor

    def next_offset(self, *, asked: int, answered: Any, count: int, last: bool) -> int | None:
        """The ``startAt`` of the next page, or ``None`` after the last page.

        ``answered`` is the ``startAt`` the server echoed (``None`` if it did not): a server that
        answers another offset than the one asked ignores the cursor and would repeat itself.
        """
        self._count()
        if answered is not None and _as_int(answered) != asked:
            raise self._stop(f"asked for startAt={asked}, the server answered startAt={answered}")
        if last or count <= 0:
            return None
        self._room_for_more()
        return asked + count


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _short(cursor: str) -> str:
    return cursor if len(cursor) <= 24 else cursor[:21] + "..."

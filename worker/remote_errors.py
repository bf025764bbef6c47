"""What an adapter's exception (Jira, Confluence, a runaway listing) means for the person running
the worker: the :class:`~worker.errors.UserError` to show, or None for a bug.

It lives apart from :mod:`worker.errors` so that the error types stay a leaf every layer may
import, while this translation, which knows the adapters, sits above them.
"""

from __future__ import annotations

from worker.confluence.client import (
    ConfluenceAuthError,
    ConfluenceError,
    ConfluenceNotFound,
    ConfluenceUnavailable,
)
from worker.confluence.publish import PublishError
from worker.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    RemoteProblem,
    Unreachable,
    UserError,
)
from worker.jira.http import AuthError, JiraError
from worker.paging import RunawayPaging


def from_remote(exc: BaseException, *, site: str = "Jira") -> UserError | None:
    """The user-facing error for an adapter's exception, or None when it is not one (a bug)."""
    if isinstance(exc, UserError):
        return exc
    if isinstance(exc, RunawayPaging):  # a listing that would never end: say which, and stop
        return RemoteProblem(str(exc), exc.fix)
    if isinstance(exc, ConfluenceError):
        return _confluence(exc)
    if isinstance(exc, PublishError):
        return RemoteProblem(
            f"Confluence: {exc}", "see the README's troubleshooting table for this message"
        )
    if isinstance(exc, AuthError) or (isinstance(exc, JiraError) and exc.status == 401):
        return AuthenticationFailed(
            f"{site} refused the credentials (HTTP 401)",
            "check JIRA_EMAIL and JIRA_API_TOKEN: an API token belongs to one account's email",
        )
    if isinstance(exc, JiraError):
        if exc.status == 403:
            return PermissionDenied(
                f"{site} answered 403 Forbidden: {exc}",
                "grant the worker account the permission named in the README (Permissions)",
            )
        if exc.status == 404:
            return NotFound(f"{site}: {exc}", "check the key or id, and that the worker can see it")
        if exc.status is None or exc.status >= 500 or exc.status == 429:
            return Unreachable(
                f"cannot reach {site}: {exc}",
                "check JIRA_URL (https://<site>.atlassian.net) and the network; "
                "if it persists see https://status.atlassian.com",
            )
        return RemoteProblem(f"{site}: {exc}", "see the README's troubleshooting table")
    return None


def _confluence(exc: BaseException) -> UserError:
    assert isinstance(exc, ConfluenceError)
    if isinstance(exc, ConfluenceNotFound) and exc.path.rstrip("/").endswith("/spaces"):
        return NotFound(
            f"Confluence has no space visible to the worker account: {exc.detail or exc}",
            "fix confluence.space in config.yaml, or give the worker account View on that space",
        )
    if isinstance(exc, ConfluenceAuthError):
        if exc.status == 401:
            return AuthenticationFailed(
                f"Confluence refused the credentials ({exc})",
                "check JIRA_EMAIL and JIRA_API_TOKEN, and that the account has Confluence access",
            )
        return PermissionDenied(
            f"Confluence answered 403 ({exc})",
            "grant the worker account View and Add pages in the space",
        )
    if isinstance(exc, ConfluenceNotFound):
        return NotFound(f"Confluence: {exc}", "check confluence.page_id / parent_id")
    if isinstance(exc, ConfluenceUnavailable) or exc.status == 0:
        return Unreachable(
            f"cannot reach Confluence: {exc}",
            "check CONFLUENCE_URL or JIRA_URL and the network",
        )
    return RemoteProblem(f"Confluence: {exc}", "see the README's troubleshooting table")

"""The tiny HTTP-free interface every sandbox application implements.

The server (``server.py``) turns each HTTP exchange into a :class:`Request`, offers it to each
registered :class:`App` in turn and writes back the first :class:`Response` it gets.  Apps never
see sockets, which keeps them testable by calling ``handle`` directly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from worker.sandbox.model import User


class BadJson(ValueError):
    """The request body is not valid JSON."""


@dataclass(frozen=True)
class Request:
    """One decoded HTTP request. ``query`` keeps repeated parameters as lists, like ``parse_qs``."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    user: User | None

    def json(self) -> Any:
        """The body parsed as JSON; raises :class:`BadJson` when it is empty or malformed."""
        if not self.body:
            raise BadJson("No content to map due to end-of-input")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadJson(f"Unexpected character in request body: {exc}") from exc

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of a repeatable parameter; comma-separated values are split as Jira does."""
        out: list[str] = []
        for value in self.query.get(name, []):
            out.extend(part.strip() for part in value.split(",") if part.strip())
        return out


@dataclass
class Response:
    """What an app answers. ``body`` may be JSON-able data, ``str`` or ``bytes``; ``None`` means empty."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class App(Protocol):
    """A mountable application: answers the requests it owns and returns ``None`` for the rest."""

    def handle(self, req: Request) -> Response | None: ...


def error(status: int, *messages: str, errors: Mapping[str, str] | None = None) -> Response:
    """A Jira-shaped error: ``{"errorMessages": [...], "errors": {...}}``."""
    return Response(status, {"errorMessages": list(messages), "errors": dict(errors or {})})


def first_match(apps: Sequence[App], req: Request) -> Response | None:
    """Offer ``req`` to each app in order; the first non-``None`` answer wins."""
    for app in apps:
        resp = app.handle(req)
        if resp is not None:
            return resp
    return None

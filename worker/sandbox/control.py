"""The unauthenticated ``/_sandbox/*`` control endpoints and the JSON scenario format.

Endpoints (all JSON):

``POST /_sandbox/seed``          apply a scenario (below); answers ``{"issues": {"<ref>": "<key>"}}``
``POST /_sandbox/clock``         ``{"set": "2026-03-02T09:00:00Z"}`` or ``{"advance": "15m"}``
                                 (units s, m, h, d, w; combinable: "1h30m"); answers ``{"now": ...}``
``GET  /_sandbox/clock``         ``{"now": ...}``
``POST /_sandbox/staleness``     ``{"seconds": 30}``
``GET  /_sandbox/requests``      the request log; ``?since=N`` skips the first N entries
``POST /_sandbox/faults``        see :mod:`worker.sandbox.faults`; ``GET`` describes the active rules
``GET  /_sandbox/issues/{key}``  the full internal view of an issue

Scenario format::

    {
      "clock": "2026-03-02T09:00:00Z",
      "staleness": "30s",
      "users": [{"accountId": "u-po", "displayName": "Pat PO", "email": "po@example.com",
                 "apiToken": "secret", "active": true, "groups": ["hr"]}],
      "projects": [{"key": "SHOP", "name": "Shop", "components": ["Checkout"]}],
      "issues": [{"ref": "a", "project": "SHOP", "summary": "Checkout down", "reporter": "u-po",
                  "type": "Incident", "labels": [], "components": [], "assignee": null,
                  "description": "text", "sprintEnd": "2026-03-10T17:00:00Z",
                  "created": "2026-03-02T08:00:00Z",
                  "history": [
                    {"at": "2026-03-02T08:05:00Z", "by": "u-po", "addLabels": ["escalation-S2"]},
                    {"at": "...", "by": "u-po", "removeLabels": ["x"]},
                    {"at": "...", "by": "u-po", "assignee": "u-dev"},
                    {"at": "...", "by": "u-dev", "status": "In Progress"},
                    {"at": "...", "by": "u-dev", "comment": "on it", "visibility": {"type": "group", "value": "hr"}},
                    {"at": "...", "property": {"key": "escalation-worker", "value": {...}}}
                  ]}]
    }
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from worker.sandbox.app import BadJson, Request, Response, error
from worker.sandbox.model import jira_time

if TYPE_CHECKING:
    from worker.sandbox.jira.seeding import SeededSite

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | int | float) -> timedelta:
    """``"15m"``, ``"1h30m"``, ``"2d"`` or a number of seconds, as a timedelta."""
    if isinstance(text, int | float):
        return timedelta(seconds=text)
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("empty duration")
    sign = -1 if cleaned.startswith("-") else 1
    cleaned = cleaned.lstrip("+-")
    parts = _DURATION.findall(cleaned)
    if not parts or _DURATION.sub("", cleaned).strip():
        raise ValueError(f"bad duration {text!r}; use e.g. '15m', '1h30m', '2d'")
    return sign * timedelta(seconds=sum(float(n) * _UNITS[u.lower()] for n, u in parts))


def parse_time(text: str) -> datetime:
    """An ISO-8601 timestamp (``Z`` allowed); naive values are UTC."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def apply_scenario(site: SeededSite, data: Mapping[str, Any]) -> dict[str, str]:
    """Seed ``site`` from a scenario mapping; returns ``{ref: key}`` for the issues created."""
    if "clock" in data:
        site.clock.set(parse_time(data["clock"]))
    if "staleness" in data:
        site.staleness = parse_duration(data["staleness"])
    for u in data.get("users", []):
        site.add_user(
            u["accountId"],
            u.get("displayName", u["accountId"]),
            email=u.get("email"),
            active=u.get("active", True),
            api_token=u.get("apiToken"),
            groups=u.get("groups", ()),
        )
    for p in data.get("projects", []):
        kwargs: dict[str, Any] = {"components": p.get("components", ())}
        if "issueTypes" in p:
            kwargs["issue_types"] = p["issueTypes"]
        site.add_project(p["key"], p.get("name", p["key"]), **kwargs)
    refs: dict[str, str] = {}
    for index, spec in enumerate(data.get("issues", [])):
        key = site.create_issue(
            spec["project"],
            spec.get("summary", "Untitled"),
            reporter=spec["reporter"],
            issue_type=spec.get("type", "Task"),
            labels=spec.get("labels", ()),
            components=spec.get("components", ()),
            description=spec.get("description"),
            assignee=spec.get("assignee"),
            sprint_end=parse_time(spec["sprintEnd"]) if spec.get("sprintEnd") else None,
            at=parse_time(spec["created"]) if spec.get("created") else None,
        )
        refs[str(spec.get("ref", index))] = key
        for step in spec.get("history", []):
            _apply_step(site, key, step)
    return refs


def _apply_step(site: SeededSite, key: str, step: Mapping[str, Any]) -> None:
    at = parse_time(step["at"]) if step.get("at") else None
    by = str(step.get("by") or "")
    if "addLabels" in step:
        site.add_labels(key, *step["addLabels"], by=by, at=at)
    if "removeLabels" in step:
        site.remove_labels(key, *step["removeLabels"], by=by, at=at)
    if "assignee" in step:
        site.set_assignee(key, step["assignee"], by=by, at=at)
    if "status" in step:
        site.transition(key, step["status"], by=by, at=at)
    if "comment" in step:
        site.add_comment(
            key,
            by,
            step["comment"],
            at=at,
            visibility=step.get("visibility"),
            properties=step.get("commentProperties"),
        )
    if "property" in step:
        site.set_property(key, step["property"]["key"], step["property"]["value"], at=at)


def issue_view(site: SeededSite, key: str) -> dict[str, Any]:
    """Everything the sandbox knows about one issue, JSON-ready."""
    state = site.issue(key)
    data = asdict(state)
    for name in ("created", "updated", "resolutiondate"):
        data[name] = jira_time(getattr(state, name))
    data["statusCategory"] = state.status_category
    data["labels"] = list(state.labels)
    data["components"] = list(state.components)
    data["comments"] = [
        {
            "id": c.id,
            "author": c.author,
            "body": c.body,
            "created": jira_time(c.created),
            "visibility": c.visibility,
            "properties": c.properties,
        }
        for c in site.comments(key)
    ]
    data["changelog"] = [
        {
            "id": h.id,
            "author": h.author,
            "created": jira_time(h.created),
            "items": [
                {
                    "field": i.field,
                    "from": i.from_,
                    "fromString": i.from_string,
                    "to": i.to,
                    "toString": i.to_string,
                }
                for i in h.items
            ],
        }
        for h in site.histories(key)
    ]
    data["watchers"] = site.watchers(key)
    return data


def handle_control(site: SeededSite, req: Request) -> Response:
    """Serve one ``/_sandbox/*`` request."""
    try:
        return _route(site, req)
    except BadJson as exc:
        return error(400, str(exc))
    except (KeyError, ValueError, TypeError) as exc:
        return error(400, f"{type(exc).__name__}: {exc}")


def _route(site: SeededSite, req: Request) -> Response:
    path, method = req.path, req.method
    if path == "/_sandbox/seed" and method == "POST":
        return Response(200, {"issues": apply_scenario(site, req.json())})
    if path == "/_sandbox/clock":
        if method == "POST":
            body = req.json()
            if "set" in body:
                site.clock.set(parse_time(body["set"]))
            if "advance" in body:
                site.clock.advance(parse_duration(body["advance"]))
        return Response(200, {"now": site.clock.now().isoformat()})
    if path == "/_sandbox/staleness" and method == "POST":
        site.staleness = parse_duration(req.json()["seconds"])
        return Response(200, {"staleness": site.staleness.total_seconds()})
    if path == "/_sandbox/requests" and method == "GET":
        since = int(req.arg("since") or 0)
        return Response(
            200,
            {
                "requests": [
                    {
                        "method": r.method,
                        "path": r.path,
                        "query": dict(r.query),
                        "json": r.json,
                        "status": r.status,
                        "at": r.at.isoformat(),
                        "endpoint": r.endpoint,
                        "user": r.user,
                        "fault": r.fault,
                    }
                    for r in site.request_log[since:]
                ],
                "countsByEndpoint": site.counts_by_endpoint(),
            },
        )
    if path == "/_sandbox/faults":
        if method == "POST":
            site.faults.configure(req.json())
        return Response(200, site.faults.describe())
    if path.startswith("/_sandbox/issues/") and method == "GET":
        key = path.removeprefix("/_sandbox/issues/")
        try:
            return Response(200, issue_view(site, key))
        except KeyError:
            return error(404, f"No issue {key}.")
    return error(404, f"No sandbox control endpoint {method} {path}.")

"""Which handler answers which REST path: the route table, matched in order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from worker.sandbox.app import Request, Response
from worker.sandbox.jira import handlers as h
from worker.sandbox.jira import search
from worker.sandbox.jira.seeding import SeededSite
from worker.sandbox.jira.state import API

Handler = Callable[[SeededSite, Request, "re.Match[str]"], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    template: str  # e.g. "/rest/api/3/issue/{issueIdOrKey}/comment"
    handler: Handler


_TABLE: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/myself", h.get_myself),
    ("GET", "/user", h.get_user),
    ("GET", "/user/bulk", h.get_users_bulk),
    ("GET", "/user/properties/{propertyKey}", h.get_user_property),
    ("PUT", "/user/properties/{propertyKey}", h.put_user_property),
    ("GET", "/project/{projectIdOrKey}", h.get_project),
    ("GET", "/mypermissions", h.get_my_permissions),
    ("GET", "/user/assignable/search", h.get_assignable),
    ("GET", "/label", h.get_labels),
    ("POST", "/search/jql", search.post_search),
    ("GET", "/search/jql", search.get_search),
    ("POST", "/search", search.gone),
    ("GET", "/search", search.gone),
    ("POST", "/changelog/bulkfetch", h.bulk_changelog),
    ("GET", "/issue/{issueIdOrKey}", h.get_issue),
    ("GET", "/issue/{issueIdOrKey}/changelog", h.get_changelog),
    ("GET", "/issue/{issueIdOrKey}/comment", h.get_comments),
    ("POST", "/issue/{issueIdOrKey}/comment", h.post_comment),
    ("DELETE", "/issue/{issueIdOrKey}/comment/{id}", h.delete_comment),
    ("PUT", "/issue/{issueIdOrKey}/assignee", h.put_assignee),
    ("GET", "/issue/{issueIdOrKey}/watchers", h.get_watchers),
    ("POST", "/issue/{issueIdOrKey}/watchers", h.post_watcher),
    ("DELETE", "/issue/{issueIdOrKey}/watchers", h.delete_watcher),
    ("GET", "/issue/{issueIdOrKey}/properties/{propertyKey}", h.get_property),
    ("PUT", "/issue/{issueIdOrKey}/properties/{propertyKey}", h.put_property),
    ("DELETE", "/issue/{issueIdOrKey}/properties/{propertyKey}", h.delete_property),
)


def _compile(method: str, template: str, handler: Handler) -> Route:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(API + template))
    return Route(method, re.compile(regex), API + template, handler)


ROUTES: tuple[Route, ...] = tuple(_compile(*row) for row in _TABLE)

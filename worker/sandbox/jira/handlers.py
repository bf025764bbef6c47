"""The REST v3 endpoints other than search: users, projects, issues, changelogs, comments,
assignee, watchers and properties. Each takes the site, the request and the path match."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from worker.sandbox import adf
from worker.sandbox.app import Request, Response, error
from worker.sandbox.jira.params import int_arg
from worker.sandbox.jira.render import (
    base_url,
    comment_json,
    comment_visible,
    history_json,
    issue_json,
    project_json,
    user_json,
    user_ref,
)
from worker.sandbox.jira.search import decode_token, encode_token
from worker.sandbox.jira.seeding import SeededSite
from worker.sandbox.jira.state import (
    API,
    MAX_COMMENT_CHARS,
    MAX_PROPERTY_BYTES,
    NOT_FOUND,
)
from worker.sandbox.model import (
    History,
    IssueRecord,
)

T = TypeVar("T")


class Refused(Exception):
    """A handler's early answer (an error response), returned by the router as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def visible_issue(site: SeededSite, req: Request, match: re.Match[str]) -> IssueRecord:
    """The issue the path names, if the caller may see it; else Jira's 404 (:class:`Refused`)."""
    rec = site._visible(req, match["issueIdOrKey"])
    if rec is None:
        raise Refused(error(404, NOT_FOUND))
    return rec


def get_myself(site: SeededSite, req: Request, _: re.Match[str]) -> Response:
    assert req.user is not None
    return Response(200, user_json(site, req, req.user, full=True))


def get_user(site: SeededSite, req: Request, _: re.Match[str]) -> Response:
    account = req.arg("accountId")
    if not account:
        return error(400, "The query parameter 'accountId' is required.")
    user = site._users.get(account)
    if user is None:
        return error(404, "Specified user does not exist or you do not have required permissions")
    return Response(200, user_json(site, req, user, full=True))


def get_users_bulk(site: SeededSite, req: Request, _: re.Match[str]) -> Response:
    ids = req.query.get("accountId", [])
    if not ids:
        return error(400, "You must provide at least one accountId.")
    found = [site._users[a] for a in dict.fromkeys(ids) if a in site._users]
    return _offset_page(
        req, found, default=10, cap=200, show=lambda u: user_json(site, req, u, full=True)
    )


def get_my_permissions(site: SeededSite, req: Request, _: re.Match[str]) -> Response:
    assert req.user is not None
    wanted = [k for k in (req.arg("permissions") or "").split(",") if k.strip()]
    if not wanted:
        return error(400, "The permissions parameter is required.")
    project = req.arg("projectKey")
    if project is not None and project not in site._projects:
        return error(404, f"No project could be found with key '{project}'.")
    perms = {}
    for n, key in enumerate(wanted):
        key = key.strip()
        have = project is None or (project, req.user.account_id, key) not in site._revoked
        perms[key] = {
            "id": str(n + 1),
            "key": key,
            "name": key.replace("_", " ").title(),
            "type": "PROJECT",
            "description": f"The {key} permission.",
            "havePermission": have,
        }
    return Response(200, {"permissions": perms})


def get_assignable(site: SeededSite, req: Request, _: re.Match[str]) -> Response:
    project = req.arg("project")
    if not project and not req.arg("issueKey"):
        return error(400, "A project or an issue must be given.")
    if project and project not in site._projects:
        return error(404, f"No project could be found with key '{project}'.")
    allowed = site._assignable.get(project or "")
    account = req.arg("accountId")
    users = [
        u
        for u in site._users.values()
        if u.active
        and (allowed is None or u.account_id in allowed)
        and (account is None or u.account_id == account)
    ]
    start, size = int_arg(req, "startAt", 0), min(int_arg(req, "maxResults", 50), 1000)
    return Response(200, [user_json(site, req, u, full=False) for u in users[start : start + size]])


def get_labels(site: SeededSite, req: Request, _: re.Match[str]) -> Response:
    """Every label in use on the site, sorted, paged by offset (getAllLabels)."""
    labels = sorted(
        {lab for r in site._issues.values() if not r.deleted for lab in r.current.labels}
    )
    return _offset_page(req, labels, default=1000, cap=1000, show=lambda label: label)


def get_project(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    ident = match["projectIdOrKey"]
    proj = site._projects.get(ident.upper()) or next(
        (p for p in site._projects.values() if str(p.id) == ident), None
    )
    if proj is None:
        return error(404, f"No project could be found with key '{ident}'.")
    base = base_url(req)
    return Response(
        200,
        {
            **project_json(base, proj),
            "style": "classic",
            "isPrivate": False,
            "components": [
                {
                    "self": f"{base}{API}/component/{proj.id}{i}",
                    "id": f"{proj.id}{i}",
                    "name": c,
                }
                for i, c in enumerate(proj.components)
            ],
            "issueTypes": [
                {
                    "self": f"{base}{API}/issuetype/{i + 1}",
                    "id": str(i + 1),
                    "name": t,
                    "subtask": False,
                }
                for i, t in enumerate(proj.issue_types)
            ],
        },
    )


def get_issue(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    fields = req.args("fields") or ["*all"]
    expand = {e.strip() for e in (req.arg("expand") or "").split(",") if e.strip()}
    return Response(
        200,
        issue_json(
            site, req, rec, rec.current, fields, req.args("properties"), expand, search=False
        ),
    )


def get_changelog(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    start, size = (
        int_arg(req, "startAt", 0),
        min(max(int_arg(req, "maxResults", 100), 1), 100),
    )
    histories = rec.histories[start : start + size]
    base = f"{base_url(req)}{API}/issue/{rec.current.key}/changelog"
    body: dict[str, Any] = {
        "self": f"{base}?startAt={start}&maxResults={size}",
        "maxResults": size,
        "startAt": start,
        "total": len(rec.histories),
        "isLast": start + size >= len(rec.histories),
        "values": [history_json(site, req, h) for h in histories],
    }
    if not body["isLast"]:
        body["nextPage"] = f"{base}?startAt={start + size}&maxResults={size}"
    return Response(200, body)


def bulk_changelog(site: SeededSite, req: Request, _: re.Match[str]) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        return error(400, "The request body must be a JSON object.")
    ids = body.get("issueIdsOrKeys")
    if not isinstance(ids, list) or not ids:
        return error(400, "issueIdsOrKeys must contain at least one issue.")
    if len(ids) > 1000:
        return error(400, "The maximum number of issues that can be requested is 1000.")
    field_ids = body.get("fieldIds") or []
    if len(field_ids) > 10:
        return error(400, "The maximum number of field IDs that can be requested is 10.")
    size = body.get("maxResults", 1000)
    if not isinstance(size, int) or size < 1:
        return error(400, "maxResults must be a positive integer.")
    size = min(size, site.bulk_changelog_page_max)
    offset = 0
    if body.get("nextPageToken"):
        decoded = decode_token(body["nextPageToken"])
        if decoded is None:
            return error(400, "The provided next page token is invalid or expired.")
        offset = decoded[0]
    wanted = set(field_ids)
    flat: list[tuple[IssueRecord, History]] = []
    seen: set[int] = set()
    for ident in ids:
        rec = site._visible(req, str(ident))
        if rec is None or rec.current.id in seen:
            continue
        seen.add(rec.current.id)
        for h in rec.histories:
            if wanted:
                items = tuple(i for i in h.items if i.field_id in wanted)
                if not items:
                    continue
                h = replace(h, items=items)
            flat.append((rec, h))
    page = flat[offset : offset + size]
    logs: list[dict[str, Any]] = []
    for rec, h in page:
        if not logs or logs[-1]["issueId"] != str(rec.current.id):
            logs.append({"issueId": str(rec.current.id), "changeHistories": []})
        logs[-1]["changeHistories"].append(history_json(site, req, h))
    result: dict[str, Any] = {"issueChangeLogs": logs}
    if offset + size < len(flat):
        result["nextPageToken"] = encode_token(offset + size, 0, site.clock.now(), 0)
    return Response(200, result)


def get_comments(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    order = req.arg("orderBy") or "created"
    if order not in ("created", "-created", "+created"):
        return error(400, f"Invalid orderBy value '{order}'.")
    start, size = (
        int_arg(req, "startAt", 0),
        min(max(int_arg(req, "maxResults", 100), 0), 100),
    )
    expand = {e.strip() for e in (req.arg("expand") or "").split(",")}
    visible = [c for c in rec.comments if comment_visible(req, c)]
    visible.sort(key=lambda c: (c.created, int(c.id)), reverse=order == "-created")
    page = visible[start : start + size]
    return Response(
        200,
        {
            "comments": [
                comment_json(site, req, rec.current, c, "properties" in expand) for c in page
            ],
            "maxResults": size,
            "startAt": start,
            "total": len(visible),
        },
    )


def post_comment(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    assert req.user is not None
    body = req.json()
    if not isinstance(body, dict) or "body" not in body:
        return error(400, errors={"comment": "Comment body can not be empty!"})
    try:
        adf.validate(body["body"], lambda acc: acc in site._users)
    except adf.AdfError as exc:
        return error(400, errors={"comment": str(exc)})
    if len(adf.plain_text(body["body"])) > MAX_COMMENT_CHARS:
        return error(
            400,
            errors={
                "comment": "The entered text is too long. It exceeds the allowed limit "
                f"of {MAX_COMMENT_CHARS:,} characters."
            },
        )
    visibility = body.get("visibility")
    if visibility is not None:
        problem = _check_visibility(site, visibility)
        if problem:
            return error(400, problem)
    props: dict[str, Any] = {}
    for prop in body.get("properties") or []:
        if not isinstance(prop, dict) or not isinstance(prop.get("key"), str):
            return error(400, "Each comment property needs a string 'key'.")
        if len(json.dumps(prop.get("value")).encode("utf-8")) > MAX_PROPERTY_BYTES:
            return error(400, f"The property value exceeds {MAX_PROPERTY_BYTES} bytes.")
        props[prop["key"]] = prop.get("value")
    cid = site.add_comment(
        rec.current.key,
        req.user.account_id,
        body["body"],
        visibility=visibility,
        properties=props,
    )
    comment = next(c for c in rec.comments if c.id == cid)
    return Response(201, comment_json(site, req, rec.current, comment, bool(props)))


def delete_comment(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    # Jira Cloud: "Delete own comments" lets an account delete what it wrote; another user's
    # comment needs "Delete all comments" (granted to nobody here), refused with 400
    rec = visible_issue(site, req, match)
    assert req.user is not None
    comment = next((c for c in rec.comments if c.id == match["id"]), None)
    if comment is None or not comment_visible(req, comment):
        return error(404, f"Can not find a comment for key: {match['id']}.")
    if comment.author != req.user.account_id:
        return error(400, "You do not have the permission to delete this comment.")
    rec.comments.remove(comment)
    when = site.clock.now()
    site._write(rec, when, updated=when)
    return Response(204)


def _check_visibility(site: SeededSite, vis: Any) -> str | None:
    if not isinstance(vis, dict) or vis.get("type") not in ("group", "role"):
        return "Visibility type must be 'group' or 'role'."
    name = vis.get("value") or vis.get("identifier")
    if not isinstance(name, str) or not name:
        return "Visibility needs a 'value' or an 'identifier'."
    if vis["type"] == "group" and not any(name in u.groups for u in site._users.values()):
        return f"Group: {name} does not exist."
    return None


def put_assignee(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    assert req.user is not None
    body = req.json()
    if not isinstance(body, dict) or "accountId" not in body:
        return error(400, errors={"assignee": "An accountId must be given (null unassigns)."})
    account = body["accountId"]
    if account == "-1":
        account = None
    if account is not None:
        user = site._users.get(account) if isinstance(account, str) else None
        if user is None or not user.active:
            return error(400, errors={"assignee": f"User '{account}' cannot be assigned issues."})
    site.set_assignee(rec.current.key, account, by=req.user.account_id)
    return Response(204)


def get_watchers(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    assert req.user is not None
    return Response(
        200,
        {
            "self": f"{base_url(req)}{API}/issue/{rec.current.key}/watchers",
            "isWatching": req.user.account_id in rec.watchers,
            "watchCount": len(rec.watchers),
            "watchers": [user_ref(site, req, a) for a in rec.watchers],
        },
    )


def post_watcher(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    assert req.user is not None
    account: Any = req.user.account_id
    if req.body.strip():
        account = req.json()
    if not isinstance(account, str):
        return error(400, "The request body must be a JSON string holding an accountId.")
    user = site._users.get(account)
    if user is None:
        return error(404, f"The user with account ID '{account}' does not exist.")
    if not user.active:
        return error(400, f"The user '{account}' is inactive and cannot watch issues.")
    site.add_watcher(rec.current.key, account)
    return Response(204)


def delete_watcher(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    account = req.arg("accountId") or req.arg("username")
    if not account:
        return error(400, "accountId is required.")
    if account not in site._users:
        return error(404, f"The user with account ID '{account}' does not exist.")
    site.remove_watcher(rec.current.key, account)
    return Response(204)


def get_property(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    key = match["propertyKey"]
    if key not in rec.current.properties:
        return error(404, f"The property with key '{key}' was not found.")
    return Response(200, {"key": key, "value": rec.current.properties[key]})


def put_property(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    key, value = _property_put(req, match)
    created = site.set_property(rec.current.key, key, value)
    return Response(201 if created else 200)


def delete_property(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    rec = visible_issue(site, req, match)
    if not site.delete_property(rec.current.key, match["propertyKey"]):
        return error(404, f"The property with key '{match['propertyKey']}' was not found.")
    return Response(204)


def _user_property_owner(site: SeededSite, req: Request) -> tuple[str | None, Response | None]:
    assert req.user is not None
    account = req.arg("accountId")
    if not account:
        return None, error(400, "The query parameter 'accountId' is required.")
    if account not in site._users:
        return None, error(404, "The user with the provided accountId does not exist.")
    if account != req.user.account_id:
        return None, error(403, "You do not have permission to access this user's properties.")
    return account, None


def get_user_property(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    account, problem = _user_property_owner(site, req)
    if problem is not None or account is None:
        return problem or error(400, "bad request")
    key = match["propertyKey"]
    with site._lock:
        props = site._user_properties.get(account, {})
        if key not in props:
            return error(404, f"The property with key '{key}' was not found.")
        return Response(200, {"key": key, "value": props[key]})


def put_user_property(site: SeededSite, req: Request, match: re.Match[str]) -> Response:
    account, problem = _user_property_owner(site, req)
    if problem is not None or account is None:
        return problem or error(400, "bad request")
    key, value = _property_put(req, match)
    with site._lock:
        props = site._user_properties.setdefault(account, {})
        created = key not in props
        props[key] = value
    return Response(201 if created else 200)


def _offset_page(
    req: Request, items: Sequence[T], *, default: int, cap: int, show: Callable[[T], Any]
) -> Response:
    """One page of ``items`` in Jira's offset form (``startAt``/``maxResults``/``isLast``)."""
    start, size = int_arg(req, "startAt", 0), min(int_arg(req, "maxResults", default), cap)
    return Response(
        200,
        {
            "self": f"{base_url(req)}{req.path}",
            "maxResults": size,
            "startAt": start,
            "total": len(items),
            "isLast": start + size >= len(items),
            "values": [show(item) for item in items[start : start + size]],
        },
    )


def _property_put(req: Request, match: re.Match[str]) -> tuple[str, Any]:
    """The key and value of an issue or user property PUT, within Jira's limits (else a 400)."""
    key = match["propertyKey"]
    if len(key) > 255:
        raise Refused(error(400, "The property key cannot be longer than 255 characters."))
    if len(req.body) > MAX_PROPERTY_BYTES:
        raise Refused(
            error(400, f"The property value cannot be longer than {MAX_PROPERTY_BYTES} bytes.")
        )
    return key, req.json()

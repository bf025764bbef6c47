"""How the site shows its state as Jira Cloud's JSON: users, issues and their fields, links,
histories and comments (with the visibility rules of what a caller may see)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from worker.sandbox.app import Request
from worker.sandbox.jira.params import split_list
from worker.sandbox.jira.state import (
    ALL_FIELDS,
    API,
    LINK_TYPES,
    SEARCH_CHANGELOG_LIMIT,
    SEARCH_COMMENT_LIMIT,
    SiteState,
)
from worker.sandbox.model import (
    CATEGORY_INFO,
    RESOLUTION_ID,
    STATUS_CATEGORY,
    STATUS_ID,
    CommentRecord,
    History,
    IssueRecord,
    IssueState,
    Project,
    User,
    jira_time,
)


def user_json(site: SiteState, req: Request, user: User, *, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "self": f"{base_url(req)}{API}/user?accountId={user.account_id}",
        "accountId": user.account_id,
        "accountType": "atlassian",
        "displayName": user.display_name,
        "active": user.active,
        "timeZone": "UTC",
        "avatarUrls": _avatars(user.account_id),
    }
    if full and user.email and req.user is not None and req.user.account_id == user.account_id:
        out["emailAddress"] = user.email
    if full:
        out["locale"] = "en_US"
    return out


def user_ref(site: SiteState, req: Request, account_id: str | None) -> dict[str, Any] | None:
    if account_id is None:
        return None
    user = site._users.get(account_id) or User(account_id, account_id, active=False)
    return user_json(site, req, user, full=False)


def issue_json(
    site: SiteState,
    req: Request,
    rec: IssueRecord,
    state: IssueState,
    fields: Sequence[str],
    prop_keys: Sequence[str],
    expand: set[str],
    *,
    search: bool,
) -> dict[str, Any]:
    wanted = _wanted_fields(fields)
    out: dict[str, Any] = {"id": str(state.id)}
    if wanted or set(fields) - {"id"}:
        base = base_url(req)
        out = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": str(state.id),
            "self": f"{base}{API}/issue/{state.id}",
            "key": state.key,
        }
        out["fields"] = {name: field_json(site, req, rec, state, name, search) for name in wanted}
    if prop_keys:
        # search takes up to five keys by name; GET issue also takes ``*all`` and ``-key``
        out["properties"] = (
            {k: state.properties[k] for k in prop_keys if k in state.properties}
            if search
            else selected_properties(state.properties, prop_keys)
        )
    if "changelog" in expand:
        histories = rec.histories[: state.n_histories]
        limit = SEARCH_CHANGELOG_LIMIT if search else 100
        newest = list(reversed(histories))[:limit]
        out["changelog"] = {
            "startAt": 0,
            "maxResults": len(newest),
            "total": len(histories),
            "histories": [history_json(site, req, h) for h in newest],
        }
    return out


def selected_properties(props: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """The issue properties a ``properties`` parameter asks for, as the spec of GET issue describes
    it: ``*all`` for every property, a key for that one, a key prefixed with ``-`` excluded
    (``*all,-prop1``: every property but ``prop1``)."""
    excluded = {k[1:] for k in keys if k.startswith("-")}
    if "*all" in keys:
        names: Sequence[str] = list(props)
    else:
        names = [k for k in keys if not k.startswith("-")]
    return {k: props[k] for k in names if k in props and k not in excluded}


def field_json(
    site: SiteState, req: Request, rec: IssueRecord, s: IssueState, name: str, search: bool
) -> Any:
    base = base_url(req)
    match name:
        case "summary":
            return s.summary
        case "issuetype":
            proj = site._projects[s.project]
            idx = (
                proj.issue_types.index(s.issue_type) + 1 if s.issue_type in proj.issue_types else 0
            )
            return {
                "self": f"{base}{API}/issuetype/{idx}",
                "id": str(idx),
                "name": s.issue_type,
                "subtask": False,
            }
        case "project":
            return project_json(base, site._projects[s.project])
        case "labels":
            return list(s.labels)
        case "components":
            return [{"name": c} for c in s.components]
        case "assignee":
            return user_ref(site, req, s.assignee)
        case "reporter":
            return user_ref(site, req, s.reporter)
        case "status":
            cat = STATUS_CATEGORY[s.status]
            cat_id, cat_name, colour = CATEGORY_INFO[cat]
            return {
                "self": f"{base}{API}/status/{STATUS_ID[s.status]}",
                "description": "",
                "iconUrl": "",
                "name": s.status,
                "id": STATUS_ID[s.status],
                "statusCategory": {
                    "self": f"{base}{API}/statuscategory/{cat_id}",
                    "id": cat_id,
                    "key": cat,
                    "colorName": colour,
                    "name": cat_name,
                },
            }
        case "resolution":
            if s.resolution is None:
                return None
            return {
                "self": f"{base}{API}/resolution/{RESOLUTION_ID[s.resolution]}",
                "id": RESOLUTION_ID[s.resolution],
                "description": "",
                "name": s.resolution,
            }
        case "resolutiondate":
            return jira_time(s.resolutiondate)
        case "created":
            return jira_time(s.created)
        case "updated":
            return jira_time(s.updated)
        case "description":
            return s.description
        case "customfield_10020":
            return [dict(s.sprint)] if s.sprint else None
        case "watches":
            return {
                "self": f"{base}{API}/issue/{s.key}/watchers",
                "watchCount": len(rec.watchers),
                "isWatching": bool(req.user and req.user.account_id in rec.watchers),
            }
        case "issuelinks":
            return links_json(site, req, s)
        case "comment":
            visible = [c for c in rec.comments[: s.n_comments] if comment_visible(req, c)]
            shown = visible[-SEARCH_COMMENT_LIMIT:] if search else visible
            return {
                "comments": [comment_json(site, req, s, c, False) for c in shown],
                "self": f"{base}{API}/issue/{s.id}/comment",
                "maxResults": len(shown),
                "total": len(visible),
                "startAt": len(visible) - len(shown),
            }
    if name.startswith("customfield_"):
        return site._custom.get(s.id, {}).get(name)
    return None


def links_json(site: SiteState, req: Request, s: IssueState) -> list[dict[str, Any]]:
    """The issue's links as Jira shows them: the other issue under ``inwardIssue``/``outwardIssue``."""
    base = base_url(req)
    out: list[dict[str, Any]] = []
    for link_id, type_name, out_id, in_id in site._links:
        if s.id not in (out_id, in_id):
            continue
        inward, outward = LINK_TYPES[type_name]
        other_id, side = (in_id, "outwardIssue") if s.id == out_id else (out_id, "inwardIssue")
        other = site._issues[other_id]
        if not other.visible_to(req.user.account_id if req.user else None):
            continue
        o = other.current
        out.append(
            {
                "id": link_id,
                "self": f"{base}{API}/issueLink/{link_id}",
                "type": {
                    "id": str(list(LINK_TYPES).index(type_name) + 10_000),
                    "name": type_name,
                    "inward": inward,
                    "outward": outward,
                    "self": f"{base}{API}/issueLinkType/{type_name}",
                },
                side: {
                    "id": str(o.id),
                    "key": o.key,
                    "self": f"{base}{API}/issue/{o.id}",
                    "fields": {
                        "summary": o.summary,
                        "status": {"name": o.status, "id": STATUS_ID[o.status]},
                        "issuetype": {"name": o.issue_type},
                    },
                },
            }
        )
    return out


def history_json(site: SiteState, req: Request, h: History) -> dict[str, Any]:
    out: dict[str, Any] = {"id": h.id, "created": jira_time(h.created), "items": []}
    if h.author is not None:
        out["author"] = user_ref(site, req, h.author)
    for i in h.items:
        out["items"].append(
            {
                "field": i.field,
                "fieldtype": i.fieldtype,
                "fieldId": i.field_id,
                "from": i.from_,
                "fromString": i.from_string,
                "to": i.to,
                "toString": i.to_string,
            }
        )
    return out


def comment_json(
    site: SiteState, req: Request, s: IssueState, c: CommentRecord, with_props: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "self": f"{base_url(req)}{API}/issue/{s.id}/comment/{c.id}",
        "id": c.id,
        "author": user_ref(site, req, c.author),
        "body": c.body,
        "updateAuthor": user_ref(site, req, c.author),
        "created": jira_time(c.created),
        "updated": jira_time(c.updated),
        "jsdPublic": True,
    }
    if c.visibility:
        out["visibility"] = dict(c.visibility)
    if with_props:
        out["properties"] = [{"key": k, "value": v} for k, v in c.properties.items()]
    return out


def comment_visible(req: Request, c: CommentRecord) -> bool:
    vis = c.visibility
    if not vis or vis.get("type") != "group":
        return True
    group = vis.get("value") or vis.get("identifier")
    return bool(req.user and (group in req.user.groups or req.user.account_id == c.author))


def _avatars(account_id: str) -> dict[str, str]:
    url = f"https://avatar.sandbox.invalid/{account_id}"
    return {
        "16x16": f"{url}?s=16",
        "24x24": f"{url}?s=24",
        "32x32": f"{url}?s=32",
        "48x48": f"{url}?s=48",
    }


def base_url(req: Request) -> str:
    host = req.headers.get("host") or req.headers.get("Host") or "127.0.0.1"
    return f"http://{host}"


def _wanted_fields(fields: Sequence[str]) -> list[str]:
    names = split_list(fields)
    chosen: list[str] = []
    if "*all" in names or "*navigable" in names:
        chosen = [
            f
            for f in ALL_FIELDS
            if not (f == "comment" and "*navigable" in names and "*all" not in names)
        ]
    for name in names:
        if (name in ALL_FIELDS or name.startswith("customfield_")) and name not in chosen:
            chosen.append(name)
    excluded = {n[1:] for n in names if n.startswith("-")}
    return [f for f in chosen if f not in excluded]


def project_json(base: str, proj: Project) -> dict[str, Any]:
    """A project as an issue's ``project`` field shows it (``GET /project`` adds to it)."""
    return {
        "self": f"{base}{API}/project/{proj.id}",
        "id": str(proj.id),
        "key": proj.key,
        "name": proj.name,
        "projectTypeKey": "software",
        "simplified": False,
    }

"""``/search/jql`` (paged by an opaque token that pins the index snapshot) and the removed
``/search``; the JQL is parsed and evaluated by :mod:`worker.sandbox.jql`."""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from worker.sandbox import jql
from worker.sandbox.app import Request, Response, error
from worker.sandbox.jira.params import int_arg, int_value, split_list
from worker.sandbox.jira.render import issue_json
from worker.sandbox.jira.state import (
    SiteState,
)
from worker.sandbox.model import (
    IssueState,
)


def gone(site: SiteState, req: Request, _: re.Match[str]) -> Response:
    return error(
        410,
        "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
        "A full migration guideline is available at "
        "https://developer.atlassian.com/changelog/#CHANGE-2046",
    )


def get_search(site: SiteState, req: Request, _: re.Match[str]) -> Response:
    params: dict[str, Any] = {"jql": req.arg("jql", "")}
    if req.arg("nextPageToken"):
        params["nextPageToken"] = req.arg("nextPageToken")
    if req.arg("maxResults"):
        params["maxResults"] = int_arg(req, "maxResults", 50)
    if "fields" in req.query:
        params["fields"] = req.args("fields")
    if "properties" in req.query:
        params["properties"] = req.args("properties")
    if "reconcileIssues" in req.query:
        params["reconcileIssues"] = [
            int_value(v, "reconcileIssues") for v in req.args("reconcileIssues")
        ]
    if req.arg("expand"):
        params["expand"] = req.arg("expand")
    return _search(site, req, params)


def post_search(site: SiteState, req: Request, _: re.Match[str]) -> Response:
    body = req.json()
    if not isinstance(body, dict):
        return error(400, "The request body must be a JSON object.")
    return _search(site, req, body)


def _search(site: SiteState, req: Request, params: Mapping[str, Any]) -> Response:
    fields = split_list(params.get("fields") or ["id"])
    prop_keys = split_list(params.get("properties") or [])
    if len(prop_keys) > 5:
        return error(400, "A maximum of 5 issue property keys can be specified.")
    reconcile = params.get("reconcileIssues") or []
    if len(reconcile) > 50:
        return error(400, "The number of issues to reconcile cannot exceed 50.")
    reconcile_ids = {int(v) for v in reconcile}
    id_only = set(fields) <= {"id", "key"}
    cap = 5000 if id_only else 100
    max_results = params.get("maxResults", 50)
    if not isinstance(max_results, int) or max_results < 0:
        return error(400, "maxResults must be a non-negative integer.")
    max_results = min(max_results, cap)
    jql_text = params.get("jql") or ""
    expand = {e.strip() for e in str(params.get("expand") or "").split(",") if e.strip()}
    try:
        query = jql.parse(jql_text)
    except jql.JqlError as exc:
        return error(400, str(exc))
    digest = zlib.crc32(jql_text.encode("utf-8"))
    token = params.get("nextPageToken")
    if token:
        decoded = decode_token(token)
        if decoded is None or decoded[3] != digest:
            return error(400, "The provided next page token is invalid or expired.")
        offset, seq, cutoff, _ = decoded
    else:
        offset, seq, cutoff = 0, site._seq, site.clock.now() - site.staleness
        if site.staleness <= timedelta(0):  # no lag: even writes seeded "in the future" are indexed
            cutoff = max(cutoff, site._latest_write)
    ctx = _eval_context(site, req)
    try:
        predicate = jql.compile_query(query, ctx)
    except jql.JqlError as exc:
        return error(400, str(exc))
    account = req.user.account_id if req.user else None
    # The token pins the snapshot (seq, cutoff), so every page of one search sees the same result:
    # it is computed once and kept, like a real search index would serve later pages cheaply.
    cache_key = (digest, seq, cutoff, account, frozenset(reconcile_ids))
    cached = (
        site._search_cache.get(cache_key) if token else None
    )  # a new search is always evaluated
    if cached is not None:
        matches = cached
    else:
        matches = []
        # Fast path: no lag and no write since the snapshot was taken -> the index is current.
        fresh = seq == site._seq and cutoff >= site._latest_write
        for rec in site._issues.values():
            if not rec.visible_to(account):
                continue
            if fresh or rec.versions[0][2].id in reconcile_ids:
                state: IssueState | None = rec.current
            else:
                state = rec.as_of(seq, cutoff)
            if state is not None and predicate(state):
                matches.append((rec, state))
        if query.order_by:
            by_state = {id(s): (r, s) for r, s in matches}
            ordered = jql.sort_issues([s for _, s in matches], query.order_by)
            matches = [by_state[id(s)] for s in ordered]
        site._search_cache[cache_key] = matches
        while len(site._search_cache) > 8:
            site._search_cache.pop(next(iter(site._search_cache)))
    page = matches[offset : offset + max_results]
    more = offset + max_results < len(matches)
    result: dict[str, Any] = {
        "issues": [
            issue_json(site, req, rec, state, fields, prop_keys, expand, search=True)
            for rec, state in page
        ],
        "isLast": not more,
    }
    if more:
        result["nextPageToken"] = encode_token(offset + max_results, seq, cutoff, digest)
    return Response(200, result)


def _eval_context(site: SiteState, req: Request) -> jql.EvalContext:
    def project_alias(value: str) -> str | None:
        if value.upper() in site._projects:
            return value.upper()
        for p in site._projects.values():
            if p.name.lower() == value.lower() or str(p.id) == value:
                return p.key
        return None

    def user_alias(value: str) -> str | None:
        if value in site._users:
            return value
        by_mail = site._by_email.get(value.lower())
        return by_mail.account_id if by_mail else value

    def key_alias(value: str) -> str | None:
        rec = site._lookup(value)  # a deleted issue's key no longer exists for JQL
        return rec.current.key if rec is not None and not rec.deleted else None

    return jql.EvalContext(
        site.clock.now(),
        req.user.account_id if req.user else None,
        project_alias,
        user_alias,
        key_alias,
    )


def encode_token(offset: int, seq: int, cutoff: datetime, digest: int) -> str:
    raw = json.dumps(
        {"o": offset, "s": seq, "t": cutoff.isoformat(), "q": digest}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_token(token: str) -> tuple[int, int, datetime, int] | None:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        return int(data["o"]), int(data["s"]), datetime.fromisoformat(data["t"]), int(data["q"])
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        return None

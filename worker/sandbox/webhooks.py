"""Admin webhooks of the sandbox site, delivered the way Jira Cloud delivers them.

A registered webhook (URL, secret, events, projects) gets a POST for each matching issue or comment
event, with the payload shape Atlassian documents (``timestamp``, ``webhookEvent``,
``issue_event_type_name``, ``user``, ``issue``, ``changelog`` or ``comment``) and these headers:

* ``X-Atlassian-Webhook-Identifier``: one id per delivery, the same on its retries;
* ``X-Hub-Signature: sha256=<hex>``: HMAC-SHA256 of the raw body with the webhook's secret.

Deliveries leave in order from one background thread, after the site's lock is released; a
delivery answered with 5xx or not answered at all is retried (as Jira does) a few times with the
same identifier. Tests can :meth:`~Webhooks.replay` a delivery byte for byte, or hold and release
delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from worker.sandbox import adf
from worker.sandbox.jira import JiraSite
from worker.sandbox.model import IssueState, jira_time

EVENT_TYPE_NAMES = {
    "jira:issue_created": "issue_created",
    "jira:issue_updated": "issue_generic",
    "comment_created": "issue_commented",
}


@dataclass(frozen=True)
class Delivery:
    identifier: str
    url: str
    event: str
    issue_key: str
    body: bytes
    headers: Mapping[str, str]


@dataclass
class Attempt:
    identifier: str
    status: int | None  # None: no answer (connection refused, timeout)


@dataclass
class Webhooks:
    """Webhook registrations of one site and their delivery thread."""

    site: JiraSite
    base_url: str = "https://sandbox.atlassian.net"
    max_attempts: int = 5
    retry_wait_s: float = 0.1  # doubled after each failed attempt (Jira backs off too)
    timeout_s: float = 5.0
    registrations: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Delivery] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._session = requests.Session()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()
        self.site.listeners.append(self._on_event)

    # --- registration ------------------------------------------------------------------------

    def register(
        self,
        url: str,
        secret: str | None,
        *,
        events: Sequence[str] = ("jira:issue_created", "jira:issue_updated", "comment_created"),
        projects: Sequence[str] = (),
    ) -> None:
        """Like an admin's registration (Settings > System > WebHooks) with a secret and a JQL on projects."""
        self.registrations.append(
            {"url": url, "secret": secret, "events": tuple(events), "projects": tuple(projects)}
        )

    def close(self) -> None:
        if self._on_event in self.site.listeners:
            self.site.listeners.remove(self._on_event)
        self._queue.put(None)
        self._thread.join(timeout=5)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every delivery so far has been answered (or given up)."""
        return self._idle.wait(timeout)

    def replay(self, delivery: Delivery) -> int | None:
        """Send a delivery again, byte for byte (what an attacker who recorded it could do)."""
        return self._post(delivery)

    # --- payloads ----------------------------------------------------------------------------

    def _on_event(self, event: str, state: IssueState, extra: Mapping[str, Any]) -> None:
        for reg in self.registrations:
            if event not in reg["events"]:
                continue
            if reg["projects"] and state.project not in reg["projects"]:
                continue
            body = json.dumps(self.payload(event, state, extra), separators=(",", ":")).encode()
            identifier = str(uuid.uuid4())
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Atlassian Webhook HTTP Client",
                "X-Atlassian-Webhook-Identifier": identifier,
            }
            if reg["secret"]:
                digest = hmac.new(reg["secret"].encode(), body, hashlib.sha256).hexdigest()
                headers["X-Hub-Signature"] = f"sha256={digest}"
            with self._lock:
                self._pending += 1
                self._idle.clear()
            self._queue.put(Delivery(identifier, reg["url"], event, state.key, body, headers))

    def _user(self, account_id: str | None) -> dict[str, Any] | None:
        if account_id is None:
            return None
        user = self.site.user(account_id)
        return {
            "self": f"{self.base_url}/rest/api/2/user?accountId={account_id}",
            "accountId": account_id,
            "displayName": user.display_name if user else account_id,
            "active": user.active if user else False,
            "accountType": "atlassian",
            "timeZone": "UTC",
        }

    def payload(self, event: str, state: IssueState, extra: Mapping[str, Any]) -> dict[str, Any]:
        now = self.site.clock.now()
        issue = {
            "id": str(state.id),
            "self": f"{self.base_url}/rest/api/2/{state.id}",
            "key": state.key,
            "fields": {
                "summary": state.summary,
                "labels": list(state.labels),
                "project": {"key": state.project},
                "issuetype": {"name": state.issue_type},
                "status": {"name": state.status},
                "assignee": self._user(state.assignee),
                "reporter": self._user(state.reporter),
                "created": jira_time(state.created),
                "updated": jira_time(state.updated),
            },
        }
        out: dict[str, Any] = {
            "timestamp": int(now.timestamp() * 1000),
            "webhookEvent": event,
            "user": self._user(extra.get("user")),
            "issue": issue,
        }
        if event in EVENT_TYPE_NAMES:
            out["issue_event_type_name"] = EVENT_TYPE_NAMES[event]
        history = extra.get("history")
        if history is not None:
            out["changelog"] = {
                "id": history.id,
                "items": [
                    {
                        "field": item.field,
                        "fieldtype": item.fieldtype,
                        "fieldId": item.field_id,
                        "from": item.from_,
                        "fromString": item.from_string,
                        "to": item.to,
                        "toString": item.to_string,
                    }
                    for item in history.items
                ],
            }
        comment = extra.get("comment")
        if comment is not None:
            out["comment"] = {
                "self": f"{self.base_url}/rest/api/2/issue/{state.id}/comment/{comment.id}",
                "id": comment.id,
                "author": self._user(comment.author),
                "body": adf.plain_text(comment.body),
                "updateAuthor": self._user(comment.author),
                "created": jira_time(comment.created),
                "updated": jira_time(comment.updated),
                "jsdPublic": True,
            }
        return out

    # --- delivery ----------------------------------------------------------------------------

    def _post(self, delivery: Delivery) -> int | None:
        try:
            response = self._session.post(
                delivery.url,
                data=delivery.body,
                headers=dict(delivery.headers),
                timeout=self.timeout_s,
            )
            status: int | None = response.status_code
        except requests.RequestException:
            status = None
        self.attempts.append(Attempt(delivery.identifier, status))
        return status

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            if delivery is None:
                return
            try:
                wait = self.retry_wait_s
                for _ in range(self.max_attempts):
                    status = self._post(delivery)
                    if status is not None and status < 500:
                        break
                    time.sleep(wait)
                    wait *= 2
                self.sent.append(delivery)
            finally:
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()

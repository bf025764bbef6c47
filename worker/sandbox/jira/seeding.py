"""The seeding API: what tests, the demo and ``/_sandbox/seed`` do to a site without HTTP
(users, projects, issues and every change people make to them, each recorded as Jira would)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from worker.sandbox import adf
from worker.sandbox.jira.state import (
    LINK_TYPES,
    SPRINT_FIELD,
    SiteState,
)
from worker.sandbox.model import (
    RESOLUTION_ID,
    STATUS_CATEGORY,
    STATUS_ID,
    ChangeItem,
    CommentRecord,
    IssueRecord,
    IssueState,
    Project,
    User,
)

_MISSING = object()


class SeededSite(SiteState):
    """A site state with the seeding API."""

    def add_user(
        self,
        account_id: str,
        display_name: str,
        *,
        email: str | None = None,
        active: bool = True,
        api_token: str | None = None,
        groups: Sequence[str] = (),
    ) -> None:
        """Create or replace a user.  Only users with both ``email`` and ``api_token`` can log in."""
        user = User(account_id, display_name, email, active, api_token, tuple(groups))
        with self._lock:
            old = self._users.get(account_id)
            if old is not None and old.email:
                self._by_email.pop(old.email.lower(), None)
            self._users[account_id] = user
            if email:
                self._by_email[email.lower()] = user

    def set_user_active(self, account_id: str, active: bool) -> None:
        with self._lock:
            self._users[account_id] = replace(self._users[account_id], active=active)
            user = self._users[account_id]
            if user.email:
                self._by_email[user.email.lower()] = user

    def add_project(
        self,
        key: str,
        name: str,
        *,
        components: Sequence[str] = (),
        issue_types: Sequence[str] = ("Bug", "Task", "Story", "Incident"),
    ) -> None:
        with self._lock:
            self._projects[key] = Project(
                self._next_project_id, key, name, tuple(components), tuple(issue_types)
            )
            self._next_project_id += 1
            self._project_seq.setdefault(key, 0)

    def revoke_permission(self, account_id: str, project: str, permission: str) -> None:
        """Take a project permission (``ASSIGN_ISSUES``, ``EDIT_ISSUES``…) away from an account.

        Only what ``GET /mypermissions`` reports changes; the write endpoints stay permissive."""
        with self._lock:
            self._revoked.add((project, account_id, permission))

    def set_assignable(self, project: str, account_ids: Sequence[str]) -> None:
        """Restrict who may be assigned issues of ``project`` (the *Assignable user* permission)."""
        with self._lock:
            self._assignable[project] = frozenset(account_ids)

    def remove_project(self, key: str) -> None:
        """An admin deletes the project (its issues go to the trash with it): from now on
        ``GET /project/{key}`` answers 404 and JQL naming it answers 400, as on Jira Cloud."""
        with self._lock:
            self._projects.pop(key, None)

    def create_issue(
        self,
        project: str,
        summary: str,
        *,
        reporter: str,
        issue_type: str = "Task",
        labels: Iterable[str] = (),
        components: Iterable[str] = (),
        description: str | dict[str, Any] | None = None,
        assignee: str | None = None,
        sprint_end: datetime | None = None,
        at: datetime | None = None,
    ) -> str:
        """Create an issue in status "To Do" and return its key (e.g. ``"SHOP-1"``)."""
        when = at or self.clock.now()
        with self._lock:
            proj = self._require_project(project)
            if issue_type not in proj.issue_types:
                raise ValueError(f"issue type {issue_type!r} is not in project {project}")
            self._project_seq[project] += 1
            key = f"{project}-{self._project_seq[project]}"
            issue_id = self._next_issue_id
            self._next_issue_id += 1
            doc = adf.text_doc(description) if isinstance(description, str) else description
            sprint = None
            if sprint_end is not None:
                start = sprint_end - timedelta(days=14)
                sprint = {
                    "id": 1,
                    "name": f"{project} Sprint 1",
                    "state": "active" if when < sprint_end else "closed",
                    "boardId": 1,
                    "goal": "",
                    "startDate": _iso_z(start),
                    "endDate": _iso_z(sprint_end),
                }
            state = IssueState(
                id=issue_id,
                key=key,
                project=project,
                summary=summary,
                issue_type=issue_type,
                labels=tuple(dict.fromkeys(labels)),
                components=tuple(components),
                description=doc,
                assignee=assignee,
                reporter=reporter,
                status="To Do",
                resolution=None,
                resolutiondate=None,
                created=when,
                updated=when,
                sprint=sprint,
                properties={},
                n_histories=0,
                n_comments=0,
            )
            self._seq += 1
            self._latest_write = max(self._latest_write, when)
            self._issues[issue_id] = IssueRecord(versions=[(self._seq, when, state)])
            self._keys[key] = issue_id
            self._emit("jira:issue_created", state, user=reporter)
            return key

    def add_labels(self, key: str, *labels: str, by: str, at: datetime | None = None) -> None:
        with self._lock:
            rec = self._record(key)
            old = rec.current.labels
            new = old + tuple(lab for lab in dict.fromkeys(labels) if lab not in old)
            self._set_labels(rec, new, by, at)

    def remove_labels(self, key: str, *labels: str, by: str, at: datetime | None = None) -> None:
        with self._lock:
            rec = self._record(key)
            self._set_labels(
                rec, tuple(lab for lab in rec.current.labels if lab not in labels), by, at
            )

    def set_assignee(
        self, key: str, account_id: str | None, *, by: str, at: datetime | None = None
    ) -> None:
        with self._lock:
            rec = self._record(key)
            old = rec.current.assignee
            if old == account_id:
                return
            item = ChangeItem(
                "assignee",
                "jira",
                "assignee",
                old,
                self._name(old),
                account_id,
                self._name(account_id),
            )
            self._change(rec, at, (item,), by, assignee=account_id)

    def transition(self, key: str, status: str, *, by: str, at: datetime | None = None) -> None:
        """Move to ``status`` ("To Do", "In Progress" or "Done"); Done sets resolution "Done"."""
        if status not in STATUS_CATEGORY:
            raise ValueError(
                f"unknown status {status!r}; the sandbox workflow has {list(STATUS_CATEGORY)}"
            )
        when = at or self.clock.now()
        with self._lock:
            rec = self._record(key)
            cur = rec.current
            if cur.status == status:
                return
            items = [
                ChangeItem(
                    "status",
                    "jira",
                    "status",
                    STATUS_ID[cur.status],
                    cur.status,
                    STATUS_ID[status],
                    status,
                )
            ]
            resolution, resolved_at = cur.resolution, cur.resolutiondate
            if status == "Done" and cur.resolution is None:
                resolution, resolved_at = "Done", when
                items.append(
                    ChangeItem(
                        "resolution",
                        "jira",
                        "resolution",
                        None,
                        None,
                        RESOLUTION_ID["Done"],
                        "Done",
                    )
                )
            elif status != "Done" and cur.resolution is not None:
                items.append(
                    ChangeItem(
                        "resolution",
                        "jira",
                        "resolution",
                        RESOLUTION_ID.get(cur.resolution),
                        cur.resolution,
                        None,
                        None,
                    )
                )
                resolution, resolved_at = None, None
            self._change(
                rec,
                when,
                tuple(items),
                by,
                status=status,
                resolution=resolution,
                resolutiondate=resolved_at,
            )

    def add_comment(
        self,
        key: str,
        author: str,
        text_or_adf: str | dict[str, Any],
        *,
        at: datetime | None = None,
        visibility: Mapping[str, Any] | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> str:
        """Add a comment (plain text is wrapped in ADF) and return its id."""
        when = at or self.clock.now()
        body = adf.text_doc(text_or_adf) if isinstance(text_or_adf, str) else text_or_adf
        with self._lock:
            rec = self._record(key)
            comment_id = str(self._next_comment_id)
            self._next_comment_id += 1
            rec.comments.append(
                CommentRecord(
                    comment_id,
                    author,
                    body,
                    when,
                    when,
                    dict(visibility) if visibility else None,
                    dict(properties or {}),
                )
            )
            self._write(rec, when, updated=when)
            self._emit("comment_created", rec.current, user=author, comment=rec.comments[-1])
            return comment_id

    def set_property(
        self, key: str, prop_key: str, value: Any, *, at: datetime | None = None
    ) -> bool:
        """Store an issue entity property; returns True when it was created."""
        with self._lock:
            rec = self._record(key)
            props = dict(rec.current.properties)
            created = prop_key not in props
            props[prop_key] = json.loads(json.dumps(value))
            when = at or self.clock.now()
            if self.property_write_updates:
                self._write(rec, when, properties=props, updated=when)
            else:
                self._write(rec, when, properties=props)
            return created

    def delete_property(self, key: str, prop_key: str) -> bool:
        with self._lock:
            rec = self._record(key)
            props = dict(rec.current.properties)
            if props.pop(prop_key, _MISSING) is _MISSING:
                return False
            self._write(rec, self.clock.now(), properties=props)
            return True

    def link_issues(self, outward_key: str, inward_key: str, link_type: str = "Blocks") -> str:
        """Link two issues (``outward_key`` *blocks* ``inward_key`` for "Blocks"); returns the link id.

        Links are not versioned: search sees them at once, as with deletions and restrictions.
        """
        if link_type not in LINK_TYPES:
            raise ValueError(f"unknown link type {link_type!r}; the sandbox has {list(LINK_TYPES)}")
        with self._lock:
            out_id, in_id = (
                self._record(outward_key).current.id,
                self._record(inward_key).current.id,
            )
            link_id = str(self._next_link_id)
            self._next_link_id += 1
            self._links.append((link_id, link_type, out_id, in_id))
            return link_id

    def set_custom_field(self, key: str, field_id: str, value: Any) -> None:
        """Give an issue a custom field value (any JSON: a string, ``{"value": ...}``, a list...).

        Not versioned, like links. Fields never set on an issue read as null.
        """
        if not field_id.startswith("customfield_") or field_id == SPRINT_FIELD:
            raise ValueError(f"{field_id!r} is not a free custom field id")
        with self._lock:
            rec = self._record(key)
            self._custom.setdefault(rec.current.id, {})[field_id] = json.loads(json.dumps(value))

    def add_watcher(self, key: str, account_id: str, *, at: datetime | None = None) -> None:
        with self._lock:
            rec = self._record(key)
            if account_id not in rec.watchers:
                rec.watchers.append(account_id)
            self._write(rec, at or self.clock.now(), watchers=tuple(rec.watchers))

    def remove_watcher(self, key: str, account_id: str) -> bool:
        with self._lock:
            rec = self._record(key)
            if account_id not in rec.watchers:
                return False
            rec.watchers.remove(account_id)
            self._write(rec, self.clock.now(), watchers=tuple(rec.watchers))
            return True

    def delete_issue(self, key: str) -> None:
        with self._lock:
            self._record(key).deleted = True

    def move_issue(self, key: str, new_project: str) -> str:
        """Move an issue to another project; its old key keeps resolving to it.  Returns the new key."""
        with self._lock:
            rec = self._record(key)
            self._require_project(new_project)
            self._project_seq[new_project] += 1
            new_key = f"{new_project}-{self._project_seq[new_project]}"
            old_key = rec.current.key
            when = self.clock.now()
            items = (
                ChangeItem("Key", "jira", "key", None, old_key, None, new_key),
                ChangeItem(
                    "project",
                    "jira",
                    "project",
                    str(self._projects[rec.current.project].id),
                    rec.current.project,
                    str(self._projects[new_project].id),
                    new_project,
                ),
            )
            self._change(rec, when, items, None, key=new_key, project=new_project)
            self._keys[new_key] = rec.current.id
            return new_key

    def restrict_issue(self, key: str, allowed_account_ids: Iterable[str] | None) -> None:
        """Only ``allowed_account_ids`` may see the issue (others get 404); ``None`` lifts it."""
        with self._lock:
            self._record(key).allowed = (
                None if allowed_account_ids is None else frozenset(allowed_account_ids)
            )


def _iso_z(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"

"""Escalation records the worker could not store, kept where ``check --online`` and ``explain`` find them.

When Jira refuses an issue's record (a 400 or 403 on the property ``PUT``, or a record still above
the 32 KB limit after its history moved out) nothing may go on that issue's own timeline -- the very
write that failed is the one that would carry it. So the refusal is noted in a small JSON value on the
worker's own account (a user property, like the storm counts), one entry per issue with the time and
the error, and removed once the issue's record is stored again. ``check --online`` turns each entry into
a finding and ``explain KEY`` prints the entry of its issue. The cycle reports a refusal once per
process (its first cycle), not on every poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from worker.cycle import site_state
from worker.jira.gateway import JiraGateway
from worker.jira.http import JiraError

MAX_ENTRIES = 200  # the newest kept: far below a property's 32 KB (an entry is ~400 bytes)


def property_key(record_key: str) -> str:
    return f"{record_key[:200]}.unstored"


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


class UnstoredBook:
    """The site-wide list of issues whose record could not be stored (read once, written if changed)."""

    def __init__(self, gateway: JiraGateway, account_id: str | None) -> None:
        self.gateway = gateway
        self.account_id = account_id
        self.key = property_key(gateway.property_key)
        self.entries: dict[str, dict[str, str]] = {}
        self._loaded = False
        self._dirty = False

    def load(self) -> dict[str, dict[str, str]]:
        if not self._loaded and self.account_id is not None:
            found = site_state.read(self.gateway, self.account_id, self.key) or {}
            issues = found.get("issues")
            if isinstance(issues, Mapping):
                self.entries = {
                    str(k): {
                        "at": str(v.get("at", "")),
                        "error": str(v.get("error", ""))[:300],
                        "state": str(v.get("state", "")),
                    }
                    for k, v in issues.items()
                    if isinstance(v, Mapping)
                }
            self._loaded = True
        return self.entries

    def note(self, issue: str, error: str, at: datetime, state: str) -> None:
        """``state``: the digest of the record stored at that moment; a later, different one means
        the record was stored since (by any process), and the entry no longer holds."""
        entries = self.load()
        old = entries.get(issue)
        if old is not None and old.get("error") == error[:300] and old.get("state") == state:
            return  # the first time it happened is what matters
        entries[issue] = {"at": _iso(at), "error": error[:300], "state": state}
        while len(entries) > MAX_ENTRIES:
            entries.pop(min(entries, key=lambda k: entries[k]["at"]))
        self._dirty = True

    def clear(self, issue: str) -> None:
        if issue in self.load():
            del self.entries[issue]
            self._dirty = True

    def save(self) -> None:
        if not self._dirty or self.account_id is None:
            return
        value: dict[str, Any] = {"schema": 1, "issues": self.entries}
        site_state.write(self.gateway, self.account_id, self.key, value)
        self._dirty = False


def still_unstored(
    gateway: JiraGateway, account_id: str | None
) -> list[tuple[str, dict[str, str]]]:
    """The entries whose issue still holds the record it held when the refusal was noted (one read
    per entry); entries the record has moved on from since are left out."""
    from worker.cycle.claims import digest
    from worker.jira.stored_record import read_record

    out = []
    for issue, entry in sorted(UnstoredBook(gateway, account_id).load().items()):
        try:
            value = gateway.record_value(issue)
        except JiraError:
            value = None
        if digest(read_record(value)[0]) == entry.get("state"):
            out.append((issue, entry))
    return out


def fix_for(error: str) -> str:
    """What a person can do about a record Jira refuses."""
    if "403" in error:
        return "grant Edit Issues to the worker account in the issue's project (records are issue properties)"
    return (
        "run explain on the issue to see its record; if it is too large or refused as invalid, "
        "please report it with that output"
    )

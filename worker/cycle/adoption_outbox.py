"""The adoption owner messages, with the same crash safety as every other notification.

Before the records of a batch of adoptions are written, each owner's *pending* entry gains the
keys they now own (a user property of the worker's account per owner, listed in the adoption
property's ``outbox``). At the end of the cycle every pending entry becomes *intent* before its
message is sent and *sent* after. So after a crash:

* between the records and the messages: the entries are still pending, and the next live cycle
  sends them (from the stored keys and severities; the summaries of a crashed cycle are gone);
* between intent and sent: the message may or may not have gone out; the entry is *abandoned* with
  a warning naming the owner and the keys, never sent twice;
* before the entries were written: the records were not written either, and the next cycle adopts
  those issues again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import structlog

from worker.core.actions import Notify
from worker.core.adoption import Adopted, by_owner, owner_messages
from worker.core.rules import Rules
from worker.core.wording import Voice
from worker.cycle import site_state
from worker.jira.gateway import JiraGateway

log = structlog.get_logger("worker.adoption")
INDEX_KEY = "escalation-worker.adoption"  # its "outbox": the owners with an open entry
ENTRY_PREFIX = "escalation-worker.adoption.outbox."
KEEP_FINAL = 3  # settled entries kept per owner, for the record


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def entry_key(owner: str) -> str:
    return ENTRY_PREFIX + hashlib.sha256(owner.encode()).hexdigest()[:20]


class AdoptionOutbox:
    def __init__(self, gateway: JiraGateway, account_id: str) -> None:
        self.gateway = gateway
        self.account_id = account_id

    def _read(self, key: str) -> dict[str, Any]:
        return site_state.read(self.gateway, self.account_id, key) or {}

    def _write(self, key: str, value: dict[str, Any]) -> None:
        site_state.write(self.gateway, self.account_id, key, value)

    def note(self, items: Sequence[Adopted], since: datetime) -> None:
        """Before these adoptions' records are written: their keys join each owner's pending entry."""
        owners = [o for o in by_owner(items) if o is not None]
        if not owners:
            return
        index = self._read(INDEX_KEY)
        listed = [str(x) for x in index.get("outbox") or ()]
        if any(o not in listed for o in owners):
            index["outbox"] = listed + [o for o in owners if o not in listed]
            self._write(INDEX_KEY, index)
        for owner, mine in by_owner(items).items():
            if owner is None:
                continue
            value = self._read(entry_key(owner))
            entries: list[dict[str, Any]] = list(value.get("entries") or [])
            open_ = next(
                (
                    e
                    for e in entries
                    if e.get("status") == "pending" and e.get("since") == _iso(since)
                ),
                None,
            )
            if open_ is None:
                open_ = {
                    "id": f"adopt:{_iso(since)}:{owner}:{len(entries) + 1}",
                    "since": _iso(since),
                    "status": "pending",
                    "items": [],
                }
                entries.append(open_)
            have = {k for k, _ in open_["items"]}
            open_["items"] += [[a.key, a.severity] for a in mine if a.key not in have]
            self._write(entry_key(owner), {"schema": 1, "owner": owner, "entries": entries})

    def adopted(self) -> dict[str, list[tuple[str, str]]]:
        """Every owner's adopted escalations still on the site (key, severity), any status: what
        the page's optional "Adopted escalations" section lists."""
        out: dict[str, list[tuple[str, str]]] = {}
        owners = [str(x) for x in self._read(INDEX_KEY).get("outbox") or ()]
        owners += [str(x) for x in self._read(INDEX_KEY).get("told") or () if x not in owners]
        for owner in owners:
            for entry in self._read(entry_key(owner)).get("entries") or ():
                out.setdefault(owner, []).extend(
                    (str(k), str(v)) for k, v in entry.get("items") or ()
                )
        return out

    def deliver(
        self,
        rules: Rules,
        voice: Voice,
        known: Sequence[Adopted],
        now: datetime,
        *,
        admit: Callable[[Notify], bool],
        send: Callable[[Notify], bool],
    ) -> int:
        """Send every pending entry once (intent, send, sent); abandon the ones a crash left in
        intent. Returns the number of messages sent."""
        index = self._read(INDEX_KEY)
        owners = [str(x) for x in index.get("outbox") or ()]
        by_key = {a.key: a for a in known}
        sent, still_open = 0, []
        for owner in owners:
            value = self._read(entry_key(owner))
            entries: list[dict[str, Any]] = list(value.get("entries") or [])
            for entry in entries:
                if entry.get("status") == "intent":
                    self._settle(owner, entries, entry, "abandoned", now)
                    log.warning(
                        "adoption_message_abandoned",
                        owner=owner,
                        keys=[k for k, _ in entry.get("items") or ()],
                        hint="a stop or crash came while it was being sent: it may or may not "
                        "have reached them, and it is not sent again",
                    )
                elif entry.get("status") == "pending":
                    message = self._message(rules, voice, owner, entry, by_key)
                    if message is None:
                        self._settle(owner, entries, entry, "abandoned", now)
                        continue
                    if not admit(message):  # folded: the storm digest lists it
                        self._settle(owner, entries, entry, "digest", now)
                        continue
                    self._settle(owner, entries, entry, "intent", now)
                    ok = send(message)
                    self._settle(owner, entries, entry, "sent" if ok else "pending", now)
                    sent += ok
            if any(e.get("status") in ("pending", "intent") for e in entries):
                still_open.append(owner)
        if still_open != owners:
            told = [str(x) for x in index.get("told") or ()]
            index["told"] = told + [o for o in owners if o not in still_open and o not in told]
            index["outbox"] = still_open
            self._write(INDEX_KEY, index)
        return sent

    def _message(
        self,
        rules: Rules,
        voice: Voice,
        owner: str,
        entry: dict[str, Any],
        by_key: dict[str, Adopted],
    ) -> Notify | None:
        items = [
            by_key.get(str(k)) or Adopted(str(k), owner, str(sev), "", None, False)
            for k, sev in entry.get("items") or ()
            if str(sev) in rules.severities
        ]
        since = datetime.fromisoformat(str(entry.get("since")).replace("Z", "+00:00"))
        found = owner_messages(rules, voice, [replace(a, owner=owner) for a in items], since)
        return replace(found[0], id=str(entry["id"])) if found else None

    def _settle(
        self,
        owner: str,
        entries: list[dict[str, Any]],
        entry: dict[str, Any],
        status: str,
        now: datetime,
    ) -> None:
        entry["status"] = status
        entry["at"] = _iso(now)
        final = [e for e in entries if e.get("status") not in ("pending", "intent")]
        keep = (
            [e for e in entries if e not in final[:-KEEP_FINAL]]
            if len(final) > KEEP_FINAL
            else entries
        )
        entries[:] = keep
        self._write(entry_key(owner), {"schema": 1, "owner": owner, "entries": entries})

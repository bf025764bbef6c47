"""Claims: which worker process may apply the next change of an issue's record.

The primitive is Jira's create-if-absent on an issue entity property: ``PUT
/issue/{key}/properties/{slot}`` answers **201** when it created the property and **200** when it
replaced one. Each state of an escalation record has its own *slot* key, derived from a digest of
the record as stored; whoever creates the slot of the state it read is the one process allowed to
move the record on from that state. A slot is never won twice, so no waiting is involved: a slow,
paused or delayed competitor finds the slot taken (200) or the record changed, whatever its speed.

Leases (how long a claim of a silent process is honoured) are measured in Jira's time, read from
the ``Date`` header of its answers, never on the host's clock. See docs/design.md for the whole
protocol, the assumptions it rests on and what happens when they fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from worker.core.record import Record, to_json

CLAIM_KIND = "escalation-worker/claim"
SLOT_SCAN = 3  # slots of one state read inline with the fresh read (g = 0, 1, 2)
HOST = socket.gethostname()

_LIVE: set[str] = set()  # claim tokens of the cycles running in this process right now
_LIVE_LOCK = threading.Lock()


def mark_live(token: str, live: bool) -> None:
    """A cycle announces that it is running (or finished), for claims made by this very process."""
    with _LIVE_LOCK:
        (_LIVE.add if live else _LIVE.discard)(token)


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _start_ticks(pid: int) -> str:
    """The start time of a process in clock ticks since boot ("" when unknown): tells a reused pid apart."""
    stat = _read(f"/proc/{pid}/stat")
    try:
        return stat.rsplit(")", 1)[1].split()[19]
    except IndexError:
        return ""


def _pid_namespace() -> str:
    with contextlib.suppress(OSError):
        return os.readlink("/proc/self/ns/pid")
    return ""


def machine_id() -> str:
    """Kernel boot id + pid namespace: two processes with the same value can see each other's pids.

    Containers that share a hostname but not a kernel, or a kernel but not a pid namespace, get
    different values, so a process id is only ever interpreted where it means the same process.
    Empty when the system does not tell (then no claim is judged by its process id).
    """
    boot, ns = _read("/proc/sys/kernel/random/boot_id"), _pid_namespace()
    if not boot or not ns:
        return ""
    return hashlib.sha256(f"{boot}/{ns}".encode()).hexdigest()[:12]


MACHINE = machine_id()


def new_claim_token() -> str:
    """``host:pid:random:machine.start`` — who claims, so that others can tell a live claim from a dead one."""
    pid = os.getpid()
    return f"{HOST}:{pid}:{uuid.uuid4().hex[:8]}:{MACHINE}.{_start_ticks(pid)}"


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine is running (a zombie — killed, not yet reaped — counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = _read(f"/proc/{pid}/stat")
    try:
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except IndexError:
        return True


def process_gone(token: str) -> bool:
    """True only when ``token``'s process is known to have ended: a claim of this very process whose
    cycle is over, or of a process of the same kernel and pid namespace that no longer runs (or whose
    pid now belongs to a younger process). Unknown -> False, and the lease decides."""
    parts = token.split(":")
    if len(parts) != 4 or not parts[1].isdigit():
        return False  # a token of an older worker, or foreign: no shortcut
    pid = int(parts[1])
    machine, _, start = parts[3].partition(".")
    if not MACHINE or machine != MACHINE:
        return False
    if pid == os.getpid():
        with _LIVE_LOCK:
            return token not in _LIVE
    if not pid_alive(pid):
        return True
    return bool(start) and _start_ticks(pid) not in ("", start)


def claim_live(
    token: str | None, at: datetime | None, own: str, server_now: datetime, lease: timedelta
) -> bool:
    """Is a claim made by ``token`` at ``at`` (Jira time) still to be respected by process ``own``?

    A slot whose holder is unknown (``token`` None: a loser's confession, see ``confession``) is
    respected for the lease like any other.
    """
    if token == own or at is None:
        return False
    if token and process_gone(token):
        return False  # known to have ended: no need to wait for the lease
    return server_now - at < lease


# --- slots -----------------------------------------------------------------------------------


def digest(record: Record | None) -> str:
    """A short digest of a record as stored (``none`` when there is none): names its claim slots."""
    if record is None:
        return "none"
    return digest_json(to_json(record))


def digest_json(value: Mapping[str, Any]) -> str:
    raw = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def slot_key(property_key: str, state: str, generation: int = 0) -> str:
    """``<property_key>.claim.<digest>[.<g>]`` (within Jira's 255 characters for any property key)."""
    key = f"{property_key[:200]}.claim.{state}"
    return f"{key}.{generation}" if generation else key


@dataclass(frozen=True)
class Slot:
    """A claim slot as read: who created it (the last writer, strictly), when (Jira time), and the ids
    of the actions it was taken for."""

    token: str | None
    at: datetime | None
    pending: tuple[str, ...]
    lost: str | None = None  # set in a confession: the token of the process that lost the slot
    over: tuple[str, ...] = ()  # a process's own claim: the tokens of the dead holders it took over


def slot_value(token: str, at: datetime, pending: list[str], state: str) -> dict[str, Any]:
    return {
        "kind": CLAIM_KIND,
        "token": token,
        "at": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "pending": pending,
        "state": state,
    }


def confession(loser: str, at: datetime, pending: list[str], state: str) -> dict[str, Any]:
    """What a process writes into a slot right after losing it (200): its own PUT has just replaced the
    winner's value, so it says so -- the holder is then unknown (``token`` null) and the winner, reading
    the slot back, learns that the foreign writer was a loser, not a second creator."""
    value = slot_value(loser, at, pending, state)
    value["token"] = None
    value["lost"] = loser
    return value


def read_slot(value: Any) -> Slot | None:
    """A stored slot (None when absent). A value the worker cannot read still occupies the slot."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return Slot(None, None, ())
    at: datetime | None = None
    raw_at = value.get("at")
    if isinstance(raw_at, str):
        try:
            at = datetime.fromisoformat(raw_at.replace("Z", "+00:00"))
        except ValueError:
            at = None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    token = value.get("token")
    pending = value.get("pending")
    ids = tuple(str(p) for p in pending) if isinstance(pending, list) else ()
    lost = value.get("lost")
    over = value.get("over")
    return Slot(
        str(token) if isinstance(token, str) else None,
        at,
        ids,
        str(lost) if isinstance(lost, str) else None,
        tuple(str(t) for t in over) if isinstance(over, list) else (),
    )


# --- a claim of one's own (records of schema 3) ------------------------------------------------
#
# Each process claims a record state with a property only it writes:
# ``<property_key>.claim.<state>.<claim id>``. Nothing is ever overwritten, so the claim is always
# created (201); then one current read of the issue with every property (``*all``) shows the record
# and every claim of every process. docs/design.md ("Claims of one's own") says why at most one of
# several claimers of a state acts.

_OWN_ID = re.compile(r"p[0-9a-f]{16}")


def claim_id(token: str) -> str:
    """The short id naming ``token``'s claims (and ordering them: the higher id gives way)."""
    return "p" + hashlib.sha256(token.encode()).hexdigest()[:16]


def own_claim_key(property_key: str, state: str, token: str) -> str:
    """``<property_key>.claim.<state>.p<16 hex>`` (at most 245 characters: within Jira's 255)."""
    return f"{slot_key(property_key, state)}.{claim_id(token)}"


def own_claim_value(
    token: str, at: datetime, pending: Sequence[str], state: str, over: Sequence[str] = ()
) -> dict[str, Any]:
    value = slot_value(token, at, list(pending), state)
    if over:
        value["over"] = list(over)
    return value


@dataclass(frozen=True)
class Seen:
    """A claim found on the issue: its property, the state it names, the claim id of its process
    (``""`` for a shared slot of the older protocol) and its value."""

    name: str
    state: str
    cid: str
    held: Slot


def claims_seen(property_key: str, props: Mapping[str, Any]) -> list[Seen]:
    """Every claim among an issue's properties: own claims and shared slots, of any state."""
    prefix = slot_key(property_key, "")
    out = []
    for name, value in props.items():
        if not name.startswith(prefix):
            continue
        state, _, suffix = name[len(prefix) :].partition(".")
        if suffix and not suffix.isdigit() and not _OWN_ID.fullmatch(suffix):
            continue
        held = read_slot(value)
        if held is None or not state:
            continue
        out.append(Seen(name, state, "" if not suffix or suffix.isdigit() else suffix, held))
    return out


@dataclass
class Survey:
    """What one read of every claim says to the process ``own`` that claimed ``state``."""

    mine: Slot | None = None  # our own claim as read (None: it is not there)
    live: list[Seen] = field(default_factory=list)  # others' live claims and slots of the state
    dead: list[Seen] = field(default_factory=list)  # of the state, their holders gone: taken over
    stale: list[str] = field(default_factory=list)  # claims of states the record has left
    over_me: bool = False  # a claim of the state says it took ``own`` over


def survey(
    seen: Sequence[Seen],
    state: str,
    own: str,
    server_now: datetime,
    lease: timedelta,
) -> Survey:
    out = Survey()
    mine = claim_id(own)
    for s in seen:
        if s.state != state:
            out.stale.append(s.name)  # nobody acts on a state the record has left
        elif s.cid == mine:
            out.mine = s.held
        elif own in s.held.over:
            out.over_me = True
            out.live.append(s)
        elif claim_live(s.held.token, s.held.at, own, server_now, lease):
            out.live.append(s)
        else:
            out.dead.append(s)
    return out

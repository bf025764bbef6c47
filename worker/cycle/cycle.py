"""One polling cycle: search -> gather -> decide -> apply -> remember.

Steady state costs what changed, not what exists. A cycle is either

* **full** (first cycle of a process, then every ``full_resync_every``): every open escalation by
  label, plus everything touched since the last full cycle; changelogs in bulk; or
* **incremental**: only issues updated since the last cycle (with an overlap margin for search
  staleness, and the ids the worker just wrote passed as ``reconcileIssues``), plus issues whose
  next deadline has come, decided from the snapshot already in memory.

``tick`` (cron) starts with empty memory, so each tick is a full cycle: slower, equally correct.
"""

from __future__ import annotations

import heapq
import pickle
import re
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from worker.config.clocks import build_team_clocks
from worker.config.model import Config
from worker.core.actions import Notify
from worker.core.adoption import Adopted, adopted
from worker.core.clocks import Clocks
from worker.core.decide import Context, decide
from worker.core.decision import Decision, Did
from worker.core.near_miss import near_misses
from worker.core.record import Record
from worker.core.snapshot import IssueSnapshot
from worker.cycle import adoption, site_state
from worker.cycle.adoption_outbox import AdoptionOutbox
from worker.cycle.apply import (
    Applier,
    ApplyResult,
    Claim,
    Notifier,
    RecordNotStored,
    mark_live,
    new_claim_token,
    run_now,
)
from worker.cycle.gather import Gatherer, Loaded, Prepared, moved, relevant, watching
from worker.cycle.search_plan import PROPERTY_KEY as PLAN_KEY
from worker.cycle.search_plan import SearchPlan, labelled, needs_new_plan
from worker.cycle.shadow import ShadowApplier, ShadowBook
from worker.cycle.storm import StormGuard
from worker.cycle.unstored import UnstoredBook, fix_for
from worker.i18n import texts_for
from worker.jira import jql
from worker.jira.gateway import JiraGateway, JiraPagingError
from worker.jira.http import JiraError
from worker.jira.mapping import parse_time
from worker.memory import give_back_memory
from worker.paging import RunawayPaging

log = structlog.get_logger("worker.cycle")
# two processes that claimed the same issue at once and both stood back try again after this
RETRY_AFTER_MEETING = timedelta(seconds=30)

MAX_NEAR_LABELS = 200  # a JQL of reasonable length; a site with more has a labelling problem


def slim(snap: IssueSnapshot, record: Record) -> IssueSnapshot:
    """What an unchanged issue needs between cycles, without the bulky texts.

    A remembered snapshot is only reused while the issue is unchanged; then ``decide`` reads neither
    the description (asked about once, at routing) nor comment texts (read when the record closes,
    which follows a change and so a fresh read). Keeping them would cost most of the memory.
    """
    if not record.is_open:
        return snap
    comments = snap.comments
    if comments:
        comments = tuple(replace(c, text="") for c in comments)
    return replace(snap, description="", comments=comments)


class Cached:
    """A remembered issue, kept pickled and compressed until a cycle needs it again.

    A resident slim snapshot and record cost about 7 KB of Python objects; this costs about 1 KB,
    so a ``run`` over 10,000 open escalations keeps them in ~12 MB instead of ~75 MB (issue 15's
    peak-RSS target). Only issues that are due, woken or found unchanged by a search are unpacked.
    """

    __slots__ = ("_blob", "is_open", "next_at", "notify_retry", "updated")

    def __init__(self, loaded: Loaded, next_at: datetime | None) -> None:
        self._blob = zlib.compress(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL), 6)
        self.next_at = next_at
        # what every cycle asks of every remembered issue, answered without unpacking it
        self.updated = loaded.snapshot.updated
        rec = loaded.record
        self.is_open = rec is not None and rec.is_open
        self.notify_retry = rec is not None and bool(rec.notify_retry)

    @property
    def loaded(self) -> Loaded:
        loaded: Loaded = pickle.loads(zlib.decompress(self._blob))
        return loaded


_MISSING_PROJECT = re.compile(r"The value '([^']+)' does not exist for the field 'project'")


def missing_project(exc: JiraError, projects: Sequence[str]) -> str | None:
    """The watched project a search refusal names as unknown, if that is what it says."""
    if exc.status != 400:
        return None
    text = f"{exc} {exc.body!r}"
    for m in _MISSING_PROJECT.finditer(text):
        if m.group(1) in projects:
            return m.group(1)
    return None


RETRY_DUE = timedelta(seconds=30)


@dataclass
class Memory:
    """What a long-running process keeps between cycles. Losing it costs one full cycle, nothing else."""

    account_id: str | None = None
    time_zone: str = "UTC"
    last_cycle_at: datetime | None = None
    last_full_at: datetime | None = None
    inactive: frozenset[str] = frozenset()
    issues: dict[str, Cached] = field(default_factory=dict)
    recent_writes: dict[str, datetime] = field(
        default_factory=dict
    )  # issue id -> when the worker wrote it
    # the watched projects the site let the worker read (None: not checked, use the config's)
    projects: tuple[str, ...] | None = None
    # labels of the site that almost name a severity or a kind (searched for by full cycles)
    near_labels: tuple[str, ...] = ()
    labels_checked_at: datetime | None = None
    # adoption.since once known (config, or read from / written to the site); None: not yet
    adopt_since: datetime | None = None
    # (when to look, key, the deadline it was pushed for): a heap with lazy deletion; an entry is
    # valid while the remembered issue still has that deadline
    deadlines: list[tuple[datetime, str, datetime]] = field(default_factory=list)
    # issues whose record Jira refused, with the error reported (once per process and error)
    unstored: dict[str, str] = field(default_factory=dict)
    unstored_book: UnstoredBook | None = None  # the site-wide list, read once when first needed
    # how full cycles split the search for labelled escalations (read from the site once)
    search_plan: SearchPlan | None = None
    search_plan_read: bool = False

    def remember(self, key: str, cached: Cached, now: datetime) -> None:
        self.issues[key] = cached
        if cached.next_at is not None:
            # a deadline already past (an effect that failed) is looked at again in a little while,
            # not in a tight loop
            at = max(cached.next_at, now + RETRY_DUE) if cached.next_at <= now else cached.next_at
            heapq.heappush(self.deadlines, (at, key, cached.next_at))

    def _valid(self, entry: tuple[datetime, str, datetime]) -> bool:
        cached = self.issues.get(entry[1])
        return cached is not None and cached.next_at == entry[2]

    def next_deadline(self) -> datetime | None:
        """When the earliest remembered escalation next needs a look (None: nothing open in memory)."""
        while self.deadlines and not self._valid(self.deadlines[0]):
            heapq.heappop(self.deadlines)
        return self.deadlines[0][0] if self.deadlines else None

    def due_keys(self, now: datetime) -> set[str]:
        """Take the keys whose deadline has come (each taken once; acting on it pushes the next)."""
        out: set[str] = set()
        while self.deadlines and self.deadlines[0][0] <= now:
            entry = heapq.heappop(self.deadlines)
            if self._valid(entry):
                out.add(entry[1])
        return out


@dataclass
class CycleReport:
    mode: str
    started_at: datetime
    duration_s: float = 0.0
    issues_seen: int = 0
    decided: int = 0
    acted: int = 0  # issues with at least one action
    actions: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    decisions: list[tuple[Loaded, Decision]] = field(default_factory=list)
    applied: list[ApplyResult] = field(default_factory=list)

    @property
    def request_total(self) -> int:
        return sum(self.requests.values())


class Cycle:
    narrow_search_from = 1000  # remembered issues from which a full search pages narrower

    def __init__(
        self,
        config: Config,
        gateway: JiraGateway,
        clocks: Clocks,
        *,
        now: Callable[[], datetime],
        memory: Memory | None = None,
        notifier: Notifier | None = None,
        overlap: timedelta = timedelta(minutes=2),
        lookback: timedelta = timedelta(days=2),
        cold_lookback: timedelta = timedelta(minutes=30),
        reconcile_window: timedelta = timedelta(minutes=10),
        should_stop: Callable[[], bool] = lambda: False,
        settle_sleep: Callable[[float], None] = time.sleep,
        concurrency: int | None = None,
        between: Callable[[], None] = lambda: None,
        shadow: ShadowBook | None = None,
    ) -> None:
        # shadow mode: decide as live, write nothing, keep the would-be records in this book
        self.shadow = shadow
        self.should_stop = should_stop
        self.between = between  # the scheduler's chance to run due work inside a long cycle
        self.concurrency = max(1, concurrency or config.schedule.concurrency)
        burst = concurrency or config.schedule.burst_concurrency  # a pool given here is the burst's
        self.burst_concurrency = max(self.concurrency, burst)
        self.batch_size = 4 * self.concurrency  # claims waiting for one settle at most
        self.settle_sleep = settle_sleep  # waits for another process's write (claims, storm slots)
        self.claim_token = new_claim_token()
        self.config = config
        self.gateway = gateway
        self.clocks = clocks
        self.team_clocks = build_team_clocks(config)  # teams with a calendar of their own
        self.texts = texts_for(config.language)  # every text a person reads, in this language
        self.now = now
        self.memory = memory if memory is not None else Memory()
        self.notifier = notifier
        self.overlap = overlap
        self.lookback = lookback
        # a cold full cycle looks this far back for mistyped severity labels (not for anything
        # the worker must act on: those are found by label or because the worker watches them)
        self.cold_lookback = cold_lookback
        self.reconcile_window = reconcile_window
        # changed issues loaded together: one bulk changelog call (Jira's maximum), bounded raw JSON
        self.load_chunk = 1000
        self._watching: dict[str, bool | None] = {}  # from this cycle's search: worker watches?
        self.labels_every = timedelta(hours=6)  # how often the site's label list is read again
        self._adopted: list[Adopted] = []  # adopted this cycle, told to their owners at its end
        self._dry_since: datetime | None = None
        self._shadow_guard: StormGuard | None = None
        self.gatherer = Gatherer(gateway, config.rules)
        if shadow is not None:
            self.gatherer.overlay = shadow.records.get
        # told the counts after each issue and phase (worker.ops.progress); None: silent
        self.progress: Callable[[CycleReport, str], None] | None = None
        self._new_plan: SearchPlan | None = None  # made by a full search, stored at its end
        # issues handed out straight from memory this cycle (remembered as they were unless the
        # decision changes them)
        self._unpacked: dict[str, Cached] = {}

    # -- helpers ------------------------------------------------------------------------------

    def context(self) -> Context:
        return Context(
            rules=self.config.rules,
            directory=self.config.directory,
            clocks=self.clocks,
            worker_account_id=self.memory.account_id,
            inactive=self.memory.inactive,
            team_clocks=self.team_clocks,
            adopt_before=self.memory.adopt_since or self._dry_since,
            texts=self.texts,
        )

    def adoption_since(self, now: datetime, *, live: bool) -> None:
        """Learn ``adoption.since`` once (config, else the site; a live cycle remembers it there)."""
        if self.memory.adopt_since is None and self.memory.account_id is not None:
            since = adoption.resolve_since(
                self.config.adoption, self.gateway, self.memory.account_id, now, live=live
            )
            if live:
                self.memory.adopt_since = since
            else:  # what the first live cycle would do, remembered by nobody
                self._dry_since = since

    def storm_guard(self, *, live: bool = True) -> StormGuard:
        """This cycle's storm guard, with the counts every worker process shares (read from the
        site; a live cycle stores its changes there); a shadow run keeps its own counts in memory
        from cycle to cycle, a dry run (`plan`) counts in memory only."""
        if self.shadow is not None and self._shadow_guard is not None:
            return self._shadow_guard
        guard = StormGuard(
            self.config.rules,
            self.config.storm,
            gateway=self.gateway,
            account_id=self.memory.account_id,
            token=self.claim_token,
            texts=self.texts,
            sleep=self.settle_sleep,  # its back-off while another process holds a storm slot
            stores=live and self.shadow is None,
        )
        guard.load()
        if self.shadow is not None:
            self._shadow_guard = guard
        return guard

    def _send(self, action: Notify) -> bool:
        if self.notifier is None:
            return False
        self.notifier.deliver(action, [], lambda entries: None)
        return True

    def _finish_first_day(
        self, ctx: Context, guard: StormGuard, now: datetime, report: CycleReport, *, live: bool
    ) -> None:
        """After the batches: tell the adopted owners, send the due digests, store the counts."""
        since = ctx.adopt_before
        found, self._adopted = self._adopted, []
        send = self._send if live else None
        outbox = self._adoption_outbox() if live else None
        deliver = None
        if outbox is not None and self.notifier is not None and not self.should_stop():
            deliver = partial(
                outbox.deliver,
                self.config.rules,
                ctx.voice,
                found,
                now,
                admit=lambda m: guard.admit(m, now),
                send=self._send,
            )
        if since is not None and (found or deliver is not None):
            sent = adoption.tell_owners(
                self.config.rules,
                ctx.voice,
                found,
                since,
                now,
                guard=guard,
                send=send,
                deliver=deliver,
            )
            if sent:
                report.actions["adopt_message"] += sent
        if live:
            # stopping: nothing new is sent; what was folded waits on the site for the next cycle
            digests = guard.digests(
                now, self._send, hold=self.should_stop() or self.notifier is None
            )
            if digests:
                report.actions["digest"] += len(digests)
            try:
                guard.save(now)
            except JiraError as exc:
                log.warning("storm_save_failed", error=str(exc), hint="counts start afresh")

    def _adoption_outbox(self) -> AdoptionOutbox | None:
        if self.shadow is not None or self.memory.account_id is None:
            return None
        return AdoptionOutbox(self.gateway, self.memory.account_id)

    def _before_batch(
        self, guard: StormGuard, batch: list[tuple[Loaded, Decision]], ctx: Context, now: datetime
    ) -> None:
        """What must be on the site before a batch is applied: the storm admissions, and the
        owners' pending adoption messages of the adoptions whose records it writes."""
        guard.commit(now)
        since = ctx.adopt_before
        outbox = self._adoption_outbox() if guard.shared else None
        if outbox is None or since is None:
            return
        items = [
            a
            for item, d in batch
            if (a := adopted(self.config.rules, d, item.snapshot.summary)) is not None
        ]
        if items:
            outbox.note(items, since)

    def identify(self) -> None:
        """Learn the worker's own accountId and time zone (JQL dates are read in the user's zone)."""
        if self.memory.account_id is None:
            me = self.gateway.myself()
            self.memory.account_id = str(me.get("accountId") or "") or None
            self.memory.time_zone = str(me.get("timeZone") or "UTC")

    def refresh_people(self) -> None:
        ids = [p.account_id for p in self.config.directory.people.values()]
        active = self.gateway.users_active(ids)
        self.memory.inactive = frozenset(i for i in ids if not active.get(i, False))
        if self.memory.inactive:
            names = sorted(
                p.name
                for p in self.config.directory.people.values()
                if p.account_id in self.memory.inactive
            )
            log.warning(
                "inactive_people",
                people=names,
                hint="they are skipped; update people: in config.yaml",
            )

    def is_full_due(self, now: datetime) -> bool:
        m = self.memory
        return (
            m.last_full_at is None
            or m.last_cycle_at is None
            or now - m.last_full_at >= self.config.schedule.full_resync_every
        )

    # -- the cycle ----------------------------------------------------------------------------

    def run(self, *, dry_run: bool = False, keys: list[str] | None = None) -> CycleReport:
        mark_live(self.claim_token, True)
        try:
            return self._run(dry_run=dry_run, keys=keys)
        finally:
            mark_live(self.claim_token, False)
            # the search pages of this cycle are garbage now: give their heap back, so that the
            # next full cycle starts from what the memory of the issues needs (worker.memory)
            give_back_memory()

    # -- what the scheduler asks between polls ----------------------------------------------------

    def next_deadline(self) -> datetime | None:
        return self.memory.next_deadline()

    def due_keys(self, now: datetime) -> set[str]:
        return self.memory.due_keys(now)

    def act_on(self, due: Collection[str], woken: Collection[str] = ()) -> CycleReport:
        """Decide and apply for a few issues now: ``due`` from memory, ``woken`` read fresh by key.

        Called by the scheduler between polls, and *inside* a long cycle between its batches (same
        thread, no claim of the outer cycle in flight), so due work never waits for a resync.
        """
        mark_live(self.claim_token, True)
        try:
            return self._act_on(set(due), set(woken))
        finally:
            mark_live(self.claim_token, False)

    def _act_on(self, due: set[str], woken: set[str]) -> CycleReport:
        t0 = time.perf_counter()
        counts_before = Counter(self.gateway.http.counts)
        now = self.now()
        self.identify()
        report = CycleReport("woken" if woken else "due", now)
        writes = self.shadow is None
        self.adoption_since(now, live=writes)
        ctx = self.context()
        guard = self.storm_guard(live=writes)
        applier = self._applier(ctx, now, guard)
        batch: list[tuple[Loaded, Decision]] = []
        for key in sorted(due | woken):
            if self.should_stop():
                report.errors.append("stopped before the end of the cycle")
                break
            cached = self.memory.issues.get(key)
            loaded: Loaded | None
            if key in woken or cached is None:
                try:
                    loaded = self.gatherer.load_one(key)
                except JiraError as exc:
                    report.errors.append(f"{key}: {exc}")
                    log.error("read_failed", issue=key, error=str(exc), hint="retried next cycle")
                    continue
                if loaded is None:
                    self.memory.issues.pop(key, None)
                    continue
            else:
                loaded = cached.loaded
            report.issues_seen += 1
            d = self._decide(ctx, loaded, now, report)
            if d is None:
                continue
            report.decided += 1
            report.acted += bool(d.actions)
            batch.append((loaded, with_last_read(loaded, guard.guard(d, now))))
        self._before_batch(guard, batch, ctx, now)
        self._apply_batch(applier, batch, now, report, self._width(batch))
        self._finish_first_day(ctx, guard, now, report, live=writes)
        report.duration_s = time.perf_counter() - t0
        report.requests = Counter(self.gateway.http.counts) - counts_before
        log.info(
            "due_work",
            mode=report.mode,
            issues=report.issues_seen,
            actions=dict(report.actions),
            request_total=report.request_total,
            errors=len(report.errors),
            duration_ms=round(report.duration_s * 1000, 1),
        )
        return report

    # -- the cycle ----------------------------------------------------------------------------

    def _decide(
        self, ctx: Context, item: Loaded, now: datetime, report: CycleReport
    ) -> Decision | None:
        try:
            d = decide(ctx, item.snapshot, item.record, now)
        except Exception as exc:  # a strange issue must never stop the others
            report.errors.append(f"{item.snapshot.key}: decide failed: {type(exc).__name__}: {exc}")
            log.error(
                "decide_failed", issue=item.snapshot.key, error=f"{type(exc).__name__}: {exc}"
            )
            return None
        if item.problem:
            log.warning(
                "record_unreadable",
                issue=item.snapshot.key,
                problem=item.problem,
                handling="left untouched" if item.blocked else "a fresh record replaces it",
            )
        return d

    # Complexity over 10 (C901) and ~80 lines: the one loop of a cycle (gather, decide, batch, apply, stop);
    # its branches are the three modes (live, dry run, given keys) side by side.
    def _run(self, *, dry_run: bool, keys: list[str] | None) -> CycleReport:  # noqa: C901
        t0 = time.perf_counter()
        self._unpacked.clear()
        counts_before = Counter(self.gateway.http.counts)
        now = self.now()
        self.identify()
        full = keys is None and self.is_full_due(now)
        report = CycleReport("keys" if keys else ("full" if full else "incremental"), now)
        if full:
            self.refresh_people()
        writes = not dry_run and self.shadow is None  # shadow: decide as live, write nothing
        self.adoption_since(now, live=writes)
        ctx = self.context()
        guard = self.storm_guard(live=writes)

        if self.notifier is not None:
            self.notifier.start_cycle()
        applier = self._applier(ctx, now, guard)
        batch: list[tuple[Loaded, Decision]] = []
        live = not dry_run and keys is None
        for item in self._gather(now, full, keys, report, dry_run):
            report.issues_seen += 1
            if self.progress is not None:
                self.progress(report, "claim")
            if self.should_stop():
                report.errors.append("stopped before the end of the cycle")
                break
            d = self._decide(ctx, item, now, report)
            if live and (own := self._own_comments(item)) is not None:
                applier.compensate(own)  # the worker's duplicated comments, if any, cut back to one
            if d is not None:
                d = guard.guard(d, now)
                report.decided += 1
                report.acted += bool(d.actions)
                if dry_run or keys is not None:
                    report.decisions.append(
                        (item, d)
                    )  # kept for `plan`/`explain`; a live cycle keeps none
                if dry_run:
                    if keys is None:
                        self._remember(item, d, now)
                elif needs_apply(item, d):
                    batch.append((item, with_last_read(item, d)))
                else:
                    self._remember(item, d, now)
            if len(batch) >= self.batch_size:
                self._before_batch(guard, batch, ctx, now)
                self._apply_batch(applier, batch, now, report, self._width(batch))
                batch = []
            if live and not batch:
                self.between()  # due deadlines and wake-ups do not wait for the end of this cycle
        self._before_batch(guard, batch, ctx, now)
        self._apply_batch(applier, batch, now, report, self._width(batch))
        if dry_run:
            self._adopted = [
                a
                for it, dd in report.decisions
                if (a := adopted(self.config.rules, dd, it.snapshot.summary)) is not None
            ]
        self._finish_first_day(ctx, guard, now, report, live=writes)
        self._save_plan(writes=writes)

        if live and not self.should_stop():
            self.memory.last_cycle_at = now
            if full:
                self.memory.last_full_at = now
        report.duration_s = time.perf_counter() - t0
        report.requests = Counter(self.gateway.http.counts) - counts_before
        log.info(
            "cycle",
            mode=report.mode,
            issues_seen=report.issues_seen,
            decided=report.decided,
            actions=dict(report.actions),
            requests=dict(report.requests),
            request_total=report.request_total,
            errors=len(report.errors),
            duration_ms=round(report.duration_s * 1000, 1),
        )
        return report

    def _search_projects(
        self,
        query: Callable[[list[str]], list[str]],
        *,
        reconcile: list[int],
        fields: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Search the watched projects; one that vanished (Jira: 400, "does not exist for the
        field 'project'") is dropped with one warning and the search is asked again without it."""
        m = self.memory
        projects = list(self.config.jira.projects if m.projects is None else m.projects)
        # a process that already holds the memory of many issues (``run``'s periodic resync)
        # pages with half the pool: two search pages in flight fewer (~8 MB at N = 10,000, the
        # resync's peak RSS) for a slower resync, whose due work is served between its pages;
        # a cold process (a cron tick, whose wall time matters) uses the whole pool
        width = self.concurrency
        if len(m.issues) >= self.narrow_search_from:
            width = max(1, width // 2)
        while True:
            pages = self.gateway.search_partitioned(
                query(projects),
                reconcile=reconcile,
                fields=fields,
                concurrency=width,
            )
            try:
                first = next(pages, None)
            except JiraError as exc:
                if not self._recover(exc, projects):
                    raise
                continue
            if first is not None:
                yield first
                try:
                    yield from pages
                except JiraError as exc:
                    # asked again whole: the caller skips the issues it already has
                    if not self._recover(exc, projects):
                        raise
                    continue
            return

    def _own_comments(self, item: Loaded) -> Loaded | None:
        """The issue with only the worker's own comments (None: it has none), for compensation.

        Only the worker's comments can be duplicates of one of its actions. People who write
        the same words twice ("Any news?") are no reason to read an issue's comments again: in
        the benchmark at N = 1,000 they caused three quarters of 223 comment reads per cold tick.
        """
        me = self.memory.account_id
        comments = item.snapshot.comments
        if not comments:
            return None
        own = tuple(c for c in comments if me is None or c.author == me)
        if not own:
            return None
        if len(own) == len(comments):
            return item
        return replace(item, snapshot=replace(item.snapshot, comments=own))

    def _recover(self, exc: JiraError, projects: list[str]) -> bool:
        """Whether a refused search can be asked again: without a watched project Jira no longer
        knows, or without the search plan (a cut key deleted since it was made)."""
        gone = missing_project(exc, projects)
        if gone is not None and len(projects) > 1:
            projects.remove(gone)
            self.memory.projects = tuple(projects)
            log.warning(
                "project_skipped",
                project=gone,
                problem="Jira no longer knows it (search answered 400)",
                fix="fix jira.projects in config.yaml, or grant Browse Projects to the "
                "worker account",
                handled=projects,
            )
            return True
        if exc.status == 400 and gone is None and self.memory.search_plan is not None:
            self.memory.search_plan = None
            log.warning(
                "search_plan_refused",
                error=str(exc),
                handling="searched by severity instead; a new plan is made from what it finds",
            )
            return True
        return False

    def _plan(self) -> SearchPlan | None:
        """The search plan: read from the worker account once per process."""
        m = self.memory
        if not m.search_plan_read and m.account_id is not None:
            try:
                m.search_plan = SearchPlan.from_json(
                    site_state.read(self.gateway, m.account_id, PLAN_KEY)
                )
            except JiraError as exc:
                log.warning("search_plan_unreadable", error=str(exc), hint="split by severity")
            m.search_plan_read = True
        return m.search_plan

    def _replan(self, found: list[str]) -> None:
        """After a full search that found ``found`` (labelled escalations): a new plan when the
        one in use no longer fits them (or there was none), stored at the end of the cycle."""
        m = self.memory
        self._new_plan = needs_new_plan(
            m.search_plan, found, self.gateway.page_size, self.concurrency
        )

    def _save_plan(self, *, writes: bool) -> None:
        new, self._new_plan = self._new_plan, None
        m = self.memory
        if new is None:
            return
        if writes and m.account_id is not None:
            try:
                site_state.write(self.gateway, m.account_id, PLAN_KEY, new.to_json())
            except JiraError as exc:
                log.warning("search_plan_not_saved", error=str(exc), hint="tried next full cycle")
                return
        m.search_plan = new
        log.info("search_plan", ranges=new.parts)

    def _width(self, batch: Sequence[object]) -> int:
        """Threads for a batch of effects: more issues to act on at once than the everyday pool
        holds (the start of a business day) go out on the wider pool, under the same limiter."""
        return self.burst_concurrency if len(batch) > self.concurrency else self.concurrency

    def _map(
        self, fn: Callable[[Any], Any], items: Sequence[Any], width: int | None = None
    ) -> list[Any]:
        """``fn`` over ``items``: in order on this thread, or on a pool of ``width`` threads
        (``concurrency`` unless said) when there are several."""
        width = width or self.concurrency
        if width <= 1 or len(items) <= 1:
            return [fn(x) for x in items]
        # a pool per batch: no thread outlives the work it was made for
        with ThreadPoolExecutor(min(width, len(items)), "issue") as pool:
            return list(pool.map(fn, items))

    def _apply_batch(
        self,
        applier: Applier | ShadowApplier,
        batch: list[tuple[Loaded, Decision]],
        now: datetime,
        report: CycleReport,
        width: int | None = None,
    ) -> None:
        """Claim each issue and finish it on one thread (its effects in order), different issues
        in parallel: an issue's first effect goes out once its own claim is won. After a stop,
        nothing new is claimed or started; a claim won just before is released for the next cycle."""
        if not batch:
            return

        def act(entry: tuple[Loaded, Decision]) -> tuple[bool, ApplyResult | None]:
            """(claimed, result) of one issue."""
            item, d = entry
            if self.should_stop():
                return False, None
            outcome = self._guard(item, report, partial(applier.claim_issue, item, d))
            if not isinstance(outcome, Claim):
                return False, outcome if isinstance(outcome, ApplyResult) else None
            if self.should_stop():
                if isinstance(applier, Applier):
                    self._release(applier, outcome, report)
                return True, None
            result: ApplyResult | None = self._guard(item, report, partial(applier.finish, outcome))
            return True, result

        with self._slot_cleanup(applier, len(batch), width):
            results = self._map(act, batch, width)
        for (item, d), (claimed, result) in zip(batch, results, strict=True):
            if claimed and self.progress is not None:
                self.progress(report, "act")
            if result is not None:
                self._record_result(item, d, result, now, report)
        self._save_unstored()

    @contextmanager
    def _slot_cleanup(
        self, applier: Applier | ShadowApplier, issues: int, width: int | None = None
    ) -> Iterator[None]:
        """While a batch of several issues finishes on the pool, the claim slots they leave are
        deleted on helper threads (at most ``width`` deletions in flight): a deletion follows
        the completion write and nothing waits for its answer, so an issue's thread goes on to the
        next issue instead of waiting one more round trip. Every deletion is done when the block
        ends; one that raised anything but a Jira error (those are handled inside) raises it then."""
        width = width or self.concurrency
        if width <= 1 or issues <= 1 or not isinstance(applier, Applier):
            yield
            return
        jobs: list[Future[None]] = []
        with ThreadPoolExecutor(width, "slot-cleanup") as helpers:

            def defer(job: Callable[[], None]) -> None:
                jobs.append(helpers.submit(job))

            applier.defer = defer
            try:
                yield
            finally:
                applier.defer = run_now
        for job in jobs:
            job.result()

    def _release(self, applier: Applier, claim: Claim, report: CycleReport) -> None:
        """Withdraw a claim whose effects were not started (stopping): the next cycle decides afresh."""
        key = claim.fresh.snapshot.key
        self.memory.issues.pop(key, None)
        try:
            applier.release(claim)
            report.errors.append(f"{key}: stopped before its effects; left to the next cycle")
        except JiraError as exc:
            log.warning(
                "release_failed",
                issue=key,
                error=str(exc),
                handling="its recorded intent is completed by the next cycle",
            )

    def _near_labels(self, now: datetime) -> tuple[str, ...]:
        """The site's near-miss labels, listed again at most every ``labels_every``.

        JQL matches labels exactly: ``escalaton-S1`` is found only by naming it, so the site's
        label list (1 request per 1,000 labels) is read and the near misses are searched for."""
        m = self.memory
        if m.labels_checked_at is not None and now - m.labels_checked_at < self.labels_every:
            return m.near_labels
        try:
            found = near_misses(self.config.rules, self.gateway.labels())
        except JiraError as exc:
            log.warning("labels_unreadable", error=str(exc), hint="near-miss labels not searched")
            return m.near_labels
        m.labels_checked_at = now
        near = tuple(sorted({miss.label for miss in found}))[:MAX_NEAR_LABELS]
        if near != m.near_labels and near:
            log.warning(
                "near_miss_labels",
                labels={miss.label: miss.suggestion for miss in found},
                handling="issues carrying them get one 'did you mean' note for their reporter",
            )
        m.near_labels = near
        return near

    # Complexity over 10 (C901) and ~85 lines: the search query (full, incremental or by key, with
    # the search plan's ranges) and the streaming of its pages into loaded issues; one generator so
    # at most one chunk is alive, and the escalations it found are what the next plan is made of.
    def _gather(  # noqa: C901
        self,
        now: datetime,
        full: bool,
        keys: list[str] | None,
        report: CycleReport,
        dry_run: bool = False,
    ) -> Iterator[Loaded]:
        """Issues to decide on, yielded a chunk at a time (at most one chunk of raw JSON and snapshots alive)."""
        m = self.memory
        rules = self.config.rules
        tz = ZoneInfo(m.time_zone) if m.time_zone else ZoneInfo("UTC")
        issues: Iterable[dict[str, Any]]
        labels = [s.label for s in rules.severities.values()]
        planned = full and not keys  # a full search: found escalations check the search plan
        if planned:
            self._plan()  # read once per process
        if keys:
            issues = self.gateway.search(jql.by_keys(keys))
        else:

            def query(projects: list[str]) -> list[str]:
                if full:
                    since = (
                        (m.last_full_at - self.overlap)
                        if m.last_full_at
                        else now - self.cold_lookback
                    )
                    near = self._near_labels(now)
                    plan = m.search_plan  # None once Jira refused it this cycle
                    ranges = plan.scopes(projects) if plan is not None else ()
                    return jql.escalation_partitions(
                        projects, labels, since, tz, near=near, ranges=ranges
                    )
                assert m.last_cycle_at is not None
                # what changed since the last poll: small by nature, so every change is seen
                return [jql.changed_since(projects, m.last_cycle_at - self.overlap, tz)]

            recent = [i for i, at in m.recent_writes.items() if now - at <= self.reconcile_window]
            m.recent_writes = {i: m.recent_writes[i] for i in recent}
            issues = self._search_projects(
                query,
                reconcile=[int(i) for i in recent if i.isdigit()][-50:],
                fields=self.gateway.search_fields(description=dry_run),
            )

        # Pages are consumed as they arrive and changed issues loaded a chunk at a time, so the raw
        # JSON of at most one chunk is alive at once (a full cycle over 10,000 issues stays small).
        fresh: list[Prepared] = []
        seen: set[str] = set()
        found: list[str] = []  # labelled escalations, for the search plan
        label_set = frozenset(labels)
        for issue in issues:
            key = str(issue.get("key"))
            if key in seen:  # two severity labels: found by two partitions
                continue
            seen.add(key)
            if planned and labelled(issue, label_set):
                found.append(key)
            rec, _, _ = self.gatherer.record(issue)
            if keys is None and not dry_run:
                self._watching[key] = watching(issue)
            if not relevant(rules, issue, rec):
                m.issues.pop(key, None)
                self._watch(key, rec)
                continue
            cached = m.issues.get(key)
            updated = parse_time((issue.get("fields") or {}).get("updated"))
            remembered = cached.loaded if cached is not None and cached.updated == updated else None
            if remembered is not None and remembered.record == rec:
                self._unpacked[key] = cached  # type: ignore[assignment]
                yield remembered
            elif not moved(issue, rec):  # built from the search result alone: no request
                yield from self.gatherer.load([issue], worker=self.memory.account_id)
            else:  # mapped now: the raw JSON goes while the chunk fills up
                fresh.append(self.gatherer.prepare(issue))
                if len(fresh) >= self.load_chunk:
                    chunk, fresh = fresh, []
                    yield from self._load(chunk, report)
        yield from self._load(fresh, report)
        if planned:
            self._replan(found)

        if keys is None:
            yield from self._remembered(now, full, seen, report)

    def _remembered(
        self, now: datetime, full: bool, seen: set[str], report: CycleReport
    ) -> Iterator[Loaded]:
        """Issues remembered but not returned by the search: due deadlines, or open records to re-check."""
        m = self.memory
        for key, cached in list(m.issues.items()):
            if key in seen:
                continue
            due = (cached.next_at is not None and cached.next_at <= now) or cached.notify_retry
            vanished = full and cached.is_open
            if due and not full:
                self._unpacked[key] = cached
                yield cached.loaded
            elif vanished:
                try:
                    again = self.gatherer.load_one(key)
                except JiraPagingError as exc:
                    self._skip_issue(key, str(exc), report)
                    continue
                if again is None:
                    log.warning(
                        "issue_gone",
                        issue=key,
                        hint="deleted, moved out of scope or no longer visible",
                    )
                    m.issues.pop(key, None)
                else:
                    yield again

    def _load(self, fresh: list[Prepared], report: CycleReport) -> Iterator[Loaded]:
        """The chunk's snapshots, handed out one at a time: each is let go once decided (only its
        packed memory stays), so a chunk of 1,000 issues is never alive twice over."""
        try:
            loaded = deque(self.gatherer.finish(fresh, worker=self.memory.account_id))
        except JiraError as exc:
            report.errors.append(f"gather failed: {exc}")
            raise
        fresh.clear()
        for key, error in self.gatherer.skipped:
            self._skip_issue(key, error, report)
        while loaded:
            yield loaded.popleft()

    def _skip_issue(self, key: str, error: str, report: CycleReport) -> None:
        """One issue whose own listing (changelog, comments) never ends: left out of this cycle with
        an error of its own; the rest of the cycle goes on."""
        report.errors.append(f"{key}: skipped: {error}")
        self.memory.issues.pop(key, None)
        log.error(
            "issue_skipped",
            issue=key,
            error=error,
            handling="the other issues go on; this one is tried again next cycle",
            hint=RunawayPaging.fix,
        )

    def _applier(
        self, ctx: Context, now: datetime, guard: StormGuard | None = None
    ) -> Applier | ShadowApplier:
        if self.shadow is not None:
            return ShadowApplier(self.shadow)
        return Applier(
            self.gateway,
            self.gatherer,
            lambda fresh: with_last_read(
                fresh, _guarded(guard, decide(ctx, fresh.snapshot, fresh.record, now), now)
            ),
            visibility=self.config.jira.people_issue_visibility,
            notifier=self.notifier,
            claim=self.claim_token,
            now=self.now,
            sleep=self.settle_sleep,
            texts=self.texts,
            stopping=self.should_stop,
        )

    def _guard(self, item: Loaded, report: CycleReport, step: Callable[[], Any]) -> Any:
        """Run one apply step for an issue; a Jira failure is logged and the issue is retried next cycle."""
        key = item.snapshot.key
        try:
            return step()
        except RecordNotStored as exc:
            self._not_stored(key, str(exc), exc.state, report)
            return None
        except JiraError as exc:
            report.errors.append(f"{key}: {exc}")
            log.error("apply_failed", issue=key, error=str(exc), hint="retried next cycle")
            self.memory.issues.pop(key, None)
            return None

    def _not_stored(self, key: str, error: str, state: str, report: CycleReport) -> None:
        """A record Jira refuses: an error of the first cycle of this process that meets it (and on
        the site-wide list ``check --online`` and ``explain`` read), not a new error every poll."""
        m = self.memory
        m.issues.pop(key, None)
        if m.unstored.get(key) != error:
            m.unstored[key] = error
            report.errors.append(f"{key}: {error}")
            log.error("record_not_stored", issue=key, error=error, fix=fix_for(error))
        else:
            log.debug("record_still_not_stored", issue=key)
        if m.unstored_book is None:
            m.unstored_book = UnstoredBook(self.gateway, m.account_id)
        try:
            m.unstored_book.note(key, error, self.now(), state)
        except JiraError as exc:
            log.warning("unstored_list_unreadable", error=str(exc))

    def _stored(self, key: str) -> None:
        """The record of ``key`` was stored: a refusal noted by this process no longer holds."""
        m = self.memory
        if m.unstored.pop(key, None) is not None and m.unstored_book is not None:
            m.unstored_book.clear(key)

    def _save_unstored(self) -> None:
        book = self.memory.unstored_book
        if book is not None and self.shadow is None:
            try:
                book.save()
            except JiraError as exc:
                log.warning("unstored_list_not_saved", error=str(exc), hint="written next cycle")

    def _record_result(
        self, item: Loaded, d: Decision, result: ApplyResult, now: datetime, report: CycleReport
    ) -> None:
        key = item.snapshot.key
        report.applied.append(result)
        if result.unstored:
            self._not_stored(key, result.unstored, result.stored_state, report)
        elif result.record is not None:
            self._stored(key)
        record = result.record if result.record is not None else d.record
        for action in result.performed:
            report.actions[action.kind] += 1
            log.info(
                "action",
                issue=key,
                action=action.kind,
                action_id=action.id,
                reason=action.reason,
                **({"shadow": True} if self.shadow is not None else {}),
                level=record.current.level if record else None,
                owner=record.current.owner if record else None,
            )
        if result.unfinished:
            report.errors.append(f"{key}: {result.note}; left pending for the next cycle")
            log.warning("apply_unfinished", issue=key, note=result.note, hint="retried next cycle")
        elif result.note:
            log.info("apply_note", issue=key, note=result.note)
        if result.performed or result.record is not None:
            self.memory.recent_writes[item.snapshot.id] = now
        if d.did is Did.ADOPT and not result.failed and result.record is not None:
            found = adopted(
                self.config.rules, replace(d, record=result.record), item.snapshot.summary
            )
            self._adopted += [found] if found is not None else []
        if result.retry:
            self._keep_due(item, now)  # two claimers met and both may have stood back
        elif result.failed or result.note:
            self.memory.issues.pop(key, None)  # read it fresh next time
        else:
            # remembered as stored: the next claim of the issue names the state Jira holds (the
            # record written adds what apply knows -- writer, journal, the worker's comments)
            stored = d if record is d.record else replace(d, record=record)
            self._remember(Loaded(item.snapshot, record, None, False), stored, now)

    def _watch(self, key: str, rec: Record | None) -> None:
        """Keep the worker watching exactly the issues with an open record: that is how a cold
        cycle finds them again once their label is gone (``watcher = currentUser()``)."""
        is_watching = self._watching.pop(key, None)
        me = self.memory.account_id
        if is_watching is None or me is None or rec is None or self.shadow is not None:
            return  # (a shadow run writes nothing, watchers included)
        try:
            if rec.is_open and not is_watching:
                self.gateway.add_watcher(key, me)
            elif not rec.is_open and is_watching:
                self.gateway.remove_watcher(key, me)
        except JiraError as exc:  # harmless: tried again at the next full cycle
            log.warning("watch_failed", issue=key, error=str(exc), hint="tried again next cycle")

    def _keep_due(self, item: Loaded, now: datetime) -> None:
        """Remember the issue as it was read, due again shortly (``RETRY_AFTER_MEETING``): a cycle
        from then on, even an incremental one that does not find it in its search, claims it again
        (and finds the record moved on if the other claimer acted). Not at once: the other claimer
        may be in the middle of its effects (a slow provider call), and ``run`` wakes for due work."""
        self._unpacked.pop(item.snapshot.key, None)
        rec = item.record
        if rec is None or rec.status != "open":
            return
        again = now + RETRY_AFTER_MEETING
        self.memory.remember(
            item.snapshot.key,
            Cached(Loaded(slim(item.snapshot, rec), rec, None, False), again),
            now,
        )

    def _remember(self, item: Loaded, d: Decision, now: datetime) -> None:
        rec = d.record if d.record is not None else item.record
        key = item.snapshot.key
        self._watch(key, rec)
        cached = self._unpacked.pop(key, None)
        if (
            cached is not None
            and cached is self.memory.issues.get(key)
            and rec == item.record
            and d.next_at == cached.next_at
            and (d.next_at is None or d.next_at > now)
        ):
            # unpacked from memory and decided with no change: what is remembered stays as it is
            # (a full resync re-packed all 10,000 issues, the peak RSS of issue 15's resync)
            return
        if rec is None or rec.status != "open":
            self.memory.issues.pop(item.snapshot.key, None)
            if rec is None:
                return
        self.memory.remember(
            item.snapshot.key,
            Cached(Loaded(slim(item.snapshot, rec), rec, None, False), d.next_at),
            now,
        )


def _guarded(guard: StormGuard | None, d: Decision, now: datetime) -> Decision:
    """The applier's decision folded by the storm guard, its admissions committed first (the
    verdict may fold more people once the counts of other processes are seen)."""
    if guard is None:
        return d
    guard.guard(d, now)
    guard.commit(now)
    return guard.guard(d, now)


def with_last_read(item: Loaded, d: Decision) -> Decision:
    """The decision with what its snapshot was built from, stored with its record."""
    if d.record is None or item.read is None or d.record.last_read == item.read:
        return d
    return replace(d, record=replace(d.record, last_read=item.read))


def needs_apply(item: Loaded, d: Decision) -> bool:
    """Whether applying the decision sends anything to Jira (actions, a changed record, retries)."""
    return bool(
        item.blocked
        or d.actions
        or (d.changed and d.record is not None)
        or (d.record is not None and d.record.notify_retry)
    )

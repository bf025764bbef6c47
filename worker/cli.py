"""``escalation-worker`` command line.

Exit codes: 0 success; 1 Jira (or Confluence) unreachable or refusing the credentials, or
``check`` found problems; 2 configuration or usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_JIRA, EXIT_CONFIG = 0, 1, 2


def _iso(d: datetime | None) -> str | None:
    return d.astimezone(UTC).isoformat().replace("+00:00", "Z") if d else None


def _parse_at(value: str | None) -> datetime | None:
    if not value:
        return None
    d = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="escalation-worker",
        description="Enforce an escalation matrix with SLAs on Jira Cloud.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def with_config(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument(
            "--config",
            help="path to config.yaml (default: $ESCALATION_WORKER_CONFIG or ./config.yaml)",
        )
        return sp

    with_config(sub.add_parser("check", help="validate config.yaml and rules/ and summarise them"))
    sp = with_config(
        sub.add_parser("plan", help="show what the worker would do now, without writing anything")
    )
    sp.add_argument("--json", action="store_true", help="print one JSON array")
    sp.add_argument("--at", help="evaluate at this instant (ISO 8601) instead of now")
    sp = with_config(
        sub.add_parser("explain", help="explain one issue: cell, deadlines, acknowledgement")
    )
    sp.add_argument("key")
    sp.add_argument("--at", help="evaluate at this instant (ISO 8601)")
    with_config(sub.add_parser("tick", help="run one cycle (for cron or Heroku Scheduler)"))
    with_config(sub.add_parser("run", help="poll forever (Heroku worker dyno)"))
    sp = with_config(sub.add_parser("publish", help="publish the matrix page to Confluence"))
    sp.add_argument(
        "--dry-run", action="store_true", help="render only; write an HTML preview with --output"
    )
    sp.add_argument("--output", help="write an HTML preview of the page to this file")
    from worker.review.commands import register as register_review

    p.set_defaults(review_handlers=register_review(sub))
    sp = sub.add_parser("demo", help="run the whole product against the embedded sandbox site")
    sp.add_argument(
        "--output",
        default="demo-output",
        help="folder for the demo's files (default ./demo-output)",
    )
    sp.add_argument(
        "--speed", type=float, default=None, help="simulated minutes per cycle (default 5)"
    )
    return p


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    args = build_parser().parse_args(argv)
    from worker import logs

    # run/tick log to stdout (a dyno's log stream); commands that print results keep stdout clean
    logs.configure(stream=sys.stdout if args.command in ("run", "tick", "demo") else sys.stderr)
    handlers = {
        "check": cmd_check,
        "plan": cmd_plan,
        "explain": cmd_explain,
        "tick": cmd_tick,
        "run": cmd_run,
        "publish": cmd_publish,
        "demo": cmd_demo,
        **args.review_handlers,
    }
    try:
        return int(handlers[args.command](args, env))
    except BrokenPipeError:  # output piped into `head` and friends
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


# --- commands -----------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import config_path
    from worker.config.check import run_check

    path = config_path(args.config, env)
    if not path.exists():
        print(
            f"{path}: no such file. Copy config.example.yaml to {path}, or pass --config PATH.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    code, text = run_check(path, env)
    print(text)
    return code


def _setup(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[Any, Any] | int:
    from worker.app import SetupError, config_path, connection, read_config
    from worker.config.errors import ConfigError

    try:
        config = read_config(config_path(args.config, env))
        conn = connection(config, env)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    return config, conn


def _cycle(
    config: Any, conn: Any, env: Mapping[str, str], at: datetime | None = None, **kw: Any
) -> Any:
    from worker.app import build_cycle, wall_clock

    now = (lambda: at) if at else wall_clock(env)
    return build_cycle(config, conn, now=now, **kw)


def _jira_failure(exc: Exception) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return EXIT_JIRA


def cmd_plan(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import SetupError, preflight
    from worker.jira.http import JiraError

    setup = _setup(args, env)
    if isinstance(setup, int):
        return setup
    config, conn = setup
    cycle = _cycle(config, conn, env, _parse_at(args.at))
    try:
        for problem in preflight(cycle):
            print(f"warning: {problem}", file=sys.stderr)
        report = cycle.run(dry_run=True)
    except (SetupError, JiraError) as exc:
        return _jira_failure(exc)
    rows = [plan_row(item, d) for item, d in report.decisions if d.record is not None or d.actions]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        if not rows:
            print("No escalations in scope.")
        for r in rows:
            print(
                f"{r['key']:<12} {r['severity'] or '-':<3} {r['type'] or '-':<22} L{r['level']} owner={r['owner'] or '-'} "
                f"ack_due={r['ack_due']} resolve_due={r['resolve_due']} acked={r['acknowledged_at']}"
            )
            print(f"{'':<12} next: {r['next_action']} — {r['reason']}")
    return EXIT_OK


def plan_row(item: Any, d: Any) -> dict[str, Any]:
    rec = d.record
    return {
        "key": item.snapshot.key,
        "severity": rec.severity if rec else None,
        "type": rec.type if rec else None,
        "level": rec.level if rec else 0,
        "owner": rec.owner if rec else None,
        "ack_due": _iso(rec.ack_due) if rec else None,
        "resolve_due": _iso(rec.resolve_due) if rec else None,
        "acknowledged_at": _iso(rec.acked_at) if rec else None,
        "next_action": d.next_step,
        "reason": d.reason,
        "actions": [a.kind for a in d.actions],
    }


def cmd_explain(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import SetupError, preflight
    from worker.cycle.explain import explain
    from worker.jira.http import JiraError

    setup = _setup(args, env)
    if isinstance(setup, int):
        return setup
    config, conn = setup
    cycle = _cycle(config, conn, env, _parse_at(args.at))
    try:
        preflight(cycle)
        cycle.refresh_people()
        loaded = cycle.gatherer.load_one(args.key)
    except (SetupError, JiraError) as exc:
        return _jira_failure(exc)
    if loaded is None:
        print(
            f"error: {args.key} does not exist or the worker account cannot see it", file=sys.stderr
        )
        return EXIT_JIRA
    print(explain(cycle.context(), loaded, cycle.now()))
    return EXIT_OK


def _lock_for(args: argparse.Namespace, conn: Any) -> Any:
    """One lock per configuration and site, so that cron ticks and a `run` never overlap on a machine."""
    from worker.runtime import ProcessLock

    return ProcessLock(str(Path(args.config or "config.yaml").resolve()) + conn.jira_url)


def _prepared_cycle(config: Any, conn: Any, env: Mapping[str, str], **kw: Any) -> Any:
    """A cycle with notifications, after the preflight checks (warnings printed, fatal problems raised)."""
    from worker.app import preflight
    from worker.cycle.notifications import notifier_from_env

    cycle = _cycle(config, conn, env, notifier=notifier_from_env(config, env), **kw)
    for problem in preflight(cycle):
        print(f"warning: {problem}", file=sys.stderr)
    return cycle


def cmd_tick(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import SetupError
    from worker.jira.http import JiraError

    setup = _setup(args, env)
    if isinstance(setup, int):
        return setup
    config, conn = setup
    lock = _lock_for(args, conn)
    if not lock.acquire():
        print("another cycle is still running on this machine; skipping this tick", file=sys.stderr)
        return EXIT_OK
    try:
        _prepared_cycle(config, conn, env).run()
    except (SetupError, JiraError) as exc:
        return _jira_failure(exc)
    finally:
        lock.release()
    return EXIT_OK


def cmd_run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import SetupError
    from worker.jira.http import JiraError
    from worker.runtime import Loop
    from worker.schedule_jobs import install_jobs

    setup = _setup(args, env)
    if isinstance(setup, int):
        return setup
    config, conn = setup
    loop = Loop()
    loop.install_signal_handlers()
    lock = _lock_for(args, conn)
    if not lock.acquire():
        print("another worker is already running on this machine", file=sys.stderr)
        return EXIT_CONFIG
    try:
        cycle = _prepared_cycle(config, conn, env, should_stop=loop.stop.is_set)
        at_start = install_jobs(loop, cycle, config, conn, env)
        loop.run_forever(at_start=at_start, initial_jitter=config.schedule.jitter.total_seconds())
    except (SetupError, JiraError) as exc:
        return _jira_failure(exc)
    finally:
        lock.release()
    return EXIT_OK


def cmd_publish(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import SetupError, config_path, read_config
    from worker.config.errors import ConfigError
    from worker.confluence.client import ConfluenceError
    from worker.confluence.service import client_from_env, publish_matrix

    try:
        config = read_config(config_path(args.config, env))
    except (ConfigError, SetupError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    output = Path(args.output) if args.output else None
    if args.dry_run:
        result = publish_matrix(config, None, dry_run=True, output=output)
        print(result.message)
        return EXIT_OK
    setup = _setup(args, env)
    if isinstance(setup, int):
        return setup
    _, conn = setup
    try:
        me = _cycle(config, conn, env)
        me.identify()
        client = client_from_env(config, env)
        result = publish_matrix(
            config, client, worker_account_id=me.memory.account_id, output=output
        )
    except (ConfluenceError, Exception) as exc:
        from worker.redact import redact

        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_JIRA
    print(
        f"{result.action}: {result.message} [page {result.page_id}, version {result.version}, "
        f"{result.requests} Confluence requests]"
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.demo import run_demo

    return run_demo(Path(args.output), speed_minutes=args.speed)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

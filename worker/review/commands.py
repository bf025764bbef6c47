"""The ``report`` and ``trail`` subcommands. ``worker.cli`` wires them in with :func:`register`.

    escalation-worker report [--month YYYY-MM] [--format md|csv|json] [--publish] [--output FILE]
    escalation-worker trail [--since DATE] [--format jsonl|csv] [--include-people-issues] [--output FILE]

Exit codes follow the CLI's: 0 success, 1 Jira or Confluence failed, 2 configuration or usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

EXIT_OK, EXIT_REMOTE, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]


def register(subparsers: Any) -> dict[str, Handler]:
    """Add ``report`` and ``trail`` to the CLI's subparsers; returns {command: handler}."""

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--config",
            help="path to config.yaml (default: $ESCALATION_WORKER_CONFIG or ./config.yaml)",
        )
        sp.add_argument("--output", help="write to this file instead of standard output")
        sp.add_argument(
            "--include-people-issues",
            action="store_true",
            help="name people issues too (never allowed with --publish)",
        )
        sp.add_argument(
            "--counterpart-field",
            help="custom field id holding the counterpart team of a dependency",
        )
        sp.add_argument(
            "--decision-field",
            help="custom field id holding the decision (wins over the owner's comment)",
        )
        sp.add_argument("--at", help="compute as of this instant (ISO 8601) instead of now")

    sp = subparsers.add_parser(
        "report", help="the monthly escalation review (volumes, SLA compliance, patterns)"
    )
    sp.add_argument(
        "--month", help="YYYY-MM (default: the previous month in the calendar's time zone)"
    )
    sp.add_argument("--format", choices=("md", "csv", "json"), default="md")
    sp.add_argument(
        "--publish",
        action="store_true",
        help='create or update the child page "Escalation review YYYY-MM" under the matrix page',
    )
    common(sp)
    sp = subparsers.add_parser("trail", help="export the written trail of S1–S2 escalations")
    sp.add_argument(
        "--since",
        help="only escalations active on or after this date (YYYY-MM-DD, calendar time zone)",
    )
    sp.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    common(sp)
    return {"report": cmd_report, "trail": cmd_trail}


# --- shared setup ---------------------------------------------------------------------------------


def _fail(message: str, code: int) -> int:
    print(message, file=sys.stderr)
    return code


def _setup(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[Any, Any, datetime] | int:
    """(config, gateway, now), or an exit code after printing one clear line."""
    from worker.app import (
        SetupError,
        build_gateway,
        build_http,
        config_path,
        connection,
        read_config,
        wall_clock,
    )
    from worker.config.errors import ConfigError

    try:
        config = read_config(config_path(args.config, env))
        conn = connection(config, env)
    except (ConfigError, SetupError) as exc:
        return _fail(str(exc) if isinstance(exc, ConfigError) else f"error: {exc}", EXIT_USAGE)
    try:
        now = _parse_at(args.at) if args.at else wall_clock(env)()
    except ValueError:
        return _fail(f"error: --at expects an ISO 8601 instant, got {args.at!r}", EXIT_USAGE)
    return config, build_gateway(config, build_http(conn)), now


def _parse_at(text: str) -> datetime:
    d = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _emit(text: str, output: str | None) -> None:
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _remote_error(exc: Exception) -> int:
    from worker.redact import redact

    return _fail(f"error: {redact(str(exc))}", EXIT_REMOTE)


# --- report ----------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.confluence.client import ConfluenceError
    from worker.confluence.publish import PublishError
    from worker.jira.http import JiraError
    from worker.review.model import Month
    from worker.review.monthly import compute_month, publish_report
    from worker.review.render import to_csv, to_json, to_markdown
    from worker.review.source import ReviewFields

    if args.publish and args.include_people_issues:
        return _fail(
            "error: --include-people-issues cannot be combined with --publish: the published review names "
            "no people issue",
            EXIT_USAGE,
        )
    setup = _setup(args, env)
    if isinstance(setup, int):
        return setup
    config, gateway, now = setup
    tz = ZoneInfo(config.calendar.timezone)
    try:
        month = Month.parse(args.month) if args.month else Month.of(now, tz).previous()
    except ValueError as exc:
        return _fail(f"error: --month: {exc}", EXIT_USAGE)
    if args.publish and not config.confluence.space:
        return _fail(
            "error: confluence.space is not set in config.yaml: there is nowhere to publish",
            EXIT_USAGE,
        )
    fields = ReviewFields.from_config(config, args.counterpart_field, args.decision_field)
    try:
        report = compute_month(
            gateway, config, month, now, fields=fields, include_sensitive=args.include_people_issues
        )
    except JiraError as exc:
        return _remote_error(exc)
    render = {"md": to_markdown, "csv": to_csv, "json": to_json}[args.format]
    _emit(render(report), args.output)
    if args.publish:
        from worker.confluence.service import client_from_env

        try:
            me = gateway.myself()
            result = publish_report(
                config,
                client_from_env(config, env),
                report,
                worker_account_id=str(me.get("accountId") or "") or None,
            )
        except (JiraError, ConfluenceError, PublishError) as exc:
            return _remote_error(exc)
        print(result.message, file=sys.stderr)
    return EXIT_OK


# --- trail -----------------------------------------------------------------------------------------


def _parse_since(text: str, tz: ZoneInfo) -> datetime:
    """``YYYY-MM-DD`` is midnight in the calendar's zone; a full ISO instant is taken as given."""
    d = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=tz)


def cmd_trail(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.jira.http import JiraError
    from worker.review.source import ReviewFields, load_escalations
    from worker.review.trail import to_csv, to_jsonl, trail_entries

    setup = _setup(args, env)
    if isinstance(setup, int):
        return setup
    config, gateway, now = setup
    tz = ZoneInfo(config.calendar.timezone)
    since = None
    if args.since:
        try:
            since = _parse_since(args.since, tz)
        except ValueError:
            return _fail(
                f"error: --since expects a date (YYYY-MM-DD) or an ISO 8601 instant, got {args.since!r}",
                EXIT_USAGE,
            )
    fields = ReviewFields.from_config(config, args.counterpart_field, args.decision_field)
    try:
        escalations = load_escalations(gateway, config, updated_since=since, fields=fields)
    except JiraError as exc:
        return _remote_error(exc)
    entries, withheld = trail_entries(
        escalations,
        rules=config.rules,
        directory=config.directory,
        now=now,
        since=since,
        include_sensitive=args.include_people_issues,
    )
    _emit((to_csv if args.format == "csv" else to_jsonl)(entries), args.output)
    if withheld:
        print(
            f"{withheld} people issue(s) left out; pass --include-people-issues to export them",
            file=sys.stderr,
        )
    return EXIT_OK


__all__ = ["cmd_report", "cmd_trail", "register"]

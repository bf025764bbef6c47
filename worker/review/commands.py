"""The ``report`` and ``trail`` subcommands. ``worker.cli`` wires them in with :func:`register`.

    escalation-worker report [--month YYYY-MM] [--format md|csv|json] [--publish] [--output FILE]
    escalation-worker trail [--since DATE] [--format jsonl|csv] [--include-people-issues] [--output FILE]

Errors are raised as :mod:`worker.errors` types; ``worker.cli.main`` turns them into exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from worker.argtypes import ISO_HELP, iso_instant
from worker.errors import EXIT_OK, ConfigProblem, UsageProblem

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
            help="name people issues too"
            + (" (never allowed with --publish)" if sp.prog.endswith("report") else ""),
        )
        sp.add_argument(
            "--counterpart-field",
            help="custom field id holding the counterpart team of a dependency",
        )
        sp.add_argument(
            "--decision-field",
            help="custom field id holding the decision (wins over the owner's comment)",
        )
        sp.add_argument(
            "--at", type=iso_instant, help=f"compute as of this instant ({ISO_HELP}) instead of now"
        )

    sp = subparsers.add_parser(
        "report",
        help="the monthly escalation review (volumes, SLA compliance, patterns)",
        description="Compute a month's escalation review from Jira: volumes, SLA compliance, "
        "time to acknowledge and resolve, patterns; print it, or publish it under the matrix page.",
    )
    sp.add_argument(
        "--month", help="YYYY-MM (default: the previous month in the calendar's time zone)"
    )
    sp.add_argument(
        "--format", choices=("md", "csv", "json"), default="md", help="output format (default md)"
    )
    sp.add_argument(
        "--publish",
        action="store_true",
        help='create or update the child page "Escalation review YYYY-MM" under the matrix page',
    )
    common(sp)
    sp = subparsers.add_parser(
        "trail",
        help="export the written trail of S1–S2 escalations",
        description="Export the written trail of S1–S2 escalations (who was asked, when, what "
        "was decided) as JSON lines or CSV, to standard output or --output.",
    )
    sp.add_argument(
        "--since",
        help="only escalations active on or after this date (YYYY-MM-DD, calendar time zone)",
    )
    sp.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="output format (default jsonl)"
    )
    common(sp)
    return {"report": cmd_report, "trail": cmd_trail}


# --- shared setup ---------------------------------------------------------------------------------


def _setup(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[Any, Any, datetime]:
    """(config, gateway, now); a person's mistake is raised as a typed UserError."""
    from worker.app import bootstrap, config_path, read_config

    services = bootstrap(
        read_config(config_path(args.config, env)),
        env,
        now=(lambda: args.at) if args.at else None,
    )
    return services.config, services.gateway, services.now()


def _emit(text: str, output: str | None) -> None:
    if output:
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)


# --- report ----------------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.review.model import Month
    from worker.review.monthly import compute_month, publish_report
    from worker.review.render import to_csv, to_json, to_markdown
    from worker.review.source import ReviewFields

    if args.publish and args.include_people_issues:
        raise UsageProblem(
            "--include-people-issues cannot be combined with --publish",
            "the published review names no people issue: drop one of the two",
        )
    if args.month:
        try:
            Month.parse(args.month)
        except ValueError as exc:
            raise UsageProblem(f"--month {args.month!r}: {exc}", "write it as YYYY-MM") from None
    config, gateway, now = _setup(args, env)
    tz = ZoneInfo(config.calendar.timezone)
    month = Month.parse(args.month) if args.month else Month.of(now, tz).previous()
    if args.publish and not config.confluence.space:
        raise ConfigProblem(
            "confluence.space is not set in config.yaml: there is nowhere to publish",
            "set confluence.space to the key of the space of the matrix page",
        )
    fields = ReviewFields.from_config(config, args.counterpart_field, args.decision_field)
    report = compute_month(
        gateway, config, month, now, fields=fields, include_sensitive=args.include_people_issues
    )
    if args.format == "md":
        from worker.i18n import texts_for

        _emit(to_markdown(report, texts_for(config.language)), args.output)
    else:
        _emit({"csv": to_csv, "json": to_json}[args.format](report), args.output)
    if args.publish:
        from worker.confluence.service import client_from_env

        me = gateway.myself()
        result = publish_report(
            config,
            client_from_env(config, env),
            report,
            worker_account_id=str(me.get("accountId") or "") or None,
        )
        print(result.message, file=sys.stderr)
    return EXIT_OK


# --- trail -----------------------------------------------------------------------------------------


def _parse_since(text: str, tz: ZoneInfo) -> datetime:
    """``YYYY-MM-DD`` is midnight in the calendar's zone; a full ISO instant is taken as given."""
    d = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=tz)


def cmd_trail(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.review.source import ReviewFields, load_escalations
    from worker.review.trail import to_csv, to_jsonl, trail_entries

    if args.since:
        try:
            _parse_since(args.since, ZoneInfo("UTC"))
        except ValueError:
            raise UsageProblem(
                f"--since {args.since!r} is not a date",
                "give a date (YYYY-MM-DD) or an ISO 8601 instant",
            ) from None
    config, gateway, now = _setup(args, env)
    tz = ZoneInfo(config.calendar.timezone)
    since = _parse_since(args.since, tz) if args.since else None
    fields = ReviewFields.from_config(config, args.counterpart_field, args.decision_field)
    escalations = load_escalations(gateway, config, updated_since=since, fields=fields)
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

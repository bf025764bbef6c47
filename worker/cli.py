"""``escalation-worker`` command line.

Every command raises a typed :class:`worker.errors.UserError` for a person's mistake and lets
anything else escape; :func:`main` maps both to the exit codes of the README's table, once:
a user error is one line (``error: what ==> how to fix``), anything else is a bug (its traceback
and a request to report it). ``tick`` and ``run`` say everything through the log (JSON lines off
a TTY, on standard output), the other commands print for people and put errors on standard error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from worker.argtypes import ISO_HELP, iso_instant
from worker.errors import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    AlreadyRunning,
    UsageProblem,
    UserError,
    issue_tracker,
)

Handler = Callable[[argparse.Namespace, Mapping[str, str]], int]
LOGGING_COMMANDS = ("tick", "run", "serve")  # they speak through the log, one stream


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line (a :class:`UsageProblem`), not a usage block."""

    def error(self, message: str) -> NoReturn:
        raise UsageProblem(f"{self.prog}: {message}", f"see {self.prog} --help")


def build_parser() -> Parser:
    p = Parser(
        prog="escalation-worker",
        description="Enforce an escalation matrix with SLAs on Jira Cloud.",
        epilog="Exit codes: 0 success; 1 the site refused or could not be reached; 2 a problem "
        "to fix in config.yaml, rules/, the environment or the command line; 3 a bug (please "
        "report it); 4 status: the worker does not look alive; 130 interrupted.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str, *, config: bool = True) -> Parser:
        sp: Parser = sub.add_parser(name, help=summary, description=description)
        if config:
            sp.add_argument(
                "--config",
                help="path to config.yaml (default: $ESCALATION_WORKER_CONFIG or ./config.yaml)",
            )
        return sp

    def shadow_option(sp: Parser) -> None:
        sp.add_argument(
            "--shadow",
            action="store_true",
            help="decide and log as a live worker would, write nothing to Jira, Confluence or any "
            "channel (the same as mode: shadow in config.yaml)",
        )

    def log_options(sp: Parser) -> None:
        sp.add_argument(
            "--log-format",
            choices=("json", "console"),
            help="json: one JSON object a line; console: for people (default: console on a "
            "terminal, json otherwise). The level comes from $LOG_LEVEL (default info).",
        )

    sp = command(
        "init",
        "write a commented config.yaml (and with --rules an editable rules/ copy) to start from",
        "Write the starting point of a deployment into DIR (default: this folder): a commented "
        "config.yaml made from the example, and with --rules a copy of the shipped rules to edit. "
        "Nothing is overwritten unless --force is given.",
        config=False,
    )
    sp.add_argument("dir", nargs="?", default=".", help="folder to write into (created if missing)")
    sp.add_argument(
        "--rules", action="store_true", help="also copy the shipped rules into DIR/rules to edit"
    )
    sp.add_argument("--force", action="store_true", help="overwrite existing files")
    sp = command(
        "check",
        "validate config.yaml, rules/ and the environment, and summarise them",
        "Validate config.yaml and rules/ together, and the environment variables the worker "
        "reads (site URL shape, email and token present). Prints a summary, or every problem "
        "with its file, line and fix. Does not contact Jira.",
    )
    sp.add_argument(
        "--skip-env",
        action="store_true",
        help="validate the files only (for a CI job that has no access to the secrets)",
    )
    sp.add_argument(
        "--online",
        action="store_true",
        help="also ask the live site: projects, the worker's permissions, every person's "
        "account (exists, active, assignable), the Confluence space; exit 1 on any finding",
    )
    sp = command(
        "plan",
        "show what the worker would do now, without writing anything",
        "Connect, check the projects, and show for every escalation in scope its owner, its "
        "deadlines in the calendar's time zone and what the worker would do now. Writes nothing.",
    )
    sp.add_argument(
        "--json", action="store_true", help="one JSON array (accountIds, ISO 8601 UTC times)"
    )
    sp.add_argument("--at", type=iso_instant, help=f"evaluate at this instant ({ISO_HELP})")
    sp = command(
        "explain",
        "explain one issue: cell, deadlines, acknowledgement, next step",
        "Explain one issue in words: its label, kind and team, the matrix cell and its people, "
        "how each deadline was computed on which calendar, the acknowledgement, the record's "
        "timeline and what would happen next. Writes nothing.",
    )
    sp.add_argument("key", help="the issue key, e.g. SHOP-12")
    sp.add_argument("--at", type=iso_instant, help=f"evaluate at this instant ({ISO_HELP})")
    sp.add_argument("--json", action="store_true", help="one JSON object instead of the text")
    sp = command(
        "tick",
        "run one cycle and exit (cron, Heroku Scheduler)",
        "Run one complete cycle against the site and exit. A tick that finds another one still "
        "running on this machine skips.",
    )
    log_options(sp)
    shadow_option(sp)
    sp = command(
        "run",
        "poll forever (a Heroku worker dyno)",
        "Poll every schedule.poll_interval, republish the matrix page, send the weekly digest "
        "and the monthly review on schedule. Stops on SIGTERM or Ctrl-C.",
    )
    log_options(sp)
    shadow_option(sp)
    sp.add_argument(
        "--serve",
        action="store_true",
        help="also serve Jira webhooks and Slack/phone acknowledgements on $PORT (one Heroku "
        "web dyno does everything)",
    )
    sp = command(
        "serve",
        "web process only: Jira webhooks, Slack buttons, phone and SMS acknowledgements",
        "Listen on $PORT at once, then connect to the site. Jira webhooks wake a cycle for their "
        "issues; Slack clicks, a key pressed during a call and SMS replies are recorded as "
        "acknowledgements. Beside a `run` worker dyno it is a second actor, kept safe by the "
        "claims every cycle makes. Stops on SIGTERM or Ctrl-C.",
    )
    log_options(sp)
    sp = command(
        "publish",
        "publish the matrix page to Confluence, or write an HTML preview",
        "Render the matrix from rules/ and config.yaml and create or update its Confluence "
        "page (only a page the worker created, or confluence.page_id).",
    )
    sp.add_argument(
        "--dry-run", action="store_true", help="render only; write an HTML preview with --output"
    )
    sp.add_argument("--output", help="write an HTML preview of the page to this file")
    sp.add_argument(
        "--poster",
        metavar="FILE",
        help="also write the matrix as a one-page A3 landscape PDF poster to FILE "
        "(with --dry-run, nothing else is done)",
    )
    sp = command(
        "who",
        "who to call for a kind and severity: owner, handlers, channels, both deadlines",
        "Answer 'who do I call?' from the rules and the people of config.yaml: the owner and "
        "handlers by name (a deputy for anyone away now), the channels the severity calls for "
        "and both SLAs on the team's calendar, with the deadlines an issue labelled now would "
        "get. Without --team, one answer per team when the people differ by team. Does not "
        "contact Jira.",
    )
    sp.add_argument("--type", required=True, help="the kind, e.g. dependency or incident")
    sp.add_argument("--severity", required=True, help="the severity, e.g. S2")
    sp.add_argument("--team", help="the team (its id or name), e.g. payments")
    sp.add_argument("--at", type=iso_instant, help=f"answer as of this instant ({ISO_HELP})")
    sp.add_argument("--json", action="store_true", help="one JSON array, one object per team")
    sp = command(
        "status",
        "when the worker last ran, what it did, whether it looks alive (from Jira)",
        "Read the heartbeat record the worker keeps on its own Jira account and say when the "
        "last cycle ran, what it did, and whether the worker looks alive, failing or stopped. "
        "Exits 0 when alive, 4 otherwise.",
    )
    sp.add_argument("--json", action="store_true", help="one JSON object")
    from worker.review.commands import register as register_review

    p.set_defaults(review_handlers=register_review(sub))
    sp = command(
        "demo",
        "run the whole product against the embedded sandbox site",
        "Start a sandbox Jira and Confluence on 127.0.0.1, seed an organisation and play one "
        "working day on an accelerated clock while the real worker polls it.",
        config=False,
    )
    sp.add_argument(
        "--output",
        default="demo-output",
        help="folder for the demo's files (default ./demo-output)",
    )
    sp.add_argument(
        "--speed",
        type=float,
        default=None,
        help="simulated minutes per cycle, more than 0 and at most 120 (default 5)",
    )
    sp.add_argument(
        "--config", help="a config.yaml to play the day with (default config.example.yaml)"
    )
    sp.add_argument(
        "--language",
        default=None,
        help="the language the worker writes in during the day, e.g. fr (default: the config's)",
    )
    return p


def _command_in(argv: Sequence[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    argv = list(sys.argv[1:] if argv is None else argv)
    from worker.redact import register_environment

    register_environment(env)  # secrets this command never reads are hidden too
    from worker import logs

    command = _command_in(argv)
    logging_command = command in LOGGING_COMMANDS
    try:
        fmt = _log_format(argv)
        try:
            level, level_problem = logs.level_from(env), None
        except UserError as exc:
            level, level_problem = logs.LEVELS["info"], exc
        # tick/run log to stdout (a dyno's log stream); commands that print results keep it clean
        logs.configure(
            stream=sys.stdout if logging_command or command == "demo" else sys.stderr,
            json={"json": True, "console": False}.get(fmt or ""),
            level=level,
        )
        if level_problem is not None:
            raise level_problem
        args = build_parser().parse_args(argv)
        handlers: dict[str, Handler] = {
            "init": cmd_init,
            "check": cmd_check,
            "plan": cmd_plan,
            "explain": cmd_explain,
            "tick": cmd_tick,
            "run": cmd_run,
            "serve": cmd_serve,
            "publish": cmd_publish,
            "status": cmd_status,
            "who": cmd_who,
            "demo": cmd_demo,
            **args.review_handlers,
        }
        return int(handlers[args.command](args, env))
    except BrokenPipeError:  # output piped into `head` and friends
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except UserError as exc:
        return _user_error(exc, logging_command)
    except Exception as exc:
        # here, not at the top: it imports every adapter (requests, ~80 ms), which commands that
        # never reach a site (init, check --skip-env, who, a usage error) do not need
        from worker.remote_errors import from_remote

        err = from_remote(exc)
        if err is not None:
            return _user_error(err, logging_command)
        return _bug(exc, logging_command)


def _log_format(argv: Sequence[str]) -> str | None:
    for i, a in enumerate(argv):
        if a.startswith("--log-format="):
            return a.split("=", 1)[1]
        if a == "--log-format" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def _user_error(err: UserError, logging_command: bool) -> int:
    if logging_command:
        import structlog

        structlog.get_logger("worker.cli").error(
            "error", error=err.line(), kind=type(err).__name__, exit_code=err.exit_code
        )
    else:
        print(f"error: {err.line()}", file=sys.stderr)
    return err.exit_code


def _bug(exc: BaseException, logging_command: bool) -> int:
    from worker import __version__
    from worker.redact import redact

    ask = (
        f"this is a bug in escalation-worker {__version__}; please report it at "
        f"{issue_tracker()} with the traceback above (it holds no secret)"
    )
    if logging_command:
        import structlog

        structlog.get_logger("worker.cli").critical("bug", report=ask, exc_info=exc)
    else:
        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
        print(f"error: {ask}", file=sys.stderr)
    return EXIT_BUG


# --- commands -----------------------------------------------------------------------------------


def _config(args: argparse.Namespace, env: Mapping[str, str]) -> Any:
    from worker.app import config_path, read_config

    return read_config(config_path(args.config, env))


def _services(args: argparse.Namespace, env: Mapping[str, str], **kw: Any) -> Any:
    from worker.app import bootstrap

    at = getattr(args, "at", None)
    return bootstrap(_config(args, env), env, now=(lambda: at) if at else None, **kw)


def cmd_init(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.defaults.starter import write_starter

    written = write_starter(Path(args.dir), with_rules=args.rules, force=args.force)
    print(f"wrote {written.config}")
    if written.rules is not None:
        print(f"wrote {written.rules}/ (the rules to edit; rules_dir points at it)")
    print(f"next: edit it, then `escalation-worker check --config {written.config}`")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import config_path, connection
    from worker.config.check import run_check
    from worker.config.load import load_config
    from worker.errors import ConfigProblem
    from worker.notify.registry import describe_settings

    path = config_path(args.config, env)
    if not path.exists():
        raise ConfigProblem(
            f"{path}: no such file",
            "run `escalation-worker init` to write one and adapt it, or pass --config PATH",
        )
    code, text = run_check(path, env, describe_settings(env))
    print(text)
    if code != 0:
        n = text.count("==> fix")
        raise ConfigProblem(
            f"{path}: {n} problem{'s' if n != 1 else ''} in the configuration or rules/",
            "fix each one as its '==> fix' line above says, then run check again",
        )
    if not args.skip_env or args.online:
        connection(load_config(path), env)  # raises one line when the environment is wrong
    if args.online:
        _check_online(args, env)
    return EXIT_OK


def _check_online(args: argparse.Namespace, env: Mapping[str, str]) -> None:
    from worker.app import check_site
    from worker.errors import RemoteProblem
    from worker.onboarding.online import check_online

    services = _services(args, env, check=False)
    check_site(services.gateway, services.config, services.memory, projects=False)
    report = check_online(
        services.gateway,
        services.config,
        wiki=services.wiki,
        public_url=env.get("ESCALATION_WORKER_PUBLIC_URL") or None,
        account_id=services.memory.account_id,
    )
    for note in report.notes:
        print(f"online: {note}")
    for finding in report.findings:
        print(finding.line())
    if report.findings:
        n = len(report.findings)
        raise RemoteProblem(
            f"the live site disagrees with the configuration ({n} finding{'s' if n != 1 else ''})",
            "fix each as its '==>' line above says, then run check --online again",
        )
    print("online: OK, the site has what the configuration needs")


def cmd_plan(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.cycle.plan import render_plan

    services = _services(args, env)
    report = services.cycle().run(dry_run=True)
    print(render_plan(services.config, report.decisions, services.now(), as_json=args.json))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.cycle.explain import explain, explain_json
    from worker.errors import NotFound

    services = _services(args, env)
    cycle = services.cycle()
    cycle.refresh_people()
    loaded = cycle.gatherer.load_one(args.key)
    if loaded is None:
        raise NotFound(
            f"{args.key} does not exist or the worker account cannot see it",
            "check the key; an issue security level may hide it from the worker account",
        )
    if args.json:
        print(explain_json(cycle.context(), loaded, services.now()))
    else:
        print(explain(cycle.context(), loaded, services.now()))
        print(unstored_line(cycle, loaded), end="")
    return EXIT_OK


def unstored_line(cycle: Any, loaded: Any) -> str:
    """``explain``'s line for a record Jira refuses (from the site-wide list), or nothing."""
    from worker.cycle.claims import digest
    from worker.cycle.unstored import UnstoredBook, fix_for

    cycle.identify()
    entry = UnstoredBook(cycle.gateway, cycle.memory.account_id).load().get(loaded.snapshot.key)
    if entry is None or entry.get("state") != digest(loaded.record):
        return ""
    return (
        f"  record not stored since {entry['at']}: {entry['error']}\n"
        f"    ==> {fix_for(entry['error'])}\n"
    )


def _lock_for(args: argparse.Namespace, site_url: str) -> Any:
    """One lock per configuration and site, so that cron ticks and a `run` never overlap on a machine."""
    from worker.runtime import ProcessLock

    return ProcessLock(str(Path(args.config or "config.yaml").resolve()) + site_url)


def cmd_tick(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    import structlog

    from worker.ops.heartbeat import Heartbeat
    from worker.ops.progress import with_progress

    services = _services(args, env)
    log = structlog.get_logger("worker.cli")
    beat = Heartbeat.from_services(services, mode="tick")
    lock = _lock_for(args, services.site_url)
    if not lock.acquire():
        log.info("tick_skipped", reason="another cycle is still running on this machine")
        return EXIT_OK
    try:
        if _shadow(args, services):
            _shadow_tick(services, tty=_console(args))
        else:
            cycle = services.cycle(notifier=services.notifier())
            beat.around(with_progress(cycle, tty=_console(args)))
    finally:
        lock.release()
        beat.flush()
    return EXIT_OK


def _shadow(args: argparse.Namespace, services: Any) -> bool:
    return bool(getattr(args, "shadow", False) or services.config.mode == "shadow")


def _shadow_tick(services: Any, *, tty: bool) -> None:
    """One shadow cycle: what the first live cycle would do, as log lines; nothing written."""
    from worker.cycle.shadow import ShadowBook
    from worker.ops.progress import with_progress

    book = ShadowBook()
    with_progress(services.cycle(shadow=book), tty=tty)()
    log_shadow_summary(book)


def log_shadow_summary(book: Any) -> None:
    from collections import Counter

    import structlog

    kinds = Counter(a.kind for _, a in book.actions)
    structlog.get_logger("worker.cli").info(
        "shadow_summary",
        issues=len({k for k, _ in book.actions}),
        actions=dict(sorted(kinds.items())),
        records=len(book.records),
        written="nothing (shadow mode)",
    )


def _console(args: argparse.Namespace) -> bool:
    """Whether tick/run talk to a person at a terminal (a progress bar) rather than to a log."""
    fmt = getattr(args, "log_format", None)
    return fmt != "json" and sys.stdout.isatty() and sys.stderr.isatty()


def cmd_run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    import structlog

    from worker import __version__
    from worker.app import config_path
    from worker.cycle.shadow import ShadowBook
    from worker.ops.heartbeat import Heartbeat
    from worker.ops.progress import with_progress
    from worker.runtime import Loop
    from worker.schedule_jobs import install_jobs

    if args.serve and args.shadow:
        raise UsageProblem(
            "run --serve cannot run in shadow mode: acknowledgements from Slack or the phone "
            "are written to Jira",
            "run the shadow worker without --serve, and serve once it is live",
        )
    web = _start_web(env) if args.serve else None  # bind $PORT before any long work
    waker = None
    try:
        services = _services(args, env)
    except BaseException:
        if web is not None:
            web.stop()
        raise
    config = services.config
    loop = Loop()
    loop.install_signal_handlers()
    lock = _lock_for(args, services.site_url)
    if not lock.acquire():
        if web is not None:
            web.stop()
        raise AlreadyRunning(
            "another worker is already running on this machine for this configuration",
            "stop the other process: run one worker per site",
        )
    try:
        shadow = _shadow(args, services)
        if shadow and web is not None:
            raise UsageProblem(
                "config.yaml says mode: shadow, which cannot serve acknowledgements",
                "run without --serve until the worker is live",
            )
        book = ShadowBook() if shadow else None
        cycle = services.cycle(
            notifier=None if shadow else services.notifier(),
            should_stop=loop.stop.is_set,
            shadow=book,
        )
        beat = Heartbeat.from_services(services, mode="shadow" if shadow else "run")
        run_cycle = with_progress(cycle, tty=_console(args))
        structlog.get_logger("worker.cli").info(
            "start",
            version=__version__,
            config=str(config_path(args.config, env)),
            projects=list(config.jira.projects),
            poll_interval_s=config.schedule.poll_interval.total_seconds(),
            mode="shadow" if shadow else "run",
            site=services.site_url,
            log_level=logging.getLevelName(logging.getLogger().level).lower(),
            heartbeat=beat.describe(),
        )
        if book is not None:
            # nothing is published, no digest or review goes out, no heartbeat record is written
            at_start = install_jobs(loop, services, run_cycle, target=cycle, shadow=True)
        else:
            at_start = install_jobs(loop, services, lambda: beat.around(run_cycle), target=cycle)
        if web is not None:
            waker = _attach_web(web, services, cycle, loop, env)
        loop.run_forever(at_start=at_start, initial_jitter=config.schedule.jitter.total_seconds())
        if book is not None:
            log_shadow_summary(book)
        else:
            beat.stopped("stop signal received")
            beat.flush()
    finally:
        if web is not None:
            web.stop()
        if waker is not None:
            waker.close()
        lock.release()
    return EXIT_OK


def _start_web(env: Mapping[str, str]) -> Any:
    """The web server, listening on $PORT before config and Jira are even read."""
    from worker.errors import EnvironmentProblem
    from worker.web.app import Services as WebServices
    from worker.web.server import start
    from worker.web.settings import WebSettings, WebSetupError

    try:
        settings = WebSettings.from_env(env)
    except WebSetupError as exc:
        raise EnvironmentProblem(str(exc)) from None
    try:
        return start(WebServices(settings))
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot listen on {settings.host}:{settings.port} ({exc.strerror})",
            "set PORT to a free port",
        ) from None


def _attach_web(web: Any, services: Any, cycle: Any, loop: Any, env: Mapping[str, str]) -> Any:
    """Wake key cycles from the web server; they never run while the poller's cycle runs."""
    from worker.app import build_gateway, build_http, connection
    from worker.cycle.cycle import Cycle
    from worker.web.server import attach
    from worker.web.wake import KeyCycles

    config = services.config
    # the gateway, built before the recorder's connection below, is only for the recorder
    gateway = build_gateway(config, build_http(connection(config, env)))
    recorder_cycle = Cycle(config, gateway, services.clocks, now=services.now)
    if loop.target is not None:
        # run --serve: the scheduler itself takes the keys (debounced) and serves them between the
        # pages of whatever cycle is running, on its own thread
        attach(web.services, config, recorder_cycle, loop, env, now=services.now)
        return None
    waker = KeyCycles(lambda keys: cycle.run(keys=keys), busy=loop.busy, stop=loop.stop)
    attach(web.services, config, recorder_cycle, waker, env, now=services.now)
    return waker


def cmd_serve(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    """A web dyno beside a worker dyno: a second actor, kept safe by the claims every cycle makes."""
    from worker.runtime import Loop

    web = _start_web(env)
    waker = None
    try:
        services = _services(args, env)
        loop = Loop()
        loop.install_signal_handlers()
        cycle = services.cycle(notifier=services.notifier(), should_stop=loop.stop.is_set)
        waker = _attach_web(web, services, cycle, loop, env)
        loop.run_forever()
    finally:
        web.stop()
        if waker is not None:
            waker.close()
    return EXIT_OK


def cmd_publish(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.confluence.service import publish_matrix
    from worker.schedule_jobs import adopted_items

    output = Path(args.output) if args.output else None
    if args.poster:
        from worker.poster.service import write_poster

        poster = write_poster(_config(args, env), Path(args.poster))
        people = (
            f"people at {poster.people_pt:g} pt"
            if poster.people_pt is not None
            else "people table left to the Confluence page (too many teams for one page)"
        )
        print(
            f"poster written to {args.poster}: one A3 page, matrix at {poster.matrix_pt:g} pt, {people}"
        )
    if args.dry_run:
        from worker.app import wall_clock

        config = _config(args, env)
        result = publish_matrix(config, None, dry_run=True, output=output, now=wall_clock(env)())
        print(result.message)
        return EXIT_OK
    services = _services(args, env, projects=False)  # the page needs no project
    result = publish_matrix(
        services.config,
        services.wiki(),
        worker_account_id=services.account_id,
        output=output,
        now=services.now(),
        adopted_items=adopted_items(services),
    )
    print(
        f"{result.action}: {result.message} [page {result.page_id}, version {result.version}, "
        f"{result.requests} Confluence requests]"
    )
    return EXIT_OK


def cmd_who(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.app import wall_clock
    from worker.core.texts import ENGLISH
    from worker.i18n import texts_for
    from worker.onboarding.who import answers, render_json, render_text

    now = args.at or wall_clock(env)()
    config = _config(args, env)
    # the words follow `language:`; the JSON answer is data and stays in English
    texts = ENGLISH if args.json else texts_for(config.language)
    found = answers(config, args.type, args.severity, args.team, now, texts)
    print(render_json(found) if args.json else render_text(found, texts))
    return EXIT_OK


def cmd_status(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.errors import EXIT_NOT_ALIVE
    from worker.ops.status import read_status, render_status

    services = _services(args, env, projects=False)
    status = read_status(services)
    print(render_status(services, status, as_json=args.json))
    return EXIT_OK if status.healthy else EXIT_NOT_ALIVE


def cmd_demo(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    from worker.demo import run_demo

    if args.speed is not None and not 0 < args.speed <= 120:
        raise UsageProblem(
            f"--speed {args.speed:g}: out of range",
            "give more than 0 and at most 120 simulated minutes per cycle",
        )
    from worker.i18n import available_languages

    if args.language is not None and args.language not in available_languages():
        raise UsageProblem(
            f"--language {args.language}: no texts for this language",
            f"give one of {', '.join(available_languages())}",
        )
    return run_demo(
        Path(args.output),
        speed_minutes=args.speed,
        config_path=Path(args.config) if args.config else None,
        language=args.language,
    )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

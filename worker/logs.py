"""structlog configuration: JSON lines off a TTY, a console renderer on one; secrets scrubbed everywhere.

Tracebacks are rendered without frame locals (structlog's dict tracebacks would otherwise include
them, and a local may hold a token), and every rendered line goes through :func:`worker.redact.redact`.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Mapping
from typing import Any, TextIO

import structlog
from structlog.tracebacks import ExceptionDictTransformer

from worker.redact import redact, redact_value


def _scrub(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for k, v in list(event_dict.items()):
        if isinstance(v, (str, dict, list, tuple)):
            event_dict[k] = redact_value(v)
        elif isinstance(v, BaseException) and k != "exc_info":
            # an exception object is rendered later from its own text: render it redacted now
            event_dict[k] = redact(f"{type(v).__name__}: {v}")
    return event_dict


class _RedactingRenderer:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, logger: Any, name: str, event_dict: dict[str, Any]) -> str:
        return redact(str(self.inner(logger, name, event_dict)))


LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


def level_from(environ: Mapping[str, str]) -> int:
    """``$LOG_LEVEL`` (debug, info, warning, error, critical; any case) as a logging level."""
    name = (environ.get("LOG_LEVEL") or "info").strip().lower()
    if name == "warn":
        name = "warning"
    if name not in LEVELS:
        from worker.errors import EnvironmentProblem

        raise EnvironmentProblem(
            f"LOG_LEVEL={environ.get('LOG_LEVEL')!r} is not a level",
            "use one of " + ", ".join(LEVELS),
        )
    return LEVELS[name]


class _Current:
    """``sys.stdout`` or ``sys.stderr`` as it is at each write (a test may swap them in between)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        return int(getattr(sys, self.name).write(text))

    def flush(self) -> None:
        getattr(sys, self.name).flush()

    def isatty(self) -> bool:
        return bool(getattr(sys, self.name).isatty())


class LineLogger:
    """Writes each rendered event as one ``write`` of the whole line, under a re-entrant lock.

    structlog's ``PrintLogger`` holds a plain lock while it prints; a signal handler that logs
    (``stopping`` on SIGTERM) while the main thread is in the middle of a line would wait for that
    lock forever. A re-entrant lock and a single write per line keep each line whole instead.
    """

    _lock = threading.RLock()

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def msg(self, message: str) -> None:
        with self._lock:
            self._stream.write(message + "\n")
            self._stream.flush()

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


def configure(
    *, stream: TextIO | None = None, json: bool | None = None, level: int = logging.INFO
) -> None:
    stream = stream or sys.stdout
    if stream is sys.stdout or stream is sys.stderr:
        stream = _Current("stdout" if stream is sys.stdout else "stderr")  # type: ignore[assignment]
    as_json = json if json is not None else not stream.isatty()
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if as_json:
        processors += [
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            _scrub,
            _RedactingRenderer(structlog.processors.JSONRenderer(sort_keys=False)),
        ]
    else:
        processors += [
            _scrub,
            _RedactingRenderer(
                structlog.dev.ConsoleRenderer(
                    colors=False, exception_formatter=structlog.dev.plain_traceback
                )
            ),
        ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=lambda *_: LineLogger(stream),
        cache_logger_on_first_use=False,
    )
    # the standard library's records (the worker's own modules that use it, and libraries) go
    # through the same renderer to the same stream: one format, one stream
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *processors[-(3 if as_json else 2) :],
            ],
            foreign_pre_chain=[
                structlog.stdlib.add_log_level,
                structlog.stdlib.ExtraAdder(),
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_escalation_worker", False):
            root.removeHandler(old)
    handler._escalation_worker = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # libraries stay quiet below warnings and never print requests
    for name in ("atlassian", "urllib3", "requests", "slack_sdk"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))

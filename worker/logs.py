"""structlog configuration: JSON lines off a TTY, a console renderer on one; secrets scrubbed everywhere.

Tracebacks are rendered without frame locals (structlog's dict tracebacks would otherwise include
them, and a local may hold a token), and every rendered line goes through :func:`worker.redact.redact`.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.tracebacks import ExceptionDictTransformer

from worker.redact import redact


def _scrub(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for k, v in list(event_dict.items()):
        if isinstance(v, str):
            event_dict[k] = redact(v)
        elif isinstance(v, (dict, list, tuple)):
            event_dict[k] = _scrub_obj(v)
    return event_dict


def _scrub_obj(v: Any) -> Any:
    if isinstance(v, str):
        return redact(v)
    if isinstance(v, dict):
        return {k: _scrub_obj(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_scrub_obj(x) for x in v]
    return v


class _RedactingRenderer:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, logger: Any, name: str, event_dict: dict[str, Any]) -> str:
        return redact(str(self.inner(logger, name, event_dict)))


def configure(
    *, stream: TextIO | None = None, json: bool | None = None, level: int = logging.INFO
) -> None:
    stream = stream or sys.stdout
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
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    # libraries log through the standard library; keep them quiet and never let them print requests
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for name in ("atlassian", "urllib3", "requests", "slack_sdk"):
        logging.getLogger(name).setLevel(logging.WARNING)

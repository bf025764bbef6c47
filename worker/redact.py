"""Keep secrets out of logs, error messages and tracebacks.

Every secret the worker reads from the environment is registered here once; :func:`redact`
replaces any occurrence (and its Basic-auth encoding) in a string. The logging pipeline calls it on
every event, and the Jira errors call it on their messages.
"""

from __future__ import annotations

import base64
import re
import threading

_lock = threading.Lock()
_secrets: set[str] = set()
_AUTH_HEADER = re.compile(
    r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(basic|bearer)\s+[A-Za-z0-9+/=._-]+"
)


def register(*secrets: str | None) -> None:
    """Remember secrets (tokens, passwords) so that :func:`redact` can hide them."""
    with _lock:
        for s in secrets:
            if s and len(s) >= 6:
                _secrets.add(s)


def register_basic_auth(user: str | None, secret: str | None) -> None:
    register(secret)
    if user and secret:
        register(base64.b64encode(f"{user}:{secret}".encode()).decode())


def redact(text: str) -> str:
    if not text:
        return text
    out = _AUTH_HEADER.sub(r"\1\2 [redacted]", text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for s in secrets:
        if s in out:
            out = out.replace(s, "[redacted]")
    return out

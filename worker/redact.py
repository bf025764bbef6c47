"""Keep secrets out of logs, error messages, records and tracebacks.

The rule: a secret is registered the moment it is read. The only way the worker reads a secret from
the environment is :func:`secret_from_env` (or :func:`secret_url_from_env` for a URL whose path is
the secret, such as a heartbeat ping URL); both register the value before returning it, and
``tests/redact/test_secret_reads.py`` fails on any other read of a secret-looking variable. At
start-up the command line also registers every variable whose name looks like a secret
(:func:`register_environment`), so a process hides the secrets it never reads itself.

:func:`redact` replaces every registered secret in a string, in each form it can take on the way
out: as is, percent-encoded (``quote`` with and without ``/`` kept, ``quote_plus``, upper- or
lower-case hex), JSON-escaped, base64 (standard and URL-safe, padded or not) and, for a secret that
goes with a user name, the HTTP Basic (``user:secret``) and SMTP ``AUTH PLAIN`` encodings. An
``Authorization: Basic|Bearer …`` header quoted in a text is hidden whatever the credentials are.

The logging pipeline redacts every event, the Jira and Confluence errors redact their messages, and
a notification's delivery detail is redacted when it is built — before anything stores, logs or
raises it.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

REDACTED = "[redacted]"
# Shorter values are not treated as secrets: replacing them everywhere would garble ordinary text.
MIN_LENGTH = 6


class _Registry:
    """The registered spellings and one compiled pattern for all of them (rebuilt on change)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.secrets: set[str] = set()
        self.pattern: re.Pattern[str] | None = None


_registry = _Registry()
_AUTH_HEADER = re.compile(
    r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(basic|bearer)\s+[A-Za-z0-9+/=._~-]+"
)


def _b64(raw: bytes) -> list[str]:
    std = base64.b64encode(raw).decode()
    url = base64.urlsafe_b64encode(raw).decode()
    return [std, std.rstrip("="), url, url.rstrip("=")]


def forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` that :func:`redact` looks for."""
    out = {secret}
    for encoded in (quote(secret, safe=""), quote(secret), quote_plus(secret)):
        out.add(encoded)
        out.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded))
    escaped = json.dumps(secret)[1:-1]
    out.update({escaped, escaped.replace("/", "\\/"), json.dumps(secret, ensure_ascii=False)[1:-1]})
    out.update(_b64(secret.encode()))
    return {f for f in out if len(f) >= MIN_LENGTH}


def _add(values: Iterable[str]) -> None:
    r = _registry
    with r.lock:
        before = len(r.secrets)
        r.secrets.update(values)
        if len(r.secrets) != before:
            r.pattern = None


def register(*secrets: str | None) -> None:
    """Remember secrets (tokens, passwords, keys) in all their forms so :func:`redact` hides them."""
    for s in secrets:
        if s and len(s) >= MIN_LENGTH:
            _add(forms(s))
            stripped = s.strip()
            if stripped != s and len(stripped) >= MIN_LENGTH:
                _add(forms(stripped))


def register_basic_auth(user: str | None, secret: str | None) -> None:
    """Register ``secret`` and the credentials it forms with ``user`` (HTTP Basic, SMTP PLAIN)."""
    register(secret)
    if user and secret:
        pair = f"{user}:{secret}".encode()
        plain = f"\0{user}\0{secret}".encode()
        _add(f for f in _b64(pair) + _b64(plain) if len(f) >= MIN_LENGTH)


def register_url(url: str | None) -> None:
    """Register a URL whose path or query is a credential (a ping URL, a webhook URL)."""
    if not url:
        return
    register(url, url.rstrip("/"))
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return
    register(parts.password, parts.query)
    if len(parts.path.strip("/")) >= MIN_LENGTH:
        register(parts.path.rstrip("/"))
        register(*(seg for seg in parts.path.split("/") if len(seg) >= 16))


def secret_from_env(
    environ: Mapping[str, str], name: str, *, user: str | None = None
) -> str | None:
    """The secret in variable ``name`` (stripped; ``None`` when unset or blank), registered first.

    ``user`` is the user name the secret is sent with, if any (HTTP Basic or SMTP login), so the
    encoded credentials are registered too.
    """
    raw = environ.get(name)
    if raw is None:
        return None
    register(raw)
    value = raw.strip()
    if user:
        register_basic_auth(user.strip(), value)
    return value or None


def secret_url_from_env(environ: Mapping[str, str], name: str) -> str | None:
    """A URL that is itself a credential (e.g. a heartbeat ping URL), registered before it is returned."""
    raw = environ.get(name)
    if raw is None:
        return None
    register_url(raw)
    return raw.strip() or None


_SECRET_NAME = re.compile(
    r"(?i)(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|API_?KEY|ROUTING_?KEY|PRIVATE_?KEY"
    r"|AUTH|SIGNING|WEBHOOK|HEARTBEAT|PING_?URL|DSN)"
)


def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret (``*_TOKEN``, ``*_SECRET``…)."""
    return bool(_SECRET_NAME.search(name))


def register_environment(environ: Mapping[str, str]) -> None:
    """Register every variable of ``environ`` whose name says it holds a secret.

    Called once at start-up: a process hides the secrets it never reads itself too (``tick`` does
    not read the webhook secret, yet a server's error could quote it).
    """
    for name, value in environ.items():
        if looks_secret(name) and value:
            if "://" in value:
                register_url(value)
            else:
                register(value)


def _compiled() -> re.Pattern[str] | None:
    r = _registry
    with r.lock:
        if r.pattern is None and r.secrets:
            ordered = sorted(r.secrets, key=len, reverse=True)
            r.pattern = re.compile("|".join(re.escape(s) for s in ordered))
        return r.pattern


def redact(text: str) -> str:
    """``text`` with every registered secret (in any of its forms) and any quoted auth header hidden."""
    if not text:
        return text
    out = _AUTH_HEADER.sub(rf"\1\2 {REDACTED}", text)
    pattern = _compiled()
    return pattern.sub(REDACTED, out) if pattern is not None else out


def redact_value(value: Any) -> Any:
    """``value`` with :func:`redact` applied to every string inside it (dicts, lists, tuples)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value

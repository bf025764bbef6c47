"""Small helpers for reading provider settings from an environment mapping.

Secrets are read with :func:`worker.redact.secret_from_env`, never with :func:`text`. As a second
line of defence, :func:`text` registers the value of any variable whose name looks like a secret.
"""

from __future__ import annotations

from collections.abc import Mapping

from worker.redact import looks_secret, register

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def text(environ: Mapping[str, str], name: str) -> str | None:
    """The variable's value, stripped; ``None`` when unset or blank."""
    value = environ.get(name)
    if value is None:
        return None
    if looks_secret(name):
        register(value)
    value = value.strip()
    return value or None


def flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """A boolean variable (1/0, true/false, yes/no, on/off); ``default`` when unset or unrecognised."""
    value = (text(environ, name) or "").lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return default


def number(environ: Mapping[str, str], name: str, default: int) -> int:
    """An integer variable; ``default`` when unset or not a number."""
    value = text(environ, name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def missing(environ: Mapping[str, str], *names: str) -> list[str]:
    """The names among ``names`` that are unset or blank."""
    return [n for n in names if text(environ, n) is None]


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (HTTP dates are not used by these providers)."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)

"""Settings of the web process, read from the environment; every secret registered for redaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from worker.notify import _env
from worker.redact import register, secret_from_env

DEFAULT_PORT = 8000
JIRA_BODY_LIMIT = 1_000_000  # Jira sends whole issues; larger deliveries are refused with 413
FORM_BODY_LIMIT = 64_000  # Slack interactions and Twilio callbacks are a few kilobytes
DEFAULT_CONCURRENCY = 16  # requests handled at once; the others get 503 at once


class WebSetupError(Exception):
    """A setting a person must fix; the message says what and how."""


def register_secret(secret: str | None) -> None:
    """Hide a secret in every output, raw and in the encodings it could travel in."""
    if not secret:
        return
    register(secret)  # every encoded form too (URL-encoded, JSON-escaped, base64)


@dataclass(frozen=True)
class WebSettings:
    port: int = DEFAULT_PORT
    host: str = "0.0.0.0"
    public_url: str | None = None
    jira_secret: str | None = field(default=None, repr=False)
    slack_secret: str | None = field(default=None, repr=False)
    twilio_token: str | None = field(default=None, repr=False)
    jira_body_limit: int = JIRA_BODY_LIMIT
    form_body_limit: int = FORM_BODY_LIMIT
    concurrency: int = DEFAULT_CONCURRENCY
    debounce_s: float = 0.2

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> WebSettings:
        raw_port = _env.text(environ, "PORT")
        try:
            port = int(raw_port) if raw_port is not None else DEFAULT_PORT
        except ValueError:
            raise WebSetupError(
                f"PORT={raw_port!r} is not a port number: set PORT to an integer such as 8000 "
                "(Heroku sets it for web dynos)"
            ) from None
        if not 0 <= port <= 65535:
            raise WebSetupError(f"PORT={port} is out of range: use 1-65535")
        public = _env.text(environ, "ESCALATION_WORKER_PUBLIC_URL")
        if public is not None:
            parts = urlsplit(public)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise WebSetupError(
                    f"ESCALATION_WORKER_PUBLIC_URL={public!r} is not a URL: set it to the address "
                    "Slack and Twilio reach this process at, e.g. https://my-worker.herokuapp.com"
                )
            public = public.rstrip("/")
        settings = cls(
            port=port,
            host=_env.text(environ, "ESCALATION_WORKER_BIND") or "0.0.0.0",
            public_url=public,
            jira_secret=secret_from_env(environ, "JIRA_WEBHOOK_SECRET"),
            slack_secret=secret_from_env(environ, "SLACK_SIGNING_SECRET"),
            twilio_token=secret_from_env(environ, "TWILIO_AUTH_TOKEN"),
            concurrency=max(1, _env.number(environ, "WEB_CONCURRENCY_LIMIT", DEFAULT_CONCURRENCY)),
        )
        for secret in (settings.jira_secret, settings.slack_secret, settings.twilio_token):
            register_secret(secret)
        if settings.twilio_token and not settings.public_url:
            raise WebSetupError(
                "TWILIO_AUTH_TOKEN is set but ESCALATION_WORKER_PUBLIC_URL is not: Twilio signs the "
                "public address it calls, so set ESCALATION_WORKER_PUBLIC_URL to it"
            )
        return settings

    def public(self, path: str) -> str:
        """The address a provider calls for ``path`` (what Twilio signs)."""
        return f"{self.public_url or ''}{path}"

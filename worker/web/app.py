"""The ASGI application (Starlette): routes, body limits, bounded concurrency, signature checks.

Every endpoint answers the same way whatever the issue or person named in a request: refusals say
what was wrong with the *request* (401 unsigned or wrongly signed, 400 malformed or repeated, 413
too large, 503 too busy), never whether an issue or a person exists.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs

import structlog
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from worker.notify.twilio import SMS_PATH, VOICE_PATH
from worker.web.dedupe import SeenIds
from worker.web.jira_hooks import BadPayload, DeliveryStats, issue_keys
from worker.web.settings import WebSettings
from worker.web.slack_actions import BadInteraction, SlackClicks, parse_click
from worker.web.twilio_hooks import TwilioAnswer, TwilioHooks
from worker.web.verify import SlackVerifier, jira_signature_ok, twilio_signature_ok
from worker.web.wake import Waker

log = structlog.get_logger("worker.web")

JIRA_PATH = "/webhooks/jira"
SLACK_PATH = "/slack/interactions"


@dataclass
class Services:
    """What the handlers need. The worker parts arrive once the process is ready (after the port is bound)."""

    settings: WebSettings
    projects: Sequence[str] = ()
    waker: Waker | None = None
    slack: SlackClicks | None = None
    twilio: TwilioHooks | None = None
    epoch: Callable[[], float] = time.time  # Slack's timestamps are Unix seconds
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    stats: DeliveryStats = field(default_factory=DeliveryStats)
    jira_seen: SeenIds = field(default_factory=SeenIds)
    slack_seen: SeenIds = field(default_factory=SeenIds)
    twilio_seen: SeenIds = field(default_factory=SeenIds)
    refused: int = 0  # requests refused by any endpoint (bad signature, size, shape, replay)

    @property
    def ready(self) -> bool:
        return self.waker is not None


class _TooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing at once (413) what announces or turns out to be larger than ``limit``."""
    announced = request.headers.get("content-length")
    if announced is not None:
        if not announced.strip().isdigit():
            raise BadPayload("bad Content-Length")
        if int(announced) > limit:
            raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse(services: Services, status: int, text: str) -> Response:
    services.refused += 1
    return PlainTextResponse(text, status_code=status)


def _twiml(text: str) -> Response:
    return Response(text, media_type="text/xml")


Handler = Callable[[Request], Awaitable[Response]]


def _guarded(
    services: Services, limit: int, handler: Callable[[Request, bytes], Awaitable[Response]]
) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            body = await read_body(request, limit)
        except _TooLarge:
            return _refuse(services, 413, "request body too large")
        except BadPayload:
            return _refuse(services, 400, "bad request")
        return await handler(request, body)

    return endpoint


def build_app(services: Services) -> ASGIApp:
    s = services.settings

    async def healthz(request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok" if services.ready else "starting",
                "jira_webhooks": services.stats.as_json(),
            }
        )

    async def jira(request: Request, body: bytes) -> Response:
        secret = s.jira_secret
        if not secret or not jira_signature_ok(
            secret, body, request.headers.get("x-hub-signature")
        ):
            services.stats.rejected()
            return _refuse(services, 401, "signature missing or wrong")
        delivery = request.headers.get("x-atlassian-webhook-identifier", "").strip()
        if not delivery or len(delivery) > 200:
            services.stats.rejected()
            return _refuse(services, 400, "no delivery identifier")
        if not services.jira_seen.first(delivery):
            services.stats.rejected()
            return _refuse(services, 400, "delivery already received")
        try:
            keys = issue_keys(body, services.projects)
        except BadPayload:
            services.stats.rejected()
            return _refuse(services, 400, "not a Jira webhook payload")
        services.stats.accepted(services.now())
        if services.waker is None:
            services.jira_seen.forget(delivery)  # let Jira retry once the worker is ready
            return PlainTextResponse("starting", status_code=503)
        if keys:
            services.waker.wake(keys)
        return Response(status_code=204)

    async def slack(request: Request, body: bytes) -> Response:
        secret = s.slack_secret
        if not secret or not SlackVerifier(secret, services.epoch).ok(
            body,
            request.headers.get("x-slack-request-timestamp"),
            request.headers.get("x-slack-signature"),
        ):
            return _refuse(services, 401, "signature missing, wrong or too old")
        try:
            click = parse_click(body)
        except BadInteraction:
            return _refuse(services, 400, "not an interaction")
        if click is None:
            return Response(status_code=200)
        if not services.slack_seen.first(click.interaction):
            return _refuse(services, 400, "interaction already received")
        if services.slack is None:
            services.slack_seen.forget(click.interaction)
            return PlainTextResponse("starting", status_code=503)
        services.slack.submit(click)
        return Response(status_code=200)

    def _twilio_form(request: Request, body: bytes) -> dict[str, list[str]] | None:
        token = s.twilio_token
        if not token or not s.public_url:
            return None
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            return None
        query = request.url.query
        url = s.public(request.url.path) + (f"?{query}" if query else "")
        if not twilio_signature_ok(token, url, form, request.headers.get("x-twilio-signature")):
            return None
        return form

    async def twilio_answer(
        request: Request,
        body: bytes,
        sid_field: str,
        prefix: str,
        what: str,
        answer: Callable[[TwilioHooks, dict[str, list[str]]], TwilioAnswer],
    ) -> Response:
        """A signed Twilio callback, answered once per ``sid_field`` (remembered as ``prefix:sid``)."""
        form = _twilio_form(request, body)
        if form is None:
            return _refuse(services, 401, "signature missing or wrong")
        sid = (form.get(sid_field) or [""])[0]
        if not sid:
            return _refuse(services, 400, f"no {sid_field}")
        seen = f"{prefix}:{sid}"
        if not services.twilio_seen.first(seen):
            return _refuse(services, 400, f"{what} already answered")
        hooks = services.twilio
        if hooks is None:
            services.twilio_seen.forget(seen)
            return PlainTextResponse("starting", status_code=503)
        reply = await run_in_threadpool(answer, hooks, form)
        return _twiml(reply.twiml)

    async def voice(request: Request, body: bytes) -> Response:
        issue = request.query_params.get("issue", "")
        return await twilio_answer(
            request, body, "CallSid", "call", "call", lambda hooks, form: hooks.voice(form, issue)
        )

    async def sms(request: Request, body: bytes) -> Response:
        return await twilio_answer(
            request, body, "MessageSid", "sms", "message", lambda hooks, form: hooks.sms(form)
        )

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route(JIRA_PATH, _guarded(services, s.jira_body_limit, jira), methods=["POST"]),
        Route(SLACK_PATH, _guarded(services, s.form_body_limit, slack), methods=["POST"]),
        Route(VOICE_PATH, _guarded(services, s.form_body_limit, voice), methods=["POST"]),
        Route(SMS_PATH, _guarded(services, s.form_body_limit, sms), methods=["POST"]),
    ]
    return Bounded(Starlette(routes=routes), s.concurrency)


class Bounded:
    """At most ``limit`` requests in progress; the next ones get 503 at once (health checks pass)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.active = 0
        self.shed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/healthz":
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:
            self.shed += 1
            await PlainTextResponse("busy", status_code=503, headers={"Retry-After": "1"})(
                scope, receive, send
            )
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1


__all__ = ["JIRA_PATH", "SLACK_PATH", "Bounded", "Services", "build_app"]

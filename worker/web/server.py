"""Serving the web process with uvicorn, in a thread, on a socket bound before any long work starts.

Heroku gives a web dyno 60 seconds to bind ``$PORT``. :func:`bind` is called first thing, the server
starts answering ``/healthz`` ("starting") at once, and the worker parts (config, Jira preflight,
the scheduler) are attached to :class:`~worker.web.app.Services` when they are ready; until then
the other endpoints answer 503 and the providers retry.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog
import uvicorn

from worker.config.model import Config
from worker.cycle.cycle import Cycle
from worker.notify.slack import SlackApi, SlackSettings
from worker.web.acks import AckRecorder
from worker.web.app import Services, build_app
from worker.web.settings import WebSettings
from worker.web.slack_actions import SlackClicks
from worker.web.twilio_hooks import TwilioHooks, open_escalations_jql
from worker.web.wake import Waker

log = structlog.get_logger("worker.web.server")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


@dataclass
class WebServer:
    services: Services
    sock: socket.socket
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{shown}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def start(services: Services, sock: socket.socket | None = None) -> WebServer:
    """Serve ``services`` in a daemon thread; returns once the server accepts connections."""
    s = services.settings
    sock = sock or bind(s.host, s.port)
    config = uvicorn.Config(
        build_app(services),
        log_config=None,
        access_log=False,
        lifespan="off",
        # connections beyond this get 503 from uvicorn itself; requests beyond the app's own
        # limit get 503 from the app: a flood never queues without bound
        limit_concurrency=max(64, s.concurrency * 4),
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=16_384,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="web", daemon=True
    )
    thread.start()
    started = threading.Event()

    def wait() -> None:
        while not server.started and thread.is_alive():
            started.wait(0.01)

    wait()
    log.info("web_listening", address=f"{s.host}:{sock.getsockname()[1]}")
    return WebServer(services, sock, server, thread)


def attach(
    services: Services,
    config: Config,
    cycle: Cycle,
    waker: Waker,
    environ: Mapping[str, str],
    *,
    now: Callable[[], datetime],
) -> AckRecorder:
    """Give the server its worker parts: the scheduler to wake, the recorder, Slack and Twilio handlers."""
    recorder = AckRecorder(cycle, waker)
    slack_settings = SlackSettings.from_env(environ)
    api = SlackApi(slack_settings) if slack_settings.token else None
    services.projects = tuple(config.jira.projects)
    services.now = now
    services.slack = SlackClicks(recorder, config.directory, api, now, texts=cycle.texts)
    labels = [sev.label for sev in config.rules.severities.values()]
    services.twilio = TwilioHooks(
        recorder,
        config.directory,
        lambda: open_escalations_jql(config.jira.projects, labels),
        now,
        texts=cycle.texts,
    )
    services.waker = waker  # last: from here on the endpoints act
    return recorder


def settings_from_env(environ: Mapping[str, str]) -> WebSettings:
    return WebSettings.from_env(environ)

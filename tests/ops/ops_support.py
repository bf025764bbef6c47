"""Helpers for the operating tests: the CLI as a real process, a loopback ping server, configs."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support import ROOT

EXE = [sys.executable, "-m", "worker"]
_LOGGERS = ("", "atlassian", "urllib3", "requests", "slack_sdk")  # the levels logs.configure sets


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``escalation-worker ARGS`` with only the given site variables (stdout and stderr are pipes)."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JIRA_", "CONFLUENCE_", "ESCALATION_", "LOG_", "HEARTBEAT_"))
    }
    full_env.update(env or {})
    return subprocess.run(
        [*EXE, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout
    )


@contextmanager
def logging_restored() -> Iterator[None]:
    """``worker.cli.main`` configures the logging of the whole process (structlog, the root
    handler, levels): put it back as it was for the tests that follow."""
    import structlog

    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, levels = list(root.handlers), {n: logging.getLogger(n).level for n in _LOGGERS}
    try:
        yield
    finally:
        structlog.configure(**saved)
        root.handlers[:] = handlers
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def run_in_process(
    capsys: pytest.CaptureFixture[str], *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``escalation-worker ARGS`` as :func:`run_cli` runs it (the same environment, from the
    repository's folder), but through ``worker.cli.main`` in this process: for tests about what a
    command says and does, not about it being a process (a process costs ~0.5 s of imports)."""
    from worker.cli import main

    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JIRA_", "CONFLUENCE_", "ESCALATION_", "LOG_", "HEARTBEAT_"))
    }
    full_env.update(env or {})
    capsys.readouterr()
    with logging_restored(), contextlib.chdir(ROOT):
        code = main(list(args), full_env)
    out = capsys.readouterr()
    return subprocess.CompletedProcess([*EXE, *args], code, out.out, out.err)


def config_with(tmp: Path, extra: str = "", replace: tuple[str, str] | None = None) -> Path:
    """config.example.yaml (rules from the repository) with ``extra`` YAML appended."""
    text = (ROOT / "config.example.yaml").read_text()
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}")
    if replace:
        assert replace[0] in text, replace[0]
        text = text.replace(*replace)
    path = tmp / "config.yaml"
    path.write_text(text + ("\n" + extra if extra else ""))
    return path


class PingServer:
    """A loopback HTTP server that answers every GET with ``status`` and remembers the paths."""

    def __init__(self, status: int = 200) -> None:
        self.paths: list[str] = []
        self.status = status
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.paths.append(self.path)
                self.send_response(owner.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # shutdown() waits for the serving loop to look at its flag: every poll_interval (0.5 s by default)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @contextmanager
    def running(self) -> Iterator[PingServer]:
        self.thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()

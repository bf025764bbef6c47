"""`escalation-worker serve` as a process: $PORT answers before the site has even been reached."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_binds_port_before_contacting_jira_and_stops_on_sigterm(tmp_path: Path) -> None:
    # a "Jira" that accepts connections and never answers: bootstrap waits on it
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "ESCALATION_WORKER_BIND": "127.0.0.1",
        "ESCALATION_WORKER_CONFIG": str(ROOT / "config.example.yaml"),
        "JIRA_URL": f"http://127.0.0.1:{silent.getsockname()[1]}",
        "JIRA_EMAIL": "worker@example.com",
        "JIRA_API_TOKEN": "token-value-123456",
        "JIRA_WEBHOOK_SECRET": "webhook-secret-abcdef",
        "LOG_LEVEL": "info",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        health = None
        for _ in range(300):  # bounded: the process is polled, not timed
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert health is not None and health["status"] == "starting"
        # until the worker is ready, acknowledgements are not taken (the provider retries)
        answer = requests.post(f"http://127.0.0.1:{port}/webhooks/jira", data=b"{}", timeout=5)
        assert answer.status_code == 401  # unsigned: refused whatever the state
        proc.send_signal(signal.SIGTERM)
    finally:
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        silent.close()
    assert b"webhook-secret-abcdef" not in out + err
    assert b"token-value-123456" not in out + err


@pytest.mark.parametrize("command", [["run", "--serve"], ["serve"]])
def test_a_label_is_routed_from_the_webhook_long_before_the_next_poll(
    tmp_path: Path, command: list[str]
) -> None:
    """As processes: `run --serve` (poll every hour) and `serve` alone (no poll at all) route a
    new label from the webhook at once."""
    from tests.e2e.harness import REPORTER
    from tests.support import paris
    from worker.config.load import load_config
    from worker.ops.heartbeat import PROPERTY_KEY as HEARTBEAT
    from worker.sandbox.clock import SandboxClock
    from worker.sandbox.jira import JiraSite
    from worker.sandbox.organisation import seed_organisation
    from worker.sandbox.server import SandboxServer
    from worker.sandbox.webhooks import Webhooks

    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    text = text.replace("rules_dir: rules", f"rules_dir: {ROOT / 'rules'}", 1)
    text = text.replace("poll_interval: 1m", "poll_interval: 1h", 1).replace(
        "jitter: 5s", "jitter: 0s", 1
    )
    cfg = tmp_path / "config.yaml"
    cfg.write_text(text, encoding="utf-8")
    config = load_config(cfg)
    site = JiraSite(SandboxClock(paris(2026, 3, 2, 9, 0)))
    login = seed_organisation(site, config)
    site.add_user(REPORTER, "Rita Reporter", email="rita@example.com")
    port = _free_port()
    secret = "run-serve-webhook-secret"
    with SandboxServer(site) as server:
        hooks = Webhooks(site)
        hooks.register(f"http://127.0.0.1:{port}/webhooks/jira", secret, projects=("SHOP",))
        env = {
            **os.environ,
            **login.environ(server.url),
            "PORT": str(port),
            "ESCALATION_WORKER_BIND": "127.0.0.1",
            "ESCALATION_WORKER_CONFIG": str(cfg),
            "ESCALATION_WORKER_NOW": "2026-03-02T08:00:00Z",
            "JIRA_WEBHOOK_SECRET": secret,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "worker.cli", *command],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            polled = command != ["serve"]
            cycled = False
            for _ in range(600):  # bounded: until ready and (run) the first full cycle has ended
                try:
                    ready = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json()
                except requests.ConnectionError:
                    ready = {}
                # a cycle ends with its heartbeat record: a label added after it can only be
                # routed from the webhook (`serve` alone never polls)
                beat = site.user_property(login.account_id, HEARTBEAT) if polled else None
                cycled = bool(beat and beat.get("cycles", 0) >= 1)
                if ready.get("status") == "ok" and (cycled or not polled):
                    break
                time.sleep(0.05)
            if polled and not cycled:
                proc.send_signal(signal.SIGTERM)
                out, err = proc.communicate(timeout=60)
                raise AssertionError(
                    "the first cycle never ran: " + (out + err).decode()[-3000:] + str(ready)
                )
            key = site.create_issue("SHOP", "Checkout fails", reporter=REPORTER)
            site.add_labels(key, "escalation-S3", "escalation-type-scope", by=REPORTER)
            routed = False
            for _ in range(600):  # bounded; the next poll is an hour away
                if any(c.author == login.account_id for c in site.comments(key)):
                    routed = True
                    break
                time.sleep(0.05)
            assert routed
            assert hooks.drain(30)
            assert all(a.status in (204, 503) for a in hooks.attempts)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                out, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            hooks.close()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert secret.encode() not in out + err

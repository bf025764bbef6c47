"""`escalation-worker serve` as a process: $PORT answers before the site has even been reached."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

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

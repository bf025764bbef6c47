"""The commands that need no site (init) or start before it (serve): a person's mistake is one
line with the README's exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ops.ops_support import run_cli


def _one_line(stdout: str, stderr: str) -> str:
    assert "Traceback" not in stdout + stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_init_into_a_file_is_one_line_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    res = run_cli("init", str(target))
    assert res.returncode == 2
    assert "not a folder" in _one_line(res.stdout, res.stderr)


def test_init_over_an_existing_config_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("mine\n")
    res = run_cli("init", str(tmp_path))
    assert res.returncode == 2
    assert "--force" in _one_line(res.stdout, res.stderr)
    assert (tmp_path / "config.yaml").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "8000", "ESCALATION_WORKER_PUBLIC_URL": "my-worker.example"}, "PUBLIC_URL"),
    ],
)
def test_serve_with_a_wrong_setting_is_one_line_exit_2(env: dict[str, str], says: str) -> None:
    res = run_cli("serve", "--config", "config.example.yaml", env=env, timeout=60)
    assert res.returncode == 2
    out = res.stdout + res.stderr
    assert "Traceback" not in out and says in out

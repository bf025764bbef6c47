"""`escalation-worker init`: the starting point of a deployment, from the packaged files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT
from worker.cli import build_parser, cmd_check, cmd_init
from worker.config.load import load_config
from worker.defaults.starter import InitError

SITE_ENV = {
    "JIRA_URL": "https://example-org.atlassian.net",
    "JIRA_EMAIL": "bot@example.org",
    "JIRA_API_TOKEN": "not-a-real-token",
}


def main(argv: list[str], env: dict[str, str]) -> int:
    """The command's handler, without main()'s process-wide logging set-up (captured streams)."""
    args = build_parser().parse_args(argv)
    handler = {"init": cmd_init, "check": cmd_check}[args.command]
    return handler(args, env)


def test_init_writes_a_config_that_check_accepts_and_that_uses_the_shipped_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "deploy"
    assert main(["init", str(target)], {}) == 0
    config = target / "config.yaml"
    assert config.is_file() and not (target / "rules").exists()
    assert "rules_dir: rules" not in [
        line.split("#")[0].strip() for line in config.read_text().splitlines()
    ]
    loaded = load_config(config)
    assert loaded.rules_dir.parts[-2:] == ("defaults", "rules")
    capsys.readouterr()
    assert main(["check", "--config", str(config)], SITE_ENV) == 0


def test_init_with_rules_copies_them_and_points_the_config_at_the_copy(tmp_path: Path) -> None:
    assert main(["init", "--rules", str(tmp_path)], {}) == 0
    assert (tmp_path / "rules" / "matrix.yaml").is_file()
    loaded = load_config(tmp_path / "config.yaml")
    assert loaded.rules_dir.resolve() == (tmp_path / "rules").resolve()


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("mine\n")
    done = subprocess.run(
        [sys.executable, "-m", "worker", "init", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--force" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert (tmp_path / "config.yaml").read_text() == "mine\n"
    assert main(["init", "--force", str(tmp_path)], {}) == 0
    assert (tmp_path / "config.yaml").read_text() != "mine\n"


def test_init_refuses_a_file_as_the_target_folder(tmp_path: Path) -> None:
    f = tmp_path / "a-file"
    f.write_text("x")
    with pytest.raises(InitError, match="not a folder") as caught:
        main(["init", str(f)], {})
    assert caught.value.exit_code == 2

"""A new user's first minutes: a wheel installed into a fresh virtualenv outside the clone.

A clone hides packaging mistakes (files found next to the sources, not in the package), so this
test builds the wheel, installs it where no source is in reach, and runs `init`, `check` and
`demo` from other folders. It installs the dependencies from the package registry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def _clean_env(tmp: Path) -> dict[str, str]:
    keep = (
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "PIP_CONFIG_FILE",
    )
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["HOME"] = str(tmp / "home")
    # the user's own pip configuration (index mirrors) still applies
    if "HOME" in os.environ and (Path(os.environ["HOME"]) / ".config" / "pip").exists():
        env["PIP_CONFIG_FILE"] = str(Path(os.environ["HOME"]) / ".config" / "pip" / "pip.conf")
    return env


def test_wheel_installs_outside_the_clone_and_init_check_demo_work(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    dist = tmp_path / "dist"
    # build from a copy of the tracked tree: pip builds in place, and setuptools' build/ folder in
    # the clone would both dirty it and carry modules deleted since into the next wheel
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        tmp_path,
        {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("escalation_worker-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "worker/defaults/rules/matrix.yaml" in names
    assert "worker/defaults/config.example.yaml" in names

    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env).returncode == 0
    installed = _run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp_path, env
    )
    assert installed.returncode == 0, installed.stderr
    exe = str(venv / "bin" / "escalation-worker")

    site = tmp_path / "site"
    site.mkdir()
    init = _run([exe, "init"], site, env)
    assert init.returncode == 0, init.stderr
    site_env = {
        **env,
        "JIRA_URL": "https://example-org.atlassian.net",
        "JIRA_EMAIL": "bot@example.org",
        "JIRA_API_TOKEN": "not-a-real-token",
    }
    check = _run([exe, "check"], site, site_env)  # ./config.yaml is the default
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Traceback" not in check.stdout + check.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    demo = _run([exe, "demo", "--output", "out"], elsewhere, env)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert (elsewhere / "out").is_dir() and any((elsewhere / "out").iterdir())
    # nothing of the clone was used: the installed package imports from the venv
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import worker; print(worker.__file__)"],
        elsewhere,
        env,
    )
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout

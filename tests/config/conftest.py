"""Fixtures for the config tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.config.workspace import ROOT, Workspace


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copy(ROOT / "config.example.yaml", tmp_path / "config.yaml")
    monkeypatch.chdir(tmp_path)
    return Workspace(tmp_path)

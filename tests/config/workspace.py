"""A scratch copy of ``rules/`` and ``config.example.yaml`` that a test may break on purpose."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from worker.config.check import run_check
from worker.notify.registry import describe_settings

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Workspace:
    """``config.yaml`` + ``rules/`` in a temporary folder that is also the working directory.

    Paths stay relative (``config.yaml``, ``rules/matrix.yaml``) so rendered messages are exact.
    """

    root: Path

    def edit(self, rel: str, old: str, new: str) -> None:
        """Replace the single occurrence of ``old`` in ``rel`` (fails loudly if absent or repeated)."""
        path = self.root / rel
        text = path.read_text(encoding="utf-8")
        count = text.count(old)
        assert count == 1, f"{old!r} occurs {count} times in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).write_text(text, encoding="utf-8")

    def check(self, environ: dict[str, str] | None = None) -> tuple[int, str]:
        env = environ or {}
        return run_check(Path("config.yaml"), env, describe_settings(env))

"""Located configuration problems: where, what is wrong, and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PathKey = tuple[str | int, ...]


def render_path(path: PathKey) -> str:
    """``("a", "b", 1, "c")`` → ``a › b[1] › c``; integers become list indexes."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += (" › " if out else "") + part
    return out


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in one file, at one line and key path, with the way out."""

    file: Path
    line: int | None  # 1-based; None when the problem concerns the whole file
    path: PathKey
    message: str
    fix: str

    def render(self) -> str:
        where = str(self.file) + (f":{self.line}" if self.line is not None else "")
        key = render_path(self.path)
        head = f"{where}: {key}: {self.message}" if key else f"{where}: {self.message}"
        return f"{head}\n  ==> fix: {self.fix}"

    def sort_key(self) -> tuple[str, int]:
        return (str(self.file), self.line or 0)


class ConfigError(Exception):
    """Raised with every problem found; ``str()`` renders them all, one block each."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues: tuple[ConfigIssue, ...] = tuple(issues)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(issue.render() for issue in self.issues)

    def __str__(self) -> str:
        return self.render()

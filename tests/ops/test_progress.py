"""Progress of a long cycle: periodic ``progress`` log lines off a terminal, a bar on one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from structlog.testing import capture_logs

from worker.ops.progress import Progress


@dataclass
class _Counts:
    issues_seen: int = 0
    decided: int = 0
    acted: int = 0


def test_a_progress_line_at_most_every_interval_with_counts_and_rate() -> None:
    now = [0.0]
    sent = [100]  # requests before the cycle do not count
    progress = Progress(requests=lambda: sent[0], every=10, clock=lambda: now[0])
    counts = _Counts()
    with capture_logs() as logs:
        for i in range(1, 301):  # 300 issues, one every 0.1 s: 30 s in all
            now[0] = i / 10
            sent[0] += 2
            counts.issues_seen = counts.decided = i
            counts.acted = i // 10
            progress.update(counts)
    lines = [e for e in logs if e["event"] == "progress"]
    assert len(lines) == 3  # at 10, 20 and 30 s: never more often than every 10 s
    first = lines[0]
    assert first["issues_seen"] == 100 and first["decided"] == 100 and first["acted"] == 10
    assert first["requests"] == 200 and first["requests_per_s"] == 20.0
    assert [e["issues_seen"] for e in lines] == [100, 200, 300]
    assert first["issues_per_s"] == 10.0


class _Bar:
    def __init__(self) -> None:
        self.n = 0
        self.refreshes = 0
        self.closed = False
        self.postfix = ""

    def set_description_str(self, text: str) -> None:
        pass

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.postfix = text

    def refresh(self) -> None:
        self.refreshes += 1

    def close(self) -> None:
        self.closed = True


def test_on_a_terminal_a_bar_moves_instead_of_log_lines() -> None:
    bar = _Bar()
    progress = Progress(requests=lambda: 7, tty=True, bar_factory=lambda: bar)
    with capture_logs() as logs:
        progress.update(_Counts(5, 5, 1), "claim")
    progress.close()
    assert logs == [] and bar.n == 5 and "acted 1" in bar.postfix and bar.closed


def test_the_real_bar_is_tqdm() -> None:
    import io

    from worker.ops import progress as module

    stream: Any = io.StringIO()
    from tqdm import tqdm  # type: ignore[import-untyped]

    bar = tqdm(total=None, file=stream)
    p = module.Progress(requests=lambda: 0, tty=True, bar_factory=lambda: bar)
    p.update(_Counts(3, 3, 0))
    p.close()
    assert "3" in stream.getvalue()

"""One worker cycle in its own process, for the SIGKILL tests: ``python tests/faults/cycle_child.py``.

Connection settings come from JIRA_URL / JIRA_EMAIL / JIRA_API_TOKEN, the clock from
ESCALATION_WORKER_NOW (the test pins it to the sandbox clock).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from worker.app import build_cycle, connection, wall_clock
    from worker.config.load import load_config

    config = load_config(ROOT / "config.example.yaml")
    cycle = build_cycle(config, connection(config, os.environ), now=wall_clock())
    cycle.run()


if __name__ == "__main__":
    main()

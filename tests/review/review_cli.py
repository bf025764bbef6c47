"""Running the ``report`` / ``trail`` handlers the way the CLI will, without importing the CLI module."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from worker.review.commands import register


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def parse(argv: list[str]) -> tuple[argparse.Namespace, dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="escalation-worker")
    sub = parser.add_subparsers(dest="command", required=True)
    handlers = register(sub)
    return parser.parse_args(argv), handlers

"""Argument types the command modules share (``worker.cli`` and the commands it registers)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

ISO_HELP = "an ISO 8601 instant such as 2026-03-02T15:00:00Z or 2026-03-02T16:00+01:00"


def iso_instant(value: str) -> datetime:
    """An argparse type: an ISO 8601 date-time (UTC when it has no offset)."""
    try:
        d = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects {ISO_HELP}, got {value!r}") from None
    return d if d.tzinfo else d.replace(tzinfo=UTC)

"""Constants and small builders shared by the sandbox tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BOT = "acc-bot"
BOT_EMAIL = "bot@example.com"
BOT_TOKEN = "bot-token"
PO = "acc-po"
DEV = "acc-dev"
GONE = "acc-gone"  # an inactive user


def adf(*inline: dict[str, Any]) -> dict[str, Any]:
    """An ADF document with one paragraph holding ``inline`` nodes."""
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": list(inline)}],
    }


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def mention(account_id: str) -> dict[str, Any]:
    return {"type": "mention", "attrs": {"id": account_id, "text": "@someone"}}

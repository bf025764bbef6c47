"""Reading query and body parameters the way Jira does (its words in the 400 answers)."""

from __future__ import annotations

from typing import Any

from worker.sandbox.app import Request


def int_value(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"The value '{raw}' is invalid for parameter '{name}'.") from None


def int_arg(req: Request, name: str, default: int) -> int:
    raw = req.arg(name)
    return default if raw is None or raw == "" else int_value(raw, name)


def split_list(values: Any) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(part.strip() for part in str(v).split(",") if part.strip())
    return out

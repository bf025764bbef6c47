"""The escalation record as Jira stores it: an issue property, read without ever raising.

Shared by every reader of records (the cycle, the weekly digest, the web process), so none of
them has to reach into another's module for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from worker.core.record import SCHEMA, Record, RecordError, from_json


def record_of(issue: Mapping[str, Any], property_key: str) -> Any:
    """The stored value of the record property in an issue's JSON (search or GET), or None."""
    props = issue.get("properties") or {}
    return props.get(property_key) if isinstance(props, Mapping) else None


def read_record(value: Any) -> tuple[Record | None, str | None, bool]:
    """(record, problem, blocked) from a stored property value.

    ``problem`` says why a value could not be read; ``blocked`` is True when it was written by a
    newer worker (a higher schema) and must not be overwritten.
    """
    if value is None:
        return None, None, False
    try:
        return from_json(value), None, False
    except RecordError as exc:
        newer = (
            isinstance(value, Mapping)
            and isinstance(value.get("schema"), int)
            and value["schema"] > SCHEMA
        )
        return None, str(exc), newer

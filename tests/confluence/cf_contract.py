"""Contract checks against the vendored subset of Atlassian's Confluence v2 OpenAPI document.

The checker is the sandbox's (``worker.sandbox.contract.Contract``), given the Confluence subset:
paths under ``/wiki/api/v2``, free-form error bodies, and ``oneOf`` read as ``anyOf`` — the
document's page-body alternatives (``PageBodyWrite`` / ``PageNestedBodyWrite``) declare no required
fields, so any body matches both and a strict ``oneOf`` would reject every valid request. As for
Jira, ``null`` values are dropped before validation and string formats are not enforced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from worker.sandbox.contract import Contract, ContractError

SUBSET = Path(__file__).with_name("spec") / "confluence-v2.subset.json"
PREFIX = "/wiki/api/v2"
CONFLUENCE = Contract.from_file(SUBSET, prefix=PREFIX, error_schema=None, one_of_as_any_of=True)

__all__ = ["CONFLUENCE", "ContractError", "spec", "validate_request", "validate_response"]


def spec() -> dict[str, Any]:
    return CONFLUENCE.spec


def validate_request(method: str, path: str, query: Mapping[str, Sequence[str]], body: Any) -> None:
    CONFLUENCE.validate_request(method, path, query, body)


def validate_response(method: str, path: str, status: int, body: Any) -> None:
    CONFLUENCE.validate_response(method, path, status, body)

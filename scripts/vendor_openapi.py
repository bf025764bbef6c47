#!/usr/bin/env python3
"""Extract the part of Atlassian's Jira platform OpenAPI document that the worker uses.

Usage::

    python scripts/vendor_openapi.py [SOURCE_JSON] [--out PATH]

Reads SOURCE_JSON (default ``/work/shared/specs/jira-platform-v3.json``) and writes
``worker/sandbox/openapi/jira-platform-v3.subset.json``: the operations in ``OPERATIONS`` below,
every ``#/components/schemas/...`` they reference (followed transitively), and the document's
``openapi``/``info`` headers plus an ``x-vendored`` block recording the source's sha256.  Output
is deterministic: sorted keys, two-space indent, trailing newline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_SOURCE = Path("/work/shared/specs/jira-platform-v3.json")
DEFAULT_OUT = (
    Path(__file__).resolve().parent.parent
    / "worker"
    / "sandbox"
    / "openapi"
    / "jira-platform-v3.subset.json"
)

# (method, path) of every operation the worker or the sandbox relies on.
OPERATIONS: tuple[tuple[str, str], ...] = (
    ("get", "/rest/api/3/myself"),  # getCurrentUser
    ("get", "/rest/api/3/user"),  # getUser
    ("get", "/rest/api/3/user/bulk"),  # bulkGetUsers
    ("get", "/rest/api/3/user/properties/{propertyKey}"),  # getUserProperty (heartbeat)
    ("put", "/rest/api/3/user/properties/{propertyKey}"),  # setUserProperty (heartbeat)
    ("get", "/rest/api/3/project/{projectIdOrKey}"),  # getProject
    ("get", "/rest/api/3/mypermissions"),  # getMyPermissions
    ("get", "/rest/api/3/user/assignable/search"),  # findAssignableUsers
    ("get", "/rest/api/3/label"),  # getAllLabels
    ("post", "/rest/api/3/search/jql"),  # searchAndReconsileIssuesUsingJqlPost
    ("get", "/rest/api/3/search/jql"),  # searchAndReconsileIssuesUsingJql
    ("get", "/rest/api/3/search"),  # searchForIssuesUsingJql (removed on Cloud: 410)
    ("post", "/rest/api/3/search"),  # searchForIssuesUsingJqlPost (removed on Cloud: 410)
    ("post", "/rest/api/3/changelog/bulkfetch"),  # getBulkChangelogs
    ("get", "/rest/api/3/issue/{issueIdOrKey}"),  # getIssue
    ("get", "/rest/api/3/issue/{issueIdOrKey}/changelog"),  # getChangeLogs
    ("get", "/rest/api/3/issue/{issueIdOrKey}/comment"),  # getComments
    ("post", "/rest/api/3/issue/{issueIdOrKey}/comment"),  # addComment
    ("delete", "/rest/api/3/issue/{issueIdOrKey}/comment/{id}"),  # deleteComment
    ("put", "/rest/api/3/issue/{issueIdOrKey}/assignee"),  # assignIssue
    ("get", "/rest/api/3/issue/{issueIdOrKey}/watchers"),  # getIssueWatchers
    ("post", "/rest/api/3/issue/{issueIdOrKey}/watchers"),  # addWatcher
    ("delete", "/rest/api/3/issue/{issueIdOrKey}/watchers"),  # removeWatcher
    ("get", "/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}"),  # getIssueProperty
    ("put", "/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}"),  # setIssueProperty
    ("delete", "/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}"),  # deleteIssueProperty
)

# Schemas kept even though no kept operation references them (used for error bodies).
EXTRA_SCHEMAS: tuple[str, ...] = ("ErrorCollection",)

_SCHEMA_PREFIX = "#/components/schemas/"


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            ref = cur.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith(_SCHEMA_PREFIX):
                    raise ValueError(f"unsupported $ref {ref!r}")
                found.add(ref[len(_SCHEMA_PREFIX) :])
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
    return found


def build_subset(doc: dict[str, Any], source_sha256: str) -> dict[str, Any]:
    """The subset document for ``doc`` (pure function)."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path in OPERATIONS:
        try:
            operation = doc["paths"][path][method]
        except KeyError:
            raise KeyError(
                f"operation {method.upper()} {path} is not in the source document"
            ) from None
        entry = paths.setdefault(path, {})
        entry[method] = operation
        shared = doc["paths"][path].get("parameters")
        if shared is not None:
            entry["parameters"] = shared

    all_schemas = doc["components"]["schemas"]
    keep: set[str] = set()
    pending = _refs(paths) | set(EXTRA_SCHEMAS)
    while pending:
        name = pending.pop()
        if name in keep:
            continue
        keep.add(name)
        pending |= _refs(all_schemas[name]) - keep

    return {
        "openapi": doc["openapi"],
        "info": doc["info"],
        "servers": doc.get("servers", []),
        "paths": paths,
        "components": {"schemas": {name: all_schemas[name] for name in sorted(keep)}},
        "x-vendored": {
            "source": "jira-platform-v3.json (Atlassian Jira Cloud platform REST API v3)",
            "sourceInfoVersion": doc["info"]["version"],
            "sourceSha256": source_sha256,
            "operations": [f"{m.upper()} {p}" for m, p in OPERATIONS],
            "generator": "scripts/vendor_openapi.py",
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    raw = args.source.read_bytes()
    subset = build_subset(json.loads(raw), hashlib.sha256(raw).hexdigest())
    text = json.dumps(subset, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(
        f"wrote {args.out} ({len(subset['paths'])} paths, "
        f"{len(subset['components']['schemas'])} schemas, {len(text):,} bytes)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

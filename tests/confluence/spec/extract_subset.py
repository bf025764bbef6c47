"""Extract the Confluence v2 operations the worker uses from Atlassian's OpenAPI document.

Usage: python tests/confluence/spec/extract_subset.py ../shared/specs/confluence-v2.json

Writes confluence-v2.subset.json beside this script: the chosen operations plus every component
they reference (transitively), unchanged. See README.md for provenance.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OPERATIONS = (
    "getSpaces",
    "getPages",
    "createPage",
    "getPageById",
    "updatePage",
    "getChildPages",
    "getPageVersions",
    "getPageContentProperties",
    "createPageProperty",
    "getPageContentPropertiesById",
    "updatePagePropertyById",
    "deletePagePropertyById",
)
OUT = Path(__file__).with_name("confluence-v2.subset.json")


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                found.add(v)
            else:
                found |= _refs(v)
    elif isinstance(node, list):
        for v in node:
            found |= _refs(v)
    return found


def extract(doc: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") in OPERATIONS:
                paths.setdefault(path, {})[method] = op
    missing = set(OPERATIONS) - {op["operationId"] for item in paths.values() for op in item.values()}
    if missing:
        raise SystemExit(f"operations not found: {sorted(missing)}")
    components: dict[str, dict[str, Any]] = {}
    todo = _refs(paths)
    seen: set[str] = set()
    while todo:
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)
        target = doc["components"][section][name]
        components.setdefault(section, {})[name] = target
        todo |= _refs(target)
    return {
        "openapi": doc["openapi"],
        "info": {**doc["info"], "description": "Subset of Atlassian's Confluence Cloud REST API v2 document."},
        "servers": [{"url": "/wiki/api/v2"}],
        "paths": paths,
        "components": {s: dict(sorted(c.items())) for s, c in sorted(components.items())},
    }


def main(argv: list[str]) -> int:
    src = Path(argv[1] if len(argv) > 1 else "../shared/specs/confluence-v2.json")
    doc = json.loads(src.read_text(encoding="utf-8"))
    OUT.write_text(json.dumps(extract(doc), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""Contract checks against the vendored subset of Atlassian's Confluence v2 OpenAPI document.

Requests are checked for documented paths, methods, query parameters (unknown ones rejected) and
JSON bodies; responses for documented statuses and body shapes. As with the Jira checks, ``null``
values are dropped before validation (Cloud sends ``null`` where the document says string) and
string formats are not enforced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator

SUBSET = Path(__file__).with_name("spec") / "confluence-v2.subset.json"
PREFIX = "/wiki/api/v2"


class ContractError(AssertionError):
    """A request or response that does not match the document."""


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: Mapping[str, Any]


def _one_of_as_any_of(node: Any) -> Any:
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _one_of_as_any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_one_of_as_any_of(v) for v in node]
    return node


@cache
def spec() -> dict[str, Any]:
    """The subset, with ``oneOf`` read as ``anyOf``: the document's page-body alternatives
    (``PageBodyWrite`` / ``PageNestedBodyWrite``) declare no required fields, so any body matches
    both and a strict ``oneOf`` would reject every valid request."""
    return _one_of_as_any_of(json.loads(SUBSET.read_text(encoding="utf-8")))


@cache
def operations() -> tuple[Operation, ...]:
    ops = []
    for template, item in spec()["paths"].items():
        regex = re.sub(r"\\\{[\w\\-]+\\\}", "[^/]+", re.escape(template))
        for method, op in item.items():
            ops.append(Operation(method.upper(), template, re.compile(regex), op))
    return tuple(sorted(ops, key=lambda o: o.template.count("{")))


def find(method: str, path: str) -> Operation:
    rel = path[len(PREFIX):] if path.startswith(PREFIX) else path
    for op in operations():
        if op.method == method.upper() and op.pattern.fullmatch(rel):
            return op
    raise ContractError(f"{method} {path} is not an operation of the vendored subset")


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/requestBodies/"):
        return spec()["components"]["requestBodies"][ref.rsplit("/", 1)[1]]
    return node


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _check(kind: str, schema: Mapping[str, Any], value: Any, where: str) -> None:
    root = dict(schema)
    root["components"] = spec()["components"]
    validator = (OAS30WriteValidator if kind == "request" else OAS30ReadValidator)(root)
    errors = list(validator.iter_errors(_drop_nulls(value)))
    if errors:
        first = errors[0]
        at = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise ContractError(f"{where}: at {at}: {first.message}")


def _coerce(raw: str, schema: Mapping[str, Any]) -> Any:
    if schema.get("type") == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ContractError(f"{raw!r} is not an integer") from None
    if schema.get("type") == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    return raw


def validate_request(method: str, path: str, query: Mapping[str, Sequence[str]], body: Any) -> None:
    op = find(method, path)
    where = f"{method} {op.template}"
    params = op.spec.get("parameters", [])
    declared = {p["name"]: p for p in params if p.get("in") == "query"}
    for name, values in query.items():
        if name not in declared:
            raise ContractError(f"{where}: undocumented query parameter {name!r}")
        schema = declared[name].get("schema", {})
        if schema.get("type") == "array":
            value: Any = [_coerce(v, schema.get("items", {})) for raw in values for v in raw.split(",")]
        else:
            value = _coerce(values[-1], schema)
        _check("request", schema, value, f"{where} ?{name}")
    for p in params:
        if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer":
            template_parts = op.template.strip("/").split("/")
            rel = path[len(PREFIX):].strip("/").split("/")
            for t, actual in zip(template_parts, rel, strict=True):
                if t == "{" + p["name"] + "}" and not actual.isdigit():
                    raise ContractError(f"{where}: path parameter {p['name']} must be an integer, got {actual!r}")
    rb = op.spec.get("requestBody")
    if rb is None:
        if body is not None:
            raise ContractError(f"{where}: takes no body")
        return
    rb = _resolve(rb)
    schema = rb.get("content", {}).get("application/json", {}).get("schema")
    if body is None and rb.get("required"):
        raise ContractError(f"{where}: a body is required")
    if schema is not None and body is not None:
        _check("request", schema, body, f"{where} body")


def validate_response(method: str, path: str, status: int, body: Any) -> None:
    op = find(method, path)
    where = f"{method} {op.template} -> {status}"
    declared = op.spec.get("responses", {}).get(str(status))
    if declared is None:
        if status < 400:
            raise ContractError(f"{where}: undocumented success status")
        return  # 409/429/5xx are not all listed; their bodies are free-form
    schema = (declared.get("content") or {}).get("application/json", {}).get("schema")
    if status < 400 and schema:
        _check("response", schema, body, where)

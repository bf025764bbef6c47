"""Contract checks against the vendored subset of Atlassian's Jira platform OpenAPI document.

``validate_request`` and ``validate_response`` find the operation for a concrete path (path
templates such as ``/issue/{issueIdOrKey}`` are matched, literal paths win over templated ones),
then check query parameters and JSON bodies with ``openapi-schema-validator`` (OpenAPI 3.0
semantics: ``nullable``, ``readOnly`` properties rejected in requests, ``writeOnly`` in responses).

Deliberate leniencies, each because Atlassian's document and Jira Cloud disagree:

* ``null`` values are dropped before validation: Cloud returns ``null`` for many properties the
  document types as plain strings (changelog ``from``/``to``, ``resolution``...), and its own
  documentation says ``PUT /assignee`` with ``{"accountId": null}`` unassigns.
* String ``format`` (``date-time``, ``uri``) is not checked: Cloud's timestamps
  (``2026-03-02T09:15:00.000+0000``) are not RFC 3339.
* Error statuses the document does not list (410, 429, 5xx...) are accepted when the body has
  Jira's error shape (``ErrorCollection``).

Unknown query parameters are rejected: a misspelt ``maxResult`` would be silently ignored by
Cloud, which is exactly the kind of bug a contract test should catch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator

SUBSET_FILE = "jira-platform-v3.subset.json"


class ContractError(AssertionError):
    """A request or response does not match the OpenAPI document."""


@dataclass(frozen=True)
class _Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: Mapping[str, Any]
    parameters: tuple[Mapping[str, Any], ...]


@cache
def load_spec() -> dict[str, Any]:
    """The vendored subset document (parsed once)."""
    text = resources.files("worker.sandbox").joinpath("openapi", SUBSET_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _operations() -> tuple[_Operation, ...]:
    doc = load_spec()
    ops: list[_Operation] = []
    for template, item in doc["paths"].items():
        shared = tuple(item.get("parameters", ()))
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        for method, spec in item.items():
            if method == "parameters":
                continue
            own = tuple(spec.get("parameters", ()))
            ops.append(_Operation(method.upper(), template, re.compile(regex), spec, shared + own))
    # Literal paths before templated ones, so /user/bulk never matches a {param} route by mistake.
    ops.sort(key=lambda op: op.template.count("{"))
    return tuple(ops)


def find_operation(method: str, path: str) -> _Operation:
    path_known = False
    for op in _operations():
        if op.pattern.fullmatch(path):
            path_known = True
            if op.method == method.upper():
                return op
    if path_known:
        raise ContractError(f"{method.upper()} is not documented for {path}")
    raise ContractError(f"{method.upper()} {path} is not an operation in the vendored OpenAPI subset")


@cache
def _validator(kind: str, schema_json: str) -> OAS30ReadValidator | OAS30WriteValidator:
    schema = json.loads(schema_json)
    root = dict(schema)
    root["components"] = load_spec()["components"]
    cls = OAS30WriteValidator if kind == "request" else OAS30ReadValidator
    return cls(root)


def _check(kind: str, schema: Mapping[str, Any], value: Any, where: str) -> None:
    validator = _validator(kind, json.dumps(schema, sort_keys=True))
    errors = sorted(validator.iter_errors(_drop_nulls(value)), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        location = "/".join(str(p) for p in first.absolute_path) or "(root)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ContractError(f"{where}: at {location}: {first.message}{more}")


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _coerce(raw: str, schema: Mapping[str, Any], name: str) -> Any:
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ContractError(f"query parameter {name!r}: {raw!r} is not an integer") from None
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ContractError(f"query parameter {name!r}: {raw!r} is not a boolean")
        return raw == "true"
    return raw


def validate_request(method: str, path: str, query: Mapping[str, Sequence[str]], body: Any) -> None:
    """Raise :class:`ContractError` unless the request matches its documented operation."""
    op = find_operation(method, path)
    where = f"{method.upper()} {op.template}"
    declared = {p["name"]: p for p in op.parameters if p.get("in") == "query"}
    for name in query:
        if name not in declared:
            raise ContractError(f"{where}: unknown query parameter {name!r}")
    for name, param in declared.items():
        values = list(query.get(name, []))
        if not values:
            if param.get("required"):
                raise ContractError(f"{where}: required query parameter {name!r} is missing")
            continue
        schema = param.get("schema", {})
        if schema.get("type") == "array":
            items = schema.get("items", {})
            coerced: Any = [_coerce(v, items, name) for raw in values for v in raw.split(",")]
        else:
            if len(values) > 1:
                raise ContractError(f"{where}: query parameter {name!r} given {len(values)} times")
            coerced = _coerce(values[0], schema, name)
        _check("request", schema, coerced, f"{where} query parameter {name!r}")
    request_body = op.spec.get("requestBody")
    if request_body is None:
        if body is not None:
            raise ContractError(f"{where}: this operation takes no request body")
        return
    if body is None:
        if request_body.get("required"):
            raise ContractError(f"{where}: a request body is required")
        return
    schema = request_body.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        _check("request", schema, body, f"{where} request body")


def validate_response(method: str, path: str, status: int, body: Any) -> None:
    """Raise :class:`ContractError` unless ``status``/``body`` match the documented responses."""
    op = find_operation(method, path)
    where = f"{method.upper()} {op.template} -> {status}"
    responses = op.spec.get("responses", {})
    declared = responses.get(str(status)) or responses.get("default")
    if declared is None:
        if status < 400:
            raise ContractError(f"{where}: status {status} is not documented for this operation")
        _check_error(body, where)
        return
    schema = declared.get("content", {}).get("application/json", {}).get("schema")
    if status >= 400:
        if schema is None:
            _check_error(body, where)
            return
    if schema is None or schema == {}:
        return
    if body is None:
        raise ContractError(f"{where}: a JSON body is documented but none was sent")
    _check("response", schema, body, f"{where} response body")


def _check_error(body: Any, where: str) -> None:
    if body is None:
        return
    if not isinstance(body, dict) or not ("errorMessages" in body or "errors" in body):
        raise ContractError(f"{where}: error body is not Jira's ErrorCollection shape: {body!r:.200}")
    _check("response", {"$ref": "#/components/schemas/ErrorCollection"}, body, f"{where} error body")

"""Contract checks against vendored subsets of Atlassian's OpenAPI documents (Jira platform v3, Confluence v2).

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

One :class:`Contract` class serves both documents; :data:`JIRA` is the Jira platform subset that
the sandbox checks in strict mode (the module-level functions use it), and the Confluence tests
build theirs from the Confluence subset with its own path prefix and error-body rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
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


def _group(name: str) -> str:
    """A regex group name for a path parameter (``property-id`` -> ``property_id``)."""
    return re.sub(r"\W", "_", name.replace("\\", ""))


def _one_of_as_any_of(node: Any) -> Any:
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _one_of_as_any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_one_of_as_any_of(v) for v in node]
    return node


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


class Contract:
    """The operations of one OpenAPI (sub)document, and checks of concrete requests and responses.

    ``prefix`` is stripped from request paths before matching (Confluence's ``/wiki/api/v2``);
    ``error_schema`` names the component every error body must match (Jira's ``ErrorCollection``),
    or None when error bodies are free-form; ``one_of_as_any_of`` reads ``oneOf`` as ``anyOf`` for
    documents whose alternatives overlap.
    """

    def __init__(
        self,
        load: Callable[[], Mapping[str, Any]],
        *,
        prefix: str = "",
        error_schema: str | None = None,
        one_of_as_any_of: bool = False,
    ) -> None:
        self._load = load
        self.prefix = prefix
        self.error_schema = error_schema
        self.one_of_as_any_of = one_of_as_any_of
        self._validator = lru_cache(maxsize=512)(self._make_validator)

    @classmethod
    def from_file(cls, path: Path, **kwargs: Any) -> Contract:
        return cls(lambda: json.loads(path.read_text(encoding="utf-8")), **kwargs)

    @cached_property
    def spec(self) -> dict[str, Any]:
        doc = dict(self._load())
        return _one_of_as_any_of(doc) if self.one_of_as_any_of else doc

    @cached_property
    def operations(self) -> tuple[_Operation, ...]:
        ops: list[_Operation] = []
        for template, item in self.spec["paths"].items():
            shared = tuple(item.get("parameters", ()))
            regex = re.sub(
                r"\\\{(.+?)\\\}", lambda m: f"(?P<{_group(m.group(1))}>[^/]+)", re.escape(template)
            )
            for method, op in item.items():
                if method == "parameters":
                    continue
                own = tuple(op.get("parameters", ()))
                ops.append(
                    _Operation(method.upper(), template, re.compile(regex), op, shared + own)
                )
        # Literal paths before templated ones, so /user/bulk never matches a {param} route by mistake.
        ops.sort(key=lambda op: op.template.count("{"))
        return tuple(ops)

    def _relative(self, path: str) -> str:
        return path[len(self.prefix) :] if self.prefix and path.startswith(self.prefix) else path

    def find(self, method: str, path: str) -> _Operation:
        rel = self._relative(path)
        path_known = False
        for op in self.operations:
            if op.pattern.fullmatch(rel):
                path_known = True
                if op.method == method.upper():
                    return op
        if path_known:
            raise ContractError(f"{method.upper()} is not documented for {path}")
        raise ContractError(
            f"{method.upper()} {path} is not an operation in the vendored OpenAPI subset"
        )

    def _make_validator(
        self, kind: str, schema_json: str
    ) -> OAS30ReadValidator | OAS30WriteValidator:
        root = json.loads(schema_json)
        root["components"] = self.spec["components"]
        cls = OAS30WriteValidator if kind == "request" else OAS30ReadValidator
        return cls(root)

    def check(self, kind: str, schema: Mapping[str, Any], value: Any, where: str) -> None:
        validator = self._validator(kind, json.dumps(schema, sort_keys=True))
        errors = sorted(
            validator.iter_errors(_drop_nulls(value)), key=lambda e: list(e.absolute_path)
        )
        if errors:
            first = errors[0]
            location = "/".join(str(p) for p in first.absolute_path) or "(root)"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise ContractError(f"{where}: at {location}: {first.message}{more}")

    def _request_body(self, op: _Operation) -> Mapping[str, Any] | None:
        rb = op.spec.get("requestBody")
        ref = rb.get("$ref") if isinstance(rb, Mapping) else None
        if isinstance(ref, str) and ref.startswith("#/components/requestBodies/"):
            body: Mapping[str, Any] = self.spec["components"]["requestBodies"][
                ref.rsplit("/", 1)[1]
            ]
            return body
        return rb if isinstance(rb, Mapping) else None

    def validate_request(
        self, method: str, path: str, query: Mapping[str, Sequence[str]], body: Any
    ) -> None:
        """Raise :class:`ContractError` unless the request matches its documented operation."""
        op = self.find(method, path)
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
                    raise ContractError(
                        f"{where}: query parameter {name!r} given {len(values)} times"
                    )
                coerced = _coerce(values[0], schema, name)
            self.check("request", schema, coerced, f"{where} query parameter {name!r}")
        match = op.pattern.fullmatch(self._relative(path))
        for param in op.parameters:
            if (
                param.get("in") == "path"
                and param.get("schema", {}).get("type") == "integer"
                and match
            ):
                actual = match.groupdict().get(_group(str(param["name"])), "")
                if not actual.isdigit():
                    raise ContractError(
                        f"{where}: path parameter {param['name']} must be an integer, got {actual!r}"
                    )
        request_body = self._request_body(op)
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
            self.check("request", schema, body, f"{where} request body")

    def validate_response(self, method: str, path: str, status: int, body: Any) -> None:
        """Raise :class:`ContractError` unless ``status``/``body`` match the documented responses."""
        op = self.find(method, path)
        where = f"{method.upper()} {op.template} -> {status}"
        responses = op.spec.get("responses", {})
        declared = responses.get(str(status)) or (
            responses.get("default") if self.error_schema else None
        )
        if declared is None:
            if status < 400:
                raise ContractError(
                    f"{where}: status {status} is not documented for this operation"
                )
            self._check_error(body, where)
            return
        schema = declared.get("content", {}).get("application/json", {}).get("schema")
        if status >= 400 and (schema is None or self.error_schema is None):
            self._check_error(body, where)
            return
        if schema is None or schema == {}:
            return
        if body is None:
            raise ContractError(f"{where}: a JSON body is documented but none was sent")
        self.check("response", schema, body, f"{where} response body")

    def _check_error(self, body: Any, where: str) -> None:
        if self.error_schema is None or body is None:
            return  # free-form error bodies
        if not isinstance(body, dict) or not ("errorMessages" in body or "errors" in body):
            raise ContractError(
                f"{where}: error body is not Jira's ErrorCollection shape: {body!r:.200}"
            )
        self.check(
            "response",
            {"$ref": f"#/components/schemas/{self.error_schema}"},
            body,
            f"{where} error body",
        )


def _load_jira() -> Mapping[str, Any]:
    text = (
        resources.files("worker.sandbox")
        .joinpath("openapi", SUBSET_FILE)
        .read_text(encoding="utf-8")
    )
    spec: Mapping[str, Any] = json.loads(text)
    return spec


JIRA = Contract(_load_jira, error_schema="ErrorCollection")


def load_spec() -> dict[str, Any]:
    """The vendored Jira subset document (parsed once)."""
    return JIRA.spec


def find_operation(method: str, path: str) -> _Operation:
    return JIRA.find(method, path)


def validate_request(method: str, path: str, query: Mapping[str, Sequence[str]], body: Any) -> None:
    """Raise :class:`ContractError` unless the Jira request matches its documented operation."""
    JIRA.validate_request(method, path, query, body)


def validate_response(method: str, path: str, status: int, body: Any) -> None:
    """Raise :class:`ContractError` unless the Jira response matches its documented responses."""
    JIRA.validate_response(method, path, status, body)

"""Small JSON values the worker keeps on its own Jira account (user properties), shared by every
worker process on the site: the adoption instant and the storm guard's counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from worker.jira.gateway import JiraGateway


def read(gateway: JiraGateway, account_id: str, key: str) -> dict[str, Any] | None:
    resp = gateway.http.call(
        "GET",
        f"/rest/api/3/user/properties/{key}",
        params={"accountId": account_id},
        allow=(404,),
    )
    if resp.status == 404 or not isinstance(resp.body, Mapping):
        return None
    value = resp.body.get("value")
    return dict(value) if isinstance(value, Mapping) else None


def write(gateway: JiraGateway, account_id: str, key: str, value: Mapping[str, Any]) -> None:
    gateway.http.call(
        "PUT",
        f"/rest/api/3/user/properties/{key}",
        params={"accountId": account_id},
        json=dict(value),
    )


def create(gateway: JiraGateway, account_id: str, key: str, value: Mapping[str, Any]) -> int:
    """PUT ``value`` at ``key``: 201 when this call created the property, 200 when it existed."""
    resp = gateway.http.call(
        "PUT",
        f"/rest/api/3/user/properties/{key}",
        params={"accountId": account_id},
        json=dict(value),
    )
    return int(resp.status)


def delete(gateway: JiraGateway, account_id: str, key: str) -> None:
    gateway.http.call(
        "DELETE",
        f"/rest/api/3/user/properties/{key}",
        params={"accountId": account_id},
        allow=(404,),
    )

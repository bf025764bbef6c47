"""The fake Jira Cloud site as an :class:`~worker.sandbox.app.App`: the control endpoints, the
REST routes (with the optional contract check) and the request log."""

from __future__ import annotations

from datetime import timedelta

from worker.sandbox.app import BadJson, Request, Response, error
from worker.sandbox.clock import SandboxClock
from worker.sandbox.control import handle_control
from worker.sandbox.jira.handlers import Refused
from worker.sandbox.jira.routes import ROUTES, Route
from worker.sandbox.jira.seeding import SeededSite
from worker.sandbox.jira.state import API, LoggedRequest


class JiraSite(SeededSite):
    """An in-memory Jira Cloud site implementing the :class:`~worker.sandbox.app.App` protocol."""

    def __init__(self, clock: SandboxClock, *, staleness: timedelta = timedelta(0)) -> None:
        super().__init__(clock, staleness=staleness)
        self._routes: list[Route] = list(ROUTES)  # per site, so a test may wrap one handler

    def endpoint_of(self, method: str, path: str) -> str:
        for route in self._routes:
            if route.method == method and route.pattern.fullmatch(path):
                return f"{method} {route.template}"
        return f"{method} {path}"

    def handle(self, req: Request) -> Response | None:
        if req.path.startswith("/_sandbox/"):
            return handle_control(self, req)
        if not req.path.startswith(API + "/") and req.path != API:
            return None
        resp = self._dispatch(req)
        try:
            body = req.json() if req.body else None
        except BadJson:
            body = req.body.decode("utf-8", "replace")
        self.log(
            LoggedRequest(
                req.method,
                req.path,
                req.query,
                body,
                resp.status,
                self.clock.now(),
                self.endpoint_of(req.method, req.path),
                req.user.account_id if req.user else None,
            )
        )
        return resp

    def _dispatch(self, req: Request) -> Response:
        if self.strict_contract:
            from worker.sandbox.contract import ContractError, validate_request, validate_response

            try:
                body = req.json() if req.body else None
            except BadJson:
                body = None
            try:
                validate_request(req.method, req.path, req.query, body)
            except ContractError as exc:
                self.contract_violations.append(f"request {req.method} {req.path}: {exc}")
                return error(400, f"Sandbox contract check failed: {exc}")
            resp = self._route(req)
            try:
                validate_response(req.method, req.path, resp.status, resp.body)
            except ContractError as exc:
                self.contract_violations.append(
                    f"response {req.method} {req.path} {resp.status}: {exc}"
                )
                return error(500, f"Sandbox response broke the contract: {exc}")
            return resp
        return self._route(req)

    def _route(self, req: Request) -> Response:
        if req.user is None:
            return error(
                401, "You are not authenticated. Authentication required to perform this operation."
            )
        path_matched = False
        for route in self._routes:
            match = route.pattern.fullmatch(req.path)
            if match is None:
                continue
            path_matched = True
            if route.method != req.method:
                continue
            try:
                with self._lock:
                    return route.handler(self, req, match)
            except Refused as exc:
                return exc.response
            except BadJson as exc:
                return error(400, str(exc))
            except ValueError as exc:
                return error(400, str(exc))
        if path_matched:
            return error(405, f"Method {req.method} is not allowed for {req.path}.")
        return error(404, f"No API endpoint matches {req.method} {req.path}.")

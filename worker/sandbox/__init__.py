"""A faithful, stateful fake Jira Cloud site served on 127.0.0.1 for tests, demos and benchmarks.

Typical use::

    clock = SandboxClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    site = JiraSite(clock)
    site.add_user("u-bot", "Bot", email="bot@example.com", api_token="t")
    site.add_project("SHOP", "Shop")
    key = site.create_issue("SHOP", "Checkout down", reporter="u-bot", labels=["escalation-S2"])
    with SandboxServer(site) as server:
        ...  # point a client at server.url with basic auth bot@example.com / t

Modules: ``app`` (request/response types), ``clock``, ``jira`` (the site), ``jql``, ``adf``,
``faults``, ``control`` (``/_sandbox`` endpoints, scenarios), ``server``, ``contract``.
"""

from worker.sandbox.app import App, Request, Response
from worker.sandbox.clock import SandboxClock
from worker.sandbox.faults import FaultPlan, FaultRule
from worker.sandbox.jira import JiraSite, LoggedRequest
from worker.sandbox.server import SandboxServer

__all__ = [
    "App",
    "FaultPlan",
    "FaultRule",
    "JiraSite",
    "LoggedRequest",
    "Request",
    "Response",
    "SandboxClock",
    "SandboxServer",
]

"""Every Jira operation the adapter uses, exercised against the sandbox with contract checking on."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import REPORTER, World
from tests.support import PO, paris


def test_the_adapter_requests_match_the_openapi_document(world: World) -> None:
    key = world.issue()
    world.tick()
    world.site.add_comment(key, PO, "On it")
    world.clock.set(paris(2026, 3, 2, 9, 30))
    cycle = world.cycle()
    cycle.run()
    cycle.gateway.record_value(key)
    cycle.gateway.changelog(key)
    cycle.gateway.find_comment(key, "nope")
    assert cycle.gateway.project_exists("SHOP") and not cycle.gateway.project_exists("NOPE")
    world.site.remove_labels(key, "escalation-S3", by=REPORTER)
    world.clock.advance(timedelta(minutes=1))
    world.tick()
    used = {e.endpoint for e in world.site.request_log}
    expected = {
        "GET /rest/api/3/myself",
        "GET /rest/api/3/user/bulk",
        "POST /rest/api/3/search/jql",
        "POST /rest/api/3/changelog/bulkfetch",
        "GET /rest/api/3/issue/{issueIdOrKey}",
        "GET /rest/api/3/issue/{issueIdOrKey}/changelog",
        "GET /rest/api/3/issue/{issueIdOrKey}/comment",
        "POST /rest/api/3/issue/{issueIdOrKey}/comment",
        "PUT /rest/api/3/issue/{issueIdOrKey}/assignee",
        "POST /rest/api/3/issue/{issueIdOrKey}/watchers",
        "GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}",
        "PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}",
        "GET /rest/api/3/project/{projectIdOrKey}",
    }
    assert expected <= used, expected - used
    assert world.site.strict_contract and world.site.contract_violations == []

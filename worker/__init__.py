"""escalation-worker: enforce an escalation matrix with SLAs on Jira Cloud."""

__version__ = "0.1.0"

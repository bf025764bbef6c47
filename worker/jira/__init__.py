"""The Jira Cloud adapter: REST API v3 reads into snapshots, and the effects of the core's actions."""

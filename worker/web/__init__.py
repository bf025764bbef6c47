"""The web process: Jira webhooks that wake the worker, Slack and Twilio callbacks that acknowledge.

Requests only *signal* (wake the scheduler for some issue keys) or *record* (post one Jira comment
saying who acknowledged from where). Every decision is still made by the core on the issue as
re-read from Jira, so a forged or stale payload can never cause an effect on its own.
"""

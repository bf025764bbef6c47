"""The imperative shell around ``decide``: gather snapshots, decide, apply each action exactly once, remember."""

"""Loading and validating ``config.yaml`` and ``rules/`` into typed settings."""

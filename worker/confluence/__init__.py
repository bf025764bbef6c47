"""Publishing the escalation matrix (and other generated pages) to Confluence Cloud."""

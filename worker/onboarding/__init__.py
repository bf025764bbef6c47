"""The first day on a real site: what `check --online` verifies, and labels that almost match."""

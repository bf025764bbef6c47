"""Operating the worker: progress of long cycles, the heartbeat, and ``status``."""

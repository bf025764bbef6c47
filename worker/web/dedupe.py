"""A bounded memory of the delivery and interaction ids already handled."""

from __future__ import annotations

import threading
from collections import OrderedDict


class SeenIds:
    """``first(id)`` is True once per id; the oldest ids are forgotten past ``capacity``.

    This catches the provider's own retries and replayed requests within a process. Effects do not
    rest on it alone: an acknowledgement comment carries the interaction id and is looked up in
    Jira before it is posted, and a wake-up is harmless when repeated.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, ident: str) -> bool:
        with self._lock:
            if ident in self._ids:
                self._ids.move_to_end(ident)
                return False
            self._ids[ident] = None
            while len(self._ids) > self.capacity:
                self._ids.popitem(last=False)
            return True

    def forget(self, ident: str) -> None:
        """Let a request that failed before its effect be retried by the provider."""
        with self._lock:
            self._ids.pop(ident, None)

"""Notification channels: providers behind one port, plus the outbox that makes sends at-most-once.

* :mod:`worker.notify.message` — the channel-neutral message, recipient and delivery outcome.
* :mod:`worker.notify.port` — the :class:`~worker.notify.port.Channel` protocol every provider implements.
* :mod:`worker.notify.outbox` — pure planning over outbox entries, and the :class:`Dispatcher` shell.
* :mod:`worker.notify.registry` — builds every channel from the environment; reports missing settings.
"""

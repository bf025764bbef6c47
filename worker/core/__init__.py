"""The functional core: rules, business calendar, SLA clocks and ``decide``.

Nothing in this package performs I/O, reads the wall clock, or imports an adapter.
``tests/core/test_purity.py`` enforces that.
"""

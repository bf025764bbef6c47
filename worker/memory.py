"""Give freed memory back to the operating system between cycles.

A full cycle at 10,000 escalations parses about a hundred search pages of 1–2 MB. CPython frees
their objects, but glibc keeps the freed heap for later, fragmented by the long-lived objects
allocated in between (the cycle's memory of every issue), so the process's resident size only
grows from one full cycle to the next. ``malloc_trim`` returns the free pages at the top and in the
middle of the heap. It is glibc's; elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def give_back_memory() -> bool:
    """Collect garbage, then return free heap pages to the system; True when the heap was trimmed."""
    gc.collect()
    trim = _malloc_trim()
    return bool(trim is not None and trim(0))

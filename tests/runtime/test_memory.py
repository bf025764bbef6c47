"""The heap is given back between cycles where the C library allows it (glibc's malloc_trim)."""

from __future__ import annotations

import ctypes.util
import platform

import pytest

from worker import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_malloc_trim_is_found_and_called() -> None:
    assert memory._malloc_trim() is not None
    blocks = [bytearray(200_000) for _ in range(200)]  # ~40 MB from malloc, then freed
    del blocks
    assert isinstance(memory.give_back_memory(), bool)


def test_without_a_c_library_nothing_is_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    memory._malloc_trim.cache_clear()
    try:
        assert memory.give_back_memory() is False
    finally:
        memory._malloc_trim.cache_clear()

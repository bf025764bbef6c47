"""Rules names inside a sentence: lower case, acronyms kept."""

from __future__ import annotations

import pytest

from worker.core.wording import in_sentence


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Production incident", "production incident"),
        ("Sujet RH", "sujet RH"),
        ("HR matter", "HR matter"),
        ("Release / go-no-go", "release / go-no-go"),
        ("Critical", "critical"),
        ("A", "a"),
    ],
)
def test_in_sentence(name: str, expected: str) -> None:
    assert in_sentence(name) == expected

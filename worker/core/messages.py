"""Channel-neutral rich text: paragraphs of plain text and mentions of people.

The Jira adapter turns a :class:`Doc` into ADF (mentions become ADF mention nodes so that Jira
notifies the people); the notification channels turn it into Slack markup, email or speech.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    account_id: str
    name: str


Inline = Text | Mention


@dataclass(frozen=True, slots=True)
class Doc:
    paragraphs: tuple[tuple[Inline, ...], ...]

    def plain(self) -> str:
        lines = []
        for para in self.paragraphs:
            lines.append("".join(i.text if isinstance(i, Text) else f"@{i.name}" for i in para))
        return "\n".join(lines)

    def mentions(self) -> tuple[str, ...]:
        seen: list[str] = []
        for para in self.paragraphs:
            for i in para:
                if isinstance(i, Mention) and i.account_id not in seen:
                    seen.append(i.account_id)
        return tuple(seen)


def para(*parts: str | Inline) -> tuple[Inline, ...]:
    return tuple(Text(p) if isinstance(p, str) else p for p in parts)

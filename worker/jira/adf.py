"""Atlassian Document Format: our channel-neutral :class:`Doc` to ADF, and ADF back to plain text."""

from __future__ import annotations

from typing import Any

from worker.core.messages import Doc, Mention, Text
from worker.sanitise import adf_lines, one_line


def to_adf(doc: Doc) -> dict[str, Any]:
    content = []
    for paragraph in doc.paragraphs:
        nodes: list[dict[str, Any]] = []
        for inline in paragraph:
            if isinstance(inline, Mention):
                nodes.append(
                    {
                        "type": "mention",
                        "attrs": {
                            "id": one_line(inline.account_id),
                            "text": f"@{one_line(inline.name)}",
                        },
                    }
                )
            elif isinstance(inline, Text) and inline.text:
                nodes.extend(_text_nodes(inline.text))
        if nodes:
            content.append({"type": "paragraph", "content": nodes})
    return {"type": "doc", "version": 1, "content": content}


def _text_nodes(text: str) -> list[dict[str, Any]]:
    """Text nodes for ``text``: its lines joined by ``hardBreak`` nodes, no control characters,
    no empty text node (both are invalid ADF)."""
    nodes: list[dict[str, Any]] = []
    for i, line in enumerate(adf_lines(text)):
        if i:
            nodes.append({"type": "hardBreak"})
        if line:
            nodes.append({"type": "text", "text": line})
    return nodes


def to_text(node: Any, limit: int = 20_000) -> str:
    """Flatten ADF (or a plain string) to text; mentions become ``@Name``; size-bounded."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node[:limit]
    parts: list[str] = []
    size = 0

    def walk(n: Any) -> None:
        nonlocal size
        if size > limit or not isinstance(n, dict):
            return
        t = n.get("type")
        if t == "text":
            s = str(n.get("text", ""))
            parts.append(s)
            size += len(s)
        elif t == "mention":
            parts.append(str((n.get("attrs") or {}).get("text") or "@someone"))
        elif t == "hardBreak":
            parts.append("\n")
        for child in n.get("content") or ():
            walk(child)
        if t in ("paragraph", "heading", "listItem", "codeBlock", "blockquote"):
            parts.append("\n")

    walk(node)
    return "".join(parts).strip()[:limit]

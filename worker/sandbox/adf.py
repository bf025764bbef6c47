"""Validation and plain-text rendering of Atlassian Document Format (ADF) bodies.

The sandbox accepts the node types the worker writes -- ``paragraph``, ``text`` (with marks),
``mention``, ``hardBreak``, ``bulletList``/``orderedList``/``listItem``, ``heading`` and ``rule`` --
and rejects anything else, so a malformed comment fails here as it would on Cloud.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class AdfError(ValueError):
    """The document is not valid ADF (or names an unknown user)."""


_BLOCKS = {"paragraph", "bulletList", "orderedList", "heading", "rule"}
_INLINE = {"text", "mention", "hardBreak", "emoji"}
_MARKS = {"strong", "em", "code", "strike", "underline", "link", "subsup", "textColor"}
_CHILDREN: dict[str, set[str]] = {
    "doc": _BLOCKS,
    "paragraph": _INLINE,
    "heading": _INLINE,
    "bulletList": {"listItem"},
    "orderedList": {"listItem"},
    "listItem": {"paragraph", "bulletList", "orderedList"},
    "rule": set(),
}


def validate(doc: Any, user_exists: Callable[[str], bool]) -> None:
    """Raise :class:`AdfError` unless ``doc`` is a valid ADF document whose mentions name real users."""
    if not isinstance(doc, dict) or doc.get("type") != "doc":
        raise AdfError('Comment body must be an ADF document: {"type": "doc", "version": 1, ...}.')
    if doc.get("version") != 1:
        raise AdfError("ADF document version must be 1.")
    if not isinstance(doc.get("content"), list):
        raise AdfError("ADF document must have a 'content' array.")
    _check_children(doc, "doc", "content", user_exists)


def _check_children(
    node: dict[str, Any], kind: str, path: str, user_exists: Callable[[str], bool]
) -> None:
    content = node.get("content", [])
    if not isinstance(content, list):
        raise AdfError(f"{path}: 'content' must be an array.")
    allowed = _CHILDREN.get(kind, set())
    for index, child in enumerate(content):
        where = f"{path}[{index}]"
        if not isinstance(child, dict) or not isinstance(child.get("type"), str):
            raise AdfError(f"{where}: every node needs a string 'type'.")
        ctype = child["type"]
        if ctype not in allowed:
            raise AdfError(f"{where}: node type '{ctype}' is not allowed inside '{kind}'.")
        _check_node(child, ctype, where, user_exists)


def _check_node(
    node: dict[str, Any], kind: str, where: str, user_exists: Callable[[str], bool]
) -> None:
    attrs = node.get("attrs", {})
    if not isinstance(attrs, dict):
        raise AdfError(f"{where}: 'attrs' must be an object.")
    if kind == "text":
        text = node.get("text")
        if not isinstance(text, str) or text == "":
            raise AdfError(f"{where}: a text node needs a non-empty 'text'.")
        for mark in node.get("marks", []):
            if not isinstance(mark, dict) or mark.get("type") not in _MARKS:
                raise AdfError(f"{where}: unknown mark {mark!r}.")
            if mark["type"] == "link" and not isinstance(mark.get("attrs", {}).get("href"), str):
                raise AdfError(f"{where}: a link mark needs attrs.href.")
        return
    if kind == "mention":
        account = attrs.get("id")
        if not isinstance(account, str) or not account:
            raise AdfError(f"{where}: a mention needs attrs.id (an accountId).")
        if not user_exists(account):
            raise AdfError(f"{where}: the mentioned user '{account}' does not exist.")
        return
    if kind in ("hardBreak", "emoji"):
        return
    if kind == "heading":
        level = attrs.get("level")
        if not isinstance(level, int) or not 1 <= level <= 6:
            raise AdfError(f"{where}: a heading needs attrs.level between 1 and 6.")
    if kind in ("bulletList", "orderedList", "listItem") and not node.get("content"):
        raise AdfError(f"{where}: '{kind}' must not be empty.")
    _check_children(node, kind, where, user_exists)


def plain_text(doc: Any, names: Callable[[str], str] | None = None) -> str:
    """Flatten an ADF document to text; mentions render as ``@Name`` (or their attrs.text)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "text":
            out.append(str(node.get("text", "")))
        elif kind == "mention":
            attrs = node.get("attrs", {})
            label = attrs.get("text") or (
                names(attrs.get("id", "")) if names else attrs.get("id", "")
            )
            out.append(label if str(label).startswith("@") else f"@{label}")
        elif kind == "hardBreak":
            out.append("\n")
        for child in node.get("content", []) or []:
            walk(child)
        if kind in ("paragraph", "heading", "listItem"):
            out.append("\n")

    walk(doc)
    return "".join(out).strip()


def text_doc(text: str) -> dict[str, Any]:
    """A minimal ADF document holding ``text`` as one paragraph per line."""
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": line}] if line else []}
        for line in text.split("\n")
    ]
    return {"type": "doc", "version": 1, "content": paragraphs}

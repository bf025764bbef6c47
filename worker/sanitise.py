"""Text from Jira and the configuration made safe for each kind of output the worker writes.

A summary, a display name or a description can hold any character: C0 controls (``\\x00``-``\\x1f``),
DEL and the C1 controls (``\\x7f``-``\\x9f``, among them NEL ``\\x85``), the Unicode line and
paragraph separators (U+2028, U+2029), non-characters (U+FFFE, U+FFFF) and, from a JSON ``\\udXXX``
escape, lone surrogates. Each output has its own rules, so there is one function per kind of
output; every renderer calls the one for its output, never ``str.replace`` of its own:

========================  =====================================================================
:func:`xml_text`          Confluence storage XHTML (matrix page, review page, preview) and TwiML:
                          only characters XML 1.0 allows, then ``& < > " '`` escaped.
:func:`one_line`          a single line: email headers, a spoken sentence, a mention's text.
:func:`email_body`        a plain-text email body: lines kept, other controls gone.
:func:`slack_text`        Slack ``text`` and Block Kit ``mrkdwn``: controls gone, ``& < >`` escaped.
:func:`adf_lines`         ADF text nodes: the lines of a text (a renderer joins them with
                          ``hardBreak`` nodes; ADF text nodes are never empty).
:func:`md_cell`           a Markdown table cell (review report): one line, ``|`` escaped.
:func:`csv_cell`          a CSV cell (review report, trail): one line, and a leading ``= + - @``
                          defused with ``'`` so no spreadsheet reads the text as a formula.
========================  =====================================================================

Line breaks of every kind (CR LF, CR, VT, FF, the file/group/record separators, NEL, U+2028,
U+2029) become ``\\n`` where a line break is legal and a space where it is not. Other controls are
dropped (an ANSI escape leaves its printable tail, which is harmless). A lone surrogate becomes
U+FFFD, the replacement character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_DROP = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t]+")


def clean(text: str, *, lines: bool = True) -> str:
    """``text`` with line breaks normalised (``\\n``, or a space when ``lines`` is false), other
    controls and non-characters dropped, lone surrogates replaced by U+FFFD. Tabs are kept."""
    text = _SURROGATE.sub("\ufffd", str(text))
    text = _DROP.sub("", text)
    return _BREAKS.sub("\n" if lines else " ", text)


def one_line(text: str) -> str:
    """A single line of text: every line break and tab a space, runs of spaces folded, trimmed."""
    return _SPACES.sub(" ", clean(text, lines=False)).strip()


def xml_text(text: object) -> str:
    """Element text or an attribute value for an XML 1.0 document (storage XHTML, TwiML)."""
    return escape(clean(str(text)), quote=True)


def email_body(text: str) -> str:
    """A plain-text email body: ``\\n`` line breaks only, no other control character."""
    return clean(text)


def slack_text(text: str) -> str:
    """User text for a Slack message: clean, and ``& < >`` escaped so it forms no link or mention."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def adf_lines(text: str) -> list[str]:
    """The lines of ``text`` for ADF text nodes, to be separated by ``hardBreak`` nodes."""
    return clean(text).split("\n")


def md_cell(value: object) -> str:
    """A cell of a Markdown table: one line (a break would end the row), ``|`` escaped (a pipe would
    start a new cell), and a backslash doubled first so that the escape cannot be undone."""
    if not isinstance(value, str):
        return str(value)
    return one_line(value).replace("\\", "\\\\").replace("|", "\\|")


_FORMULA = ("=", "+", "-", "@")


def csv_cell(value: object) -> object:
    """A CSV cell: text on one line (a spreadsheet shows embedded breaks badly), and text starting with
    ``= + - @`` prefixed with ``'`` (OWASP's advice against CSV formula injection: Excel, LibreOffice
    and Google Sheets evaluate such a cell as a formula). Numbers are left as they are."""
    if not isinstance(value, str):
        return value
    text = one_line(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_row(row: Iterable[object]) -> list[object]:
    """:func:`csv_cell` over a row (for ``csv.writer.writerow``)."""
    return [csv_cell(v) for v in row]

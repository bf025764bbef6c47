"""The catalog files: where they are and how they are read (with Babel, no compiled ``.mo``).

``worker/i18n/<domain>.pot`` holds every msgid of a domain (written by ``scripts/i18n extract``);
``worker/i18n/locale/<lang>/LC_MESSAGES/<domain>.po`` holds one language's translations. English
is the source language and has no ``.po``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from worker.i18n.domains import DOMAINS

HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
SOURCE_LANGUAGE = "en"
PSEUDO_LANGUAGE = "qps"


def template_path(domain: str) -> Path:
    return HERE / f"{domain}.pot"


def po_path(language: str, domain: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def shipped_languages() -> tuple[str, ...]:
    """The languages with a catalog in the package, after English (a folder under ``locale/``)."""
    found = sorted(
        d.name for d in LOCALE_DIR.iterdir() if d.is_dir() and (d / "LC_MESSAGES").is_dir()
    )
    return tuple(found)


def available_languages() -> tuple[str, ...]:
    """What ``language:`` accepts: English and every shipped catalog."""
    return (SOURCE_LANGUAGE, *shipped_languages())


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=language, abort_invalid=True)


@dataclass(frozen=True)
class Entries:
    """One language's translations over every domain: msgid → text, (singular, plural) → forms."""

    single: dict[str, str]
    plural: dict[tuple[str, str], tuple[str, ...]]
    plural_expr: str


def entries(language: str) -> Entries:
    """The usable translations of ``language`` (a fuzzy or empty entry falls back to English)."""
    single: dict[str, str] = {}
    plural: dict[tuple[str, str], tuple[str, ...]] = {}
    expr = "(n != 1)"
    for domain in DOMAINS:
        path = po_path(language, domain)
        if not path.is_file():
            continue
        cat = read(path, language)
        expr = cat.plural_expr
        for m in cat:
            if not m.id or m.fuzzy:
                continue
            if isinstance(m.id, str) and isinstance(m.string, str):
                if m.string:
                    single[m.id] = m.string
            elif isinstance(m.id, tuple | list) and isinstance(m.string, tuple | list):
                forms = tuple(str(s) for s in m.string)
                if all(forms):
                    plural[(str(m.id[0]), str(m.id[1]))] = forms
    return Entries(single, plural, expr)


def template_ids(domain: str) -> list[str | tuple[str, str]]:
    """The msgids of a domain's template (empty when it has none yet)."""
    path = template_path(domain)
    if not path.is_file():
        return []
    out: list[str | tuple[str, str]] = []
    for m in read(path):
        if not m.id:
            continue
        out.append(m.id if isinstance(m.id, str) else (str(m.id[0]), str(m.id[1])))
    return out


__all__ = [
    "LOCALE_DIR",
    "PSEUDO_LANGUAGE",
    "SOURCE_LANGUAGE",
    "Entries",
    "available_languages",
    "entries",
    "po_path",
    "read",
    "shipped_languages",
    "template_ids",
    "template_path",
]

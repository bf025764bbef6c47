"""Which source files feed which catalog.

Two catalogs (gettext *domains*) so that the texts of the core and those of the published pages
are extracted, reviewed and translated on their own:

* ``core``: the sentences of comments, notifications, calls and text messages, reasons, the storm
  digest and adoption messages, the demo: every marked text under ``worker/`` not listed for
  another domain;
* ``pages``: the Confluence page, the poster, the monthly review, the weekly digest and the
  "who do I call" answers: the paths in :data:`PAGES`.

A path is a folder or a file, relative to the repository root.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # worker/
ROOT = PACKAGE.parent

#: the sources of the ``pages`` domain (everything else under worker/ is ``core``)
PAGES: tuple[str, ...] = (
    "worker/confluence",
    "worker/core/matrix_view.py",
    "worker/core/day_words.py",
    "worker/poster",
    "worker/review",
    "worker/notify/digest.py",
    "worker/onboarding/who.py",
)

DOMAINS: tuple[str, ...] = ("core", "pages")

#: the keywords that mark a msgid (``N_`` where a text is defined, ``_`` where it is rendered),
#: and ``Np_(singular, plural)`` for a text with a count
KEYWORDS: dict[str, tuple[int, ...] | None] = {"N_": None, "_": None, "Np_": (1, 2)}


def domain_of(path: Path) -> str:
    """The domain a source file's marked texts belong to."""
    rel = path.resolve().relative_to(ROOT).as_posix()
    for p in PAGES:
        if rel == p or rel.startswith(p + "/"):
            return "pages"
    return "core"


def sources(domain: str) -> list[Path]:
    """Every Python source file of ``domain``, in a stable order."""
    return [p for p in sorted(PACKAGE.rglob("*.py")) if domain_of(p) == domain]


__all__ = ["DOMAINS", "KEYWORDS", "PAGES", "domain_of", "sources"]

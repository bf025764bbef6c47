"""``scripts/i18n``: extract the marked texts, update the catalogs, check them.

* ``extract``: every ``N_``/``_``/``Np_`` text of the sources into ``worker/i18n/<domain>.pot``;
* ``update``: each language's ``.po`` brought in line with the templates (new texts empty, texts
  gone from the source dropped, translations kept);
* ``init LANG``: the catalogs of a new language, every entry empty;
* ``check`` (the default): the templates match the source and every text is translated in every
  shipped language: not empty, not fuzzy, the same ``{fields}``; French follows French typography
  (no plain space before ``: ; ! ?``, no ``"`` quotes). Exit 1 with one line per problem.
"""

from __future__ import annotations

import io
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import write_po

from worker.i18n.catalogs import po_path, read, shipped_languages, template_ids, template_path
from worker.i18n.domains import DOMAINS, KEYWORDS, ROOT, sources

MsgId = str | tuple[str, str]
_STAMP = datetime(2026, 12, 6, tzinfo=UTC)  # a fixed header date: files change only with texts
_FIELD = re.compile(r"\{(\w*)(?::[^}]*)?\}")
_WIDTH = 100


def extracted(domain: str) -> dict[MsgId, list[str]]:
    """The marked texts of a domain's sources, with where they are (``path:line``)."""
    found: dict[MsgId, list[str]] = {}
    for path in sources(domain):
        for line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
        ):
            if isinstance(message, str):
                key: MsgId = message
            elif isinstance(message, tuple | list) and len(message) == 2:
                key = (str(message[0]), str(message[1]))
            else:
                continue
            if key:
                found.setdefault(key, []).append(f"{path.relative_to(ROOT).as_posix()}:{line}")
    return found


def _catalog(locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale,
        project="escalation-worker",
        version="",
        copyright_holder="the escalation-worker authors",
        creation_date=_STAMP,
        revision_date=_STAMP,
        fuzzy=False,
    )


def _write(catalog: Catalog, path: Path) -> None:
    buf = io.BytesIO()
    write_po(buf, catalog, width=_WIDTH, no_location=True, omit_header=False, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def extract() -> None:
    for domain in DOMAINS:
        found = extracted(domain)
        if not found and not template_path(domain).exists():
            continue
        cat = _catalog()
        for msgid in sorted(found, key=_sort_key):
            cat.add(msgid)
        _write(cat, template_path(domain))
        print(f"{template_path(domain).relative_to(ROOT)}: {len(found)} texts")


def _sort_key(m: MsgId) -> str:
    return m if isinstance(m, str) else m[0]


def update(languages: Iterable[str] | None = None) -> None:
    for lang in languages or shipped_languages():
        for domain in DOMAINS:
            if not template_path(domain).exists():
                continue
            template = read(template_path(domain))
            path = po_path(lang, domain)
            cat = read(path, lang) if path.exists() else _catalog(lang)
            cat.update(template, no_fuzzy_matching=True, update_header_comment=False)
            cat.revision_date = _STAMP
            cat.creation_date = _STAMP
            _write(cat, path)
            print(f"{path.relative_to(ROOT)}: {_untranslated_count(cat)} to translate")


def _untranslated_count(cat: Catalog) -> int:
    return sum(1 for m in cat if m.id and (not _complete(m.string) or m.fuzzy))


def _complete(string: object) -> bool:
    if isinstance(string, str):
        return bool(string)
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return False


def fields(text: str) -> Counter[str]:
    """The ``{fields}`` of a text, with their format specs (``{day:02d}``)."""
    return Counter(m.group(0) for m in _FIELD.finditer(text))


_FR_SPACE_BEFORE = re.compile(r"(?<=\S) [:;!?](?=\s|$)")


def french_problems(text: str) -> list[str]:
    out = []
    if _FR_SPACE_BEFORE.search(text):
        out.append("a plain space before : ; ! or ? (use U+00A0 or U+202F)")
    if '"' in text:
        out.append('"…" quotes (use « … » with no-break spaces)')
    if re.search(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»", text):
        out.append("« » without a no-break space inside")
    return out


def problems() -> list[str]:
    """Everything ``check`` reports, one line each (empty: the catalogs are complete)."""
    out: list[str] = []
    for domain in DOMAINS:
        found = extracted(domain)
        in_template = set(template_ids(domain))
        for msgid in sorted(set(found) - in_template, key=_sort_key):
            where = found[msgid][0]
            out.append(f"{where}: {msgid!r} is not in {domain}.pot: run scripts/i18n extract")
        for msgid in sorted(in_template - set(found), key=_sort_key):
            out.append(
                f"{domain}.pot: {msgid!r} is no longer in the source: run scripts/i18n extract"
            )
        if not in_template:
            continue
        for lang in shipped_languages():
            out += _language_problems(domain, lang, in_template)
    return out


def _language_problems(domain: str, lang: str, msgids: set[MsgId]) -> list[str]:
    path = po_path(lang, domain)
    rel = path.relative_to(ROOT).as_posix()
    if not path.exists():
        return [f"{rel}: missing: run scripts/i18n update"]
    out: list[str] = []
    seen: set[MsgId] = set()
    for m in read(path, lang):
        if not m.id:
            continue
        msgid: MsgId = m.id if isinstance(m.id, str) else (str(m.id[0]), str(m.id[1]))
        seen.add(msgid)
        if msgid not in msgids:
            continue
        out += _entry_problems(f"{rel}:{m.lineno}", lang, msgid, m.string, m.fuzzy)
    for msgid in sorted(msgids - seen, key=_sort_key):
        out.append(f"{rel}: {msgid!r} is missing: run scripts/i18n update")
    return out


def _entry_problems(where: str, lang: str, msgid: MsgId, string: object, fuzzy: bool) -> list[str]:
    if fuzzy:
        return [f"{where}: {msgid!r} is marked fuzzy: check the translation, drop the flag"]
    if not _complete(string):
        return [f"{where}: {msgid!r} has no translation"]
    out: list[str] = []
    for source, text in _pairs(msgid, string):
        if fields(source) != fields(text):
            out.append(
                f"{where}: {msgid!r}: fields {sorted(fields(text))} differ from the "
                f"source's {sorted(fields(source))}"
            )
        if lang == "fr":
            out += [f"{where}: {text!r}: {p}" for p in french_problems(text)]
    return out


def _pairs(msgid: MsgId, string: object) -> list[tuple[str, str]]:
    if isinstance(msgid, str):
        return [(msgid, str(string))]
    forms = [str(s) for s in string] if isinstance(string, tuple | list) else [str(string)]
    return [(msgid[0], forms[0])] + [(msgid[1], f) for f in forms[1:]]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "check"
    if command == "extract":
        extract()
    elif command == "update":
        update(args[1:] or None)
    elif command == "init" and len(args) == 2:
        update([args[1]])
    elif command == "all":
        extract()
        update()
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        if found:
            print(f"scripts/i18n check: {len(found)} problem(s)", file=sys.stderr)
            return 1
        print("scripts/i18n check: every text is extracted and translated")
    else:
        print("usage: scripts/i18n [extract | update [LANG…] | init LANG | all | check]")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

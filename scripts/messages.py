"""Keep the message catalogue (generator/locale/) in step with the code, with Babel.

    python3 scripts/messages.py           # extract, update zh's .po, compile its .mo
    python3 scripts/messages.py --check   # exit 1 naming what is stale; writes nothing

Extraction reads every ``_()``, ``ngettext()``, ``pgettext()``, ``N_()`` and ``NP_()`` under ``generator/`` and the standard
library's argparse (whose usage errors the CLI shows in Chinese too). The update merges them into
``generator/locale/zh/LC_MESSAGES/generator.po``: a new msgid arrives untranslated, a changed one
as ``#, fuzzy`` with its old translation for review, and a msgid the code no longer has is dropped.
Then the .po is compiled into the .mo beside it, which is committed so that a fresh clone runs
without a compile step. The output is deterministic (no dates, locations without line numbers,
messages sorted), so two branches that each add messages merge like any text, and running this
again after the merge settles the catalogue.

``--check`` fails on a msgid without a translation (or only a fuzzy one), a translation whose
``{placeholders}`` differ from its msgid's, a msgid the code no longer has, and a .mo that is not
exactly the .po compiled. Needs Babel (the test extra pins it).
"""

from __future__ import annotations

import argparse
import io
import re
import string
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
LOCALES = PACKAGE / "locale"
DOMAIN = "generator"
TRANSLATED = ("zh",)
FIXED_DATE = datetime(2025, 1, 1, tzinfo=UTC)
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
HEADER = """\
# Messages of the roster generator (generator/), in {language}.
# Kept by scripts/messages.py with Babel: edit translations (msgstr) here, never msgids.
"""


def template() -> Catalog:
    """Every message the code and argparse ask for, with the files they are in."""
    catalog = Catalog(domain=DOMAIN, project="liaocheng-advisors", fuzzy=False)
    for filename, _line, message, comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        catalog.add(message, locations=[(f"generator/{filename}", None)], auto_comments=comments, context=context)
    for _line, message, comments, context in extract_from_file("python", argparse.__file__, keywords=KEYWORDS):
        catalog.add(message, locations=[("argparse.py", None)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="liaocheng-advisors", fuzzy=False)
    with path.open("rb") as f:
        return read_po(f, locale=language, domain=DOMAIN)


def updated(language: str) -> Catalog:
    """The language's catalogue merged with what the code asks for now."""
    catalog = read(language)
    catalog.update(template(), update_creation_date=False)
    catalog.obsolete.clear()
    return catalog


def po_bytes(catalog: Catalog, language: str) -> bytes:
    catalog.header_comment = HEADER.format(language=language)
    catalog.creation_date = catalog.revision_date = FIXED_DATE  # no dates: the same catalogue, the same bytes
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True,
             include_previous=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


_FIELD = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[sdrifgxXeEc%]")


def placeholders(text: str) -> list[str]:
    """The ``{names}`` and ``%`` conversions of a message, which a translation must keep."""
    try:
        names = sorted(f"{{{name}}}" for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:  # argparse's messages use % only; a lone brace is text there
        names = []
    return names + sorted(_FIELD.findall(text))


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def stale(language: str) -> list[str]:
    """What is wrong with the language's committed catalogue, one line each."""
    wanted = template()
    have = read(language)
    lines = []
    for message in wanted:
        if not message.id:
            continue
        found = have.get(message.id, message.context)
        first = message.id[0] if isinstance(message.id, tuple) else message.id
        where = ", ".join(sorted({loc for loc, _ in message.locations}))
        if found is None:
            lines.append(f"not in the catalogue ({where}): {first!r}")
        elif found.fuzzy or not all(found.string if isinstance(found.string, tuple) else [found.string]):
            lines.append(f"not translated{' (fuzzy)' if found.fuzzy else ''} ({where}): {first!r}")
        else:
            strings = found.string if isinstance(found.string, tuple) else (found.string,)
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            if any(placeholders(s) != placeholders(ids[-1 if i else 0]) for i, s in enumerate(strings)):
                lines.append(f"placeholders differ from the msgid's ({where}): {first!r}")
    known = {m.id for m in wanted if m.id}
    lines += [f"no longer in the code: {m.id!r}" for m in have if m.id and m.id not in known]
    mo = po_path(language).with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != mo_bytes(have):
        lines.append(f"{shown(mo)} is not {shown(po_path(language))} compiled")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when the catalogue is stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = [f"{language}: {line}" for language in TRANSLATED for line in stale(language)]
        print("\n".join(problems) or "the catalogue is up to date")
        return 1 if problems else 0
    for language in TRANSLATED:
        catalog = updated(language)
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po_bytes(catalog, language))
        with path.open("rb") as f:  # compile what was written, as --check compares it
            path.with_suffix(".mo").write_bytes(mo_bytes(read_po(f, locale=language, domain=DOMAIN)))
        todo = sum(1 for m in catalog if m.id and (m.fuzzy or not m.string))
        print(f"{shown(path)}: {len(catalog)} messages, {todo} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())

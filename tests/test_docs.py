"""Docs per reader: the README a newcomer reads in two minutes, docs/ for the rest, what the code says
generated from it (never re-typed), and every link between them leading somewhere."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from generator.core import schema
from generator.core.problems import CODES
from tests.helpers import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", ROOT / "DESIGN.md", ROOT / "SECURITY.md", ROOT / "CHANGELOG.md", *DOCS]


def make_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_what_the_code_says() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_docs.py"), "--check"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr


def test_a_stale_reference_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: a reference that lacks one code differs from what the script makes."""
    docs = make_docs()
    stale = tmp_path / "roster-reference.md"
    stale.write_text(docs.reference().replace("| `bad-phone` |", "| `bad-fone` |"), encoding="utf-8")
    monkeypatch.setattr(docs, "REFERENCE", stale)
    assert docs.main(["--check"]) == 1
    stale.write_text(docs.reference(), encoding="utf-8")
    assert docs.main(["--check"]) == 0


def test_the_reference_has_every_code_file_record_and_field() -> None:
    text = (ROOT / "docs" / "roster-reference.md").read_text(encoding="utf-8")
    for code, meaning in CODES.items():
        assert f"| `{code}` | {meaning} |" in text, code
    for file in (*schema.ROSTER_FILES, *schema.OPTIONAL_FILES):
        assert f"| `{file}` |" in text, file
    for record, fields in schema.RECORDS.items():
        section = text.split(f'<a id="{record}"></a>', 1)[1].split("<a id=", 1)[0]
        for field in fields:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{field.name}`"))
            assert ("不公开" in row) == field.private and ("必填" in row) == field.required, row


def test_the_readme_is_a_two_minute_read_that_links_every_doc() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.split()) < 600  # about two minutes
    for page in [*DOCS, ROOT / "DESIGN.md", ROOT / "SECURITY.md", ROOT / "CHANGELOG.md"]:
        if page.name != "README.md":
            assert f"({page.relative_to(ROOT).as_posix()})" in readme, f"the README does not link {page.name}"
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    assert {p.name for p in DOCS if p.name != "README.md"} <= set(re.findall(r"\]\(([^)/]+\.md)\)", index))


def test_the_readme_lists_every_command() -> None:
    import argparse

    from generator.cli import parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name in sub.choices:
        assert re.search(rf"`python -m generator [^`]*\b{name}\b", readme), name


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`|\*\*", "", heading.strip().lower())
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"^ {4}.*$", "", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S), flags=re.M)
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)} | set(re.findall(r'<a id="([^"]+)">', text))


def test_slugs_are_githubs() -> None:
    assert slug("问题代码 · Problem codes") == "问题代码--problem-codes"
    assert slug("准备（只做一次）") == "准备只做一次"
    assert slug("A province: one site or a site per city") == "a-province-one-site-or-a-site-per-city"
    assert slug("Publishing (`roster.yml`)") == "publishing-rosteryml"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_between_the_docs_leads_somewhere(page: Path) -> None:
    text = re.sub(r"^ {4}.*$", "", page.read_text(encoding="utf-8"), flags=re.M)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name} links {target}, which does not exist"
        if fragment and linked.suffix == ".md":
            assert fragment in anchors(linked), f"{page.name} links {target}: no such heading"


def test_security_states_the_limits_the_code_keeps() -> None:
    from generator.core.schema import YEARS, fields
    from generator.roster.load import MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_TEXT
    from generator.roster.validate import MAX_CHAIN, MAX_ID, MAX_TEXT

    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for row in (f"| size of one roster file | {MAX_FILE_BYTES // 2**20} MB | `too-large` |",
                f"| nesting depth in a file | {MAX_DEPTH} levels | `too-deep` |",
                f"| length of an id or a reference | {MAX_ID} characters",
                f"| length of any other text | {MAX_TEXT} characters |",
                f"| a plain value read as a number | at most {MAX_NUMBER_TEXT} characters",
                f"| numbers | `max_villages_per_advisor` {fields('programme')['max_villages_per_advisor'].kind.low}–"  # type: ignore[union-attr]
                f"{fields('programme')['max_villages_per_advisor'].kind.high}, a retirement's `year` "  # type: ignore[union-attr]
                f"{YEARS[0]}–{YEARS[1]} | `out-of-range` |",
                f"| a chain of retirements (successors retired in turn) | {MAX_CHAIN} retirements"):
        assert row in security, row

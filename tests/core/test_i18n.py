"""Messages in the reader's language: the choice of language, the catalogue's completeness, and
that no message a person reads is written around the catalogue."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from generator.core import i18n
from generator.core.i18n import _, language_of, ngettext, pgettext, speaking
from tests.helpers import ROOT
from tests.helpers.source import package_files, tree_of, walk


def messages_script() -> ModuleType:
    """scripts/messages.py, the catalogue's keeper, as a module."""
    spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("environ, expected", [
    ({}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "C.UTF-8"}, "zh"),  # C, as CI runners and containers have it: Chinese
    ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "zh"),  # the first variable set decides, as in gettext
    ({"LC_MESSAGES": "en_GB", "LANG": "zh_CN"}, "en"),
    ({"LANGUAGE": "", "LANG": "en_US"}, "en"),  # set but empty: the next one decides
    ({"LANGUAGE": "fr:en", "LANG": "zh_CN"}, "en"),  # a list: the first language we have
    ({"LANGUAGE": "de:fr"}, "zh"),
    ({"LANGUAGE": "en@quot"}, "en"),
    ({"LANGUAGE": "zh_TW:en"}, "zh"),
    ({"LANGUAGE": "C:en"}, "zh"),  # C ends the list
])
def test_the_language_is_read_as_gettext_reads_it(environ: dict[str, str], expected: str) -> None:
    assert language_of(environ) == expected


def test_messages_are_chinese_unless_english_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGUAGE")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert _("error") == "错误"
    assert ngettext("{n} error", "{n} errors", 2).format(n=2) == "2 个错误"
    assert pgettext("card", "village") == "村名" and _("village") == "村居"  # one English word, two Chinese ones
    with speaking("en"):
        assert _("error") == "error" and ngettext("{n} error", "{n} errors", 2).format(n=2) == "2 errors"
    assert _("error") == "错误"  # as before the block
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert _("error") == "error"


def test_the_catalogue_has_every_message_of_the_code() -> None:
    """The test that fails when a msgid lacks a translation, a translation is fuzzy, placeholders
    differ, or the committed .mo is not the .po compiled (scripts/messages.py --check)."""
    r = subprocess.run([sys.executable, "scripts/messages.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_check_fails_on_a_message_without_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    messages = messages_script()
    real = messages.template

    def with_new_message() -> Catalog:
        catalog = real()
        catalog.add("a message nobody translated", locations=[("generator/new.py", None)])
        catalog.add("expected {kind}, found an empty value; fill it in", locations=[("generator/x.py", None)])
        return catalog

    monkeypatch.setattr(messages, "template", with_new_message)
    assert messages.stale("zh") == ["not in the catalogue (generator/new.py): 'a message nobody translated'"]


def test_the_check_fails_on_a_lost_placeholder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    messages = messages_script()
    po = tmp_path / "zh" / "LC_MESSAGES" / "generator.po"
    po.parent.mkdir(parents=True)
    text = messages.po_path("zh").read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "应为{kind}，实际是空的；请填写"', 'msgstr "应为类型，实际是空的；请填写"'), encoding="utf-8")
    monkeypatch.setattr(messages, "LOCALES", tmp_path)
    assert "placeholders differ from the msgid's (generator/roster/validate.py): " \
           "'expected {kind}, found an empty value; fill it in'" in messages.stale("zh")
    assert "generator/locale" not in str(messages.po_path("zh"))  # the copy was checked, not the real one


def test_the_compiled_catalogue_is_the_source_compiled() -> None:
    messages = messages_script()
    po = messages.po_path("zh")
    with po.open("rb") as f:
        from babel.messages.pofile import read_po

        assert po.with_suffix(".mo").read_bytes() == messages.mo_bytes(read_po(f, locale="zh", domain="generator"))
    assert po.with_suffix(".mo") == i18n.LOCALES / "zh" / "LC_MESSAGES" / "generator.mo"


# --- no message around the catalogue ------------------------------------------------------------

TRANSLATORS = {"_", "ngettext", "pgettext"}
#: calls whose argument at this index (or keyword) is a message a person reads
MESSAGE_ARGUMENT = {"Problem": (5, "message"), "report": (4, "message"), "problem": (2, "message"),
                    "note": (0, None), "PluginError": (0, None)}
LOG_METHODS = {"debug", "info", "warning", "error", "critical"}
#: words in a string literal: two letters or more, the way English sentences are made
WORDS = re.compile(r"[A-Za-z]{2,}[^{}]*\s[A-Za-z]{2,}")


@cache
def user_errors() -> frozenset[str]:
    """Every class name of the package that derives from UserError (by its source, as written)."""
    found = {"UserError"}
    changed = True
    trees = [tree_of(p) for p in package_files()]
    while changed:
        changed = False
        for tree in trees:
            for node in walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in found and any(
                        isinstance(b, ast.Name) and b.id in found for b in node.bases):
                    found.add(node.name)
                    changed = True
    return frozenset(found)


def bare_text(node: ast.expr) -> list[str]:
    """String literals with words in ``node`` that no translating call wraps."""
    found = []

    def visit(n: ast.AST) -> None:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in TRANSLATORS:
            return
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and WORDS.search(n.value):
            found.append(n.value)
            return
        for child in ast.iter_child_nodes(n):
            visit(child)

    visit(node)
    return found


def called_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""


def unwrapped_messages(tree: ast.Module, errors: frozenset[str]) -> list[str]:
    """``line: text`` of every message in the module ``tree`` written without the catalogue."""
    out = []
    for node in walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = called_name(node)
        argument: ast.expr | None = None
        if name in MESSAGE_ARGUMENT:
            index, keyword = MESSAGE_ARGUMENT[name]
            argument = node.args[index] if len(node.args) > index else next(
                (k.value for k in node.keywords if k.arg == keyword), None)
        elif name in errors or (name in LOG_METHODS and isinstance(node.func, ast.Attribute)
                                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("log", "logger")):
            argument = node.args[0] if node.args else None
        if argument is not None:
            out += [f"{node.lineno}: {text!r}" for text in bare_text(argument)]
    return out


def test_no_message_is_written_around_the_catalogue() -> None:
    """Leaves (tests/test_architecture.py LEAVES) import nothing of the package, the catalogue included:
    what they log is for maintainers, in English."""
    from tests.test_architecture import LEAVES, module_name

    errors = user_errors()
    assert {"PdfError", "RevisionError", "SelectionError", "WorkbookError", "OutputBusy"} <= errors
    found = {}
    for path in package_files():
        if module_name(path) in LEAVES:
            continue
        if lines := unwrapped_messages(tree_of(path), errors):
            found[str(path.relative_to(ROOT))] = lines
    assert found == {}


@pytest.mark.parametrize("source", [
    'Problem(path, 1, 1, "error", "", f"expected {x}, found none", "missing-file")',
    'self.report(doc, node, "error", path, "expected a list, found nothing", "wrong-type")',
    'raise SelectionError(f"no township with code {code}")',
    'log.warning("another build is writing the site")',
    'Problem(path, 1, 1, "error", "", _("expected {x}") + " and more words here", "missing-file")',
])
def test_a_message_around_the_catalogue_is_found(source: str) -> None:
    assert unwrapped_messages(ast.parse(source), user_errors()) != []


def test_messages_through_the_catalogue_pass() -> None:
    source = '\n'.join([
        'Problem(path, 1, 1, "error", "villages", _("expected {x}").format(x=x), "missing-file")',
        'raise SelectionError(ngettext("no village {c}", "no villages {c}", n).format(c=c))',
        'log.info(_("roster: wrote {count} data pages").format(count=n))',
        'note(f"[{done}/{total}] {label}")',
    ])
    assert unwrapped_messages(ast.parse(source), user_errors()) == []

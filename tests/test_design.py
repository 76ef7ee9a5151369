"""DESIGN.md is true: each claim in it that code can check is checked, here or by the test it names."""

from __future__ import annotations

import ast
import re
from functools import cache

import pytest

from generator.core.schema import OPTIONAL_FILES
from tests.helpers import ROOT
from tests.helpers.source import PACKAGE, package_files, tree_of, walk
from tests.test_architecture import ARROWS, LEAVES, module_name

DESIGN = (ROOT / "DESIGN.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of DESIGN.md under the heading ``title``, to the next heading of its level or above."""
    m = re.search(rf"^(#+) {re.escape(title)}\n", DESIGN, re.M)
    assert m, f"DESIGN.md has no section {title!r}"
    return re.split(rf"^#{{1,{len(m[1])}}} ", DESIGN[m.end():], flags=re.M)[0]


@cache
def modules() -> dict[str, ast.Module]:
    return {module_name(p): tree_of(p) for p in package_files()}


def strings(tree: ast.Module) -> list[str]:
    """The string constants of a module, its docstrings left out (they describe; they make nothing)."""
    docs = {id(n.body[0].value) for n in walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


def test_every_test_design_names_exists() -> None:
    """A claim that says which test checks it names a test that exists."""
    named, file = [], ""
    for given, test in re.findall(r"`(tests/[\w/]+\.py)?::(test_\w+)`", DESIGN):
        file = given or file  # `::test_x` right after a named file is in that file
        named.append((file, test))
    assert len(named) >= 10
    for file, test in named:
        tree = ast.parse((ROOT / file).read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.FunctionDef) and n.name == test for n in tree.body), f"{file}::{test}"


def test_the_arrows_here_are_the_tests() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", section("The arrows"), re.M)
    drawn = {wing: set(re.findall(r"`(\w+)`", targets)) for wing, targets in rows}
    assert drawn == ARROWS


def test_the_leaves_here_are_the_tests() -> None:
    text = section("The arrows").split("Leaves import nothing", 1)[1].split("\n\n")[0]
    named = {path.removesuffix(".py").replace("/", ".") for path in re.findall(r"`([\w/]+\.py)`", text)}
    assert named == LEAVES


def test_the_wings_told_are_the_wings() -> None:
    told = re.findall(r"^- \*\*`(\w+)/`\*\*", section("Wings, and why the package is cut this way"), re.M)
    assert sorted(told) == sorted(ARROWS) == sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert told == ["core", "roster", "site", "printing", "changes", "workbook", "build"]  # the order data flows


def test_only_cli_py_prints() -> None:
    for name, tree in modules().items():
        calls = [n for n in walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id in ("print", "input")]
        uses = [n for n in walk(tree) if isinstance(n, ast.Attribute) and n.attr in ("stdout", "stderr")
                and isinstance(n.value, ast.Name) and n.value.id == "sys"]
        if name != "cli":
            assert not calls and not uses, f"{name} prints: log instead, or let cli.py say it"


URL_START = re.compile(r"^(v|t|c|a|city|print|guides|stats|changes|cities|offline)/")


def url_literals(tree: ast.Module) -> list[str]:
    found = [s for s in strings(tree) if URL_START.match(s) and not s.endswith(".md")]  # .md: MkDocs' sources
    found += [ast.unparse(n) for n in walk(tree) if isinstance(n, ast.JoinedStr) and n.values
              and isinstance(n.values[0], ast.Constant) and URL_START.match(str(n.values[0].value))]
    return found


def test_urls_are_made_only_in_urls_py() -> None:
    """No module but core/urls.py writes a page's path; templates and search.js take them from it."""
    made = {name: found for name, tree in modules().items() if name != "core.urls" and (found := url_literals(tree))}
    assert made == {}
    assert url_literals(ast.parse('x = f"v/{code}/"'))  # the check can fail
    pattern = re.compile(r"""["'`/](?:v|t|c|a|city|print)/(?:\{\{|\$\{|['"`]\s*\+)""")
    for path in sorted((ROOT / "overrides").rglob("*")):
        if path.suffix in (".html", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not pattern.search(text), f"{path.relative_to(ROOT)} makes a URL: use the urls.py globals"


def calls_into(tree: ast.Module, module: str, names: set[str]) -> bool:
    return any(isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == module
               and (n.attr in names or n.attr.endswith("Loader")) for n in walk(tree))


def test_who_parses_roster_files() -> None:
    """YAML is parsed in roster/load.py, and today in workbook/sheets.py's export (DESIGN says so)."""
    parsers = {name for name, tree in modules().items()
               if calls_into(tree, "yaml", {"load", "safe_load", "load_all", "safe_load_all", "compose", "parse"})}
    assert parsers == {"roster.load", "workbook.sheets"}
    told = section("Who touches the outside").split("**Roster files are parsed**", 1)[1].split("\n- ")[0]
    assert {m.removesuffix(".py").replace("/", ".") for m in re.findall(r"`([\w/]+\.py)`", told)} == parsers


@pytest.mark.parametrize("program, where", [
    ("git", {"changes.revisions", "build.version"}),
    ("pdfunite", {"printing.pdf"}),
    ("fc-list", {"printing.fonts"}),
])
def test_who_runs_other_programs(program: str, where: set[str]) -> None:
    runners = {name for name, tree in modules().items() if any(
        isinstance(n, (ast.Import, ast.ImportFrom)) and "subprocess" in {a.name for a in n.names} | {
            getattr(n, "module", None)} for n in walk(tree))}
    assert runners == {"changes.revisions", "build.version", "printing.pdf", "printing.fonts"}
    naming = {name for name in runners if program in strings(modules()[name])}
    assert naming == where
    told = section("Who touches the outside")
    for module in where:
        assert f"`{module.replace('.', '/')}.py`" in told, module


def test_the_modules_table_names_every_module_once() -> None:
    """(scripts/make_docs.py writes it from the docstrings; tests/test_docs.py checks it is fresh.)"""
    table = DESIGN.split("<!-- modules:", 1)[1].split("<!-- /modules -->", 1)[0]
    listed = re.findall(r"^\| [^|]* \| `([\w/.]+)` \|", table, re.M)
    on_disk = [p.relative_to(PACKAGE).as_posix() for p in package_files()]
    on_disk = [f.removesuffix("__init__.py") if "/" in f else f for f in on_disk]  # a wing as `core/`
    assert sorted(listed) == sorted(on_disk)


def test_the_front_ends_are_thin() -> None:
    """plugin.py only translates MkDocs' events (DESIGN: no state of the build, one call a hook)."""
    tree = tree_of(PACKAGE / "plugin.py")
    hooks = [n for n in walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("on_")]
    assert hooks
    for hook in hooks:
        assert len(hook.body) <= 12, f"plugin.{hook.name} does work: move it into build/session.py"
    assert len((PACKAGE / "plugin.py").read_text(encoding="utf-8").splitlines()) <= 150


def test_design_paths_exist() -> None:
    """Every file DESIGN.md names in code is there."""
    for path in set(re.findall(r"`((?:generator/|tests/|scripts/|overrides/|docs/)?[\w/.-]+\.(?:py|md|html|yaml|yml))`",
                               DESIGN)):
        candidates = [ROOT / path, PACKAGE / path, ROOT / "data" / path]
        if "/" not in path:  # a module named within its wing's paragraph, a roster file
            candidates += list(PACKAGE.rglob(path))
        assert any(p.exists() for p in candidates) or path in OPTIONAL_FILES, path

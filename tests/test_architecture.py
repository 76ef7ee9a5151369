"""The folder listing is the architecture: between wings, imports follow only the arrows below.

Inside a wing anything goes; between wings an import is allowed only along ``ARROWS`` (DESIGN.md draws
the same picture, and ``test_design`` checks that it does). The front ends (``cli.py``, ``plugin.py``,
``__main__.py``) sit above every wing and may import any of them; no wing imports a front end.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.source import PACKAGE, package_files, tree_of, walk

FRONT_ENDS = {"cli", "plugin", "__main__", "__init__"}

#: wing → the wings it may import (core is the ground: it imports none).
ARROWS: dict[str, set[str]] = {
    "core": set(),
    "roster": {"core"},
    "site": {"core"},
    "printing": {"core", "site"},
    "changes": {"core", "roster", "printing"},
    "workbook": {"core", "roster"},
    "build": {"core", "roster", "site", "printing", "changes"},
}

#: modules that import nothing from the package at all (they can be lifted out and reused).
LEAVES = {"printing.qr", "core.store", "site.traditional", "site.escape"}


def module_name(path: Path) -> str:
    """``generator/site/pages.py`` → ``site.pages``; ``generator/cli.py`` → ``cli``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def wing(module: str) -> str:
    """The wing a module belongs to; a front end is its own name."""
    return module.split(".")[0]


def imports(path: Path) -> set[str]:
    """The package's modules (as :func:`module_name` spells them) that the file at ``path`` imports."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in walk(tree_of(path)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *((node.module or "").split(".") if node.module else [])]
            elif (node.module or "").split(".")[0] == "generator":
                target = (node.module or "").split(".")[1:]
            else:
                continue
            if node.module is None or not target:  # from . import a, b / from generator import x
                found.update(".".join([*target, a.name]) for a in node.names)
            else:
                found.add(".".join(target))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("generator.") for a in node.names if a.name.startswith("generator."))
    return found


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in package_files()}


def wrong_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import that crosses wings against the arrows, as ``a → b``."""
    wrong = []
    for module, targets in sorted(graph.items()):
        source = wing(module)
        for target in sorted(targets):
            into = wing(target)
            if into == source or source in FRONT_ENDS:
                continue
            if into in FRONT_ENDS or into not in ARROWS[source]:
                wrong.append(f"{module} → {target}")
    return wrong


def test_every_module_lives_in_a_wing_or_is_a_front_end() -> None:
    for module in import_graph():
        assert wing(module) in ARROWS or module in FRONT_ENDS, f"{module} is in no wing of ARROWS"
    # besides the wings, the package's one folder is the message catalogue (data, no code)
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in ("__pycache__", "locale")} == set(ARROWS)


def test_imports_between_wings_follow_the_arrows() -> None:
    assert wrong_imports(import_graph()) == []


@pytest.mark.parametrize("module, target", [
    ("core.model", "site.pages"),  # the ground importing a wing
    ("roster.load", "build.pipeline"),  # a wing importing one above it
    ("site.pages", "printing.cards"),  # a wing importing a sibling it has no arrow to
    ("build.output", "cli"),  # a wing importing a front end
])
def test_a_wrong_import_is_found(module: str, target: str) -> None:
    """The check can fail: one planted import against the arrows is reported, and only it."""
    graph = import_graph()
    graph[module] = graph[module] | {target}
    assert wrong_imports(graph) == [f"{module} → {target}"]


def test_leaves_import_nothing_from_the_package() -> None:
    graph = import_graph()
    assert {m: graph[m] for m in LEAVES if graph[m]} == {}


def test_wings_form_no_cycle_of_modules() -> None:
    graph = import_graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' → '.join((*path, module))}"
        if module not in done:
            for target in graph.get(module, set()):
                visit(target, (*path, module))
            done.add(module)

    for module in graph:
        visit(module, ())


def test_only_the_front_ends_import_their_frameworks() -> None:
    """mkdocs only in plugin.py, argparse only in cli.py: the library runs without either."""
    for path in package_files():
        tree = tree_of(path)
        names = {a.name.split(".")[0] for n in walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {(n.module or "").split(".")[0] for n in walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
        module = module_name(path)
        if "mkdocs" in names:
            assert module == "plugin", f"{module} imports mkdocs"
        if "argparse" in names:
            assert module == "cli", f"{module} imports argparse"

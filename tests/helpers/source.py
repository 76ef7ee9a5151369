"""The package's own source, parsed once per test process.

The design, architecture and message tests read the package as syntax trees, many checks and
parameters over the same modules: each file is parsed once and each tree walked once, here.
The trees are shared: read them, never change them.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "generator"


@cache
def package_files() -> tuple[Path, ...]:
    """Every Python file of the package, in a stable order."""
    return tuple(sorted(PACKAGE.rglob("*.py")))


@cache
def tree_of(path: Path) -> ast.Module:
    """The syntax tree of the file at ``path``."""
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def walk(tree: ast.AST) -> tuple[ast.AST, ...]:
    """Every node under ``tree``, in ``ast.walk``'s order (nodes hash by identity: one walk per tree)."""
    return tuple(ast.walk(tree))

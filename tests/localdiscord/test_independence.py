"""The local Discord stands on its own: nothing under localdiscord/ (nor its conformance
suite) imports the bot, its cogs or its storage, not even lazily inside a function, under
TYPE_CHECKING, or through importlib."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"bot", "cogs", "storage"}


def imported_modules(source: str, module: str) -> set[str]:
    """Every module a source file imports, wherever the import statement is (module level,
    inside functions, under `if TYPE_CHECKING:`), relative imports resolved against
    `module` (the file's dotted name), plus `importlib.import_module("x")` and
    `__import__("x")` with a literal name."""
    found: set[str] = set()
    package = module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            found.add(name)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def offenders(folder: str) -> list[str]:
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name in imported_modules(path.read_text(encoding="utf-8"), module):
            if name.split(".")[0] in FORBIDDEN:
                out.append(f"{path.relative_to(ROOT)} imports {name}")
    return out


def test_the_walker_sees_every_kind_of_import() -> None:
    source = '''
from typing import TYPE_CHECKING
import json
if TYPE_CHECKING:
    from bot.client import CohortBot
def later():
    import storage.db
    from . import sibling
    from ..cogs import x
    importlib.import_module("cogs.help")
    __import__("bot.config")
'''
    found = imported_modules(source, "localdiscord.pkg.mod")
    assert found >= {"json", "bot.client", "storage.db", "localdiscord.pkg",
                     "localdiscord.cogs", "cogs.help", "bot.config"}


def test_localdiscord_imports_nothing_of_the_bot() -> None:
    assert offenders("localdiscord") == []


def test_the_conformance_suite_imports_nothing_of_the_bot() -> None:
    assert offenders("tests/localdiscord") == []

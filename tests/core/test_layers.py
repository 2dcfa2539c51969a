"""The layering rules of docs/architecture.md, checked over every import in the tree: at the
top of a module, inside functions (lazy), under `if TYPE_CHECKING:` and through importlib alike.

A rule is one line: the modules it binds (a glob over dotted names), what they may not import
(a module and everything under it), and why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "build", "dist", "__pycache__"}


@dataclass(frozen=True)
class Rule:
    binds: str
    forbidden: tuple[str, ...]
    why: str
    unless: tuple[str, ...] = ()  # modules `binds` matches that the rule leaves free

    def applies_to(self, module: str) -> bool:
        return matches(module, self.binds) and not any(matches(module, u) for u in self.unless)


# Not the domain, though under bot/: the composition root, the CLI, the services, the demo
# world (the cohort built in the local Discord, the terminal).
NOT_DOMAIN = ("bot.client", "bot.__main__", "bot.services*", "bot.demo*")
THE_BOT = ("bot", "cogs", "storage")

RULES = (
    Rule("bot*", ("discord",), "discord is imported only by the Discord adapters",
         unless=("bot.client", "bot.__main__", "bot.demo*")),
    Rule("bot*", ("aiosqlite", "storage", "bot.services", "bot.client", "cogs"),
         "the domain takes plain data in and gives plain data out", unless=NOT_DOMAIN),
    Rule("bot.services*", ("discord", "aiosqlite", "cogs", "bot.client"),
         "services reach Discord only through their ports"),
    Rule("storage*", ("discord", "cogs", "bot.services", "bot.client"),
         "storage holds the SQL and knows neither Discord nor the services"),
    Rule("cogs*", ("aiosqlite", "storage"), "cogs call services; the SQL is behind them"),
    Rule("localdiscord*", THE_BOT, "the local Discord stands on its own, for any bot"),
    Rule("tests.localdiscord*", THE_BOT, "the conformance suite tests a plain client"),
    Rule("bench*", ("tests",), "the benchmarks run without the test suite (its process "
         "harness is bot/demo/processes.py)"),
    Rule("bot*", ("tests",), "the application runs without the test suite"),
)


def matches(module: str, pattern: str) -> bool:
    """`bot*` binds `bot` and everything under it; `bot.x` binds exactly `bot.x`."""
    if pattern.endswith("*"):
        base = pattern[:-1].rstrip(".")
        return module == base or module.startswith(base + ".")
    return fnmatchcase(module, pattern)


def is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def modules() -> dict[str, Path]:
    """Every Python module in the tree, by dotted name."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts) or relative.parts[0].startswith("."):
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_in(source: str, module: str, *, is_package: bool = False) -> Iterator[str]:
    """Every name imported anywhere in `source`: `from a import b` gives `a` and `a.b`;
    `importlib.import_module("a")` and `__import__("a")` with a literal name give `a`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package up
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and is_dynamic_import(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value


def is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("__import__", "import_module")
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def violations(rules: tuple[Rule, ...] = RULES) -> list[str]:
    found = []
    for module, path in modules().items():
        bound = [rule for rule in rules if rule.applies_to(module)]
        if not bound:
            continue
        imported = set(imports_in(path.read_text(encoding="utf-8"), module,
                                  is_package=path.name == "__init__.py"))
        for rule in bound:
            for name in sorted(imported):
                if any(is_under(name, forbidden) for forbidden in rule.forbidden):
                    found.append(f"{module} imports {name}: {rule.why}")
    return found


def test_every_import_keeps_to_the_layers() -> None:
    assert violations() == []


def test_every_rule_binds_some_module() -> None:
    # A renamed package must not switch a rule off without anyone noticing.
    names = modules()
    assert [rule.binds for rule in RULES if not any(rule.applies_to(m) for m in names)] == []


def test_a_feature_s_cogs_import_no_other_feature_s_cogs() -> None:
    # Cogs share services (bot.services), not each other: the helpers they share start
    # with an underscore (cogs/_ui.py, cogs/_checks.py).
    offenders = []
    for module, path in modules().items():
        if not is_under(module, "cogs") or module == "cogs":
            continue
        feature = module.split(".")[1]
        for name in imports_in(path.read_text(encoding="utf-8"), module,
                               is_package=path.name == "__init__.py"):
            parts = name.split(".")
            if parts[0] == "cogs" and len(parts) > 1 and not parts[1].startswith("_") \
                    and parts[1] != feature:
                offenders.append(f"{module} imports {name}")
    assert offenders == []


def test_each_storage_module_has_one_name_everywhere() -> None:
    # `from storage import runs as runs_store`: one name per module, so a reader who has seen
    # it once recognizes it in every file (and `runs` stays free for the runs themselves).
    tree = modules()
    # storage.db is the connection, not a table group: its names come from `storage` itself.
    stores = {name.split(".")[1] for name in tree if name.startswith("storage.")} - {"db"}
    misnamed = []
    for module, path in tree.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "storage" and not node.level:
                misnamed += [f"{module}: {alias.name} as {alias.asname}" for alias in node.names
                             if alias.name in stores and alias.asname != f"{alias.name}_store"]
            elif isinstance(node, ast.Import):
                misnamed += [f"{module}: import {alias.name}" for alias in node.names
                             if alias.name.startswith("storage.")
                             and alias.name.split(".")[1] in stores]
    assert misnamed == []


def test_the_walk_sees_lazy_type_checking_and_relative_imports() -> None:
    source = "\n".join([
        "from typing import TYPE_CHECKING",
        "if TYPE_CHECKING:",
        "    from storage.db import Database",
        "def later():",
        "    import discord.ext.commands",
        "from . import _render",
        "from .._ui import NO_PINGS",
        "importlib.import_module('cogs.help')",
        "__import__('bot.config')",
    ])
    found = set(imports_in(source, "cogs.runs._cog"))
    assert {"storage.db.Database", "discord.ext.commands", "cogs.runs._render",
            "cogs._ui.NO_PINGS", "cogs.help", "bot.config"} <= found
    assert Rule("cogs*", ("storage",), "x").applies_to("cogs.runs._cog")
    assert not Rule("bot*", ("discord",), "x", unless=("bot.client",)).applies_to("bot.client")

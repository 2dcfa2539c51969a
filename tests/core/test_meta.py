"""Checks on the code base itself: layering rules, command names, documented figures."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import discord

from bot.client import extension_names
from cogs._checks import CHANNEL_PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]
DISCORD_ALLOWED = ("cogs/", "bot/client.py", "bot/__main__.py")
SQL = re.compile(r"\b(SELECT .* FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")


def python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_discord_is_imported_only_by_the_adapters() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in python_files("bot", "storage")
        if "discord" in imports_of(p)
        and not str(p.relative_to(ROOT)).startswith(DISCORD_ALLOWED)
    ]
    assert offenders == []


def test_the_domain_imports_neither_discord_nor_aiosqlite() -> None:
    domain = [ROOT / "bot" / name for name in
              ("lesson.py", "critiques.py", "charts.py", "discussion.py", "clock.py")]
    domain += python_files("bot/review")
    for path in domain:
        assert not {"discord", "aiosqlite", "storage"} & imports_of(path), path


def test_sql_lives_only_in_storage() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in python_files("bot", "cogs")
        if SQL.search(p.read_text(encoding="utf-8")) and "sandbox" not in p.parts
    ]
    assert offenders == []


def test_every_cog_module_is_an_extension_with_setup() -> None:
    names = extension_names()
    assert {"cogs.help", "cogs.lesson", "cogs.critiques", "cogs.review", "cogs.members",
            "cogs.discussion", "cogs.admin"} <= set(names)


async def test_no_command_name_shadows_another(tmp_path: Path) -> None:
    from bot.client import CohortBot
    from bot.config import Config, LessonSettings, StorageSettings
    from storage import Database

    bot = CohortBot(Config(storage=StorageSettings(database=tmp_path / "c.db"),
                           lesson=LessonSettings(directory=ROOT / "lessons")))
    bot._db = await Database.open(tmp_path / "c.db")  # what setup_hook would open
    try:
        for name in extension_names():
            await bot.load_extension(name)
        seen: dict[str, str] = {}
        for command in bot.tree.walk_commands():
            assert command.qualified_name not in seen, command.qualified_name
            seen[command.qualified_name] = command.description
        assert len(seen) >= 10
    finally:
        for name in list(bot.extensions):
            await bot.unload_extension(name)
        await bot.close()


def test_invite_permissions_in_the_readme_match_what_the_bot_checks() -> None:
    needed = discord.Permissions(**dict.fromkeys(CHANNEL_PERMISSIONS, True)).value
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"permissions={needed}" in readme

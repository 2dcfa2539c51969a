"""Checks on the code base itself: SQL only in storage, every form opened where /forget-me
reaches it, every cog an extension, command names, the invite link. The import rules of the
layers are in test_layers.py."""

from __future__ import annotations

import re
from pathlib import Path

import discord

from bot.client import extension_names
from cogs._checks import CHANNEL_PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]
SQL = re.compile(r"\b(SELECT .* FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")


def python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def test_sql_lives_only_in_storage() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in python_files("bot", "cogs")
        if SQL.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_form_opens_through_show_form() -> None:
    """A form opened any other way would hold what the member typed where /forget-me does
    not look (cogs/_ui.py: `FormMemory`), or without the ticket that a /forget-me racing
    it is judged against (bot/services/gate.py); only `show_form` may send one (the "Edit
    and send again" button opens its form through it too)."""
    opened = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8").count(".send_modal(")
              for p in python_files("cogs")}
    assert {path: n for path, n in opened.items() if n} == {"cogs/_ui.py": 1}


def test_every_cog_module_is_an_extension_with_setup() -> None:
    names = extension_names()
    assert {"cogs.help", "cogs.runs", "cogs.critiques", "cogs.review", "cogs.privacy",
            "cogs.discussion", "cogs.admin", "cogs.followups", "cogs.settings"} <= set(names)


async def test_no_command_name_shadows_another(tmp_path: Path) -> None:
    from bot.client import CohortBot
    from bot.config import Config, LessonSettings, StorageSettings

    bot = CohortBot(Config(storage=StorageSettings(database=tmp_path / "c.db"),
                           lesson=LessonSettings(directory=ROOT / "lessons")))
    await bot.assemble()  # setup_hook without talking to Discord
    try:
        seen: dict[str, str] = {}
        for command in bot.tree.walk_commands():
            assert command.qualified_name not in seen, command.qualified_name
            seen[command.qualified_name] = command.description
        assert len(seen) >= 10
    finally:
        await bot.close()


def test_invite_permissions_in_the_readme_match_what_the_bot_checks() -> None:
    needed = discord.Permissions(**dict.fromkeys(CHANNEL_PERMISSIONS, True)).value
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"permissions={needed}" in readme

"""The bot's foundation, end to end: start-up, /help, the error handler, clean shutdown."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import pytest

from bot.errors import UserError
from tests.world import CohortWorld, fields


async def test_bot_starts_syncs_commands_and_opens_storage(world: CohortWorld) -> None:
    bot = world.bot
    assert bot.scheduler.running
    assert await bot.db.user_version() >= 1
    synced = [r for r in world.sandbox.requests if r.method == "PUT"]
    (guild_sync,) = [r for r in synced
                     if r.path.endswith(f"/guilds/{world.guild.handle.id}/commands")]
    (global_sync,) = [r for r in synced
                      if r.path.endswith("/commands") and "/guilds/" not in r.path]
    # Guild-only commands go to the configured guild (instant there); the ones members use in
    # DMs must be global, since a guild command does not exist in a DM.
    assert {c["name"] for c in guild_sync.json} == {"lesson", "critique", "export"}
    assert {c["name"] for c in global_sync.json} == {"help", "review", "forget-me", "outreach",
                                                     "settings"}


def command_puts(world: CohortWorld, since: int = 0) -> list[str]:
    return [r.path for r in world.sandbox.requests[since:]
            if r.method == "PUT" and r.path.endswith("/commands")]


async def test_a_restart_with_unchanged_commands_does_not_sync_them(world: CohortWorld) -> None:
    before = len(world.sandbox.requests)
    await world.restart()
    assert command_puts(world, before) == []
    result = await world.ada.slash("help", channel=world.lessons)  # still there on Discord
    assert result.ephemeral and result.response.embeds


async def test_changed_commands_are_synced_again(world: CohortWorld) -> None:
    before = len(world.sandbox.requests)
    # Without guilds every command is global: the global definitions changed, so they sync.
    await world.restart(replace(world.config, discord=replace(world.config.discord,
                                                              guild_ids=())))
    (put,) = command_puts(world, before)
    assert "/guilds/" not in put
    global_names = {c.name for c in world.sandbox.world.commands.values() if c.guild_id is None}
    assert {"lesson", "critique", "help"} <= global_names


async def test_commands_deleted_on_discord_are_synced_again(world: CohortWorld) -> None:
    world.sandbox.world.commands.clear()  # e.g. a moderator removed the integration's commands
    before = len(world.sandbox.requests)
    await world.restart()
    assert len(command_puts(world, before)) == 2  # the global scope and the guild
    assert {c.name for c in world.sandbox.world.commands.values()} >= {"lesson", "help"}


async def test_help_lists_member_commands_only_for_members(world: CohortWorld) -> None:
    member = await world.ada.slash("help", channel=world.lessons)
    assert member.ephemeral
    text = fields(member.response.embeds[0])["Commands for you"]
    assert "/review" in text and "/critique" in text
    assert "/lesson post" not in text and "/export" not in text

    moderator = await world.mod.slash("help", channel=world.lessons)
    text = fields(moderator.response.embeds[0])["Commands for you (moderator)"]
    assert "/lesson post" in text and "/lesson close" in text and "/export" in text


async def test_user_error_becomes_an_ephemeral_message(world: CohortWorld) -> None:
    result = await world.ada.slash("lesson post", channel=world.lessons)
    assert result.ephemeral
    assert "Only moderators" in result.response.content


async def test_unexpected_error_is_logged_with_an_id(
    world: CohortWorld, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cogs import help as help_cog

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(help_cog, "visible_commands", broken)
    result = await world.ada.slash("help", channel=world.lessons)
    assert result.ephemeral
    content = result.response.content
    assert "error id" in content
    error_id = content.split("`")[1]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
    assert "kaboom" not in content  # internals are not shown to members


async def test_clean_shutdown_closes_database_and_scheduler(world: CohortWorld) -> None:
    bot = world.bot
    threads_before = {t.name for t in threading.enumerate()}
    await world.stop_bot()
    assert not bot.scheduler.running
    with pytest.raises(RuntimeError, match="setup_hook"):
        _ = bot.db
    await asyncio.sleep(0)
    leftover = {t.name for t in threading.enumerate()} - threads_before
    assert not [t for t in threading.enumerate() if t.name.startswith("Thread") and
                t.is_alive() and t.name not in threads_before]
    assert not leftover
    assert UserError  # the one refusal type is importable for cogs

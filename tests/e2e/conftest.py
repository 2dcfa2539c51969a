"""End-to-end fixtures: the real CohortBot, logged into the sandbox Discord, with a temporary
database, a copy of the lessons and a manual clock."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.client import CohortBot
from bot.clock import ManualClock
from bot.config import Config, DiscordSettings, LessonSettings, StorageSettings
from bot.sandbox import Sandbox
from bot.sandbox.guilds import CohortGuild
from bot.sandbox.openapi import load_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def openapi_spec() -> object:
    return load_spec()  # seconds to load: once per session (cached per process)


class CohortWorld:
    """The sandbox, the demo cohort guild, the bot's config and clock, and restarts."""

    def __init__(self, sandbox: Sandbox, guild: CohortGuild, config: Config,
                 clock: ManualClock) -> None:
        self.sandbox, self.guild, self.config, self.clock = sandbox, guild, config, clock
        self.mod, self.ada, self.ben, self.cy = guild.mod, guild.ada, guild.ben, guild.cy
        self.lessons = guild.lessons

    def posts(self, channel: Any) -> list[Any]:
        """What the bot posted in a channel itself (not interaction answers)."""
        return [m for m in self.sandbox.bot_messages(channel) if m.webhook_id is None]

    @property
    def bot(self) -> CohortBot:
        assert isinstance(self.sandbox.client, CohortBot)
        return self.sandbox.client

    def new_bot(self, config: Config | None = None) -> CohortBot:
        return CohortBot(config or self.config, clock=self.clock, guild_ready_timeout=0.05)

    async def stop_bot(self) -> None:
        await self.sandbox.stop_client()

    async def start_bot(self, config: Config | None = None) -> CohortBot:
        if config is not None:
            self.config = config
        bot = self.new_bot()
        await self.sandbox.start_client(bot)
        return bot

    async def restart(self, config: Config | None = None) -> CohortBot:
        await self.stop_bot()
        return await self.start_bot(config)


def cohort_config(guild: CohortGuild, tmp_path: Path) -> Config:
    lessons = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", lessons)
    return Config(
        discord=DiscordSettings(
            guild_ids=(guild.handle.id,),
            lesson_channel_id=guild.lessons.id,
            moderator_role_ids=(guild.moderator_role.id,),
        ),
        storage=StorageSettings(database=tmp_path / "cohort.db"),
        lesson=LessonSettings(directory=lessons),
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def world(tmp_path: Path, clock: ManualClock) -> AsyncIterator[CohortWorld]:
    sandbox = Sandbox(now=clock.now, fail_on_bot_errors=True)
    guild = sandbox.cohort_guild()
    config = cohort_config(guild, tmp_path)
    w = CohortWorld(sandbox, guild, config, clock)
    async with sandbox:
        await w.start_bot()
        yield w


def with_changes(config: Config, **sections: object) -> Config:
    return replace(config, **sections)  # type: ignore[arg-type]

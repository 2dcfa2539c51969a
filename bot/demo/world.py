"""The demo cohort world: the local Discord, the cohort guild, the bot's config and clock.

Used by `cohortbot sandbox` (through `bot/demo/terminal.py`) and by the end-to-end tests
(`tests/conftest.py`), so a person trying the bot and the tests see the same world:

    async with demo_world(workdir) as world:      # the real CohortBot, logged in
        await world.ada.dm("Hi Dana, ...")
        world.sandbox.dm_messages(world.ada)

The guild is `CohortGuild`: #lessons, a #critiques forum, a Moderator role, and the members
mod (a moderator), ada, ben and cy.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.client import CohortBot
from bot.clock import ManualClock, from_ms, to_ms
from bot.config import Config, DiscordSettings, LessonSettings, StorageSettings
from bot.demo.guild import CohortGuild
from bot.demo.settings import with_settings
from localdiscord.harness import Sandbox
from localdiscord.script.names import CommandFailed
from storage import Database
from storage import demo as demo_store
from storage.demo import KeptWorld

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"


def demo_config(
    guild: CohortGuild, workdir: Path, *, base: Config | None = None,
    database: Path | None = None,
) -> Config:
    """The bot's config for the demo guild.

    The guild, lesson channel and moderator role ids are always the demo's. Without `base`,
    the lessons are a copy in `workdir` (so `/lesson example` never edits the repository's);
    with `base`, its other settings are kept (lesson directory, schedule, review limits...).
    The database is `database`, else `workdir/cohort.db`: a config's own database is never
    used, so the sandbox cannot write fake guilds into a real bot's data.
    """
    discord_settings = DiscordSettings(
        guild_ids=(guild.handle.id,),
        lesson_channel_id=guild.lessons.id,
        moderator_role_ids=(guild.moderator_role.id,),
    )
    storage = StorageSettings(database=database or workdir / "cohort.db")
    if base is not None:
        return replace(base, discord=discord_settings, storage=storage)
    lessons = workdir / "lessons"
    if not lessons.exists():
        shutil.copytree(LESSONS, lessons)
    return Config(discord=discord_settings, storage=storage,
                  lesson=LessonSettings(directory=lessons))


class DemoWorld:
    """The sandbox, the demo cohort guild, the bot's config and clock, and bot restarts."""

    def __init__(self, sandbox: Sandbox, guild: CohortGuild, config: Config,
                 clock: ManualClock) -> None:
        self.sandbox, self.guild, self.config, self.clock = sandbox, guild, config, clock
        self.mod, self.ada, self.ben, self.cy = guild.mod, guild.ada, guild.ben, guild.cy
        self.lessons = guild.lessons
        self.kept = False  # the world is kept in its database (`keep_world`)
        self.continued = False  # built again from what an earlier session kept
        # The database holds what another world made (its members' ids are not these).
        self.foreign_data = False

    async def keep(self) -> None:
        """Write down the world in its database (kept worlds only): a later session on the
        file builds it again and goes on from here (`demo_world(keep_world=True)`)."""
        if not self.kept:
            return
        ids = self.sandbox.world.new_id
        kept = KeptWorld(ids.worker, self.guild.handle.id, ids.last, to_ms(self.clock.now()))
        if self.running:
            await demo_store.keep_world(self.bot.db, kept)
            return
        db = await Database.open(self.config.storage.database)  # the bot is stopped
        try:
            await demo_store.keep_world(db, kept)
        finally:
            await db.close()

    def posts(self, channel: Any) -> list[Any]:
        """What the bot posted in a channel itself (not interaction answers)."""
        return [m for m in self.sandbox.bot_messages(channel) if m.webhook_id is None]

    @property
    def bot(self) -> CohortBot:
        client = self.sandbox.client
        if not isinstance(client, CohortBot):
            raise RuntimeError("the bot is not running")
        return client

    def new_bot(self, config: Config | None = None) -> CohortBot:
        return CohortBot(config or self.config, clock=self.clock, guild_ready_timeout=0.05)

    async def stop_bot(self) -> None:
        """Close the bot (cogs, scheduler, database) and wait for its client task."""
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

    @property
    def running(self) -> bool:
        client = self.sandbox.client
        return client is not None and not client.is_closed()


@dataclass(frozen=True)
class _Earlier:
    world: KeptWorld | None  # what an earlier session kept
    holds_data: bool  # the database holds members' data, whoever's


async def _earlier_world(database: Path) -> _Earlier:
    db = await Database.open(database)  # (created and migrated, as the bot's start would)
    try:
        return _Earlier(await demo_store.kept_world(db), await demo_store.holds_members_data(db))
    finally:
        await db.close()


class DemoBotSide:
    """The demo bot as the command language's session sees it (`stop`, `start`, `restart`)."""

    def __init__(self, world: DemoWorld) -> None:
        self.world = world

    async def settle(self) -> None:
        await self.world.sandbox.settle()
        await self.world.keep()  # after each command: a session cut short is kept too

    async def stop(self) -> None:
        if not self.world.running:
            raise CommandFailed("the bot is not running; `start` starts it")
        await self.world.stop_bot()

    async def start(self) -> None:
        if self.world.running:
            raise CommandFailed("the bot is already running; `restart` restarts it")
        await self.world.start_bot()

    async def restart(self, settings: tuple[tuple[str, str], ...]) -> None:
        await self.world.restart(with_settings(self.world.config, settings))

    async def close(self) -> None:
        await self.world.stop_bot()


@asynccontextmanager
async def demo_world(
    workdir: Path, *, base_config: Config | None = None, database: Path | None = None,
    clock: ManualClock | None = None, validate: bool = True,
    check_violations: bool = True, fail_on_bot_errors: bool = False, keep_world: bool = False,
) -> AsyncIterator[DemoWorld]:
    """Start the sandbox and the real CohortBot in it; stop both (bot closed first) on exit.

    `check_violations`: raise `SpecViolations` at a clean exit if the bot sent requests that
    Discord's OpenAPI spec rejects (tests want that; the sandbox terminal reports them itself),
    and `BotErrors` if `fail_on_bot_errors` and discord.py logged an error.
    `keep_world` (with `database`): the world is kept in the database, and built again from
    what an earlier session kept there: the same guild, channels and members, its ids going on
    from the last one made, its clock from where it stopped (`cohortbot sandbox --db`).
    """
    clock = clock or ManualClock()
    earlier = await _earlier_world(database) if keep_world and database else None
    sandbox = Sandbox(clock=clock, validate=validate, fail_on_bot_errors=fail_on_bot_errors,
                      worker=earlier.world.worker if earlier and earlier.world else None)
    guild = CohortGuild(sandbox)
    config = demo_config(guild, workdir, base=base_config, database=database)
    world = DemoWorld(sandbox, guild, config, clock)
    if earlier is not None:
        world.kept = True
        kept = earlier.world
        if kept is not None and kept.guild_id == guild.handle.id:
            world.continued = True
            sandbox.world.new_id.continue_after(kept.last_id)
            if kept.clock_ms > to_ms(clock.now()):
                await clock.set(from_ms(kept.clock_ms))
        else:  # built at another time, or by a sandbox that kept no world: not this one
            world.foreign_data = earlier.holds_data
    await sandbox.start()
    try:
        await world.start_bot()
        await world.keep()
        yield world
    finally:
        try:
            if world.running:  # (stopped: the last command's settle kept it)
                await world.keep()
            await world.stop_bot()
        finally:
            await sandbox.stop()
    if check_violations:
        sandbox.check_after_run()

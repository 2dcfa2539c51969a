"""CohortBot: the discord.py client and the composition root.

Dependencies (config, clock, storage, scheduler, lessons) are handed in or built here and hang
off the bot, so cogs reach them as `self.bot.db`, `self.bot.clock`, ...; nothing imports a
global. `setup_hook` opens storage, starts the scheduler, loads every cog in `cogs/` and syncs
the application commands to the configured guilds.
"""

from __future__ import annotations

import logging
import pkgutil
from typing import Any

import discord
from discord.ext import commands

import cogs
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.scheduler import Scheduler
from bot.services.followups import FollowupService
from bot.services.settings import SettingsService
from storage import Database
from storage.lock import DatabaseLock

log = logging.getLogger(__name__)


def cohort_intents() -> discord.Intents:
    """The least the features need.

    Privileged (enable both under Bot -> Privileged Gateway Intents in the Developer Portal):
    - message_content: to read critiques posted in the lesson threads (DMs carry content
      without it, but thread capture does not);
    - members: to know the cohort's members, so summaries can list who has not critiqued.
    """
    intents = discord.Intents.none()
    intents.guilds = True  # channels, threads, roles
    intents.guild_messages = True  # critiques in threads
    intents.dm_messages = True  # drafts sent by DM
    intents.guild_reactions = True  # thumbs-up votes on critiques
    intents.message_content = True
    intents.members = True
    return intents


def extension_names() -> list[str]:
    """Every cog module or package in cogs/ (names starting with _ are shared helpers)."""
    return sorted(
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if not info.name.startswith("_")
    )


class CohortBot(commands.Bot):
    # Built once in setup_hook, shared by the cogs.
    followups: FollowupService
    member_settings: SettingsService

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("intents", cohort_intents())
        # Nothing the bot sends pings anyone unless a call says so explicitly.
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(command_prefix=commands.when_mentioned, help_command=None, **options)
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.scheduler = Scheduler(self.clock)
        self._db: Database | None = None
        self._lock: DatabaseLock | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("storage is opened in setup_hook; the bot has not started")
        return self._db

    async def login(self, token: str) -> None:
        # Before anything else: a second process on this database must not even connect
        # (it would deliver every reminder and answer every command a second time).
        self._lock = DatabaseLock.acquire(self.config.storage.database)
        await super().login(token)

    async def setup_hook(self) -> None:
        from cogs._ui import on_app_command_error
        from cogs.followups._port import DiscordReminders

        self._db = await Database.open(self.config.storage.database)
        self.member_settings = SettingsService(self._db, self.clock, self.config.cohort.timezone)
        self.followups = FollowupService(
            self._db, self.clock, self.scheduler, self.config.followups, self.config.review,
            self.member_settings, DiscordReminders(self))
        self.scheduler.start()
        self.tree.on_error = on_app_command_error  # type: ignore[method-assign]
        for name in extension_names():
            await self.load_extension(name)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Guild-only commands to each configured guild (they appear there at once); the rest,
        usable in DMs too (/review, /forget-me, /help), globally: a guild command does not
        exist in a DM. With no guilds configured, everything is global."""
        guild_ids = self.config.discord.guild_ids
        if guild_ids:
            guilds = [discord.Object(id=guild_id) for guild_id in guild_ids]
            for command in self.tree.get_commands():
                if command.guild_only:
                    self.tree.remove_command(command.name)
                    self.tree.add_command(command, guilds=guilds)
        synced = await self.tree.sync()
        log.info("synced %d global commands", len(synced))
        for guild_id in guild_ids:
            synced = await self.tree.sync(guild=discord.Object(id=guild_id))
            log.info("synced %d commands to guild %s", len(synced), guild_id)

    async def close(self) -> None:
        # Cogs first (they cancel their own work), then the scheduler, then the database:
        # an unclosed aiosqlite connection keeps its thread alive and hangs the process.
        for name in list(self.extensions):
            try:
                await self.unload_extension(name)
            except Exception:
                log.exception("unloading %s failed", name)
        await super().close()
        await self.scheduler.shutdown()
        if self._db is not None:
            await self._db.close()
            self._db = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

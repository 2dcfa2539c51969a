"""CohortBot: the discord.py client and the composition root.

Config and clock are handed in; storage, the scheduler and the services are built here, once,
and hang off the bot: cogs reach a feature's service as `self.bot.services.<feature>` and
never look each other up. `setup_hook` opens storage, starts the scheduler, builds the
services with their Discord ports, loads every cog in `cogs/` and syncs the application
commands to the configured guilds.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord.ext import commands

import cogs
from bot.clock import Clock, SystemClock, to_ms
from bot.config import Config
from bot.errors import NotSaved
from bot.logs import keep_member_content_out
from bot.review import Draft, Review
from bot.scheduler import Scheduler
from bot.services import Ports, Services
from storage import Database
from storage import commands as commands_store
from storage.lock import DatabaseLock

log = logging.getLogger(__name__)

# discord.py runs each interaction's callback in a task of its own, named by what it runs
# (a button's DynamicItem, and `on_interaction`: a form sent after a restart, made again).
INTERACTION_TASKS = ("CommandTree-invoker", "discord-ui-modal-dispatch-",
                     "discord-ui-view-dispatch-", "discord-ui-dynamic-item-",
                     "discord.py: on_interaction")
DRAIN_SECONDS = 5.0  # how long a shutdown waits for them: well within a service manager's
# stop timeout (Docker's is 10 s), and longer than an answer takes


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
    intents.guild_reactions = True  # thumbs-up votes on critiques, reactions in the threads
    intents.message_content = True
    intents.members = True
    return intents


def command_digest(payload: list[dict[str, Any]]) -> str:
    """A hash of command definitions as discord.py sends them, independent of their order."""
    ordered = sorted(payload, key=lambda command: (command.get("type", 1), command["name"]))
    return hashlib.sha256(json.dumps(ordered, sort_keys=True).encode()).hexdigest()


def extension_names() -> list[str]:
    """Every cog module or package in cogs/ (names starting with _ are shared helpers)."""
    return sorted(
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if not info.name.startswith("_")
    )


@dataclass(frozen=True)
class Handovers:
    """Where one feature's Discord side hands over to another's. Wired here, as the runs port
    is handed the critique button, so that no cog imports another feature's cogs."""

    # "I sent it" under a review (the review message's id): the follow-ups' form that logs it
    # (the draft None once the review no longer holds it).
    draft_sent: Callable[[discord.Interaction, Draft | None, int], Awaitable[None]]
    # A follow-up draft's review, shown as the review feature shows any review; the third
    # argument says where its channel came from (the outreach log, not the member).
    review_embed: Callable[[str, Review, str], discord.Embed]


def _no_prefix(bot: commands.Bot, message: discord.Message) -> list[str]:
    """No message is a command: the bot has slash commands only. (With the bot's mention as
    the prefix, a member's DM or thread message that starts by mentioning it was looked up
    as a text command, and discord.py logged "Command ... is not found" as an error, with
    the member's words in it.)"""
    return []


class CohortBot(commands.Bot):
    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        lock: DatabaseLock | None = None,
        **options: Any,
    ) -> None:
        """`lock`: the database's lock, when the caller took it already (`cohortbot run`
        does, before it checks the file); else `login` takes it."""
        keep_member_content_out()  # whoever runs the bot, its logs hold no member text
        options.setdefault("intents", cohort_intents())
        # No message cache: every listener reads the raw event, and a cached message is a
        # member's words (a DM draft among them) in memory that /forget-me could not reach.
        options.setdefault("max_messages", None)
        # Nothing the bot sends pings anyone unless a call says so explicitly.
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        # The bot never joins voice: discord.py's warning that voice's libraries (PyNaCl,
        # davey) are missing would tell its operator nothing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(command_prefix=_no_prefix, help_command=None, **options)
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.scheduler = Scheduler(self.clock)
        self._db: Database | None = None
        self._services: Services | None = None
        self._handovers: Handovers | None = None
        self._lock: DatabaseLock | None = lock

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("storage is opened in setup_hook; the bot has not started")
        return self._db

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the services are built in setup_hook; the bot has not started")
        return self._services

    @property
    def handovers(self) -> Handovers:
        if self._handovers is None:
            raise RuntimeError("the hand-overs are wired in setup_hook; the bot has not started")
        return self._handovers

    async def login(self, token: str) -> None:
        # Before anything else: a second process on this database must not even connect
        # (it would deliver every reminder and answer every command a second time).
        if self._lock is None:
            self._lock = DatabaseLock.acquire(self.config.storage.database)
        await super().login(token)

    async def setup_hook(self) -> None:
        await self.assemble()
        await self.sync_commands()

    async def assemble(self) -> None:
        """Everything but talking to Discord: storage, the scheduler, the services, the cogs."""
        from cogs._options import check_options
        from cogs._ui import SendAgainButton, forms_of, on_app_command_error, tell_owed_after
        from cogs._unclaimed import answer_unclaimed
        from cogs.followups._views import pending_logs

        self._db = await Database.open(self.config.storage.database)
        self.scheduler.start()
        self._services = Services.build(self.config, self._db, self.clock, self.scheduler,
                                        self._ports())
        await self._services.start()
        # The forms members have open or had refused hold what they typed: /forget-me's too.
        self._services.privacy.holds(forms_of(self))
        self._services.privacy.holds(pending_logs(self))
        self._handovers = self._wire_handovers()
        self.tree.on_error = on_app_command_error  # type: ignore[method-assign]
        gate = self._services.gate

        async def first_step(interaction: discord.Interaction) -> bool:
            # Before any await: when the member acted, which a /forget-me racing the command
            # is judged against (bot/services/gate.py). Then options Discord holds from
            # another version's sync are refused in words.
            gate.arrived(interaction.user.id)
            return await check_options(interaction)

        self.tree.interaction_check = first_step  # type: ignore[method-assign]
        # "Edit and send again" under any refused form: answered after a restart too.
        self.add_dynamic_items(SendAgainButton)
        # Forms sent after a restart, and buttons no version of this one answers.
        self.add_listener(answer_unclaimed, "on_interaction")
        # What a member is owed a word about, after a command's answer (a button's and a
        # form's: cogs/_ui.py, `guarded` and `CohortModal`).
        self.add_listener(tell_owed_after, "on_app_command_completion")
        for name in extension_names():
            await self.load_extension(name)

    def _ports(self) -> Ports:
        # Imported at every start, not at the top: discord.py drops an extension's modules
        # from sys.modules when it unloads it, so a second bot in one process (the tests, the
        # sandbox's restarts) must take the Discord side from the modules its cogs load.
        from cogs.critiques._port import DiscordCritiques
        from cogs.critiques._views import critique_view
        from cogs.discussion._port import DiscordHistory
        from cogs.followups._port import DiscordReminders
        from cogs.privacy._port import DiscordPosts
        from cogs.runs._port import DiscordRuns

        return Ports(
            # The critique button sits under each example, so runs post it for critiques.
            runs=DiscordRuns(self, self.config, example_view=critique_view),
            critiques=DiscordCritiques(self),
            discussion=DiscordHistory(self),
            privacy=DiscordPosts(self),
            followups=DiscordReminders(self),
        )

    def _wire_handovers(self) -> Handovers:
        # Imported at every start, like the ports (see `_ports`).
        from cogs.followups._views import open_sent_form
        from cogs.review._render import review_embed

        return Handovers(draft_sent=open_sent_form, review_embed=review_embed)

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
        await self._sync_if_changed(None)
        for guild_id in guild_ids:
            await self._sync_if_changed(discord.Object(id=guild_id))

    async def _sync_if_changed(self, guild: discord.Object | None) -> None:
        """Sync one scope's commands, unless these very definitions were synced before and
        Discord still has them: Discord limits command creates per day, and a restart with
        unchanged commands needs none."""
        where = f"to guild {guild.id}" if guild else "globally"
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        digest = command_digest(payload)
        app_id = self.application_id or 0
        scope = guild.id if guild else commands_store.GLOBAL_SCOPE
        if await commands_store.synced_hash(self.db, app_id, scope) == digest:
            # Discord keeps what was synced, unless someone deleted it (or this is a new
            # sandbox world for a database that is kept): a read is cheap and creates nothing.
            registered = {(c.name, c.type.value)
                          for c in await self.tree.fetch_commands(guild=guild)}
            if registered == {(c["name"], c.get("type", 1)) for c in payload}:
                log.info("%d commands unchanged %s: not synced", len(payload), where)
                return
        synced = await self.tree.sync(guild=guild)
        await commands_store.record_sync(self.db, app_id, scope, digest,
                                         to_ms(self.clock.now()))
        log.info("synced %d commands %s", len(synced), where)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """A listener's write the disk refused (a vote, a captured message) is one line, not
        a traceback: a known condition (bot/errors.py: NotSaved), said in words."""
        error = sys.exc_info()[1]
        if isinstance(error, NotSaved):
            log.error("not saved in %s: %s", event_method, error)
            return
        await super().on_error(event_method, *args, **kwargs)

    async def close(self) -> None:
        # The answers in flight first, then the cogs (they cancel their own work), the
        # scheduler, the services (what they still queue is written), then the database: an
        # unclosed aiosqlite connection keeps its thread alive and hangs the process.
        await self._drain_interactions()
        for name in list(self.extensions):
            try:
                await self.unload_extension(name)
            except Exception:
                log.exception("unloading %s failed", name)
        await super().close()
        await self.scheduler.shutdown()
        if self._services is not None:
            await self._services.close()
            self._services = None
        if self._db is not None:
            await self._db.close()
            self._db = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    async def _drain_interactions(self) -> None:
        """Let the interactions in flight send their answers: `super().close()` closes the
        HTTP session under them, which fails each request still open with aiohttp's
        ServerDisconnectedError (aiohttp says "server" for its own close too), and the
        members of a deferred one would wait on "thinking..." for good."""
        current = asyncio.current_task()
        running = [t for t in asyncio.all_tasks()
                   if t is not current and t.get_name().startswith(INTERACTION_TASKS)]
        if not running:
            return
        log.info("stopping: waiting up to %.0f s for %d interactions to answer",
                 DRAIN_SECONDS, len(running))
        _, pending = await asyncio.wait(running, timeout=DRAIN_SECONDS)
        if pending:
            log.warning("stopping: %d interactions had not answered and are cut short",
                        len(pending))

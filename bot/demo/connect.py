"""`cohortbot run` against a local Discord instead of Discord.

Set `COHORTBOT_LOCAL_DISCORD` to the info file a local Discord wrote (`cohortbot sandbox
--serve --info FILE`, or `localdiscord --info FILE`), or to its control URL
(`http://127.0.0.1:PORT/control`, from which the info is read). Then the bot:

- sends its REST requests and opens its gateway at the local Discord's URLs, with its token
  (DISCORD_TOKEN is not needed and not used);
- follows the local Discord's world clock: its own clock is a manual one, moved with every
  move of the world clock, and each move counts as done once the bot's due work has run
  (so a test moves time for both sides with one call to the control API); a move stops at
  each of the bot's jobs on its way, on both sides, so the world dates what a job does at
  the job's time;
- takes the guild, the `#lessons` channel and the `Moderator` role from the local world when
  its config names no guild (a config written for the demo world needs no ids).

Without the variable, `cohortbot run` connects to Discord as always.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import ManualClock
from bot.config import Config, DiscordSettings
from bot.errors import ConfigError

ENV = "COHORTBOT_LOCAL_DISCORD"
FIRST_MOVE_TIMEOUT = 10.0
GUILD_READY_TIMEOUT = 0.1
INFO_WAIT = 30.0  # loading the OpenAPI spec takes the local Discord seconds on a busy machine
INFO_POLL = 0.2
_START_IT = "; start it with `cohortbot sandbox --serve --info FILE`, or unset " + ENV

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalDiscordTarget:
    info: dict[str, Any]

    @classmethod
    def from_value(cls, value: str, *, wait: float = INFO_WAIT,
                   sleep: Callable[[float], None] = time.sleep) -> LocalDiscordTarget:
        """The info from a file path or a control URL; ConfigError saying what is wrong.

        A local Discord started a moment ago (`cohortbot sandbox --serve --info FILE &`)
        writes its info only once it listens, seconds later (it loads Discord's OpenAPI spec
        first): an info file not there yet, or a control URL not answering yet, is waited
        for up to `wait` seconds."""
        polls = round(wait / INFO_POLL)
        for poll in range(polls + 1):
            try:
                info = cls._read(value)
                break
            except (FileNotFoundError, urllib.error.URLError) as exc:
                starting = isinstance(exc, FileNotFoundError) or isinstance(
                    exc.reason, ConnectionRefusedError)
                if not starting or poll == polls:
                    raise ConfigError(f"{ENV}={value}: cannot read the local Discord's info "
                                      f"({exc}){_START_IT}") from None
            except (OSError, ValueError) as exc:
                raise ConfigError(f"{ENV}={value}: cannot read the local Discord's info ({exc})"
                                  ) from None
            if poll == 0:
                log.warning("the local Discord at %s is not there yet: waiting up to %.0f s",
                            value, wait)
            sleep(INFO_POLL)
        missing = [k for k in ("api_url", "gateway_url", "control_url", "token") if k not in info]
        if missing:
            raise ConfigError(f"{ENV}={value}: the info lacks {', '.join(missing)}")
        return cls(info)

    @staticmethod
    def _read(value: str) -> Any:
        if value.startswith(("http://", "https://")):
            with urllib.request.urlopen(value.rstrip("/") + "/info", timeout=10) as resp:
                return json.loads(resp.read())
        return json.loads(Path(value).read_text(encoding="utf-8"))

    @property
    def token(self) -> str:
        return str(self.info["token"])

    def configure(self, config: Config) -> Config:
        """The config, with the local world's ids when it names no guild."""
        if config.discord.guild_ids or not self.info.get("guilds"):
            return config
        guild = self.info["guilds"][0]
        lessons = guild["channels"].get("lessons")
        moderator = guild["roles"].get("Moderator")
        discord = DiscordSettings(
            guild_ids=(int(guild["id"]),),
            lesson_channel_id=int(lessons) if lessons else None,
            moderator_role_ids=(int(moderator),) if moderator else (),
        )
        return replace(config, discord=discord)

    async def attach(self) -> tuple[ManualClock, asyncio.Task[None], dict[str, Any]]:
        """Point discord.py at the local Discord and follow its world clock: the bot's clock,
        the task that keeps it in step (cancel it at shutdown), and the client's options."""
        from localdiscord.connect import point_client_at
        from localdiscord.control.follow import follow_clock

        point_client_at(self.info["api_url"], self.info["gateway_url"])
        clock = ManualClock(datetime.fromisoformat(self.info["now"]))
        first = asyncio.Event()
        follower = asyncio.create_task(
            follow_clock(self.info["control_url"], clock.set, next_wake=clock.next_wake,
                         on_first=first.set, before_ask=clock.refresh),
            name="local-discord-clock",
        )
        waiting = asyncio.create_task(first.wait())
        await asyncio.wait({waiting, follower}, timeout=FIRST_MOVE_TIMEOUT,
                           return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if follower.done():
            follower.result()  # the connection failed: say why
        # The local Discord sends every GUILD_CREATE at once after READY: discord.py need not
        # wait its default 2 s for more before on_ready (a test waiting for the bot would).
        return clock, follower, {"guild_ready_timeout": GUILD_READY_TIMEOUT}


def target_from_env(environ: dict[str, str]) -> LocalDiscordTarget | None:
    value = environ.get(ENV, "").strip()
    return LocalDiscordTarget.from_value(value) if value else None

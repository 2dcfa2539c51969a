"""`cohortbot sandbox --serve`: the demo cohort's local Discord as its own process.

No bot runs in it: start one with `cohortbot run` pointed at it (`COHORTBOT_LOCAL_DISCORD`,
see bot/demo/connect.py), and act as the members through the control API.
"""

from __future__ import annotations

from pathlib import Path

from bot.demo.guild import CohortGuild
from bot.errors import UserError
from localdiscord import Sandbox
from localdiscord.app import LocalDiscord
from localdiscord.openapi import spec_available
from localdiscord.process import CannotServe, serve
from localdiscord.ratelimits import RateLimits


def main(port: int = 0, info: Path | None = None, *, validate: bool = True) -> int:
    # Discord's rate limits at full length: a separate bot process meets them as on Discord.
    sandbox = Sandbox(validate=validate and spec_available(), rate_limits=RateLimits())
    CohortGuild(sandbox)

    async def start() -> LocalDiscord:
        await sandbox.start(port=port)
        return sandbox.local

    try:
        return serve(start, sandbox.stop, info=info)
    except CannotServe as exc:
        raise UserError(str(exc)) from None

"""`cohortbot sandbox --serve`: the demo cohort's local Discord as its own process.

No bot runs in it: start one with `cohortbot run` pointed at it (`COHORTBOT_LOCAL_DISCORD`,
see bot/demo/connect.py), and act as the members through the control API.
"""

from __future__ import annotations

from pathlib import Path

from bot.demo.guild import CohortGuild
from bot.errors import UserError
from bot.outfile import refuse_inputs, require_folder
from localdiscord import Sandbox
from localdiscord.app import LocalDiscord
from localdiscord.openapi import default_spec_path, spec_available
from localdiscord.process import CannotServe, serve
from localdiscord.ratelimits import RateLimits


def main(port: int = 0, info: Path | None = None, *, validate: bool = True) -> int:
    if info is not None:
        _check_info(info)
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


def _check_info(info: Path) -> None:
    """The info file is replaced as the local Discord starts and removed when it stops: it
    must be a plain file of its own, never a device, a pipe or a file the sandbox reads."""
    if info.exists() and not info.is_dir() and not info.is_file():
        raise UserError(f"--info {info} is not a plain file (a device, a pipe?): the info "
                        "file is written and then removed when the local Discord stops; give "
                        "a file name (the info is printed on standard output as well).")
    refuse_inputs(info, [("Discord's OpenAPI spec", default_spec_path())], "--info")
    require_folder("--info", info)

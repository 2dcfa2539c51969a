"""A local Discord that unmodified Discord client libraries log into (docs/localdiscord.md).

`LocalDiscord` (`app.py`) is the Discord: the REST + gateway server of `server.py` and
`gateway/` over the in-memory world of `state.py`, every REST request validated against
Discord's OpenAPI spec (`openapi.py`), faults on demand (`faults.py`), and the control API
(`control/`) through which tests and people act in the world. `python -m localdiscord` runs
one as its own process. `Sandbox` (`harness.py`) is the in-process harness for tests of a
discord.py bot: a LocalDiscord, the bot logged in, members to act as, and `settle()`.
Nothing here imports the cohort bot.
"""

from localdiscord.connect import point_client_at
from localdiscord.guilds import GuildHandle
from localdiscord.harness import BotErrors, Sandbox, SettleTimeout, SpecViolations
from localdiscord.members import InteractionResult, MemberHandle
from localdiscord.openapi import SpecNotFound

__all__ = [
    "BotErrors",
    "GuildHandle",
    "InteractionResult",
    "MemberHandle",
    "Sandbox",
    "SettleTimeout",
    "SpecNotFound",
    "SpecViolations",
    "point_client_at",
]

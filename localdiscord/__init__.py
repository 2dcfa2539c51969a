"""A local Discord that the unmodified discord.py client logs into.

`Sandbox` (in `harness.py`) is the entry point for tests: it runs the REST + gateway server
from `server.py` over the in-memory world of `state.py`, validates every REST request against
Discord's OpenAPI spec (`openapi.py`), injects faults on demand (`faults.py`) and lets a test
act as guild members and read what the bot did.
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

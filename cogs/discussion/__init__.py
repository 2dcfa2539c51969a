"""Capture: every member message in an open run's threads is stored, edits update it, deletes
remove its content; at every (re)connect the open threads are read back from their cursors."""

from bot.client import CohortBot
from cogs.discussion._cog import DiscussionCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(DiscussionCog(bot))

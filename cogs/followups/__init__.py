"""Follow-ups: the outreach log (/outreach, "I sent it") and the one reminder each gets."""

from bot.client import CohortBot
from cogs.followups._cog import FollowupsCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(FollowupsCog(bot))

"""Draft review: members DM a draft (or use /review) and get the lesson's verdict on it."""

from bot.client import CohortBot
from cogs.review._cog import ReviewCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(ReviewCog(bot))

"""Lesson runs: posting the evaluation prompt and examples, summaries, closing, and the
lesson content commands of the /lesson group."""

from bot.client import CohortBot
from cogs.runs._cog import RunsCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(RunsCog(bot))

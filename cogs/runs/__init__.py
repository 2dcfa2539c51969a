"""The lesson feature: posting the evaluation prompt and examples, summaries, closing."""

from bot.client import CohortBot
from cogs.runs._cog import RunsCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(RunsCog(bot))

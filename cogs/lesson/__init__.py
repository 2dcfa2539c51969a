"""The lesson feature: posting the evaluation prompt and examples, summaries, closing."""

from bot.client import CohortBot
from cogs.lesson._cog import LessonCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(LessonCog(bot))

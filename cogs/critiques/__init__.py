"""Structured critiques: the "Critique this example" button and /critique open a form; the
critique is posted in the example's thread and stored; 👍 reactions count as votes."""

from bot.client import CohortBot
from cogs.critiques._cog import CritiquesCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(CritiquesCog(bot))

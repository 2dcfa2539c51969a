"""/forget-me: a member deletes everything the bot stores about them, after confirming."""

from bot.client import CohortBot
from cogs.privacy._cog import PrivacyCog


async def setup(bot: CohortBot) -> None:
    await bot.add_cog(PrivacyCog(bot))

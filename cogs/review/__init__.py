"""Draft review: members DM a draft (or use /review) and get the lesson's verdict on it."""

from bot.client import CohortBot


async def setup(bot: CohortBot) -> None:
    # Imported here, not at the top: the follow-ups feature reuses this package's rendering,
    # and "I sent it" hands over to its forms.
    from cogs.review._cog import ReviewCog

    await bot.add_cog(ReviewCog(bot))

"""Follow-ups: the outreach log (/outreach, "I sent it") and the one reminder each gets."""

from bot.client import CohortBot


async def setup(bot: CohortBot) -> None:
    # Imported here, not at the top: the review feature's "I sent it" imports this package's
    # forms, and this package's rendering reuses the review's embed.
    from cogs.followups._cog import FollowupsCog

    await bot.add_cog(FollowupsCog(bot))

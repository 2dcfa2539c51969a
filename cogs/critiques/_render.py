"""A critique as Discord shows it: an embed in the example's thread."""

from __future__ import annotations

import discord

from bot.critiques import Author, CritiqueInput, Likely
from bot.display import member_text

VOTE_EMOJI = "👍"
LIKELY_WORDS = {Likely.YES: "✅ yes", Likely.NO: "❌ no", Likely.UNSURE: "🤔 unsure"}


def critique_embed(author: Author, example_title: str, critique: CritiqueInput) -> discord.Embed:
    embed = discord.Embed(title=f"Critique of {example_title}"[:256], colour=0x57F287)
    embed.set_author(name=member_text(author.name), icon_url=author.avatar_url)
    embed.add_field(name="What works", value=member_text(critique.works) or "—", inline=False)
    embed.add_field(name="What doesn't", value=member_text(critique.doesnt) or "—",
                    inline=False)
    embed.add_field(name="Likely to get a response?", value=LIKELY_WORDS[critique.likely],
                    inline=False)
    embed.set_footer(text=f"{VOTE_EMOJI} this critique if you agree")
    return embed

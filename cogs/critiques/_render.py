"""A critique as Discord shows it: an embed in the example's thread."""

from __future__ import annotations

import discord

from bot.critiques import Author, CritiqueInput, Likely
from bot.display import member_text

VOTE_EMOJI = "👍"
LIKELY_WORDS = {Likely.YES: "✅ yes", Likely.NO: "❌ no", Likely.UNSURE: "🤔 unsure"}


def critique_mark(critique_id: int) -> str:
    """How a critique's post ends its footer: its number, so the post of a critique whose
    sending was cut short (Discord took it, the bot died before noting it) is found again
    instead of posted twice."""
    return f"critique #{critique_id}"


def critique_embed(author: Author, example_title: str, critique: CritiqueInput,
                   critique_id: int) -> discord.Embed:
    embed = discord.Embed(title=f"Critique of {example_title}"[:256], colour=0x57F287)
    embed.set_author(name=member_text(author.name), icon_url=author.avatar_url)
    embed.add_field(name="What works", value=member_text(critique.works) or "—", inline=False)
    embed.add_field(name="What doesn't", value=member_text(critique.doesnt) or "—",
                    inline=False)
    embed.add_field(name="Likely to get a response?", value=LIKELY_WORDS[critique.likely],
                    inline=False)
    embed.set_footer(text=f"{VOTE_EMOJI} this critique if you agree · {critique_mark(critique_id)}")
    return embed

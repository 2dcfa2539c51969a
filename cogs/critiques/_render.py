"""A critique as Discord shows it: an embed in the example's thread."""

from __future__ import annotations

import discord

from bot.critiques import VOTE_EMOJI, Author, CritiqueInput, Likely
from bot.display import markdown_text, member_text
from cogs._embeds import Embed

FIELD = 1024  # Discord's limit on an embed field's value
LIKELY_WORDS = {Likely.YES: "✅ yes", Likely.NO: "❌ no", Likely.UNSURE: "🤔 unsure"}


def critique_mark(critique_id: int) -> str:
    """How a critique's post ends its footer: its number, so the post of a critique whose
    sending was cut short (Discord took it, the bot died before noting it) is found again
    instead of posted twice."""
    return f"critique #{critique_id}"


def critique_embed(author: Author, example_title: str, critique: CritiqueInput,
                   critique_id: int) -> discord.Embed:
    embed = Embed(title=f"Critique of {example_title}", colour=0x57F287)
    embed.set_author(name=member_text(author.name), icon_url=author.avatar_url)
    # The author's name is shown as it is (Discord renders no Markdown there); the critique
    # is escaped, so it reads as typed and cannot set links or markup under the bot's name.
    embed.add_field(name="What works", value=markdown_text(critique.works, FIELD) or "—",
                    inline=False)
    embed.add_field(name="What doesn't", value=markdown_text(critique.doesnt, FIELD) or "—",
                    inline=False)
    embed.add_field(name="Likely to get a response?", value=LIKELY_WORDS[critique.likely],
                    inline=False)
    embed.set_footer(text=f"{VOTE_EMOJI} this critique if you agree · {critique_mark(critique_id)}")
    return embed

"""The summary embed always fits Discord's 6,000-character total."""

from __future__ import annotations

import discord

from cogs.runs._render import EMBED_TOTAL, fit_embed


def test_a_long_summary_is_shortened_to_fit() -> None:
    embed = discord.Embed(title="Run #1 — summary", description="d" * 200)
    for i in range(10):
        embed.add_field(name=f"Outreach {i} " + "t" * 200, value="v" * 1000, inline=False)
    assert len(embed) > EMBED_TOTAL
    fitted = fit_embed(embed)
    assert len(fitted) <= EMBED_TOTAL
    assert len(fitted.fields) == 10
    assert all(f.value and f.value.endswith("…") for f in fitted.fields)


def test_a_short_embed_is_left_alone() -> None:
    embed = discord.Embed(title="t", description="d")
    embed.add_field(name="n", value="v")
    assert fit_embed(embed).fields[0].value == "v"

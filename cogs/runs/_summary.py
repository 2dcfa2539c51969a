"""What a run's summary is made of: its examples as posted, the critiques with their votes,
and the cohort members expected to take part."""

from __future__ import annotations

import discord

from bot.client import CohortBot
from bot.critiques import CritiqueRecord, RunSummary, summarize
from bot.runs import Run
from cogs._checks import is_moderator
from storage import critiques as critiques_store
from storage import runs as runs_store


async def run_summary(
    bot: CohortBot, guild: discord.Guild, run: Run
) -> tuple[RunSummary, dict[int, str]]:
    """The summary, and display names by member id (stored names for those who left)."""
    examples = await runs_store.run_examples(bot.db, run.id)
    rows = await critiques_store.critiques_for_run(bot.db, run.id)
    records = [
        CritiqueRecord(r.id, r.example_no, r.author_id, r.works, r.doesnt,
                       r.likely, r.votes, r.created_at)
        for r in rows
    ]
    cohort = [m for m in guild.members
              if not m.bot and not is_moderator(m, bot.config)]
    summary = summarize(
        [_ExampleRef(e.example_no, e.title) for e in examples], records,
        members=[m.id for m in cohort],
    )
    names = {m.id: m.display_name for m in guild.members}
    names.update({r.author_id: r.author_name for r in rows if r.author_id not in names})
    return summary, names


class _ExampleRef:
    """What `summarize` needs of an example, from the stored run (its titles at posting)."""

    def __init__(self, number: int, title: str) -> None:
        self.number = number
        self.title = title


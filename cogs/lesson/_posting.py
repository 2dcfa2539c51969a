"""Putting a run on Discord: the prompt and one message + thread per example (one forum post
per example in a forum), and taking it down again when Discord refuses half-way."""

from __future__ import annotations

import logging

import discord

from bot.lesson import Lesson
from cogs.lesson._render import example_embed, prompt_embed, thread_name
from storage.lesson_runs import RunExampleRow

log = logging.getLogger(__name__)

POSTABLE = discord.TextChannel | discord.ForumChannel


async def post_messages(
    lesson: Lesson, channel: POSTABLE, run_id: int,
    created: list[discord.abc.Snowflake],
) -> tuple[int | None, list[RunExampleRow]]:
    """Post the run; everything created is appended to `created` as it happens, so a failure
    half-way can be undone. Returns the prompt message id (None in a forum) and the examples."""
    # Imported here, not at the top: cogs.critiques is an extension that discord.py loads as
    # its own module object; importing it at load time would make a second copy.
    from cogs.critiques import critique_view

    rows = []
    if isinstance(channel, discord.ForumChannel):
        for example in lesson.examples:
            embed, file = example_embed(lesson, example, run_id, with_prompt=True)
            posted = await channel.create_thread(
                name=thread_name(example), embed=embed,
                view=critique_view(run_id, example.number),
                file=file or discord.utils.MISSING,
            )
            created.append(posted.thread)
            rows.append(RunExampleRow(run_id, example.number, example.title,
                                      posted.message.id, posted.thread.id))
        return None, rows
    prompt = await channel.send(embed=prompt_embed(lesson, run_id))
    created.append(prompt)
    for example in lesson.examples:
        embed, file = example_embed(lesson, example, run_id)
        message = await channel.send(
            embed=embed, view=critique_view(run_id, example.number),
            file=file or discord.utils.MISSING,
        )
        created.append(message)
        thread = await message.create_thread(name=thread_name(example),
                                             auto_archive_duration=10080)
        created.append(thread)
        rows.append(RunExampleRow(run_id, example.number, example.title, message.id,
                                  thread.id))
    return prompt.id, rows

async def undo(created: list[discord.abc.Snowflake]) -> None:
    """Delete what a failed posting created, newest first (best effort)."""
    for thing in reversed(created):
        try:
            if isinstance(thing, discord.Thread | discord.Message):
                await thing.delete()
        except discord.HTTPException:
            log.warning("could not remove %r after a failed posting", thing)

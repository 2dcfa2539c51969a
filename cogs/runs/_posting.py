"""Putting a run on Discord: the prompt and one message + thread per example (one forum post
per example in a forum), and taking it down again when Discord refuses half-way."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.lessons import Lesson
from bot.runs import PostingPart, RunExample
from cogs.runs._render import example_embed, prompt_embed, thread_name

log = logging.getLogger(__name__)

POSTABLE = discord.TextChannel | discord.ForumChannel


Created = Callable[[discord.Message | discord.Thread], Awaitable[None]]


async def post_messages(
    lesson: Lesson, channel: POSTABLE, run_id: int, created: Created,
) -> tuple[int | None, list[RunExample]]:
    """Post the run; `created` hears of every message and thread as soon as it exists, so a
    failure half-way can be undone. Returns the prompt message id (None in a forum) and the
    examples."""
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
            await created(posted.thread)
            rows.append(RunExample(run_id, example.number, example.title,
                                      posted.message.id, posted.thread.id))
        return None, rows
    prompt = await channel.send(embed=prompt_embed(lesson, run_id))
    await created(prompt)
    for example in lesson.examples:
        embed, file = example_embed(lesson, example, run_id)
        message = await channel.send(
            embed=embed, view=critique_view(run_id, example.number),
            file=file or discord.utils.MISSING,
        )
        await created(message)
        thread = await message.create_thread(name=thread_name(example),
                                             auto_archive_duration=10080)
        await created(thread)
        rows.append(RunExample(run_id, example.number, example.title, message.id,
                                  thread.id))
    return prompt.id, rows

async def undo(client: discord.Client, parts: list[PostingPart]) -> None:
    """Delete what a failed posting created, newest first (best effort). `parts` are as
    storage keeps them, so a posting cut short by a crash is removed the same way at the next
    start."""
    for part in parts:
        try:
            if part.is_thread:
                await client.http.delete_channel(part.object_id)
            else:
                await client.get_partial_messageable(part.channel_id).get_partial_message(
                    part.object_id).delete()
        except discord.NotFound:
            pass
        except discord.HTTPException:
            log.warning("could not remove %s after a failed posting", part.object_id)

"""The answer a deferral promised, delivered through a dropped connection.

A deferred command ("thinking...") owes the member its answer: the first followup replaces
the "thinking" message. discord.py sends it once and retries nothing but 429s, 5xx and two
Windows/macOS reset errnos; a connection that closes before the answer comes back (aiohttp's
`ServerDisconnectedError`: a keep-alive connection a proxy dropped, or any reset) reaches the
command, and the member would wait on "thinking..." for good.

Resending the followup is not safe: if the first one landed and only its answer was lost, a
second POST posts the answer twice. Editing the deferred response (`@original`) is: it sets
the same message to the same answer, whether or not the first send changed it. So a
transient failure is retried as that edit, at once and then after a pause; the last failure
is raised, and the one error handler logs it with an id that the member is shown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import aiohttp
import discord
from discord.utils import MISSING

from bot.limits import fit_content

log = logging.getLogger("cohortbot.answer")

# What a retry can cure: the connection dropped or timed out, or Discord failed (discord.py
# has already retried the 5xx it retries).
TRANSIENT = (aiohttp.ClientConnectionError, asyncio.TimeoutError, discord.DiscordServerError)
RETRY_PAUSES = (0.0, 1.0, 3.0)  # seconds before each edit: a fresh connection first


async def answer(
    interaction: discord.Interaction, content: str | None = None, *,
    embed: discord.Embed | None = None, files: Sequence[discord.File] = (),
    view: discord.ui.View | None = None, ephemeral: bool = True,
    allowed_mentions: discord.AllowedMentions | None = None,
) -> discord.Message:
    """Send a deferred interaction's answer; the message it became."""
    mentions = allowed_mentions or discord.AllowedMentions.none()
    content = fit_content(content) if content else None
    try:
        return await interaction.followup.send(
            content or MISSING, embed=embed or MISSING, files=list(files) or MISSING,
            view=view or MISSING, ephemeral=ephemeral, allowed_mentions=mentions, wait=True)
    except TRANSIENT as error:
        failed: BaseException = error
    for attempt, pause in enumerate(RETRY_PAUSES, start=1):
        log.warning("the answer to interaction %s was not delivered (%s); editing it in, "
                    "attempt %d", interaction.id, type(failed).__name__, attempt)
        await asyncio.sleep(pause)
        for file in files:
            file.reset()  # the failed send read it
        try:
            return await interaction.edit_original_response(
                content=content, embed=embed, attachments=list(files) or MISSING,
                view=view, allowed_mentions=mentions)
        except TRANSIENT as error:
            failed = error
    raise failed

"""What a member typed into a form the bot refused, given back to them, so nothing is lost:
a form sent after a restart that cannot be made again (cogs/_unclaimed.py), and any refused
form (`CohortModal.on_error`), whether or not "Edit and send again" is offered with it."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

import discord

from bot.display import markdown_text
from cogs._answer import TRANSIENT

log = logging.getLogger("cohortbot.errors")

MESSAGE_LIMIT = 2000  # Discord's, on a message's content
SENT_BACK = "Here is what you wrote in it, so nothing is lost:"
NO_PINGS = discord.AllowedMentions.none()


async def give_back(interaction: discord.Interaction) -> None:
    """Send the member, privately, what they typed into the form `interaction` submits (after
    its refusal: the interaction is answered already). A failure is logged, never raised: the
    refusal is out, and its handler is the one that called this."""
    try:
        for message in sent_back(typed(interaction)):
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
    except (discord.HTTPException, *TRANSIENT) as failed:
        log.warning("could not give a member back their form (%s)", type(failed).__name__)


def typed(interaction: discord.Interaction) -> list[str]:
    """The text the member typed into a submitted form, input by input (selects are picked
    again in a moment; only typing is lost)."""
    data = cast(Mapping[str, Any], interaction.data or {})
    return [text for text in _text_inputs(data.get("components", [])) if text.strip()]


def _text_inputs(components: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    for component in components:
        if component.get("type") == 1:  # an action row
            yield from _text_inputs(component.get("components", []))
        elif component.get("type") == 18:  # a label
            yield from _text_inputs([component.get("component", {})])
        elif component.get("type") == 4:  # a text input
            yield str(component.get("value") or "")


def sent_back(texts: Sequence[str]) -> list[str]:
    """Messages giving the member back what they typed, each within Discord's limit:
    `SENT_BACK` first, then each text as typed (Markdown escaped, so it shows exactly as
    written and pings nobody); a text too long to share a message starts one of its own and
    is cut where it must be, after a line break or a space if one is near."""
    if not texts:
        return []
    messages, current = [], SENT_BACK
    for text in texts:
        shown = markdown_text(text)
        if len(current) + 2 + len(shown) <= MESSAGE_LIMIT:
            current = f"{current}\n\n{shown}"
        else:  # from a message of its own on, its pieces one after the other
            messages.append(current)
            *whole, current = chunks(shown, MESSAGE_LIMIT)
            messages.extend(whole)
    messages.append(current)
    return messages


def chunks(text: str, limit: int) -> Iterator[str]:
    """`text` in pieces of at most `limit` characters that join back into it, never cut
    between an escape and the character it escapes."""
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit)) + 1
        if cut <= limit // 2:  # no break near: cut the word
            cut = limit
            if (cut - len(text[:cut].rstrip("\\"))) % 2:  # a lone escape: keep it with its
                cut -= 1  # character
        yield text[:cut]
        text = text[cut:]
    yield text

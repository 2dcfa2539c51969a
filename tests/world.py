"""The end-to-end world and what members and moderators do in it, shared by the feature tests.

The world is the one `cohortbot sandbox` shows (bot/demo/world.py): the sandbox Discord, the
demo cohort guild (#lessons, a #critiques forum, mod, ada, ben, cy) and the real CohortBot.
The `world` fixture is in tests/conftest.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.demo.world import DemoWorld

CohortWorld = DemoWorld


def fields(embed: dict[str, Any]) -> dict[str, str]:
    """An embed's fields as name -> value."""
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def modal_values(modal: dict[str, Any]) -> dict[str, str]:
    """What a modal's inputs hold when it opens, by custom_id: a text input's text, a
    select's default option ("" when none is)."""
    values = {}
    for top in modal["components"]:
        for comp in [top["component"]] if top["type"] == 18 else top["components"]:
            if comp["type"] == 4:
                values[comp["custom_id"]] = comp.get("value", "")
            else:
                values[comp["custom_id"]] = next(
                    (o["value"] for o in comp.get("options", []) if o.get("default")), "")
    return values


def example_messages(world: CohortWorld) -> list[Any]:
    return [m for m in world.posts(world.lessons) if m.thread_id]


async def post(world: CohortWorld, **options: Any) -> int:
    """A moderator posts a run of the default lesson; returns the run number."""
    result = await world.mod.slash("lesson post", options, channel=world.lessons)
    assert result.ephemeral and result.followups, result
    text = result.followups[-1].content
    assert "Posted run #" in text, text
    return int(text.split("#")[1].split()[0])


async def critique(world: CohortWorld, member: Any, message: Any, works: str, doesnt: str,
                   likely: str) -> Any:
    """`member` presses "Critique this example" under `message` and sends the form."""
    opened = await member.click(message, message.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None, opened
    return await member.submit_modal(opened, {"works": works, "doesnt": doesnt,
                                              "likely": likely})


def cut_short(task_prefix: str) -> int:
    """Cancel the bot's tasks whose names start with `task_prefix` (`CommandTree-invoker`
    for a slash command, `discord-ui-modal-dispatch` for a form): what `kill -9` does to the
    work in flight, since nothing after the cut runs and the database keeps what was written.
    Returns how many were cut."""
    cut = [t for t in asyncio.all_tasks() if t.get_name().startswith(task_prefix)]
    for task in cut:
        task.cancel()
    return len(cut)


def said(result: Any) -> list[Any]:
    """The bot's answers to an interaction, in order, each once (a deferral's "thinking…" and
    the followup that replaced it are one message)."""
    return list({m.id: m for m in (result.response, *result.followups) if m}.values())


def component(message: Any, label: str) -> str:
    """The custom_id of the button labelled `label` on `message`."""
    for row in message.components:
        for comp in row["components"]:
            if comp.get("label") == label:
                return str(comp["custom_id"])
    raise AssertionError(f"no {label!r} button on {message}")


# Two drafts for the review: one the lesson's rules find weak, one they find strong.
WEAK_DRAFT = (
    "Hi, I came across your profile and would love to connect. I'm looking for a job in "
    "data science, can you refer me to your company? Let me know when you're free to chat."
)
STRONG_DRAFT = (
    "Hi Dana, Priya Shah from our Data Guild suggested I reach out. I read your post on "
    "moving churn models to survival analysis and tried the approach in my capstone. Could I "
    "ask one question about how you chose the censoring window? Happy to share my results."
)


def review_of(world: CohortWorld, member: Any) -> Any:
    """The bot's latest DM to `member` (a review, or why there is none)."""
    replies = [m for m in world.sandbox.dm_messages(member) if m.author_id != member.id]
    return replies[-1]


def draft_button(message: Any, action: str) -> str:
    """The custom_id of a review's button: all, revise, sent or forget."""
    for row in message.components:
        for comp in row["components"]:
            if comp.get("custom_id") == f"cohort:draft:{action}":
                return str(comp["custom_id"])
    raise AssertionError(f"no {action} button on {message}")


def renamed(message: Any, custom_id: str, to: str) -> str:
    """The button `custom_id` on the local Discord's copy of `message` renamed `to`, as a
    message another version of the bot posted (or a modified client) would carry it."""
    for row in message.components:
        for comp in row["components"]:
            if comp.get("custom_id") == custom_id:
                comp["custom_id"] = to
                return to
    raise AssertionError(f"no {custom_id!r} on {message}")

"""Interactions that nothing in this process handles, answered instead of left to fail.

discord.py hands a button to the DynamicItem whose template matches its custom_id (or to a
live view holding it), and a form to the modal it keeps in memory under the form's
custom_id. Two things reach the bot that neither knows:

- A form sent after the bot restarted: only the process that opened it held it. Its
  custom_id says what it was made from (`cohort:<kind>:<carried>:<token>`, see
  `CohortModal`), so it is made again as its cog makes it (the same reads and checks: a
  run closed since, a reminder deleted with /forget-me refuse as they would on opening) and
  the submission runs through it exactly as a live one does: its checks, `on_submit`, its
  refusals with "Edit and send again". A form that cannot be made again (another version's,
  or its maker refuses) gets the reason, then what the member typed, so nothing is lost.
- A button whose custom_id no template matches (another version's, a bad field, not the
  bot's at all): it says so and what to do instead.

`answer_unclaimed` listens to every interaction (bot/client.py adds it); discord.py calls it
besides its own dispatch, so it answers only what that dispatch left alone, never twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

import discord

from bot.errors import UserError
from cogs._given_back import give_back
from cogs._ui import (
    TAKEN,
    CohortModal,
    cohort_bot,
    forms_of,
    guarded,
    report_error,
    send_ephemeral,
)

# What to do instead of a button this version no longer answers, by its kind (`cohort:<kind>:`).
INSTEAD = {
    "critique": "use `/critique` (inside an example's thread it critiques that example).",
    "draft": "DM me the draft again, or use `/review`, for a fresh review.",
    "fu": "`/outreach list` shows your outreaches and their reminders.",
    "fu-same": "log it again with `/outreach log`, and I'll ask again.",
    "forget": "use `/forget-me` again.",
    "again": "open the form again where you first did, and send it.",
}
ELSE = "`/help` lists what I do."
ANOTHER_VERSION = "This button is from another version of me and no longer works"


async def answer_unclaimed(interaction: discord.Interaction) -> None:
    """Answer a button or a form that discord.py's own dispatch has no handler for."""
    data = cast(Mapping[str, Any], interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    if interaction.type is discord.InteractionType.component:
        message_id = interaction.message.id if interaction.message else None
        if not dispatched(interaction.client, int(data.get("component_type", 0)), custom_id,
                          message_id):
            await guarded(interaction, send_ephemeral(interaction, not_mine(custom_id)))
    elif interaction.type is discord.InteractionType.modal_submit and not held(interaction,
                                                                             custom_id):
        await guarded(interaction, take(interaction, custom_id))


def held(interaction: discord.Interaction, custom_id: str) -> bool:
    """Whether a form this process holds takes the submission. It marks the interaction when
    it runs (`TAKEN`), and until it has finished discord.py still holds it (`holds`): one or
    the other, whichever of discord.py's two tasks (the form's, this listener's) runs first."""
    if interaction.extras.get(TAKEN):
        return True
    return forms_of(cohort_bot(interaction)).holds(custom_id)


def not_mine(custom_id: str) -> str:
    """What a button no template matches says: another version's, or not the bot's."""
    kind = custom_id.split(":")[1] if custom_id.startswith("cohort:") else ""
    return f"{ANOTHER_VERSION}: {INSTEAD.get(kind, ELSE)}"


async def take(interaction: discord.Interaction, custom_id: str) -> None:
    """A form sent to this process without it holding the form: made again and run, or
    refused with what the member typed in it."""
    try:
        form = await made_again(interaction, custom_id)
        forms_of(cohort_bot(interaction)).opened(interaction.user.id, form)
        running = run_submission(form, interaction)
    except Exception as error:
        await report_error(interaction, error)
        await give_back(interaction)
        return
    await running  # the form answers, its errors to its own handler


async def made_again(interaction: discord.Interaction, custom_id: str) -> CohortModal:
    kind = forms_of(cohort_bot(interaction)).kind_of(custom_id)
    if kind is None:
        raise UserError("This form is from another version of me, so I couldn't take it. "
                        + ELSE)
    carried = kind.template.fullmatch(custom_id)
    if carried is None:  # an older version's custom_id of the kind, or a forged one
        raise UserError(kind.not_made_again())
    return await kind.reopen(interaction, carried)


def run_submission(form: CohortModal, interaction: discord.Interaction) -> asyncio.Task[None]:
    """Run a submission through `form` exactly as discord.py runs one it dispatches: the
    answers into its inputs, `interaction_check`, `on_submit`, `on_error`, `stop` (an
    awaitable task, named as discord.py names it, so a shutdown lets it answer).

    PRIVATE API: discord.py 2.7 has no public way to hand a modal a submission it did not
    dispatch; `ViewStore.dispatch_modal` calls `Modal._dispatch_submit(interaction,
    components, resolved)` once it has found the modal. `tests/core/test_unclaimed.py`
    (`test_discord_py_still_runs_a_modal_submission_this_way`) fails if that changes."""
    data = cast(Mapping[str, Any], interaction.data or {})
    return form._dispatch_submit(interaction, data.get("components", []),
                                 data.get("resolved", {}))


def dispatched(client: discord.Client, component_type: int, custom_id: str,
               message_id: int | None) -> bool:
    """Whether discord.py's view store dispatched this component to a handler: a DynamicItem
    template matching its custom_id, or a view holding it under its message or under none
    (what `ViewStore.dispatch_view` looks up).

    PRIVATE API: discord.py 2.7 cannot be asked this publicly (`Client.persistent_views`
    lists neither the DynamicItem templates nor the views that time out);
    `tests/core/test_unclaimed.py` (`test_discord_py_still_keeps_its_handlers_this_way`)
    fails if its ViewStore changes."""
    store = client._connection._view_store
    if any(template.fullmatch(custom_id) for template in store._dynamic_items):
        return True
    key = (component_type, custom_id)
    return any(key in store._views.get(entity, {}) for entity in (message_id, None))

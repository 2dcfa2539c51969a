"""The critique form: the "Critique this example" button under each example (a DynamicItem
whose custom_id carries the run, the example and the run's token,
`cohort:critique:<run>:<example>:<token>`, so it keeps working after a restart without the
bot remembering every message it posted, and never for another run that took the number
after a restore) and the modal it opens. /critique opens the same modal."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.critiques import MAX_DOESNT, MAX_WORKS, Author, CritiqueInput, Likely, validate_critique
from bot.runs import RUN_TOKEN, Run, RunExample
from cogs._answer import answer
from cogs._ui import (
    CohortModal,
    CohortView,
    choice,
    chosen,
    guarded,
    services_of,
    show_form,
)

# What the button and the form carry: the run, the example, the run's token (if it has one).
CARRIED = rf"(?P<run>[0-9]{{1,18}}):(?P<example>[0-9]{{1,4}})(?::(?P<token>{RUN_TOKEN}))?"


def carrying(run_id: int, example_no: int, token: str | None) -> str:
    return f"{run_id}:{example_no}" + (f":{token}" if token else "")


class CritiqueButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    # ASCII digits, as many as an id takes: a longer number is no run, answered as a button
    # this version did not post (cogs/_unclaimed.py), never handed to SQLite's integers. The
    # run's token binds the button to the very run it was posted with (`Run.carried_by`);
    # buttons posted before runs had one carry none.
    template=rf"cohort:critique:{CARRIED}",
):
    def __init__(self, run_id: int, example_no: int, token: str | None) -> None:
        super().__init__(discord.ui.Button(
            label="Critique this example", emoji="📝", style=discord.ButtonStyle.primary,
            custom_id=f"cohort:critique:{carrying(run_id, example_no, token)}",
        ))
        self.run_id, self.example_no, self.token = run_id, example_no, token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CritiqueButton:
        return cls(int(match["run"]), int(match["example"]), match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._open(interaction))

    async def _open(self, interaction: discord.Interaction) -> None:
        critiques = services_of(interaction).critiques
        run, example = await critiques.open_example(self.run_id, self.example_no, self.token)
        await open_form(interaction, run, example)


def critique_view(run_id: int, example_no: int, token: str) -> discord.ui.View:
    view = CohortView(timeout=None)
    view.add_item(CritiqueButton(run_id, example_no, token))
    return view


Submitted = Callable[[discord.Interaction, CritiqueInput], Awaitable[None]]


# The answers to "likely to get a response?", as the select offers them.
LIKELY_CHOICES = (("Yes", Likely.YES.value), ("No", Likely.NO.value),
                  ("Unsure", Likely.UNSURE.value))


class CritiqueModal(CohortModal, kind="critique-modal", carries=CARRIED,
                    opened_with="“Critique this example” under the example, or `/critique`"):
    """What works, what doesn't (free text), and the answer picked from yes / no / unsure:
    a select, so no typing (a mobile keyboard's "unsure ") can miss the three words."""

    def __init__(self, run: Run, example: RunExample, existing: CritiqueInput | None,
                 on_submit: Submitted) -> None:
        super().__init__(title=f"Critique: {example.title}",
                         carried=carrying(run.id, example.example_no, run.token))
        self._submitted = on_submit
        # Resubmitting edits the critique: the form starts from what they wrote.
        self.works: discord.ui.TextInput[CritiqueModal] = self.field(
            "What works in this outreach?", discord.ui.TextInput(
                custom_id="works", style=discord.TextStyle.paragraph, max_length=MAX_WORKS,
                required=False, default=existing.works if existing else None))
        self.doesnt: discord.ui.TextInput[CritiqueModal] = self.field(
            "What doesn't work?", discord.ui.TextInput(
                custom_id="doesnt", style=discord.TextStyle.paragraph, max_length=MAX_DOESNT,
                required=False, default=existing.doesnt if existing else None))
        self.likely = self.field("Likely to get a response?", choice(
            "likely", LIKELY_CHOICES, default=existing.likely.value if existing else None))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        critique = validate_critique(self.works.value, self.doesnt.value,
                                     chosen(self.likely) or "")
        await self._submitted(interaction, critique)

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, carried: re.Match[str]
                     ) -> CritiqueModal:
        # The same check as the button's: the run may have closed since the form opened.
        # (The earlier critique only filled the form in: what was sent replaces it.)
        run, example = await services_of(interaction).critiques.open_example(
            int(carried["run"]), int(carried["example"]), carried["token"])
        return critique_form(run, example, None)


async def open_form(interaction: discord.Interaction, run: Run, example: RunExample) -> None:
    """The critique modal for this example, holding the member's earlier critique if any."""
    existing = await services_of(interaction).critiques.existing(run, example,
                                                                 interaction.user.id)
    await show_form(interaction, critique_form(run, example, existing))


def critique_form(run: Run, example: RunExample, existing: CritiqueInput | None
                  ) -> CritiqueModal:
    """The critique modal for this example; sent, it posts (or edits) the critique."""

    async def publish(submitted: discord.Interaction, critique: CritiqueInput) -> None:
        critiques = services_of(submitted).critiques
        await submitted.response.defer(ephemeral=True, thinking=True)
        user = submitted.user
        author = Author(user.id, user.display_name, user.display_avatar.url)
        created = await critiques.publish(author, run, example, critique)
        verb = "Posted" if created else "Updated"
        await answer(submitted, f"{verb} your critique of **{example.title}** in "
                     f"<#{example.thread_id}>. Submitting again edits it.")

    return CritiqueModal(run, example, existing, publish)

"""The custom_ids of the bot's forms and buttons, what is given back of a form it cannot take,
and the two pieces of discord.py's private API that cogs/_unclaimed.py relies on (each test
here fails loudly if discord.py changes them). End to end: tests/e2e/test_unclaimed.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from cogs._given_back import MESSAGE_LIMIT, SENT_BACK, chunks, sent_back, typed
from cogs._ui import TAKEN, CohortModal, FormMemory
from cogs._unclaimed import ANOTHER_VERSION, dispatched, not_mine, run_submission
from cogs.critiques._views import CritiqueButton, CritiqueModal
from cogs.followups._views import FollowupButton, FollowupReviewModal, SentModal
from cogs.privacy._cog import ForgetButton
from cogs.review._views import DraftButton, DraftModal
from tests.markdown import shows_as_typed

TOKEN = "0123456789ab"
FORMS: list[type[CohortModal]] = [CritiqueModal, DraftModal, FollowupReviewModal, SentModal]


@pytest.mark.parametrize(("form", "custom_id", "carried"), [
    (CritiqueModal, f"cohort:critique-modal:12:3:0a1b2c3d:{TOKEN}",
     {"run": "12", "example": "3", "token": "0a1b2c3d"}),
    (CritiqueModal, f"cohort:critique-modal:12:3:{TOKEN}",  # a run posted before run tokens
     {"run": "12", "example": "3", "token": None}),
    (DraftModal, f"cohort:draft-modal:new:{TOKEN}", {"review": None}),
    (DraftModal, f"cohort:draft-modal:1457659890894446620:{TOKEN}",
     {"review": "1457659890894446620"}),
    (FollowupReviewModal, f"cohort:fu-review:7:2:{TOKEN}", {"id": "7", "delivery": "2"}),
    (SentModal, f"cohort:draft-sent:18446744073709551615:{TOKEN}",
     {"review": "18446744073709551615"}),
])
def test_a_form_s_custom_id_carries_what_it_was_made_from(
    form: type[CohortModal], custom_id: str, carried: dict[str, str | None],
) -> None:
    match = form.template.fullmatch(custom_id)
    assert match is not None and match.groupdict() == carried


@pytest.mark.parametrize("custom_id", [
    "cohort:critique-modal:12:3",  # no token: not a form the bot opened
    f"cohort:critique-modal:12:{TOKEN}",  # an example missing
    f"cohort:critique-modal:{'9' * 19}:3:{TOKEN}",  # beyond SQLite's integers
    f"cohort:critique-modal:١٢:٣:{TOKEN}",  # digits, but not ASCII ones
    f"cohort:critique-modal:12:3:{TOKEN.upper()}",
    f"cohort:critique-modal:12:3:{TOKEN}:more",
    f"cohort:draft-sent:{TOKEN}",  # the version before this one's "I sent it"
    f"cohort:draft-modal:{TOKEN}",  # ... and its /review
    f"cohort:draft-modal:-1:{TOKEN}",
    f"cohort:fu-review:{TOKEN}",
])
def test_a_custom_id_that_carries_too_little_or_too_much_matches_no_form(custom_id: str) -> None:
    assert not any(form.template.fullmatch(custom_id) for form in FORMS)


def test_a_form_is_found_by_its_kind_alone() -> None:
    memory = FormMemory(SimpleNamespace(clock=None))  # type: ignore[arg-type]
    memory.add_kinds(*FORMS)
    assert memory.kind_of(f"cohort:draft-sent:{TOKEN}") is SentModal  # found, if not made
    assert memory.kind_of("cohort:draft-sent") is None
    assert memory.kind_of("cohort:poll:1") is None
    assert memory.kind_of("draft-sent:1:2") is None
    memory.remove_kinds(SentModal)
    assert memory.kind_of(f"cohort:draft-sent:1:{TOKEN}") is None
    assert not memory.holds(f"cohort:draft-modal:new:{TOKEN}")  # never opened here


@pytest.mark.parametrize(("button", "custom_id", "matches"), [
    (CritiqueButton(1, 2, "0a1b2c3d"), "cohort:critique:1:2:0a1b2c3d", True),
    (CritiqueButton(1, 2, None), "cohort:critique:1:2", True),  # posted before run tokens
    (CritiqueButton(1, 2, None), "cohort:critique:1:2:0A1B2C3D", False),
    (CritiqueButton(1, 2, None), "cohort:critique:1:2:0a1b2c", False),
    (CritiqueButton(1, 2, None), "cohort:critique:١:٢", False),
    (CritiqueButton(1, 2, None), f"cohort:critique:{'9' * 19}:2", False),
    (CritiqueButton(1, 2, None), "cohort:critique:1", False),
    (ForgetButton(1, "confirm"), "cohort:forget:18446744073709551615:confirm", True),
    (ForgetButton(1, "confirm"), f"cohort:forget:{'1' * 21}:confirm", False),
    (ForgetButton(1, "confirm"), "cohort:forget:1:delete", False),
    (FollowupButton("drop", 1, 1), "cohort:fu:archive:3:1", True),  # answered by its service
    (FollowupButton("drop", 1, 1), "cohort:fu:drop:٣:1", False),
    (DraftButton("all"), "cohort:draft:share", True),  # answered by its cog
])
def test_a_button_template_takes_ascii_ids_of_a_size_the_bot_makes(
    button: discord.ui.DynamicItem[Any], custom_id: str, matches: bool,
) -> None:
    assert bool(button.template.fullmatch(custom_id)) is matches


@pytest.mark.parametrize(("custom_id", "instead"), [
    ("cohort:critique:1", "use `/critique`"),
    ("cohort:forget:x:confirm", "use `/forget-me` again."),
    ("cohort:fu-same:zz:yes", "log it again with `/outreach log`"),
    ("cohort:unknown:1", "`/help` lists what I do."),
    ("cohort", "`/help` lists what I do."),
    ("", "`/help` lists what I do."),
    ("ünïcödé:1", "`/help` lists what I do."),
])
def test_a_button_no_template_matches_says_what_to_do_instead(custom_id: str,
                                                             instead: str) -> None:
    assert not_mine(custom_id).startswith(f"{ANOTHER_VERSION}: {instead}")


def submitted(*values: str, custom_id: str = "x") -> Any:
    """A form's submission as Discord sends it: each text input under a label, and a select."""
    components: list[dict[str, Any]] = [
        {"type": 18, "component": {"type": 4, "custom_id": f"in{n}", "value": value}}
        for n, value in enumerate(values)]
    components.append({"type": 18, "component": {"type": 3, "custom_id": "pick",
                                                 "values": ["b"]}})
    components.append({"type": 1, "components": [{"type": 4, "custom_id": "row",
                                                  "value": "in a row"}]})
    # (never answered: nothing is owed under it, `cogs/_ui.py: tell_owed`)
    return SimpleNamespace(data={"custom_id": custom_id, "components": components},
                           extras={}, _state=None, guild_id=None, guild=None,
                           response=SimpleNamespace(is_done=lambda: False))


def test_what_was_typed_is_every_text_input_with_something_in_it() -> None:
    assert typed(submitted("first", "", "  ", "last")) == ["first", "last", "in a row"]


def test_a_short_text_comes_back_in_one_message() -> None:
    assert sent_back(["one", "two"]) == [f"{SENT_BACK}\n\none\n\ntwo"]
    assert sent_back([]) == []


@given(st.lists(st.text(min_size=1, max_size=4000), min_size=1, max_size=3))
def test_what_comes_back_fits_discord_and_shows_as_typed(texts: list[str]) -> None:
    messages = sent_back(texts)
    assert messages[0].startswith(SENT_BACK)
    assert all(0 < len(message) <= MESSAGE_LIMIT for message in messages)
    for text in texts:
        if len(text) < 500 and text.strip():
            assert any(shows_as_typed(message, text) for message in messages), text


@given(st.text(alphabet=st.sampled_from("ab \n\\*"), max_size=3000),
       st.integers(min_value=4, max_value=2000))
def test_a_text_is_cut_into_pieces_that_join_back_and_keep_each_escape(text: str,
                                                                      limit: int) -> None:
    pieces = list(chunks(text, limit))
    assert "".join(pieces) == text
    for piece in pieces[:-1]:
        assert 0 < len(piece) <= limit
        assert (len(piece) - len(piece.rstrip("\\"))) % 2 == 0  # no escape cut off its char


# --- discord.py's private API ----------------------------------------------------------------


class Probe(CohortModal, kind="probe", carries=r"(?P<n>[0-9]+)", opened_with="a probe"):
    def __init__(self) -> None:
        super().__init__(title="Probe", carried="1")
        self.text = self.field("Text", discord.ui.TextInput(custom_id="in0", required=False))
        self.pick = self.field("Pick", discord.ui.Select(custom_id="pick", options=[
            discord.SelectOption(label="A", value="a"), discord.SelectOption(label="B",
                                                                             value="b")]))
        self.got: tuple[str, list[str]] | None = None

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.got = (self.text.value, list(self.pick.values))


async def test_discord_py_still_runs_a_modal_submission_this_way() -> None:
    """`Modal._dispatch_submit(interaction, components, resolved)`: a task that fills the
    form's inputs from the submission, checks it and runs `on_submit`, then stops it."""
    form = Probe()
    assert form.template.fullmatch(form.custom_id)
    interaction = submitted("typed")
    task = run_submission(form, interaction)
    assert isinstance(task, asyncio.Task)
    assert task.get_name().startswith("discord-ui-modal-dispatch-")
    await task
    assert form.got == ("typed", ["b"])
    assert interaction.extras == {TAKEN: True} and form.is_finished()


async def test_a_form_kind_that_cannot_be_made_again_asks_the_member_to_open_it_again() -> None:
    """A kind without `reopen` of its own (Probe) is refused in words, never an exception."""
    carried = Probe.template.fullmatch(Probe().custom_id)
    assert carried is not None
    with pytest.raises(UserError, match="Open it again with a probe"):
        await Probe.reopen(submitted("typed"), carried)


class Pressed(discord.ui.DynamicItem[discord.ui.Button[Any]],
              template=r"probe:(?P<n>[0-9]+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label="Probe", custom_id=f"probe:{n}"))


async def test_discord_py_still_keeps_its_handlers_this_way() -> None:
    """The view store's `_dynamic_items` (template -> DynamicItem) and `_views` (message id
    or None -> {(component type, custom_id): item}), which `ViewStore.dispatch_view` reads."""
    client = discord.Client(intents=discord.Intents.none())
    button = discord.ComponentType.button.value
    assert not dispatched(client, button, "probe:1", None)
    client.add_dynamic_items(Pressed)
    assert dispatched(client, button, "probe:1", None)
    assert not dispatched(client, button, "probe:x", None)
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Plain", custom_id="plain"))
    client.add_view(view, message_id=5)
    assert dispatched(client, button, "plain", 5)
    assert not dispatched(client, button, "plain", 6)
    assert not dispatched(client, discord.ComponentType.string_select.value, "plain", 5)
    anywhere = discord.ui.View(timeout=None)
    anywhere.add_item(discord.ui.Button(label="Plain", custom_id="anywhere"))
    client.add_view(anywhere)
    assert dispatched(client, button, "anywhere", 6)
    client.remove_dynamic_items(Pressed)
    assert not dispatched(client, button, "probe:1", None)
    await client.close()

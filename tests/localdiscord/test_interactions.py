"""Slash commands, buttons, modals, deferrals, followups and Discord's 3-second rule."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord.http import Route

from localdiscord.control.base import ControlError

from .live import LiveDiscord, ephemeral


async def test_commands_synced(ld: LiveDiscord) -> None:
    names = {c["name"] for c in await ld.control.commands()}
    assert names == {"echo", "confirm", "slow", "ignore", "lesson", "zone"}
    assert ld.client is not None
    fetched = await ld.client.tree.fetch_commands()  # type: ignore[attr-defined]
    assert {c.name for c in fetched} == names


async def test_slash_with_options(ld: LiveDiscord) -> None:
    result = await ld.ada.slash("echo", {"text": "hi", "times": 2}, channel="lessons")
    assert result["callback_type"] == 4 and not result["failed"]
    assert result["response"]["content"] == "hihi" and not ephemeral(result["response"])
    assert (await ld.messages("lessons"))[-1]["content"] == "hihi"
    channel = ld.channel("lessons")
    fetched = await channel.fetch_message(int(result["response"]["id"]))
    assert fetched.interaction_metadata is not None
    assert fetched.interaction_metadata.user.id == ld.id("ada")
    assert 0 <= result["ack_ms"] < 3000  # from INTERACTION_CREATE leaving to the callback
    ignored = await ld.ada.slash("ignore", channel="lessons", settle=False)
    assert ignored["ack_ms"] is None  # not (yet) acknowledged


async def test_subcommand(ld: LiveDiscord) -> None:
    result = await ld.mod.slash("lesson post", {"title": "Networking"}, channel="lessons")
    assert result["response"]["content"] == "lesson: Networking"


async def test_a_command_the_bot_never_synced_is_refused(ld: LiveDiscord) -> None:
    with pytest.raises(ControlError, match="no command /nothing"):
        await ld.ada.slash("nothing", channel="lessons")


async def test_button_updates_message(ld: LiveDiscord) -> None:
    result = await ld.ada.slash("confirm", channel="lessons")
    click = await ld.ada.click(result["response"], "conf:yes")
    assert click["callback_type"] == 7
    updated = await ld.control.message(message=result["response"]["id"])
    assert updated["content"] == "confirmed" and updated["components"] == []


async def test_modal_opened_and_submitted(ld: LiveDiscord) -> None:
    result = await ld.ada.slash("confirm", channel="lessons")
    opened = await ld.ada.click(result["response"], "conf:ask")
    assert opened["callback_type"] == 9
    assert opened["modal"]["title"] == "A note"
    submitted = await ld.ada.submit_modal(opened, {"note:text": "looks good"})
    assert submitted["response"]["content"] == "noted: looks good"
    assert ephemeral(submitted["response"])


async def test_deferred_then_followups(ld: LiveDiscord) -> None:
    result = await ld.ben.slash("slow", channel="lessons")
    assert result["callback_type"] == 5
    assert result["response"]["content"] == "done later" and ephemeral(result["response"])
    assert [m["content"] for m in result["followups"]] == ["done later", "and more"]
    assert not ephemeral(result["followups"][1])


async def test_unacknowledged_interaction_fails(ld: LiveDiscord) -> None:
    await ld.control.settings(interaction_timeout=0.05)
    started = await ld.cy.slash("ignore", channel="lessons")
    result = await ld.control.interaction(interaction=started["id"], wait="answered")
    assert result["failed"] and result["callback_type"] is None


class Grab:
    """Collects the raw discord.Interaction objects, to drive the bot's side by hand."""

    def __init__(self, ld: LiveDiscord) -> None:
        self.seen: list[discord.Interaction] = []
        assert ld.client is not None
        ld.client.add_listener(self.on_interaction, "on_interaction")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.seen.append(interaction)


async def test_late_and_double_answers(ld: LiveDiscord) -> None:
    """A callback after the deadline is 10062; a second callback is 40060."""
    await ld.control.settings(interaction_timeout=0.05)
    grab = Grab(ld)
    started = await ld.cy.slash("ignore", channel="lessons")
    await ld.control.interaction(interaction=started["id"], wait="answered")
    with pytest.raises(discord.NotFound) as info:
        await grab.seen[0].response.send_message("too late")
    assert info.value.code == 10062
    late = await ld.control.interaction(interaction=started["id"])
    assert late["late_callbacks"] == 1

    await ld.control.settings(interaction_timeout=3.0)
    result = await ld.cy.slash("ignore", channel="lessons")
    await grab.seen[1].response.send_message("first")
    grab.seen[1].response._response_type = None  # make discord.py forget, to send twice
    with pytest.raises(discord.HTTPException) as info:
        await grab.seen[1].response.send_message("second")
    assert info.value.code == 40060
    answered = await ld.control.interaction(interaction=result["id"])
    assert answered["response"]["content"] == "first"


async def test_modal_limits(ld: LiveDiscord) -> None:
    grab = Grab(ld)
    await ld.cy.slash("ignore", channel="lessons")
    modal = discord.ui.Modal(title="t" * 46)
    modal.add_item(discord.ui.TextInput(label="x"))
    with pytest.raises(discord.HTTPException) as info:
        await grab.seen[0].response.send_modal(modal)
    assert info.value.code == 50035
    await ld.control.take_violations()  # the spec also knows the 45-character title limit


async def test_original_and_followup_edits(ld: LiveDiscord) -> None:
    grab = Grab(ld)
    result = await ld.ada.slash("ignore", channel="lessons")
    inter = grab.seen[0]
    assert inter.filesize_limit > 0
    await inter.response.send_message("v1", file=discord.File(__file__, filename="src.py"))

    async def now() -> dict[str, Any]:
        answer: dict[str, Any] = await ld.control.interaction(interaction=result["id"])
        return answer

    assert (await now())["response"]["attachments"][0]["filename"] == "src.py"
    original = await inter.original_response()
    assert original.content == "v1"
    await inter.edit_original_response(content="v2")
    assert (await now())["response"]["content"] == "v2"
    follow = await inter.followup.send("f1", wait=True)
    await follow.edit(content="f2")
    assert [m["content"] for m in (await now())["followups"]] == ["f2"]
    await follow.delete()
    await inter.delete_original_response()
    assert await ld.messages("lessons") == []


async def test_upload_limit(ld: LiveDiscord) -> None:
    await ld.control.settings(upload_limit=1000)
    grab = Grab(ld)
    await ld.ada.slash("ignore", channel="lessons")
    assert grab.seen[0].filesize_limit == 1000
    with pytest.raises(discord.HTTPException) as info:
        await ld.channel("lessons").send(file=discord.File(__file__))
    assert info.value.status == 413 and info.value.code == 40005
    await grab.seen[0].response.send_message("small")


async def test_slash_in_dm(ld: LiveDiscord) -> None:
    result = await ld.ada.slash("echo", {"text": "hey"}, dm=True)
    assert result["response"]["content"] == "hey"
    assert (await ld.ada.dms())[-1]["content"] == "hey"


async def test_deferred_update_then_edit_original(ld: LiveDiscord) -> None:
    class Later(discord.ui.View):
        @discord.ui.button(label="Go", custom_id="later:go")
        async def go(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.defer()
            await interaction.edit_original_response(content="gone", view=None)

    sent = await ld.channel("lessons").send("ready?", view=Later())
    result = await ld.ada.click(sent.id, "later:go")
    assert result["callback_type"] == 6
    assert result["message"]["content"] == "gone" and result["message"]["components"] == []


async def test_unimplemented_route_is_reported(ld: LiveDiscord) -> None:
    assert ld.client is not None
    lessons_id = ld.id("lessons")
    route = Route("GET", "/channels/{channel_id}/pins", channel_id=lessons_id)
    with pytest.raises(discord.NotFound):
        await ld.client.http.request(route)
    assert await ld.control.unsupported() == [f"GET /channels/{lessons_id}/pins"]


async def test_autocomplete_answers_with_choices(ld: LiveDiscord) -> None:
    typed = await ld.ada.autocomplete("zone", "name", {"name": "europe"}, channel="lessons")
    assert typed["callback_type"] == 8 and not typed["failed"]
    assert typed["choices"] == [
        {"name": "Europe/Paris", "value": "Europe/Paris"},
        {"name": "Europe/Berlin", "value": "Europe/Berlin"},
    ]
    assert typed["response"] is None  # choices are no message
    empty = await ld.ada.autocomplete("zone", "name", channel="lessons")
    assert len(empty["choices"]) == 3
    # The command itself then runs with the chosen value.
    chosen = await ld.ada.slash("zone", {"name": "Europe/Paris"}, channel="lessons")
    assert chosen["response"]["content"] == "zone: Europe/Paris"


async def test_autocomplete_refuses_other_answers(ld: LiveDiscord) -> None:
    """An autocomplete answered with a message (or a command with choices) is refused 40043,
    as Discord does."""
    typed = await ld.ada.autocomplete("zone", "name", {"name": "x"}, channel="lessons")
    route = Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                  interaction_id=typed["id"], interaction_token=typed["token"])
    assert ld.client is not None
    with pytest.raises(discord.HTTPException) as refused:
        await ld.client.http.request(route, json={"type": 8, "data": {"choices": []}})
    assert refused.value.code == 40060  # already answered with its choices
    command = await ld.ada.slash("ignore", channel="lessons", settle=False)
    route = Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                  interaction_id=command["id"], interaction_token=command["token"])
    with pytest.raises(discord.HTTPException) as wrong:
        await ld.client.http.request(route, json={"type": 8, "data": {"choices": []}})
    assert wrong.value.code == 40043

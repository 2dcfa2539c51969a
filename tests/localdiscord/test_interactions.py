"""Slash commands, buttons, modals, deferrals, followups and Discord's 3-second rule."""

from __future__ import annotations

import discord
import pytest
from discord.http import Route

from bot.demo.guild import CohortGuild
from localdiscord import Sandbox

from .plain_bot import PlainBot, ProbeCog


async def test_commands_synced(sandbox: Sandbox) -> None:
    names = {c.name for c in sandbox.world.commands.values()}
    assert names == {"echo", "confirm", "slow", "ignore", "lesson", "zone"}
    assert sandbox.client is not None
    fetched = await sandbox.client.tree.fetch_commands()
    assert {c.name for c in fetched} == names


async def test_slash_with_options(sandbox: Sandbox) -> None:
    ada = sandbox.member("ada")
    result = await ada.slash("echo", {"text": "hi", "times": 2}, channel="lessons")
    assert result.callback_type == 4 and not result.failed
    assert result.response is not None and result.response.content == "hihi"
    assert not result.ephemeral
    assert sandbox.messages("lessons")[-1].content == "hihi"
    assert sandbox.client is not None
    channel = sandbox.client.get_channel(sandbox.channel("lessons").id)
    assert isinstance(channel, discord.TextChannel)
    fetched = await channel.fetch_message(result.response.id)
    assert fetched.interaction_metadata is not None
    assert fetched.interaction_metadata.user.id == ada.id


async def test_subcommand(sandbox: Sandbox) -> None:
    mod = sandbox.member("mod")
    result = await mod.slash("lesson post", {"title": "Networking"}, channel="lessons")
    assert result.response is not None and result.response.content == "lesson: Networking"


async def test_button_updates_message(sandbox: Sandbox) -> None:
    ada = sandbox.member("ada")
    result = await ada.slash("confirm", channel="lessons")
    assert result.response is not None
    click = await ada.click(result.response, "conf:yes")
    assert click.callback_type == 7
    assert result.response.content == "confirmed"
    assert result.response.components == []


async def test_modal_opened_and_submitted(sandbox: Sandbox) -> None:
    ada = sandbox.member("ada")
    result = await ada.slash("confirm", channel="lessons")
    assert result.response is not None
    opened = await ada.click(result.response, "conf:ask")
    assert opened.callback_type == 9
    assert opened.modal is not None and opened.modal["title"] == "A note"
    submitted = await ada.submit_modal(opened, {"note:text": "looks good"})
    assert submitted.response is not None
    assert submitted.response.content == "noted: looks good"
    assert submitted.ephemeral


async def test_deferred_then_followups(sandbox: Sandbox) -> None:
    result = await sandbox.member("ben").slash("slow", channel="lessons")
    assert result.callback_type == 5
    assert result.response is not None
    assert result.response.content == "done later" and result.ephemeral
    assert [m.content for m in result.followups] == ["done later", "and more"]
    assert not result.followups[1].ephemeral


async def test_unacknowledged_interaction_fails(sandbox: Sandbox) -> None:
    sandbox.interaction_timeout = 0.05
    result = await sandbox.member("cy").slash("ignore", channel="lessons")
    assert await result.expired()
    assert result.failed and result.callback_type is None


async def test_late_and_double_answers(sandbox: Sandbox) -> None:
    """A callback after the deadline is 10062; a second callback is 40060."""
    sandbox.interaction_timeout = 0.05
    assert sandbox.client is not None
    seen: list[discord.Interaction] = []

    async def grab(interaction: discord.Interaction) -> None:
        seen.append(interaction)

    sandbox.client.add_listener(grab, "on_interaction")
    result = await sandbox.member("cy").slash("ignore", channel="lessons")
    await result.expired()
    with pytest.raises(discord.NotFound) as info:
        await seen[0].response.send_message("too late")
    assert info.value.code == 10062

    sandbox.interaction_timeout = 3.0
    result = await sandbox.member("cy").slash("ignore", channel="lessons")
    await seen[1].response.send_message("first")
    seen[1].response._response_type = None  # make discord.py forget, to send twice
    with pytest.raises(discord.HTTPException) as info:
        await seen[1].response.send_message("second")
    assert info.value.code == 40060
    assert result.response is not None and result.response.content == "first"


async def test_modal_limits(sandbox: Sandbox) -> None:
    assert sandbox.client is not None
    seen: list[discord.Interaction] = []

    async def grab(interaction: discord.Interaction) -> None:
        seen.append(interaction)

    sandbox.client.add_listener(grab, "on_interaction")
    await sandbox.member("cy").slash("ignore", channel="lessons")
    modal = discord.ui.Modal(title="t" * 46)
    modal.add_item(discord.ui.TextInput(label="x"))
    with pytest.raises(discord.HTTPException) as info:
        await seen[0].response.send_modal(modal)
    assert info.value.code == 50035
    sandbox.take_violations()  # the spec also knows the 45-character title limit


class Grab:
    """Collects the raw discord.Interaction objects, to drive the bot's side by hand."""

    def __init__(self, sb: Sandbox) -> None:
        self.seen: list[discord.Interaction] = []
        assert sb.client is not None
        sb.client.add_listener(self.on_interaction, "on_interaction")

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.seen.append(interaction)


async def test_original_and_followup_edits(sandbox: Sandbox) -> None:
    grab = Grab(sandbox)
    result = await sandbox.member("ada").slash("ignore", channel="lessons")
    inter = grab.seen[0]
    assert inter.filesize_limit > 0
    await inter.response.send_message("v1", file=discord.File(__file__, filename="src.py"))
    assert result.response is not None and result.response.attachments[0].filename == "src.py"
    original = await inter.original_response()
    assert original.content == "v1"
    await inter.edit_original_response(content="v2")
    assert result.response.content == "v2"
    follow = await inter.followup.send("f1", wait=True)
    await follow.edit(content="f2")
    assert [m.content for m in result.followups] == ["f2"]
    await follow.delete()
    await inter.delete_original_response()
    assert sandbox.messages("lessons") == []


async def test_upload_limit(sandbox: Sandbox) -> None:
    sandbox.server.actions.upload_limit = 1000
    grab = Grab(sandbox)
    await sandbox.member("ada").slash("ignore", channel="lessons")
    assert grab.seen[0].filesize_limit == 1000
    assert sandbox.client is not None
    channel = sandbox.client.get_channel(sandbox.channel("lessons").id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(file=discord.File(__file__))
    assert info.value.status == 413 and info.value.code == 40005
    await grab.seen[0].response.send_message("small")


async def test_slash_in_dm(sandbox: Sandbox) -> None:
    result = await sandbox.member("ada").slash("echo", {"text": "hey"}, dm=True)
    assert result.response is not None and result.response.content == "hey"
    assert sandbox.dm_messages(sandbox.member("ada"))[-1].content == "hey"


async def test_unsynced_commands_are_found_in_the_tree() -> None:
    class NoSync(PlainBot):
        async def setup_hook(self) -> None:
            await super().setup_hook()
            self.tree.clear_commands(guild=None)
            await self.tree.sync()
            cog = self.get_cog("ProbeCog")
            assert isinstance(cog, ProbeCog)
            for cmd in cog.get_app_commands():
                self.tree.add_command(cmd, override=True)

    async with Sandbox(NoSync) as sb:
        cohort = CohortGuild(sb)
        await sb.settle()
        assert sb.world.commands == {}
        result = await cohort.ada.slash("lesson post", {"title": "T"}, channel=cohort.lessons)
        assert result.response is not None and result.response.content == "lesson: T"


async def test_deferred_update_then_edit_original(sandbox: Sandbox) -> None:
    class Later(discord.ui.View):
        @discord.ui.button(label="Go", custom_id="later:go")
        async def go(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.defer()
            await interaction.edit_original_response(content="gone", view=None)

    assert sandbox.client is not None
    channel = sandbox.client.get_channel(sandbox.channel("lessons").id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("ready?", view=Later())
    result = await sandbox.member("ada").click(sandbox.world.messages[sent.id], "later:go")
    assert result.callback_type == 6
    assert result.updated_message is not None
    assert result.updated_message.content == "gone" and result.updated_message.components == []


async def test_unimplemented_route_is_reported(sandbox: Sandbox) -> None:
    assert sandbox.client is not None
    lessons_id = sandbox.channel("lessons").id
    route = Route("GET", "/channels/{channel_id}/pins", channel_id=lessons_id)
    with pytest.raises(discord.HTTPException):
        await sandbox.client.http.request(route)
    assert sandbox.server.unsupported == [f"GET /channels/{lessons_id}/pins"]


async def test_autocomplete_answers_with_choices(sandbox: Sandbox) -> None:
    ada = sandbox.member("ada")
    typed = await ada.autocomplete("zone", "name", {"name": "europe"}, channel="lessons")
    assert typed.callback_type == 8 and not typed.failed
    assert typed.choices == [
        {"name": "Europe/Paris", "value": "Europe/Paris"},
        {"name": "Europe/Berlin", "value": "Europe/Berlin"},
    ]
    assert typed.response is None  # choices are no message
    empty = await ada.autocomplete("zone", "name", channel="lessons")
    assert empty.choices is not None and len(empty.choices) == 3
    # The command itself then runs with the chosen value.
    chosen = await ada.slash("zone", {"name": "Europe/Paris"}, channel="lessons")
    assert chosen.response is not None and chosen.response.content == "zone: Europe/Paris"


async def test_autocomplete_refuses_other_answers(sandbox: Sandbox) -> None:
    """An autocomplete answered with a message (or a command with choices) is refused 40043,
    as Discord does."""
    ada = sandbox.member("ada")
    typed = await ada.autocomplete("zone", "name", {"name": "x"}, channel="lessons", settle=True)
    route = Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                  interaction_id=typed.record.id, interaction_token=typed.record.token)
    assert sandbox.client is not None
    with pytest.raises(discord.HTTPException) as refused:
        await sandbox.client.http.request(route, json={"type": 8, "data": {"choices": []}})
    assert refused.value.code == 40060  # already answered with its choices
    command = await ada.slash("ignore", channel="lessons", settle=False)
    route = Route("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
                  interaction_id=command.record.id, interaction_token=command.record.token)
    with pytest.raises(discord.HTTPException) as wrong:
        await sandbox.client.http.request(route, json={"type": 8, "data": {"choices": []}})
    assert wrong.value.code == 40043

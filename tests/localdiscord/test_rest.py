"""The bot's REST calls: messages, threads, forum posts, DMs, reactions, limits, nonces."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from localdiscord import Sandbox
from localdiscord.guilds import GuildHandle

from .plain_bot import PlainBot


def text_channel(sb: Sandbox, name: str) -> discord.TextChannel:
    assert sb.client is not None
    channel = sb.client.get_channel(sb.channel(name).id)
    assert isinstance(channel, discord.TextChannel)
    return channel


THIS_FILE = Path(__file__).read_bytes()


async def test_send_edit_delete_with_embeds_components_files(sandbox: Sandbox) -> None:
    channel = text_channel(sandbox, "lessons")
    embed = discord.Embed(title="Lesson 1", description="Networking").add_field(name="a", value="b")
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Open", custom_id="x:open"))
    msg = await channel.send(
        "hello", embed=embed, view=view, file=discord.File(__file__, filename="notes.txt")
    )
    stored = sandbox.bot_messages("lessons")[-1]
    assert stored.id == msg.id
    assert stored.embeds[0]["title"] == "Lesson 1"
    assert stored.components[0]["components"][0]["custom_id"] == "x:open"
    assert stored.attachments[0].filename == "notes.txt"
    assert stored.attachments[0].data == THIS_FILE
    assert msg.attachments[0].filename == "notes.txt"

    await msg.edit(content="edited", embed=None)
    assert stored.content == "edited" and stored.embeds == []
    fetched = await channel.fetch_message(msg.id)
    assert fetched.content == "edited"
    history = [m async for m in channel.history(limit=10)]
    assert [m.id for m in history] == [msg.id]

    await msg.delete()
    assert sandbox.bot_messages("lessons") == []
    with pytest.raises(discord.NotFound) as info:
        await channel.fetch_message(msg.id)
    assert info.value.code == 10008


async def test_history_before_after(sandbox: Sandbox) -> None:
    channel = text_channel(sandbox, "lessons")
    sent = [await channel.send(str(i)) for i in range(5)]
    older = [m.content async for m in channel.history(limit=10, before=sent[3])]
    assert older == ["2", "1", "0"]
    newer = [m.content async for m in channel.history(limit=2, after=sent[1])]
    assert newer == ["2", "3"]


async def test_nonce_is_enforced(sandbox: Sandbox) -> None:
    channel = text_channel(sandbox, "lessons")
    first = await channel.send("reminder", nonce="fu:1")
    again = await channel.send("reminder", nonce="fu:1")
    assert first.id == again.id
    assert len(sandbox.bot_messages("lessons")) == 1


async def test_limits_are_enforced(sandbox: Sandbox) -> None:
    channel = text_channel(sandbox, "lessons")
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert info.value.code == 50035
    # The spec knows this limit too: the request is flagged as one real Discord would refuse.
    (flagged,) = sandbox.take_violations()
    assert "embeds/0/title" in flagged.error
    big = [discord.Embed(description="d" * 4000) for _ in range(2)]
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embeds=big)
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException) as info:
        await channel.send()  # discord.py sends it; Discord refuses an empty message
    assert info.value.code == 50006


async def test_threads_and_forum_post(sandbox: Sandbox) -> None:
    channel = text_channel(sandbox, "lessons")
    msg = await channel.send("Example 1")
    thread = await msg.create_thread(name="Critiques of example 1")
    assert thread.id == msg.id
    await sandbox.settle()
    assert sandbox.client is not None and sandbox.client.get_channel(thread.id) is not None
    await thread.send("first critique")
    assert sandbox.bot_messages(thread.id)[0].content == "first critique"

    standalone = await channel.create_thread(name="side", type=discord.ChannelType.public_thread)
    await standalone.join()
    await standalone.edit(archived=True, locked=True)
    assert sandbox.world.channels[standalone.id].archived
    assert {t.name for t in sandbox.threads("lessons")} == {"Critiques of example 1", "side"}

    forum = sandbox.client.get_channel(sandbox.channel("critiques").id)
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(name="Example A", content="What works here?")
    assert post.message.content == "What works here?"
    assert sandbox.messages(post.thread.id)[0].content == "What works here?"


async def test_dm_and_closed_dms(sandbox: Sandbox) -> None:
    assert sandbox.client is not None
    ada = sandbox.client.get_user(sandbox.member("ada").id)
    assert ada is not None
    await ada.send("welcome")
    assert sandbox.dm_messages(sandbox.member("ada"))[-1].content == "welcome"

    guild = next(iter(sandbox.world.guilds.values()))
    shy = GuildHandle(sandbox, guild).add_member("shy", dms_closed=True)
    await sandbox.settle()  # GUILD_MEMBER_ADD reaches the bot
    user = sandbox.client.get_user(shy.id)
    assert user is not None
    with pytest.raises(discord.Forbidden) as info:
        await user.send("hi")
    assert info.value.code == 50007


async def test_bot_cannot_send_here(sandbox: Sandbox) -> None:
    sandbox.deny_send("lessons")
    await sandbox.settle()
    channel = text_channel(sandbox, "lessons")
    assert not channel.permissions_for(channel.guild.me).send_messages
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("nope")
    assert info.value.code == 50013
    sandbox.deny_send("lessons", False)
    await sandbox.settle()
    assert channel.permissions_for(channel.guild.me).send_messages


async def test_reactions(sandbox: Sandbox) -> None:
    channel = text_channel(sandbox, "lessons")
    msg = await channel.send("vote")
    await msg.add_reaction("👍")
    stored = sandbox.bot_messages("lessons")[-1]
    await sandbox.member("ada").react(stored, "👍")
    fetched = await channel.fetch_message(msg.id)
    users = [u.id async for u in fetched.reactions[0].users()]
    assert set(users) == {sandbox.world.bot.id, sandbox.member("ada").id}
    await msg.remove_reaction("👍", channel.guild.me)
    assert sandbox.reactions(stored) == {"👍": [sandbox.member("ada").id]}


async def test_guild_endpoints(sandbox: Sandbox) -> None:
    assert sandbox.client is not None
    guild = sandbox.client.guilds[0]
    fetched = await sandbox.client.fetch_guild(guild.id)
    assert fetched.name == "Cohort"
    roles = await guild.fetch_roles()
    assert any(r.name == "Moderator" for r in roles)
    member = await guild.fetch_member(sandbox.member("ada").id)
    assert member.name == "ada"
    channels = await guild.fetch_channels()
    assert {c.name for c in channels} >= {"lessons", "critiques"}


async def test_forum_post_with_file_and_unknown_channel(sandbox: Sandbox) -> None:
    assert sandbox.client is not None
    forum = sandbox.client.get_channel(sandbox.channel("critiques").id)
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(
        name="Example C", content="see file", file=discord.File(__file__, filename="ex.txt")
    )
    (starter,) = sandbox.messages(post.thread.id)
    assert starter.attachments[0].filename == "ex.txt" and starter.attachments[0].data == THIS_FILE
    with pytest.raises(discord.NotFound) as info:
        await sandbox.client.fetch_channel(1)
    assert info.value.code == 10003


async def test_wrong_token_fails_login() -> None:
    sb = Sandbox(None)
    async with sb:
        bot = PlainBot()
        with pytest.raises(discord.LoginFailure):
            await bot.login("not-the-token")
        await bot.close()


async def test_deleting_a_thread_needs_manage_threads_and_tells_the_bot(
    sandbox: Sandbox,
) -> None:
    channel = text_channel(sandbox, "lessons")
    msg = await channel.send("Example 1")
    thread = await msg.create_thread(name="to go")
    await sandbox.settle()
    await thread.delete()
    await sandbox.settle()
    assert sandbox.threads("lessons") == []
    assert sandbox.client is not None and sandbox.client.get_channel(thread.id) is None
    with pytest.raises(discord.Forbidden):  # a text channel needs Manage Channels
        await channel.delete()

"""The bot's REST calls: messages, threads, forum posts, DMs, reactions, limits, nonces,
rate-limit buckets and their headers."""

from __future__ import annotations

import base64
from pathlib import Path

import aiohttp
import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdiscord.state import EPHEMERAL, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS, World

from .live import LiveDiscord
from .plain_bot import PlainBot

THIS_FILE = Path(__file__).read_bytes()


def text_channel(ld: LiveDiscord, name: str) -> discord.TextChannel:
    channel = ld.channel(name)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def downloaded(ld: LiveDiscord, url: str) -> bytes:
    """An attachment as the CDN serves it."""
    import aiohttp

    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return await resp.read()


async def test_send_edit_delete_with_embeds_components_files(ld: LiveDiscord) -> None:
    channel = text_channel(ld, "lessons")
    embed = discord.Embed(title="Lesson 1", description="Networking").add_field(name="a", value="b")
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Open", custom_id="x:open"))
    msg = await channel.send(
        "hello", embed=embed, view=view, file=discord.File(__file__, filename="notes.txt")
    )
    stored = (await ld.bot_messages("lessons"))[-1]
    assert stored["id"] == str(msg.id)
    assert stored["embeds"][0]["title"] == "Lesson 1"
    assert stored["components"][0]["components"][0]["custom_id"] == "x:open"
    assert stored["attachments"][0]["filename"] == "notes.txt"
    assert await downloaded(ld, stored["attachments"][0]["url"]) == THIS_FILE
    assert msg.attachments[0].filename == "notes.txt"

    await msg.edit(content="edited", embed=None)
    stored = await ld.control.message(message=msg.id)
    assert stored["content"] == "edited" and stored["embeds"] == []
    fetched = await channel.fetch_message(msg.id)
    assert fetched.content == "edited"
    history = [m async for m in channel.history(limit=10)]
    assert [m.id for m in history] == [msg.id]

    await msg.delete()
    assert await ld.bot_messages("lessons") == []
    with pytest.raises(discord.NotFound) as info:
        await channel.fetch_message(msg.id)
    assert info.value.code == 10008


async def test_history_before_after(ld: LiveDiscord) -> None:
    channel = text_channel(ld, "lessons")
    sent = [await channel.send(str(i)) for i in range(5)]
    older = [m.content async for m in channel.history(limit=10, before=sent[3])]
    assert older == ["2", "1", "0"]
    newer = [m.content async for m in channel.history(limit=2, after=sent[1])]
    assert newer == ["2", "3"]


async def test_nonce_is_enforced(ld: LiveDiscord) -> None:
    channel = text_channel(ld, "lessons")
    first = await channel.send("reminder", nonce="fu:1")
    again = await channel.send("reminder", nonce="fu:1")
    assert first.id == again.id
    assert len(await ld.bot_messages("lessons")) == 1


async def test_limits_are_enforced(ld: LiveDiscord) -> None:
    channel = text_channel(ld, "lessons")
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert info.value.code == 50035
    # The spec knows this limit too: the request is flagged as one real Discord would refuse.
    (flagged,) = await ld.control.take_violations()
    assert "embeds/0/title" in flagged["error"]
    big = [discord.Embed(description="d" * 4000) for _ in range(2)]
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embeds=big)
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException) as info:
        await channel.send()  # discord.py sends it; Discord refuses an empty message
    assert info.value.code == 50006


async def test_threads_and_forum_post(ld: LiveDiscord) -> None:
    channel = text_channel(ld, "lessons")
    msg = await channel.send("Example 1")
    thread = await msg.create_thread(name="Critiques of example 1")
    assert thread.id == msg.id
    await ld.settle()
    assert ld.client is not None and ld.client.get_channel(thread.id) is not None
    await thread.send("first critique")
    assert (await ld.bot_messages(thread.id))[0]["content"] == "first critique"

    standalone = await channel.create_thread(name="side", type=discord.ChannelType.public_thread)
    await standalone.join()
    await standalone.edit(archived=True, locked=True)
    state = (await ld.control.channel(channel=standalone.id))["thread_metadata"]
    assert state["archived"] and state["locked"]
    assert {t["name"] for t in await ld.threads("lessons")} == {"Critiques of example 1", "side"}

    forum = ld.channel("critiques")
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(name="Example A", content="What works here?")
    assert post.message.content == "What works here?"
    assert (await ld.messages(post.thread.id))[0]["content"] == "What works here?"


async def test_dm_and_closed_dms(ld: LiveDiscord) -> None:
    assert ld.client is not None
    ada = ld.client.get_user(ld.id("ada"))
    assert ada is not None
    await ada.send("welcome")
    assert (await ld.ada.dms())[-1]["content"] == "welcome"

    shy = await ld.control.add_member(guild="Guild", name="shy", dms_closed=True)
    await ld.settle()  # GUILD_MEMBER_ADD reaches the bot
    user = ld.client.get_user(int(shy["id"]))
    assert user is not None
    with pytest.raises(discord.Forbidden) as info:
        await user.send("hi")
    assert info.value.code == 50007
    await ld.control.close_dms(member="shy", closed=False)
    await user.send("now you may")
    assert (await ld.member("shy").dms())[-1]["content"] == "now you may"


async def test_bot_cannot_send_here(ld: LiveDiscord) -> None:
    denied = SEND_MESSAGES | SEND_MESSAGES_IN_THREADS
    await ld.control.set_permissions(channel="lessons", target=ld.id("bot"), deny=denied)
    await ld.settle()
    channel = text_channel(ld, "lessons")
    assert not channel.permissions_for(channel.guild.me).send_messages
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("nope")
    assert info.value.code == 50013
    await ld.control.set_permissions(channel="lessons", target=ld.id("bot"))
    await ld.settle()
    assert channel.permissions_for(channel.guild.me).send_messages


async def test_reactions(ld: LiveDiscord) -> None:
    channel = text_channel(ld, "lessons")
    msg = await channel.send("vote")
    await msg.add_reaction("👍")
    await ld.ada.react(msg.id, "👍")
    fetched = await channel.fetch_message(msg.id)
    users = [u.id async for u in fetched.reactions[0].users()]
    assert set(users) == {ld.id("bot"), ld.id("ada")}
    await msg.remove_reaction("👍", channel.guild.me)
    (reaction,) = (await ld.control.message(message=msg.id))["reactions"]
    assert reaction["count"] == 1 and not reaction["me"]


async def test_guild_endpoints(ld: LiveDiscord) -> None:
    assert ld.client is not None
    guild = ld.client.guilds[0]
    fetched = await ld.client.fetch_guild(guild.id)
    assert fetched.name == "Guild"
    roles = await guild.fetch_roles()
    assert any(r.name == "Moderator" for r in roles)
    member = await guild.fetch_member(ld.id("ada"))
    assert member.name == "ada"
    channels = await guild.fetch_channels()
    assert {c.name for c in channels} >= {"lessons", "critiques"}


async def test_forum_post_with_file_and_unknown_channel(ld: LiveDiscord) -> None:
    assert ld.client is not None
    forum = ld.channel("critiques")
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(
        name="Example C", content="see file", file=discord.File(__file__, filename="ex.txt")
    )
    (starter,) = await ld.messages(post.thread.id)
    assert starter["attachments"][0]["filename"] == "ex.txt"
    assert await downloaded(ld, starter["attachments"][0]["url"]) == THIS_FILE
    with pytest.raises(discord.NotFound) as info:
        await ld.client.fetch_channel(1)
    assert info.value.code == 10003


async def test_wrong_token_fails_login(live: LiveDiscord) -> None:
    bot = PlainBot()
    with pytest.raises(discord.LoginFailure):
        await bot.login("not-the-token")
    await bot.close()


async def test_deleting_a_thread_needs_manage_threads_and_tells_the_bot(
    ld: LiveDiscord,
) -> None:
    channel = text_channel(ld, "lessons")
    msg = await channel.send("Example 1")
    thread = await msg.create_thread(name="to go")
    await ld.settle()
    await thread.delete()
    await ld.settle()
    assert await ld.threads("lessons") == []
    assert ld.client is not None and ld.client.get_channel(thread.id) is None
    with pytest.raises(discord.Forbidden):  # a text channel needs Manage Channels
        await channel.delete()


async def test_unsupported_routes_are_404_and_recorded(ld: LiveDiscord) -> None:
    """Routes Discord has but the local Discord lacks: not a 500 or a 400, a 404 that says
    so, recorded for the test to see."""
    guild, lessons = ld.guild_info["id"], ld.id("lessons")
    for path in (f"/guilds/{guild}/members/search?query=a", f"/channels/{lessons}/messages/pins"):
        status, body = await ld.raw("GET", path)
        assert status == 404 and "not implemented" in body["message"], path
    assert await ld.control.unsupported() == [
        f"GET /guilds/{guild}/members/search", f"GET /channels/{lessons}/messages/pins"]


async def test_every_answer_carries_its_rate_limit_bucket(ld: LiveDiscord) -> None:
    path = f"/channels/{ld.id('lessons')}/messages"
    status, _, headers = await ld.raw_with_headers("POST", path, {"content": "one"})
    assert status == 200
    assert headers["X-RateLimit-Limit"] == "5" and headers["X-RateLimit-Remaining"] == "4"
    assert float(headers["X-RateLimit-Reset-After"]) > 0 and headers["X-RateLimit-Bucket"]
    assert float(headers["X-RateLimit-Reset"]) > 0
    other = await ld.control.add_channel(guild="Guild", name="other")
    _, _, elsewhere = await ld.raw_with_headers(
        "POST", f"/channels/{other['id']}/messages", {"content": "one"})
    # One bucket per channel: the same route hash, its own count.
    assert elsewhere["X-RateLimit-Bucket"] == headers["X-RateLimit-Bucket"]
    assert elsewhere["X-RateLimit-Remaining"] == "4"


async def test_a_full_bucket_is_answered_429_and_discord_py_waits_it_out(
    live: LiveDiscord,
) -> None:
    """No wall time decides anything: the windows' clock stands still while the bucket is
    filled (so the sixth request meets the full window however slow the machine is), and
    runs again at the moment discord.py reads its 429, before it starts waiting: its retry,
    `retry_after` later, meets a new window."""
    async def resume_on_429(session: object, context: object,
                            params: aiohttp.TraceRequestEndParams) -> None:
        if params.response.status == 429:
            await live.control.settings(rate_limits_paused=False)

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(resume_on_429)
    await live.start_bot(lambda: PlainBot(http_trace=trace))
    await live.control.settings(rate_limit_scale=0.05, rate_limits_paused=True)  # 5 per 250 ms
    path = f"/channels/{live.id('lessons')}/messages"
    answers = [await live.raw_with_headers("POST", path, {"content": str(i)}) for i in range(6)]
    assert [status for status, _, _ in answers] == [200] * 5 + [429]
    assert [h["X-RateLimit-Remaining"] for _, _, h in answers] == ["4", "3", "2", "1", "0", "0"]
    _, body, headers = answers[-1]
    assert body["retry_after"] == 0.25 and body["global"] is False  # the whole window is left
    assert headers["X-RateLimit-Scope"] == "user" and headers["X-RateLimit-Reset-After"] == "0.250"
    # discord.py retries the 429 after `retry_after` (it had seen no headers of this bucket
    # yet); from then on it reads the headers and waits for each new window instead.
    channel = text_channel(live, "lessons")
    for i in range(6):
        await channel.send(f"bot {i}")
    bot_posts = [r["status"] for r in await live.control.requests()
                 if r["method"] == "POST" and r["path"] == path][6:]
    assert bot_posts == [429] + [200] * 6


async def test_each_message_says_whom_it_would_notify(ld: LiveDiscord) -> None:
    """`pings`: the content's mentions that allowed_mentions lets through (never embeds)."""
    ada, mod = ld.id("ada"), ld.id("Moderator")
    text = f"<@{ada}> <@&{mod}> @everyone"
    path = f"/channels/{ld.id('lessons')}/messages"
    asked = await ld.ben.say("lessons", "a question")
    await ld.control.settings(rate_limits=False)  # seven posts in one channel's window
    cases = [
        ({}, [f"<@{ada}>", f"<@&{mod}>", "@everyone"]),  # Discord parses all by default
        ({"allowed_mentions": {"parse": []}}, []),
        ({"allowed_mentions": {"parse": [], "users": [str(ada)]}}, [f"<@{ada}>"]),
        ({"allowed_mentions": {"parse": ["roles"]}}, [f"<@&{mod}>"]),
        ({"message_reference": {"message_id": asked["id"]}},
         [f"<@{ada}>", f"<@&{mod}>", "@everyone", f"<@{ld.id('ben')}> (replied to)"]),
        ({"allowed_mentions": {"parse": [], "replied_user": False},
          "message_reference": {"message_id": asked["id"]}}, []),
        ({"embeds": [{"description": text}], "content": "no mention here"}, []),
    ]
    for extra, expected in cases:
        status, sent = await ld.raw("POST", path, {"content": text, **extra})
        assert status == 200, sent
        assert (await ld.control.message(message=sent["id"]))["pings"] == expected, extra


async def test_attachments_of_members_travel_as_base64_or_text(ld: LiveDiscord) -> None:
    blob = bytes(range(256))
    sent = await ld.ada.say("lessons", "files", attachments=[
        {"filename": "raw.bin", "base64": base64.b64encode(blob).decode()},
        {"filename": "note.txt", "content": "plain text"},
    ])
    first, second = sent["attachments"]
    assert await downloaded(ld, first["url"]) == blob
    assert await downloaded(ld, second["url"]) == b"plain text"


@given(hidden=st.lists(st.sampled_from(["shown", "deleted", "ephemeral"]), max_size=40),
       at=st.integers(-1, 41), limit=st.integers(1, 12))
def test_a_history_page_is_what_a_scan_of_the_whole_channel_finds(
    hidden: list[str], at: int, limit: int,
) -> None:
    """`visible_before`/`visible_after` find a page by bisection; the answer is the one a
    scan of every message gives (the old way, quadratic for a long read)."""
    world = World()
    channel = world.add_channel(world.add_guild("g"), "c")
    for state in hidden:
        msg = world.add_message(channel, world.owner.id, content=state,
                                flags=EPHEMERAL if state == "ephemeral" else 0)
        msg.deleted = state == "deleted"
    ids = channel.message_ids
    pivot = ids[at] if 0 <= at < len(ids) else (0 if at < 0 else 2**63)
    shown = world.visible_messages(channel)
    assert world.visible_after(channel, pivot, limit) == [m for m in shown if m.id > pivot][:limit]
    assert world.visible_before(channel, pivot, limit) == [
        m for m in shown if m.id < pivot][-limit:]
    assert world.visible_before(channel, None, limit) == shown[-limit:]

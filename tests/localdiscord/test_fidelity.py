"""Discord's rules the local Discord must enforce, as a real client meets them.

Threads (locked, archived), default permissions, View Channel, deleting others' messages,
ephemeral messages, DMs the bot may not send, thread parents, interaction token lifetime,
validation of every request (faults and 401s too), the request log and `settle()` with
discord.ext.tasks loops.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord.ext import commands, tasks

from localdiscord.errors import DiscordError
from localdiscord.state import (
    DEFAULT_EVERYONE,
    MANAGE_MESSAGES,
    MANAGE_THREADS,
    MENTION_EVERYONE,
    READ_MESSAGE_HISTORY,
    VIEW_CHANNEL,
)

from .live import BOT_PERMISSIONS, MODERATOR_PERMISSIONS, LiveDiscord, ephemeral
from .plain_bot import PlainBot


def thread_of(ld: LiveDiscord, thread: dict[str, Any]) -> discord.Thread:
    found = ld.channel(int(thread["id"]))
    assert isinstance(found, discord.Thread)
    return found


async def deny_bot(ld: LiveDiscord, channel: str, bits: int) -> None:
    await ld.control.set_permissions(channel=channel, target=ld.id("bot"), deny=bits)
    await ld.settle()


async def thread_state(ld: LiveDiscord, thread: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = (await ld.control.channel(channel=thread["id"]))["thread_metadata"]
    return data


# -- threads ---------------------------------------------------------------------------------

async def test_locked_thread_takes_posts_only_with_manage_threads(ld: LiveDiscord) -> None:
    thread = await ld.ada.start_thread("lessons", "locked one")
    await thread_of(ld, thread).edit(locked=True)  # the bot has Manage Threads
    assert (await thread_state(ld, thread))["locked"]
    with pytest.raises(DiscordError) as info:
        await ld.ben.say(thread["id"], "let me in")
    assert (info.value.status, info.value.code) == (403, 160005)
    await ld.mod.say(thread["id"], "moderators may")  # Moderator has Manage Threads
    sent = await thread_of(ld, thread).send("so may the bot")
    assert sent.content == "so may the bot"

    # Without Manage Threads, the bot is refused like ben.
    await deny_bot(ld, "lessons", MANAGE_THREADS)
    with pytest.raises(discord.Forbidden) as refused:
        await thread_of(ld, thread).send("and now?")
    assert refused.value.code == 160005

    # Archived and locked: 50083.
    await ld.control.set_thread(thread=thread["id"], archived=True)
    with pytest.raises(DiscordError) as archived:
        await ld.ben.say(thread["id"], "hello?")
    assert archived.value.code == 50083
    assert (await thread_state(ld, thread))["archived"]


async def test_post_into_archived_thread_unarchives_it(ld: LiveDiscord) -> None:
    thread = await ld.ada.start_thread("lessons", "sleepy")
    bot_thread = thread_of(ld, thread)
    await bot_thread.edit(archived=True)
    await ld.settle()
    assert (await thread_state(ld, thread))["archived"]
    updates: list[dict[str, Any]] = []

    async def on_raw_thread_update(payload: discord.RawThreadUpdateEvent) -> None:
        updates.append(payload.data)

    assert ld.client is not None
    ld.client.add_listener(on_raw_thread_update)
    await bot_thread.send("wake up")
    await ld.settle()
    assert not (await thread_state(ld, thread))["archived"]
    assert [u["thread_metadata"]["archived"] for u in updates] == [False]  # THREAD_UPDATE
    await ld.control.set_thread(thread=thread["id"], archived=True)  # Discord archives it
    await ld.ben.say(thread["id"], "me too")  # a member's post unarchives it as well
    assert not (await thread_state(ld, thread))["archived"]
    assert len(updates) == 3


async def test_patching_a_thread_needs_manage_threads(ld: LiveDiscord) -> None:
    adas = await ld.ada.start_thread("lessons", "ada's")
    await deny_bot(ld, "lessons", MANAGE_THREADS)
    for change in ({"locked": True}, {"archived": True}, {"locked": True, "archived": True}):
        status, body = await ld.raw("PATCH", f"/channels/{adas['id']}", change)
        assert (status, body["code"]) == (403, 50013), change
    state = await thread_state(ld, adas)
    assert not state["locked"] and not state["archived"]

    # The bot's own thread: it may archive and unarchive it, but not lock it.
    own = await thread_of(ld, adas).parent.create_thread(  # type: ignore[union-attr]
        name="the bot's", type=discord.ChannelType.public_thread
    )
    path = f"/channels/{own.id}"
    assert (await ld.raw("PATCH", path, {"locked": True}))[0] == 403
    assert (await ld.raw("PATCH", path, {"archived": True}))[0] == 200
    # An archived thread takes no other change until unarchived.
    status, body = await ld.raw("PATCH", path, {"name": "renamed"})
    assert (status, body["code"]) == (400, 50083)
    assert (await ld.raw("PATCH", path, {"archived": False}))[0] == 200
    assert not (await thread_state(ld, {"id": own.id}))["archived"]


async def test_threads_need_a_text_or_forum_parent(ld: LiveDiscord) -> None:
    dm = (await ld.raw("POST", "/users/@me/channels", {"recipient_id": str(ld.id("ada"))}))[1]
    status, body = await ld.raw("POST", f"/channels/{dm['id']}/threads",
                                {"name": "x", "type": 11})
    assert (status, body["code"]) == (400, 50024)
    thread = await ld.ada.start_thread("lessons", "outer")
    status, body = await ld.raw("POST", f"/channels/{thread['id']}/threads",
                                {"name": "inner", "type": 11})
    assert (status, body["code"]) == (400, 50024)
    assert [t["id"] for t in await ld.threads("lessons")] == [thread["id"]]


# -- permissions -----------------------------------------------------------------------------

async def test_default_and_bot_permissions(ld: LiveDiscord) -> None:
    (guild,) = await ld.control.guilds()
    roles = {r["name"]: int(r["permissions"]) for r in guild["roles"]}
    everyone = roles["@everyone"]
    assert everyone == DEFAULT_EVERYONE
    perms = discord.Permissions(everyone)
    assert perms.view_channel and perms.send_messages and perms.send_messages_in_threads
    assert perms.create_public_threads and perms.create_private_threads
    assert perms.embed_links and perms.attach_files and perms.read_message_history
    assert perms.add_reactions and perms.use_external_emojis and perms.use_application_commands
    assert perms.connect and perms.speak
    assert not (perms.manage_messages or perms.manage_threads or perms.manage_channels
                or perms.manage_guild or perms.manage_roles or perms.administrator)
    assert not everyone & MENTION_EVERYONE
    assert roles["LocalBot"] == BOT_PERMISSIONS and roles["Moderator"] == MODERATOR_PERMISSIONS

    lessons = ld.channel("lessons")
    assert isinstance(lessons, discord.TextChannel)
    me = lessons.permissions_for(lessons.guild.me)
    assert me.manage_threads and me.create_public_threads and me.send_messages_in_threads
    assert not me.manage_messages and not me.mention_everyone
    assert lessons.guild.self_role is not None
    assert lessons.guild.self_role.id == int(ld.guild_info["roles"]["LocalBot"])  # managed
    ada = lessons.guild.get_member(ld.id("ada"))
    assert ada is not None and not lessons.permissions_for(ada).manage_threads


async def test_view_channel_and_read_history(ld: LiveDiscord) -> None:
    hidden = await ld.control.add_channel(
        guild="Guild", name="hidden", overwrites=[{"target": "@everyone", "deny": VIEW_CHANNEL}]
    )
    await ld.settle()
    for method, path, body in (
        ("GET", f"/channels/{hidden['id']}", None),
        ("POST", f"/channels/{hidden['id']}/messages", {"content": "x"}),
        ("GET", f"/channels/{hidden['id']}/messages", None),
    ):
        status, answer = await ld.raw(method, path, body)
        assert (status, answer["code"]) == (403, 50001), (method, path)

    await ld.ada.say("lessons", "history")
    await deny_bot(ld, "lessons", READ_MESSAGE_HISTORY)
    status, answer = await ld.raw("GET", f"/channels/{ld.id('lessons')}/messages")
    assert (status, answer) == (200, [])


async def test_deleting_others_messages(ld: LiveDiscord) -> None:
    own = await ld.ada.say("lessons", "ping")  # PlainBot answers "pong"
    pong = (await ld.bot_messages("lessons"))[-1]
    path = f"/channels/{ld.id('lessons')}/messages"
    # The invite permissions have no Manage Messages: another's message is off limits.
    status, body = await ld.raw("DELETE", f"{path}/{own['id']}")
    assert (status, body["code"]) == (403, 50013)
    assert (await ld.raw("DELETE", f"{path}/{pong['id']}"))[0] == 204
    # With Manage Messages (a channel overwrite) it may.
    await ld.control.set_permissions(channel="lessons", target=ld.id("bot"),
                                     allow=MANAGE_MESSAGES)
    assert (await ld.raw("DELETE", f"{path}/{own['id']}"))[0] == 204
    # Never in a DM, whatever the permissions.
    mine = await ld.ada.dm("mine")
    status, body = await ld.raw("DELETE",
                                f"/channels/{mine['channel_id']}/messages/{mine['id']}")
    assert (status, body["code"]) == (403, 50003)
    # Members obey the same rule: ben may not delete ada's message, the moderator may.
    again = await ld.ada.say("lessons", "again")
    with pytest.raises(DiscordError) as info:
        await ld.ben.delete(again)
    assert info.value.code == 50013
    await ld.mod.delete(again)
    assert (await ld.control.message(message=again["id"]))["deleted"]


# -- ephemeral messages and DMs --------------------------------------------------------------

async def test_ephemeral_messages_only_through_webhooks(ld: LiveDiscord) -> None:
    result = await ld.ada.slash("slow", channel="lessons")
    eph = result["response"]
    assert eph is not None and ephemeral(eph)
    base = f"/channels/{eph['channel_id']}/messages/{eph['id']}"
    for method, path, body in (
        ("GET", base, None),
        ("PATCH", base, {"content": "edited via channel"}),
        ("DELETE", base, None),
        ("PUT", base + "/reactions/%F0%9F%91%8D/@me", None),
        ("POST", base + "/threads", {"name": "on ephemeral"}),
    ):
        status, answer = await ld.raw(method, path, body)
        assert (status, answer["code"]) == (404, 10008), (method, path)
    hook = f"/webhooks/{ld.info['application_id']}/{result['token']}/messages/@original"
    status, answer = await ld.raw("GET", hook, auth=False)
    assert status == 200 and answer["id"] == eph["id"]


async def test_dms_the_bot_may_not_send(ld: LiveDiscord) -> None:
    elsewhere = await ld.control.add_guild(name="Elsewhere", bot_joined=False)
    stranger = await ld.control.add_member(guild=elsewhere["id"], name="stranger")
    other_bot = await ld.control.add_member(guild="Guild", name="otherbot", bot=True)
    await ld.settle()
    for uid in (ld.id("bot"), int(other_bot["id"])):
        status, body = await ld.raw("POST", "/users/@me/channels", {"recipient_id": str(uid)})
        assert (status, body["code"]) == (403, 50007), uid
    # A DM channel with a stranger (no guild in common) opens, but nothing can be sent in it.
    status, body = await ld.raw("POST", "/users/@me/channels",
                                {"recipient_id": stranger["id"]})
    assert status == 200
    status, body = await ld.raw("POST", f"/channels/{body['id']}/messages", {"content": "hi"})
    assert (status, body["code"]) == (403, 50007)
    # Through discord.py: a member of the guild is fine, the other bot is not.
    assert ld.client is not None
    ada = ld.client.get_user(ld.id("ada"))
    assert ada is not None
    await ada.send("hello")
    assert (await ld.ada.dms())[-1]["content"] == "hello"
    bot_user = ld.client.get_user(int(other_bot["id"]))
    assert bot_user is not None
    with pytest.raises(discord.Forbidden) as info:
        await bot_user.send("hello bot")
    assert info.value.code == 50007


# -- message bodies --------------------------------------------------------------------------

async def test_message_bodies_discord_refuses(ld: LiveDiscord) -> None:
    path = f"/channels/{ld.id('lessons')}/messages"
    status, sent = await ld.raw("POST", path, {"content": "x"})
    assert status == 200
    status, body = await ld.raw("PATCH", f"{path}/{sent['id']}", {"content": ""})
    assert (status, body["code"]) == (400, 50006)
    assert (await ld.control.message(message=sent["id"]))["content"] == "x"
    status, body = await ld.raw("PATCH", f"{path}/{sent['id']}",
                                {"content": "", "embeds": [{"title": "kept"}]})
    assert status == 200

    v2 = {"flags": 32768, "content": "not with v2", "components": [{"type": 10, "content": "hi"}]}
    status, body = await ld.raw("POST", path, v2)
    assert (status, body["code"]) == (400, 50035) and "content" in body["errors"]
    mixed = {"type": 1, "components": [
        {"type": 3, "custom_id": "s", "options": [{"label": "o", "value": "o"}]},
        {"type": 2, "style": 1, "label": "b", "custom_id": "b"}]}
    status, body = await ld.raw("POST", path, {"content": "x", "components": [mixed]})
    assert (status, body["code"]) == (400, 50035)
    same = {"type": 1, "components": [
        {"type": 2, "style": 1, "label": "a", "custom_id": "same"},
        {"type": 2, "style": 1, "label": "b", "custom_id": "same"}]}
    status, body = await ld.raw("POST", path, {"content": "x", "components": [same]})
    assert (status, body["code"]) == (400, 50035)
    six = [{"type": 10, "content": f"line {i}"} for i in range(6)]
    assert (await ld.raw("POST", path, {"flags": 32768, "components": six}))[0] == 200
    assert await ld.control.take_violations() == []  # the spec accepts them: Discord's rules


# -- interaction tokens ----------------------------------------------------------------------

async def test_interaction_token_lives_15_minutes_of_world_time(ld: LiveDiscord) -> None:
    answered = await ld.ada.slash("echo", {"text": "hi"}, channel="lessons")
    unanswered = await ld.ada.slash("ignore", channel="lessons", settle=False)
    hook = f"/webhooks/{ld.info['application_id']}/{answered['token']}"
    await ld.control.move_clock(advance=14 * 60)
    status, _ = await ld.raw("POST", hook + "?wait=true", {"content": "in time"}, auth=False)
    assert status == 200
    await ld.control.move_clock(advance=60)
    for method, path, body in (
        ("POST", hook + "?wait=true", {"content": "too late"}),
        ("GET", hook + "/messages/@original", None),
        ("PATCH", hook + "/messages/@original", {"content": "too late"}),
    ):
        status, answer = await ld.raw(method, path, body, auth=False)
        assert (status, answer["code"]) == (401, 50027), (method, path)
    status, answer = await ld.raw(
        "POST", f"/interactions/{unanswered['id']}/{unanswered['token']}/callback",
        {"type": 4, "data": {"content": "late"}}, auth=False,
    )
    assert (status, answer["code"]) == (404, 10062)
    await ld.settle()


# -- validation and settle -------------------------------------------------------------------

MALFORMED = {"content": 12345, "bogus_field_xyz": True, "embeds": "nope"}


async def test_faulted_and_unauthorized_requests_are_validated(ld: LiveDiscord) -> None:
    path = f"/channels/{ld.id('lessons')}/messages"
    await ld.control.add_fault(kind="error", route="POST /channels/*/messages", status=403,
                               code=50013, message="Missing Permissions")
    status, _ = await ld.raw("POST", path, MALFORMED)
    assert status == 403  # the fault fires...
    assert len(await ld.control.take_violations()) == 1  # ...and the request was still checked
    status, _ = await ld.raw("POST", path, MALFORMED, token="wrong")
    assert status == 401
    [violation] = await ld.control.take_violations()
    assert "at content" in violation["error"]
    status, _ = await ld.raw("POST", path, {"content": "fine"}, token="wrong")
    assert status == 401 and await ld.control.take_violations() == []
    # No Authorization header at all: the spec's BotToken requirement is not met either.
    status, _ = await ld.raw("POST", path, {"content": "fine"}, auth=False)
    assert status == 401
    [violation] = await ld.control.take_violations()
    assert "BotToken" in violation["error"]


async def test_invalid_json_is_answered_and_logged(ld: LiveDiscord) -> None:
    status, body = await ld.raw("POST", f"/channels/{ld.id('lessons')}/messages",
                                data=b"{not json")
    assert (status, body["code"]) == (400, 50109)
    last = (await ld.control.requests())[-1]
    assert (last["json"], last["status"], last["files"]) == (None, 400, [])


class LoopBot(PlainBot):
    """Answers through a discord.ext.tasks loop: one iteration now, the next in an hour."""

    def __init__(self) -> None:
        super().__init__()
        self.target: discord.abc.Messageable | None = None

    @tasks.loop(hours=1)
    async def announce(self) -> None:
        await asyncio.sleep(0.05)
        if self.target is not None:
            await self.target.send("from the loop")

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.announce.is_running():
            return
        self.target = message.channel
        self.announce.start()

    async def close(self) -> None:
        self.announce.cancel()
        await super().close()


async def test_settle_waits_for_a_tasks_loop_iteration_not_its_sleep(live: LiveDiscord) -> None:
    assert isinstance(LoopBot(), commands.Bot)
    await live.start_bot(LoopBot)
    await live.ada.say("lessons", "go")  # settles: must include the iteration
    assert [m["content"] for m in await live.bot_messages("lessons")] == ["from the loop"]
    await live.settle(within=5)  # the loop now sleeps for an hour: idle, not busy

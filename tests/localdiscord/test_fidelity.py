"""Discord's rules the sandbox must enforce, as a real client meets them.

Threads (locked, archived), default permissions, View Channel, deleting others' messages,
ephemeral messages, DMs the bot may not send, thread parents, interaction token lifetime,
validation of every request (faults and 401s too), the request log and `settle()` with
discord.ext.tasks loops.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands, tasks

from bot.clock import ManualClock
from bot.demo.guild import BOT_INVITE_PERMISSIONS, MODERATOR_PERMISSIONS, CohortGuild
from localdiscord import Sandbox, errors
from localdiscord.errors import DiscordError
from localdiscord.state import (
    DEFAULT_EVERYONE,
    MANAGE_MESSAGES,
    MANAGE_THREADS,
    MENTION_EVERYONE,
    READ_MESSAGE_HISTORY,
    VIEW_CHANNEL,
    Channel,
    Overwrite,
)

from .plain_bot import PlainBot


async def raw(
    sb: Sandbox, method: str, path: str, body: Any = None, *, auth: bool = True,
    data: bytes | None = None, token: str | None = None,
) -> tuple[int, Any]:
    """A request as a client would send it; (status, parsed JSON or None)."""
    headers = {"Authorization": f"Bot {token or sb.world.token}"} if auth else {}
    kw: dict[str, Any] = {"json": body} if data is None else {
        "data": data, "headers": {**headers, "Content-Type": "application/json"}
    }
    async with aiohttp.ClientSession(headers=headers) as session, session.request(
        method, sb.server.api_url + path, **kw
    ) as resp:
        text = await resp.text()
        return resp.status, json.loads(text) if text else None


def thread_of(sb: Sandbox, thread: Channel) -> discord.Thread:
    assert sb.client is not None
    found = sb.client.get_channel(thread.id)
    assert isinstance(found, discord.Thread)
    return found


def bot_overwrite(sb: Sandbox, channel: Channel, *, deny: int) -> None:
    channel.overwrites.append(Overwrite(sb.world.bot.id, 1, deny=deny))


# -- threads ---------------------------------------------------------------------------------

async def test_locked_thread_takes_posts_only_with_manage_threads(
    sandbox: Sandbox, cohort: CohortGuild
) -> None:
    thread = await cohort.ada.start_thread(cohort.lessons, "locked one")
    await thread_of(sandbox, thread).edit(locked=True)  # the bot has Manage Threads
    assert thread.locked
    with pytest.raises(DiscordError) as info:
        await cohort.ben.say(thread, "let me in")
    assert (info.value.status, info.value.code) == (403, 160005)
    await cohort.mod.say(thread, "moderators may")  # Moderator has Manage Threads
    sent = await thread_of(sandbox, thread).send("so may the bot")
    assert sent.content == "so may the bot"

    # Without Manage Threads, the bot is refused like ben.
    bot_overwrite(sandbox, cohort.lessons, deny=MANAGE_THREADS)
    with pytest.raises(discord.Forbidden) as refused:
        await thread_of(sandbox, thread).send("and now?")
    assert refused.value.code == 160005

    # Archived and locked: 50083.
    thread.archived = True
    with pytest.raises(DiscordError) as archived:
        await cohort.ben.say(thread, "hello?")
    assert archived.value.code == 50083
    assert thread.archived


async def test_post_into_archived_thread_unarchives_it(
    sandbox: Sandbox, cohort: CohortGuild
) -> None:
    thread = await cohort.ada.start_thread(cohort.lessons, "sleepy")
    bot_thread = thread_of(sandbox, thread)
    await bot_thread.edit(archived=True)
    await sandbox.settle()
    assert thread.archived
    updates: list[dict[str, Any]] = []

    async def on_raw_thread_update(payload: discord.RawThreadUpdateEvent) -> None:
        updates.append(payload.data)

    assert sandbox.client is not None
    sandbox.client.add_listener(on_raw_thread_update)
    await bot_thread.send("wake up")
    await sandbox.settle()
    assert not thread.archived
    assert [u["thread_metadata"]["archived"] for u in updates] == [False]  # THREAD_UPDATE
    thread.archived = True
    await cohort.ben.say(thread, "me too")  # a member's post unarchives it as well
    assert not thread.archived
    assert len(updates) == 2


async def test_patching_a_thread_needs_manage_threads(
    sandbox: Sandbox, cohort: CohortGuild
) -> None:
    adas = await cohort.ada.start_thread(cohort.lessons, "ada's")
    bot_overwrite(sandbox, cohort.lessons, deny=MANAGE_THREADS)
    for change in ({"locked": True}, {"archived": True}, {"locked": True, "archived": True}):
        status, body = await raw(sandbox, "PATCH", f"/channels/{adas.id}", change)
        assert (status, body["code"]) == (403, 50013), change
    assert not adas.locked and not adas.archived

    # The bot's own thread: it may archive and unarchive it, but not lock it.
    own = await thread_of(sandbox, adas).parent.create_thread(  # type: ignore[union-attr]
        name="the bot's", type=discord.ChannelType.public_thread
    )
    path = f"/channels/{own.id}"
    assert (await raw(sandbox, "PATCH", path, {"locked": True}))[0] == 403
    assert (await raw(sandbox, "PATCH", path, {"archived": True}))[0] == 200
    # An archived thread takes no other change until unarchived.
    status, body = await raw(sandbox, "PATCH", path, {"name": "renamed"})
    assert (status, body["code"]) == (400, 50083)
    assert (await raw(sandbox, "PATCH", path, {"archived": False}))[0] == 200
    assert not sandbox.world.channels[own.id].archived


async def test_threads_need_a_text_or_forum_parent(
    sandbox: Sandbox, cohort: CohortGuild
) -> None:
    dm = sandbox.world.dm_channel(cohort.ada.id)
    status, body = await raw(sandbox, "POST", f"/channels/{dm.id}/threads",
                             {"name": "x", "type": 11})
    assert (status, body["code"]) == (400, 50024)
    thread = await cohort.ada.start_thread(cohort.lessons, "outer")
    status, body = await raw(sandbox, "POST", f"/channels/{thread.id}/threads",
                             {"name": "inner", "type": 11})
    assert (status, body["code"]) == (400, 50024)
    assert sandbox.threads(cohort.lessons) == [thread]


# -- permissions -----------------------------------------------------------------------------

async def test_default_and_bot_permissions(sandbox: Sandbox, cohort: CohortGuild) -> None:
    guild = cohort.handle.guild
    everyone = guild.roles[guild.id].permissions
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

    assert cohort.bot_role.permissions == BOT_INVITE_PERMISSIONS == 326417632320
    assert guild.members[sandbox.world.bot.id] == [cohort.bot_role.id]
    assert cohort.moderator_role.permissions == MODERATOR_PERMISSIONS

    assert sandbox.client is not None
    lessons = sandbox.client.get_channel(cohort.lessons.id)
    assert isinstance(lessons, discord.TextChannel)
    me = lessons.permissions_for(lessons.guild.me)
    assert me.manage_threads and me.create_public_threads and me.send_messages_in_threads
    assert not me.manage_messages and not me.mention_everyone
    assert lessons.guild.self_role is not None
    assert lessons.guild.self_role.id == cohort.bot_role.id  # the bot's managed role
    ada = lessons.guild.get_member(cohort.ada.id)
    assert ada is not None and not lessons.permissions_for(ada).manage_threads


async def test_view_channel_and_read_history(sandbox: Sandbox, cohort: CohortGuild) -> None:
    hidden = cohort.handle.add_text_channel(
        "hidden", overwrites=[Overwrite(cohort.handle.id, 0, deny=VIEW_CHANNEL)]
    )
    await sandbox.settle()
    for method, path, body in (
        ("GET", f"/channels/{hidden.id}", None),
        ("POST", f"/channels/{hidden.id}/messages", {"content": "x"}),
        ("GET", f"/channels/{hidden.id}/messages", None),
    ):
        status, answer = await raw(sandbox, method, path, body)
        assert (status, answer["code"]) == (403, 50001), (method, path)

    await cohort.ada.say(cohort.lessons, "history")
    bot_overwrite(sandbox, cohort.lessons, deny=READ_MESSAGE_HISTORY)
    status, answer = await raw(sandbox, "GET", f"/channels/{cohort.lessons.id}/messages")
    assert (status, answer) == (200, [])


async def test_deleting_others_messages(sandbox: Sandbox, cohort: CohortGuild) -> None:
    own = await cohort.ada.say(cohort.lessons, "ping")  # PlainBot answers "pong"
    pong = sandbox.bot_messages(cohort.lessons)[-1]
    path = f"/channels/{cohort.lessons.id}/messages"
    # The invite permissions have no Manage Messages: another's message is off limits.
    status, body = await raw(sandbox, "DELETE", f"{path}/{own.id}")
    assert (status, body["code"]) == (403, 50013)
    assert (await raw(sandbox, "DELETE", f"{path}/{pong.id}"))[0] == 204
    # With Manage Messages (a channel overwrite) it may.
    cohort.lessons.overwrites.append(Overwrite(sandbox.world.bot.id, 1, allow=MANAGE_MESSAGES))
    assert (await raw(sandbox, "DELETE", f"{path}/{own.id}"))[0] == 204
    # Never in a DM, whatever the permissions.
    mine = await cohort.ada.dm("mine")
    status, body = await raw(sandbox, "DELETE", f"/channels/{mine.channel_id}/messages/{mine.id}")
    assert (status, body["code"]) == (403, 50003)
    # Members obey the same rule: ben may not delete ada's message, the moderator may.
    again = await cohort.ada.say(cohort.lessons, "again")
    with pytest.raises(DiscordError) as info:
        await cohort.ben.delete(again)
    assert info.value.code == 50013
    await cohort.mod.delete(again)
    assert again.deleted


# -- ephemeral messages and DMs --------------------------------------------------------------

async def test_ephemeral_messages_only_through_webhooks(
    sandbox: Sandbox, cohort: CohortGuild
) -> None:
    result = await cohort.ada.slash("slow", channel="lessons")
    eph = result.response
    assert eph is not None and eph.ephemeral
    base = f"/channels/{eph.channel_id}/messages/{eph.id}"
    for method, path, body in (
        ("GET", base, None),
        ("PATCH", base, {"content": "edited via channel"}),
        ("DELETE", base, None),
        ("PUT", base + "/reactions/%F0%9F%91%8D/@me", None),
        ("POST", base + "/threads", {"name": "on ephemeral"}),
    ):
        status, answer = await raw(sandbox, method, path, body)
        assert (status, answer["code"]) == (404, 10008), (method, path)
    hook = f"/webhooks/{sandbox.world.application_id}/{result.record.token}/messages/@original"
    status, answer = await raw(sandbox, "GET", hook, auth=False)
    assert status == 200 and answer["id"] == str(eph.id)


async def test_dms_the_bot_may_not_send(sandbox: Sandbox, cohort: CohortGuild) -> None:
    world = sandbox.world
    stranger = world.add_user("stranger")  # shares no guild with the bot
    other_bot = cohort.handle.add_member("otherbot", bot=True)
    await sandbox.settle()
    for uid in (world.bot.id, other_bot.id):
        status, body = await raw(sandbox, "POST", "/users/@me/channels", {"recipient_id": str(uid)})
        assert (status, body["code"]) == (403, 50007), uid
    # A DM channel with a stranger opens, but nothing can be sent in it.
    status, body = await raw(sandbox, "POST", "/users/@me/channels",
                             {"recipient_id": str(stranger.id)})
    assert status == 200
    status, body = await raw(sandbox, "POST", f"/channels/{body['id']}/messages", {"content": "hi"})
    assert (status, body["code"]) == (403, 50007)
    # Through discord.py: a member of the guild is fine, the other bot is not.
    assert sandbox.client is not None
    ada = sandbox.client.get_user(cohort.ada.id)
    assert ada is not None
    await ada.send("hello")
    assert sandbox.dm_messages(cohort.ada)[-1].content == "hello"
    bot_user = sandbox.client.get_user(other_bot.id)
    assert bot_user is not None
    with pytest.raises(discord.Forbidden) as info:
        await bot_user.send("hello bot")
    assert info.value.code == 50007


# -- message bodies --------------------------------------------------------------------------

async def test_message_bodies_discord_refuses(sandbox: Sandbox, cohort: CohortGuild) -> None:
    path = f"/channels/{cohort.lessons.id}/messages"
    status, sent = await raw(sandbox, "POST", path, {"content": "x"})
    assert status == 200
    status, body = await raw(sandbox, "PATCH", f"{path}/{sent['id']}", {"content": ""})
    assert (status, body["code"]) == (400, 50006)
    assert sandbox.world.messages[int(sent["id"])].content == "x"
    status, body = await raw(sandbox, "PATCH", f"{path}/{sent['id']}",
                             {"content": "", "embeds": [{"title": "kept"}]})
    assert status == 200

    v2 = {"flags": 32768, "content": "not with v2", "components": [{"type": 10, "content": "hi"}]}
    status, body = await raw(sandbox, "POST", path, v2)
    assert (status, body["code"]) == (400, 50035) and "content" in body["errors"]
    mixed = {"type": 1, "components": [
        {"type": 3, "custom_id": "s", "options": [{"label": "o", "value": "o"}]},
        {"type": 2, "style": 1, "label": "b", "custom_id": "b"}]}
    status, body = await raw(sandbox, "POST", path, {"content": "x", "components": [mixed]})
    assert (status, body["code"]) == (400, 50035)
    same = {"type": 1, "components": [
        {"type": 2, "style": 1, "label": "a", "custom_id": "same"},
        {"type": 2, "style": 1, "label": "b", "custom_id": "same"}]}
    status, body = await raw(sandbox, "POST", path, {"content": "x", "components": [same]})
    assert (status, body["code"]) == (400, 50035)
    six = [{"type": 10, "content": f"line {i}"} for i in range(6)]
    assert (await raw(sandbox, "POST", path, {"flags": 32768, "components": six}))[0] == 200
    assert sandbox.take_violations() == []  # the spec accepts them: these are Discord's rules


# -- interaction tokens ----------------------------------------------------------------------

async def test_interaction_token_lives_15_minutes() -> None:
    clock = ManualClock()
    sb = Sandbox(PlainBot, clock=clock)
    cohort = CohortGuild(sb)
    async with sb:
        answered = await cohort.ada.slash("echo", {"text": "hi"}, channel="lessons")
        unanswered = await cohort.ada.slash("ignore", channel="lessons", settle=False)
        hook = f"/webhooks/{sb.world.application_id}/{answered.record.token}"
        await clock.advance(timedelta(minutes=14))
        status, _ = await raw(sb, "POST", hook + "?wait=true", {"content": "in time"}, auth=False)
        assert status == 200
        await clock.advance(timedelta(minutes=1))
        for method, path, body in (
            ("POST", hook + "?wait=true", {"content": "too late"}),
            ("GET", hook + "/messages/@original", None),
            ("PATCH", hook + "/messages/@original", {"content": "too late"}),
        ):
            status, answer = await raw(sb, method, path, body, auth=False)
            assert (status, answer["code"]) == (401, 50027), (method, path)
        rec = unanswered.record
        status, answer = await raw(
            sb, "POST", f"/interactions/{rec.id}/{rec.token}/callback",
            {"type": 4, "data": {"content": "late"}}, auth=False,
        )
        assert (status, answer["code"]) == (404, 10062)
        await sb.settle()


# -- validation, the request log, settle -----------------------------------------------------

MALFORMED = {"content": 12345, "bogus_field_xyz": True, "embeds": "nope"}


async def test_faulted_and_unauthorized_requests_are_validated(
    sandbox: Sandbox, cohort: CohortGuild
) -> None:
    path = f"/channels/{cohort.lessons.id}/messages"
    sandbox.faults.error("POST /channels/*/messages", errors.missing_permissions())
    status, _ = await raw(sandbox, "POST", path, MALFORMED)
    assert status == 403  # the fault fires...
    assert len(sandbox.take_violations()) == 1  # ...and the request was still checked
    status, _ = await raw(sandbox, "POST", path, MALFORMED, token="wrong")
    assert status == 401
    [violation] = sandbox.take_violations()
    assert "at content" in violation.error
    status, _ = await raw(sandbox, "POST", path, {"content": "fine"}, token="wrong")
    assert status == 401 and sandbox.take_violations() == []
    # No Authorization header at all: the spec's BotToken requirement is not met either.
    status, _ = await raw(sandbox, "POST", path, {"content": "fine"}, auth=False)
    assert status == 401
    [violation] = sandbox.take_violations()
    assert "BotToken" in violation.error


async def test_request_log_has_status_files_and_invalid_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "requests.jsonl"
    monkeypatch.setenv("COHORTBOT_SANDBOX_REQUEST_LOG", str(log))
    sb = Sandbox(PlainBot)
    cohort = CohortGuild(sb)
    async with sb:
        status, _ = await raw(sb, "POST", f"/channels/{cohort.lessons.id}/messages",
                              data=b"{not json")
        assert status == 400
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    bad = [x for x in lines if x["method"] == "POST" and x["path"].endswith("/messages")]
    assert len(bad) == 1
    assert bad[0] == {"method": "POST", "path": f"/channels/{cohort.lessons.id}/messages",
                      "query": {}, "json": None, "status": 400, "files": []}
    assert sb.requests[-1].status == 400


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


async def test_settle_waits_for_a_tasks_loop_iteration_not_its_sleep() -> None:
    assert isinstance(LoopBot(), commands.Bot)
    sb = Sandbox(LoopBot, settle_timeout=5)
    cohort = CohortGuild(sb)
    async with sb:
        await cohort.ada.say(cohort.lessons, "go")  # settles: must include the iteration
        assert [m.content for m in sb.bot_messages(cohort.lessons)] == ["from the loop"]
        await sb.settle()  # the loop now sleeps for an hour: idle, not busy

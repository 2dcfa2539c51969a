"""Acting as members: what the bot receives for each kind of member action."""

from __future__ import annotations

import discord
import pytest
from discord.ext import commands

from localdiscord.errors import DiscordError

from .live import LiveDiscord
from .plain_bot import PlainBot


class Recorder(commands.Cog):
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot:
            self.events.append(("message", message))

    @commands.Cog.listener()
    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        self.events.append(("edit", after.content))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        self.events.append(("delete", payload.message_id))

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.events.append(("react", str(payload.emoji)))

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self.events.append(("unreact", str(payload.emoji)))

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        self.events.append(("clear emoji", str(payload.emoji)))

    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        self.events.append(("clear", payload.message_id))


async def recorder(ld: LiveDiscord) -> Recorder:
    assert ld.client is not None and isinstance(ld.client, commands.Bot)
    cog = Recorder()
    await ld.client.add_cog(cog)
    return cog


async def test_member_messages_reach_the_bot(ld: LiveDiscord) -> None:
    rec = await recorder(ld)
    png = {"filename": "note.png", "base64": "iVBORw=="}  # the PNG signature's first bytes
    first = await ld.ada.say("lessons", "my outreach note", attachments=[png])
    await ld.ben.say("lessons", "nice", reply_to=first["id"])
    await ld.ada.edit(first, "my outreach note (v2)")
    await ld.ben.react(first, "👍")
    await ld.ben.unreact(first, "👍")
    await ld.ada.dm("can you review this?")
    await ld.ada.delete(first)

    kinds = [k for k, _ in rec.events]
    assert kinds == ["message", "message", "edit", "react", "unreact", "message", "delete"]
    msg = rec.events[0][1]
    assert isinstance(msg, discord.Message)
    assert msg.attachments[0].filename == "note.png"
    assert await msg.attachments[0].read() == b"\x89PNG"
    reply = rec.events[1][1]
    assert isinstance(reply, discord.Message) and reply.reference is not None
    assert reply.reference.message_id == int(first["id"])
    dm = rec.events[5][1]
    assert isinstance(dm, discord.Message) and isinstance(dm.channel, discord.DMChannel)


async def test_an_attachment_of_any_name_can_be_read_back(ld: LiveDiscord) -> None:
    """Its URL held the name as it was: braces missed the CDN's route (a 404 for the bot),
    a slash or ".." changed the path (and half of a UTF-16 pair cannot be quoted)."""
    rec = await recorder(ld)
    names = ["a{b}.txt", "../../x.txt", "a/b c#?.txt", "a%2Fb.txt", "\ud800 half.txt"]
    for i, name in enumerate(names):
        await ld.ada.say("lessons", "", attachments=[{"filename": name, "content": f"{i}"}])
    read = [(m.attachments[0].filename, await m.attachments[0].read())
            for _, m in rec.events if isinstance(m, discord.Message)]
    assert read == [(name, f"{i}".encode()) for i, name in enumerate(names)]


BLOB = "blob:880000000000000001"  # a custom emoji, as the local Discord writes one: "name:id"
SHOWN = "<:blob:880000000000000001>"


async def test_reactions_in_a_thread_reach_the_bot_and_its_history(ld: LiveDiscord) -> None:
    rec = await recorder(ld)
    note = await ld.ada.say("lessons", "my note")
    thread = await ld.ada.start_thread("lessons", "about my note", message=note)
    first = await ld.ada.say(thread["id"], "inside the thread")
    await ld.ben.react(first, "👍")
    await ld.mod.react(first, "👍")
    await ld.ben.react(first, BLOB)
    await ld.ben.unreact(first, "👍")

    assert ld.client is not None
    live = ld.client.get_channel(int(thread["id"]))
    assert isinstance(live, discord.Thread)
    (fetched,) = [m async for m in live.history(limit=5) if m.id == int(first["id"])]
    assert {str(r.emoji): r.count for r in fetched.reactions} == {"👍": 1, SHOWN: 1}
    custom = next(r.emoji for r in fetched.reactions if not isinstance(r.emoji, str))
    assert isinstance(custom, discord.PartialEmoji) and custom.id == 880000000000000001

    with pytest.raises(DiscordError) as refused:
        await ld.ben.clear_reactions(first)  # needs Manage Messages
    assert (refused.value.status, refused.value.code) == (403, 50013)
    await ld.mod.clear_reactions(first, BLOB)
    await ld.mod.clear_reactions(first)
    await ld.mod.clear_reactions(first)  # nothing left: no event
    assert (await ld.control.message(message=first["id"])).get("reactions", []) == []
    assert [e for e in rec.events if e[0] != "message"] == [
        ("react", "👍"), ("react", "👍"), ("react", SHOWN), ("unreact", "👍"),
        ("clear emoji", SHOWN), ("clear", int(first["id"])),
    ]


class NoReactions(PlainBot):
    """Asks for no GUILD_MESSAGE_REACTIONS intent."""

    def __init__(self) -> None:
        super().__init__()
        self._connection._intents.guild_reactions = False


async def test_reaction_events_need_the_intent(live: LiveDiscord) -> None:
    await live.start_bot(NoReactions)
    assert isinstance(live.client, commands.Bot)
    rec = Recorder()
    await live.client.add_cog(rec)
    note = await live.ada.say("lessons", "react to me")
    await live.ben.react(note, "👍")
    await live.mod.clear_reactions(note)
    assert [kind for kind, _ in rec.events] == ["message"]


async def test_select_menu(ld: LiveDiscord) -> None:
    picked: list[str] = []

    class Pick(discord.ui.View):
        @discord.ui.select(
            custom_id="pick",
            options=[discord.SelectOption(label="A"), discord.SelectOption(label="B")],
        )
        async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
            picked.extend(select.values)
            await interaction.response.defer()

    sent = await ld.channel("lessons").send("choose", view=Pick())
    result = await ld.cy.select(sent.id, "pick", ["B"])
    assert picked == ["B"] and result["callback_type"] == 6


async def test_member_threads_and_forum_posts(ld: LiveDiscord) -> None:
    created: list[discord.Thread] = []
    assert ld.client is not None

    async def on_thread_create(thread: discord.Thread) -> None:
        created.append(thread)

    ld.client.add_listener(on_thread_create, "on_thread_create")
    note = await ld.ada.say("lessons", "my note")
    thread = await ld.ada.start_thread("lessons", "about my note", message=note)
    post = await ld.ada.start_thread("critiques", "Example B", content="Is this effective?")
    assert [t.id for t in created] == [int(thread["id"]), int(post["id"])]
    assert created[1].parent is not None and created[1].parent.name == "critiques"
    assert (await ld.messages(post["id"]))[0]["content"] == "Is this effective?"
    await ld.ada.say(thread["id"], "inside the thread")
    cog = ld.client.get_cog("ProbeCog")
    assert cog.seen[-1].channel.id == int(thread["id"])  # type: ignore[attr-defined]


class NoContent(PlainBot):
    """Asks for no MESSAGE_CONTENT intent."""

    def __init__(self) -> None:
        super().__init__()
        self._connection._intents.message_content = False


async def test_content_needs_the_intent(live: LiveDiscord) -> None:
    await live.start_bot(NoContent)
    bot = live.id("bot")
    await live.ada.say("lessons", "secret")
    await live.ada.say("lessons", f"<@{bot}> hello")
    await live.ada.dm("dm text")
    assert live.client is not None
    cog = live.client.get_cog("ProbeCog")
    seen = [m.content for m in cog.seen]  # type: ignore[attr-defined]
    assert seen == ["", f"<@{bot}> hello", "dm text"]


async def test_a_new_channel_and_member_reach_the_bot(ld: LiveDiscord) -> None:
    fresh = await ld.control.add_channel(guild="Guild", name="fresh")
    dee = await ld.control.add_member(guild="Guild", name="dee")
    await ld.member("dee").say(fresh["id"], "ping")
    assert (await ld.bot_messages(fresh["id"]))[-1]["content"] == "pong"
    assert ld.client is not None
    assert ld.client.guilds[0].get_member(int(dee["id"])) is not None  # GUILD_MEMBER_ADD


async def test_a_session_started_after_a_thread_was_deleted_gets_its_guild(
    ld: LiveDiscord,
) -> None:
    # The deleted thread once stayed in the guild's channel list, and every GUILD_CREATE
    # after it failed: no bot could connect again (found by tests/reliability).
    assert ld.client is not None
    note = await ld.ada.say("lessons", "my note")
    made = await ld.ada.start_thread("lessons", "about my note", message=note)
    thread = await ld.client.fetch_channel(int(made["id"]))
    await thread.delete()
    await ld.control.invalidate_gateway(resumable=False)  # the bot identifies afresh
    assert await ld.control.wait_until(lambda: _connected(ld), within=30)
    guild = ld.client.get_guild(int(ld.guild_info["id"]))
    assert guild is not None and guild.get_channel_or_thread(int(made["id"])) is None
    assert [t for t in await ld.threads("lessons") if t["id"] == made["id"]] == []


async def _connected(ld: LiveDiscord) -> bool:
    """A session past its READY and GUILD_CREATE (the old one ended: this one is new)."""
    sessions = (await ld.control.status())["gateway"]["sessions"]
    return any(s["connected"] and s["seq"] >= 2 for s in sessions)

"""Acting as members: what the bot receives for each kind of member action."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.demo.guild import CohortGuild
from localdiscord import Sandbox
from localdiscord.guilds import GuildHandle

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


async def recorder(sb: Sandbox) -> Recorder:
    assert sb.client is not None and isinstance(sb.client, commands.Bot)
    cog = Recorder()
    await sb.client.add_cog(cog)
    return cog


async def test_member_messages_reach_the_bot(sandbox: Sandbox) -> None:
    rec = await recorder(sandbox)
    ada, ben = sandbox.member("ada"), sandbox.member("ben")
    first = await ada.say("lessons", "my outreach note", attachments=[("note.png", b"\x89PNG")])
    await ben.say("lessons", "nice", reply_to=first)
    await ada.edit(first, "my outreach note (v2)")
    await ben.react(first, "👍")
    await ben.unreact(first, "👍")
    await ada.dm("can you review this?")
    await ada.delete(first)

    kinds = [k for k, _ in rec.events]
    assert kinds == ["message", "message", "edit", "react", "unreact", "message", "delete"]
    msg = rec.events[0][1]
    assert isinstance(msg, discord.Message)
    assert msg.attachments[0].filename == "note.png"
    assert await msg.attachments[0].read() == b"\x89PNG"
    reply = rec.events[1][1]
    assert isinstance(reply, discord.Message) and reply.reference is not None
    assert reply.reference.message_id == first.id
    dm = rec.events[5][1]
    assert isinstance(dm, discord.Message) and isinstance(dm.channel, discord.DMChannel)


async def test_select_menu(sandbox: Sandbox) -> None:
    picked: list[str] = []

    class Pick(discord.ui.View):
        @discord.ui.select(
            custom_id="pick",
            options=[discord.SelectOption(label="A"), discord.SelectOption(label="B")],
        )
        async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
            picked.extend(select.values)
            await interaction.response.defer()

    assert sandbox.client is not None
    channel = sandbox.client.get_channel(sandbox.channel("lessons").id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("choose", view=Pick())
    stored = sandbox.world.messages[sent.id]
    result = await sandbox.member("cy").select(stored, "pick", ["B"])
    assert picked == ["B"] and result.callback_type == 6


async def test_member_threads_and_forum_posts(sandbox: Sandbox) -> None:
    created: list[discord.Thread] = []
    assert sandbox.client is not None

    async def on_thread_create(thread: discord.Thread) -> None:
        created.append(thread)

    sandbox.client.add_listener(on_thread_create, "on_thread_create")
    ada = sandbox.member("ada")
    note = await ada.say("lessons", "my note")
    thread = await ada.start_thread("lessons", "about my note", message=note)
    post = await ada.start_thread("critiques", "Example B", content="Is this effective?")
    assert [t.id for t in created] == [thread.id, post.id]
    assert created[1].parent is not None and created[1].parent.name == "critiques"
    assert sandbox.messages(post)[0].content == "Is this effective?"
    await ada.say(thread, "inside the thread")
    cog = sandbox.client.get_cog("ProbeCog")
    assert cog.seen[-1].channel.id == thread.id  # type: ignore[attr-defined]


async def test_content_needs_the_intent() -> None:
    class NoContent(PlainBot):
        def __init__(self) -> None:
            super().__init__()
            self._connection._intents.message_content = False

    async with Sandbox(NoContent) as sb:
        cohort = CohortGuild(sb)
        await sb.settle()
        await cohort.ada.say(cohort.lessons, "secret")
        await cohort.ada.say(cohort.lessons, f"<@{sb.world.bot.id}> hello")
        await cohort.ada.dm("dm text")
        assert sb.client is not None
        cog = sb.client.get_cog("ProbeCog")
        seen = [m.content for m in cog.seen]  # type: ignore[attr-defined]
        assert seen == ["", f"<@{sb.world.bot.id}> hello", "dm text"]


async def test_new_channel_reaches_the_bot_before_messages_in_it(sandbox: Sandbox) -> None:
    guild = sandbox.member("ada").guild
    assert guild is not None
    handle = GuildHandle(sandbox, guild)
    fresh = handle.add_text_channel("fresh")  # no settle between building and acting
    await sandbox.member("ada").say(fresh, "ping")
    assert sandbox.bot_messages(fresh)[-1].content == "pong"

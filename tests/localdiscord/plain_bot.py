"""A plain commands.Bot with a small cog: what the conformance suite drives through the sandbox.

Deliberately not the project's bot: the suite checks the sandbox against discord.py itself.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands


class Confirm(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", custom_id="conf:yes", style=discord.ButtonStyle.green)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="confirmed", view=None)

    @discord.ui.button(label="Ask", custom_id="conf:ask")
    async def ask(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_modal(Note())


class Note(discord.ui.Modal, title="A note"):
    text: discord.ui.TextInput = discord.ui.TextInput(
        label="Your note", custom_id="note:text", max_length=500
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.text.value}", ephemeral=True)


class ProbeCog(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.seen: list[discord.Message] = []

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen.append(message)
        if message.content == "ping":
            await message.channel.send("pong", allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="echo", description="Say it back")
    async def echo(self, interaction: discord.Interaction, text: str, times: int = 1) -> None:
        await interaction.response.send_message(text * times)

    @app_commands.command(name="zone", description="Pick a timezone")
    async def zone(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"zone: {name}", ephemeral=True)

    @zone.autocomplete("name")
    async def zone_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["Europe/Paris", "Europe/Berlin", "America/New_York"]
        return [app_commands.Choice(name=n, value=n) for n in names if current.lower() in n.lower()]

    @app_commands.command(name="confirm", description="Show buttons")
    async def confirm(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("sure?", view=Confirm())

    @app_commands.command(name="slow", description="Defers then follows up")
    async def slow(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("done later", ephemeral=True)
        await interaction.followup.send("and more")

    @app_commands.command(name="ignore", description="Never answers")
    async def ignore(self, interaction: discord.Interaction) -> None:
        return None

    lesson = app_commands.Group(name="lesson", description="Lessons")

    @lesson.command(name="post", description="Post a lesson")
    async def lesson_post(self, interaction: discord.Interaction, title: str) -> None:
        await interaction.response.send_message(f"lesson: {title}")


class PlainBot(commands.Bot):
    def __init__(self, **options: Any) -> None:
        """`options`: more of discord.py's client options (`http_trace=...`)."""
        intents = discord.Intents.default()
        intents.message_content = True
        intents.members = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05,
                         **options)
        self.sync_guild: int | None = None

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s before re-identifying (Discord's identify rate limit); the
        # sandbox has no such limit, so the invalid-session test need not wait.
        return None

    async def setup_hook(self) -> None:
        await self.add_cog(ProbeCog(self))
        self.add_view(Confirm())
        await self.tree.sync()

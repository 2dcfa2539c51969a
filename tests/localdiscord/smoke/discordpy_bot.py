"""The smoke test's bot for discord.py, unmodified, run in a virtualenv of its own.

    python discordpy_bot.py INFO_FILE

Points the library at the local Discord the only way it offers (its class attributes for the
REST base and the gateway), then: answers "ping" with "pong", registers /later in the guild
and answers it with a deferral and a followup. Prints `READY ...` once its guild is cached.
"""

import json
import sys

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

LIBRARY = "discord.py"
with open(sys.argv[1], encoding="utf-8") as fh:
    info = json.load(fh)
discord.http._set_api_version(10)
discord.http.Route.BASE = info["api_url"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(info["gateway_url"])

intents = discord.Intents.default()
intents.message_content = True
intents.members = True
client = discord.Client(intents=intents, guild_ready_timeout=0.1)
tree = app_commands.CommandTree(client)
guild = discord.Object(int(info["guilds"][0]["id"]))


@tree.command(name="later", description="Answers after a while", guild=guild)
async def later(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.followup.send(f"done later by {LIBRARY}")


@client.event
async def setup_hook() -> None:
    await tree.sync(guild=guild)


@client.event
async def on_ready() -> None:
    (cached,) = client.guilds
    print(f"READY {LIBRARY} guild={cached.name} channels={len(cached.channels)} "
          f"members={len(cached.members)}", flush=True)


@client.event
async def on_message(message: discord.Message) -> None:
    if message.content == "ping" and not message.author.bot:
        await message.channel.send(f"pong from {LIBRARY}")


client.run(info["token"], log_handler=None)

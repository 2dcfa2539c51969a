"""The smoke test's bot for disnake, unmodified, run in a virtualenv of its own.

    python disnake_bot.py INFO_FILE

Only the REST base is changed (disnake asks GET /gateway for the gateway, and connects with
zlib-stream compression); then the same as discordpy_bot.py: "ping" gets "pong", /later is
registered in the guild and answered with a deferral and a followup, `READY ...` is printed
once the guild is cached.
"""

import json
import sys

import disnake
import disnake.http

LIBRARY = "disnake"
with open(sys.argv[1], encoding="utf-8") as fh:
    info = json.load(fh)
disnake.http.Route.BASE = info["api_url"]

intents = disnake.Intents.default()
intents.message_content = True
intents.members = True
guild_id = int(info["guilds"][0]["id"])
client = disnake.Client(intents=intents)
commands_synced = False


@client.event
async def on_ready() -> None:
    global commands_synced
    if not commands_synced:
        await client.bulk_overwrite_guild_commands(
            guild_id, [disnake.SlashCommand(name="later", description="Answers after a while")])
        commands_synced = True
    cached = client.get_guild(guild_id)
    assert cached is not None
    print(f"READY {LIBRARY} guild={cached.name} channels={len(cached.channels)} "
          f"members={len(cached.members)}", flush=True)


@client.event
async def on_application_command(interaction: disnake.ApplicationCommandInteraction) -> None:
    if interaction.data.name == "later":
        await interaction.response.defer(with_message=True)
        await interaction.followup.send(f"done later by {LIBRARY}")


@client.event
async def on_message(message: disnake.Message) -> None:
    if message.content == "ping" and not message.author.bot:
        await message.channel.send(f"pong from {LIBRARY}")


client.run(info["token"])

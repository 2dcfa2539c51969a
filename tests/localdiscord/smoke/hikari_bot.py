"""The smoke test's bot for hikari, unmodified, run in a virtualenv of its own.

    python hikari_bot.py INFO_FILE

hikari takes the REST base as an argument (`rest_url`), asks GET /gateway/bot for the gateway,
and accepts only zlib-compressed binary frames. Then the same as discordpy_bot.py: "ping"
gets "pong", /later is registered in the guild and answered with a deferral and a followup,
`READY ...` is printed once the guild is cached.
"""

import json
import sys

import hikari

LIBRARY = "hikari"
with open(sys.argv[1], encoding="utf-8") as fh:
    info = json.load(fh)
guild_id = int(info["guilds"][0]["id"])
intents = (hikari.Intents.ALL_UNPRIVILEGED | hikari.Intents.MESSAGE_CONTENT
           | hikari.Intents.GUILD_MEMBERS)
bot = hikari.GatewayBot(info["token"], rest_url=info["api_url"], intents=intents, banner=None,
                        logs=None, suppress_optimization_warning=True)


@bot.listen()
async def on_guild(event: hikari.GuildAvailableEvent) -> None:
    application = await bot.rest.fetch_application()
    command = bot.rest.slash_command_builder("later", "Answers after a while")
    await bot.rest.set_application_commands(application.id, [command], guild=guild_id)
    print(f"READY {LIBRARY} guild={event.guild.name} channels={len(event.channels)} "
          f"members={len(event.members)}", flush=True)


@bot.listen()
async def on_interaction(event: hikari.InteractionCreateEvent) -> None:
    interaction = event.interaction
    if isinstance(interaction, hikari.CommandInteraction) and interaction.command_name == "later":
        await interaction.create_initial_response(hikari.ResponseType.DEFERRED_MESSAGE_CREATE)
        await interaction.execute(f"done later by {LIBRARY}")


@bot.listen()
async def on_message(event: hikari.GuildMessageCreateEvent) -> None:
    if event.content == "ping" and not event.is_bot:
        await bot.rest.create_message(event.channel_id, f"pong from {LIBRARY}")


bot.run()

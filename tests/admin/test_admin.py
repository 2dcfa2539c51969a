"""Set-up diagnostics: the bot tells moderators, in plain words, what it is missing."""

from __future__ import annotations

from dataclasses import replace

from tests.world import CohortWorld


async def test_joining_a_server_says_hello_and_what_to_do(world: CohortWorld) -> None:
    guild = world.sandbox.create_guild("Second cohort", bot_joined=False)
    general = guild.add_text_channel("general")
    await world.sandbox.settle()
    world.sandbox.add_bot_to(guild)
    await world.sandbox.settle()
    (hello,) = world.posts(general)
    text = hello.embeds[0]["description"]
    assert "/lesson post" in text and "/help" in text
    assert "Send Messages in Threads" in text  # what it needs in the lesson channel


async def test_start_up_reports_a_lesson_channel_it_cannot_post_in(world: CohortWorld) -> None:
    world.sandbox.deny_send(world.lessons)
    await world.sandbox.settle()
    general = world.guild.handle.add_text_channel("general")
    await world.restart()
    notices = world.posts(general)
    assert notices, "the moderators were told"
    text = notices[-1].embeds[0]["description"]
    assert "missing" in text and "Send Messages" in text


async def test_start_up_reports_a_lesson_channel_that_does_not_exist(world: CohortWorld) -> None:
    config = replace(world.config, discord=replace(world.config.discord,
                                                   lesson_channel_id=999999999999999999))
    await world.restart(config)
    notices = world.posts(world.lessons)
    text = notices[-1].embeds[0]["description"]
    assert "doesn't exist here" in text and "lesson_channel_id" in text


async def test_a_healthy_set_up_posts_nothing(world: CohortWorld) -> None:
    await world.restart()
    assert world.posts(world.lessons) == []

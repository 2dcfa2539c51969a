"""Set-up diagnostics: the bot tells moderators, in plain words, what it is missing."""

from __future__ import annotations

from dataclasses import replace

from localdiscord.state import VIEW_CHANNEL, Overwrite
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


async def test_start_up_tells_the_owner_privately_what_to_fix(world: CohortWorld) -> None:
    world.sandbox.deny_send(world.lessons)
    await world.sandbox.settle()
    general = world.guild.handle.add_text_channel("general")
    await world.restart()
    assert world.posts(general) == [] and world.posts(world.lessons) == []  # not in public
    (notice,) = world.sandbox.dm_messages(world.sandbox.member("owner"))
    text = notice.embeds[0]["description"]
    assert "I'm missing: Send Messages, Send Messages in Threads." in text, text
    assert "Add them to my role" in text
    assert "Attach Files" not in text  # withheld along with Send Messages, not denied


async def test_a_restart_does_not_tell_the_same_problem_again(world: CohortWorld) -> None:
    owner = world.sandbox.member("owner")
    world.sandbox.deny_send(world.lessons)
    await world.sandbox.settle()
    await world.restart()
    await world.restart()
    assert len(world.sandbox.dm_messages(owner)) == 1
    world.sandbox.deny_send(world.lessons, denied=False)  # fixed
    await world.sandbox.settle()
    await world.restart()
    assert len(world.sandbox.dm_messages(owner)) == 1
    world.sandbox.deny_send(world.lessons)  # and broken again: that is news
    await world.sandbox.settle()
    await world.restart()
    assert len(world.sandbox.dm_messages(owner)) == 2


async def test_start_up_reports_in_a_channel_only_moderators_see(world: CohortWorld) -> None:
    world.sandbox.deny_send(world.lessons)
    await world.sandbox.settle()
    guild = world.guild.handle
    world.guild.handle.add_text_channel("general")
    mods = guild.add_text_channel("mods", overwrites=[
        Overwrite(guild.guild.id, 0, deny=VIEW_CHANNEL),
        Overwrite(world.guild.moderator_role.id, 0, allow=VIEW_CHANNEL),
        Overwrite(world.guild.bot_role.id, 0, allow=VIEW_CHANNEL)])
    await world.restart()
    (notice,) = world.posts(mods)
    assert "Send Messages" in notice.embeds[0]["description"]
    assert world.sandbox.dm_messages(world.sandbox.member("owner")) == []


async def test_lesson_post_says_what_is_missing_and_how_to_fix_it(world: CohortWorld) -> None:
    world.sandbox.deny_send(world.lessons)
    await world.sandbox.settle()
    refused = await world.mod.slash("lesson post", channel=world.lessons)
    text = (refused.followups or [refused.response])[-1].content
    assert "I'm missing Send Messages, Send Messages in Threads. Add them to my role" in text
    assert "Attach Files" not in text and "Embed Links" not in text


async def test_start_up_reports_a_lesson_channel_that_does_not_exist(world: CohortWorld) -> None:
    config = replace(world.config, discord=replace(world.config.discord,
                                                   lesson_channel_id=999999999999999999))
    await world.restart(config)
    assert world.posts(world.lessons) == []
    notices = world.sandbox.dm_messages(world.sandbox.member("owner"))
    text = notices[-1].embeds[0]["description"]
    assert "doesn't exist here" in text and "lesson_channel_id" in text


async def test_a_healthy_set_up_posts_nothing(world: CohortWorld) -> None:
    await world.restart()
    assert world.posts(world.lessons) == []

"""Lesson runs end to end: posting (text channel and forum), the summary, closing, the
cron schedule, and postings that a refusal or a crash cut short."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.runs import PostingPart
from storage import runs as runs_store
from tests.world import (
    CohortWorld,
    component,
    critique,
    example_messages,
    fields,
    post,
)

NOT_CRITIQUED = "Not critiqued yet (moderators only)"  # the summary field moderators see


async def test_post_creates_prompt_examples_and_threads(world: CohortWorld) -> None:
    run_id = await post(world)
    messages = world.posts(world.lessons)
    prompt = messages[0]
    assert "evaluate" in prompt.embeds[0]["title"].lower()
    assert "likely to get a response" in prompt.embeds[0]["description"]
    examples = example_messages(world)
    assert [m.embeds[0]["title"] for m in examples] == ["Outreach 1", "Outreach 2", "Outreach 3"]
    threads = world.sandbox.threads(world.lessons)
    assert [t.name for t in threads] == [f"Outreach {i} — critiques" for i in (1, 2, 3)]
    run = await runs_store.get_run(world.bot.db, run_id)
    assert run is not None and run.status == "open" and run.token is not None
    assert (examples[0].components[0]["components"][0]["custom_id"]
            == f"cohort:critique:{run_id}:1:{run.token}")
    stored = await runs_store.run_examples(world.bot.db, run_id)
    assert [e.thread_id for e in stored] == [t.id for t in threads]


async def test_post_in_a_forum_makes_one_post_per_example(world: CohortWorld) -> None:
    forum = world.guild.critiques
    await post(world, channel=forum)
    posts = world.sandbox.threads(forum)
    assert len(posts) == 3
    first = world.sandbox.messages(posts[0])[0]
    assert "The question" in first.embeds[0]["description"]


async def test_summary_tallies_and_lists_who_has_not_critiqued(world: CohortWorld) -> None:
    await post(world)
    first, second, _ = example_messages(world)
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    await critique(world, world.ben, first, "Short", "Asks for a job", "no")
    await critique(world, world.ben, second, "Specific", "", "yes")
    summary = await world.ada.slash("lesson summary", channel=world.lessons)
    assert summary.followups[-1].ephemeral
    embed = summary.followups[-1].embeds[0]
    assert "3 critiques from 2 members" in embed["description"]
    assert NOT_CRITIQUED not in fields(embed)  # members don't see who hasn't
    assert summary.followups[-1].attachments[0].filename == "tally.png"

    moderator = await world.mod.slash("lesson summary", channel=world.lessons)
    missing = fields(moderator.followups[-1].embeds[0])[NOT_CRITIQUED]
    assert "Cy" in missing and "Ada" not in missing

    refused = await world.ada.slash("lesson summary", {"share": True}, channel=world.lessons)
    assert "Only moderators" in refused.response.content

    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    assert not shared.followups[-1].ephemeral
    assert NOT_CRITIQUED not in fields(shared.followups[-1].embeds[0])


async def test_close_locks_threads_and_posts_the_final_summary(world: CohortWorld) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    result = await world.mod.slash("lesson close", channel=world.lessons)
    assert "Closed run" in result.followups[-1].content
    assert all(t.locked and t.archived for t in world.sandbox.threads(world.lessons))
    final = world.posts(world.lessons)[-1]
    assert "final summary" in final.embeds[0]["title"]
    # The reviewer's line beside the tally, as in /lesson summary (docs/export.md).
    tally, compared = fields(final.embeds[0])["Outreach 1"].splitlines()[:2]
    assert tally.startswith("1 critique —")
    assert compared.startswith("The cohort said no (1 of 1); the lesson's rules say "), compared
    run = await runs_store.get_run(world.bot.db, run_id)
    assert run is not None and run.status == "closed"
    late = await world.ben.click(first, first.components[0]["components"][0]["custom_id"])
    assert "closed" in late.response.content
    again = await world.mod.slash("lesson close", {"run": run_id}, channel=world.lessons)
    assert "already closed" in again.followups[-1].content


async def test_closing_a_forum_run_posts_the_final_summary_as_a_forum_post(
    world: CohortWorld,
) -> None:
    forum = world.guild.critiques
    run_id = await post(world, channel=forum)
    first = world.sandbox.messages(world.sandbox.threads(forum)[0])[0]
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    result = await world.mod.slash("lesson close", channel=world.lessons)
    answer = result.followups[-1].content
    assert "not posted" not in answer, answer
    summary_post = next(t for t in world.sandbox.threads(forum)
                        if t.name == f"Run #{run_id} — final summary")
    (final,) = world.sandbox.messages(summary_post)
    assert "final summary" in final.embeds[0]["title"]
    assert "1 critique from 1 member" in final.embeds[0]["description"]
    assert final.attachments[0].filename == "tally.png"
    assert f"<#{summary_post.id}>" in answer, answer
    examples = [t for t in world.sandbox.threads(forum) if t.id != summary_post.id]
    assert all(t.locked and t.archived for t in examples)


async def test_a_final_summary_discord_refuses_is_said_not_claimed(world: CohortWorld) -> None:
    await post(world)
    world.sandbox.deny_send(world.lessons)
    await world.sandbox.settle()
    result = await world.mod.slash("lesson close", channel=world.lessons)
    answer = result.followups[-1].content
    assert "final summary posted" not in answer and "could not post the final summary" in answer
    assert "/lesson summary share:true" in answer


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("lesson post", {}),
        ("lesson close", {}),
        ("lesson example", {"number": 1, "text": "A new example text for the lesson"}),
    ],
)
async def test_non_moderators_are_refused_every_moderator_command(
    world: CohortWorld, command: str, options: dict[str, Any]
) -> None:
    await post(world)
    before = len(world.sandbox.requests)
    result = await world.ada.slash(command, options, channel=world.lessons)
    assert result.ephemeral
    assert "Only moderators" in result.response.content
    changed = [r for r in world.sandbox.requests[before:]
               if "/interactions/" not in r.path and "/webhooks/" not in r.path]
    assert changed == []


async def test_missing_permission_is_explained_and_nothing_is_stored(
    world: CohortWorld,
) -> None:
    world.sandbox.deny_send(world.lessons)
    await world.sandbox.settle()
    result = await world.mod.slash("lesson post", channel=world.lessons)
    text = (result.followups or [result.response])[-1].content
    assert "missing" in text and "Send Messages" in text
    assert await runs_store.latest_run(world.bot.db, world.guild.handle.id) is None


async def test_post_with_a_missing_configured_channel_asks_for_one(world: CohortWorld) -> None:
    config = replace(world.config, discord=replace(world.config.discord,
                                                   lesson_channel_id=999999999999999999))
    await world.restart(config)
    result = await world.mod.slash("lesson post", channel=world.lessons)
    assert "pick a channel in the command" in result.response.content
    assert await runs_store.latest_run(world.bot.db, world.guild.handle.id) is None


async def test_two_moderators_closing_at_once_post_one_summary(world: CohortWorld) -> None:
    from bot.demo.guild import MODERATOR_PERMISSIONS

    await post(world)
    second_mod = world.guild.handle.add_member("mod2", roles=[world.guild.moderator_role])
    await world.sandbox.settle()
    assert MODERATOR_PERMISSIONS
    first = await world.mod.slash("lesson close", channel=world.lessons, settle=False)
    second = await second_mod.slash("lesson close", channel=world.lessons, settle=False)
    await world.sandbox.settle()
    finals = [m for m in world.posts(world.lessons) if m.embeds
              and "final summary" in m.embeds[0].get("title", "")]
    assert len(finals) == 1
    answers = [r.followups[-1].content for r in (first, second)]
    assert sum("Closed run" in a for a in answers) == 1
    # The second reads the first's close, as it would have one after the other.
    assert sum(f"Run #{1} was just closed" in a and "No run is open now" in a
               for a in answers) == 1, answers


async def test_scheduled_posting_posts_once_even_across_a_restart(
    world: CohortWorld,
) -> None:
    from bot.config import LessonSettings

    config = replace(world.config, lesson=replace(world.config.lesson,
                                                  post_schedule="0 10 * * MON"))
    assert isinstance(config.lesson, LessonSettings)
    await world.restart(config)  # the clock starts on Monday 2026-01-05 09:00 UTC

    await world.clock.advance(timedelta(hours=1))
    await world.sandbox.settle()
    runs = await runs_store.runs_in_guild(world.bot.db, world.guild.handle.id)
    assert len(runs) == 1 and runs[0].occurrence is not None
    # A restart within the scheduled minute must not post the same occurrence again.
    await world.restart(config)
    await world.sandbox.settle()
    runs = await runs_store.runs_in_guild(world.bot.db, world.guild.handle.id)
    assert len(runs) == 1
    # The next week's occurrence is posted, once the moderators closed this one.
    await world.mod.slash("lesson close", channel=world.lessons)
    await world.clock.advance(timedelta(days=7))
    await world.sandbox.settle()
    assert len(await runs_store.runs_in_guild(world.bot.db, world.guild.handle.id)) == 2


async def test_a_scheduled_post_while_its_lesson_is_still_open_is_skipped_and_told(
    world: CohortWorld,
) -> None:
    """F7: a week's run left open, the next scheduled posting went up beside it (two sets of
    threads taking critiques), and no moderator heard, since none asked for it."""
    config = replace(world.config, lesson=replace(world.config.lesson,
                                                  post_schedule="0 10 * * MON"))
    await world.restart(config)
    await world.clock.advance(timedelta(hours=1))
    await world.clock.advance(timedelta(days=7))  # run #1 still open
    await world.sandbox.settle()
    runs = await runs_store.runs_in_guild(world.bot.db, world.guild.handle.id)
    assert len(runs) == 1
    owner_id = world.guild.handle.guild.owner_id
    owner = world.sandbox.member(world.sandbox.world.users[owner_id].username)
    (told,) = [m for m in world.sandbox.dm_messages(owner) if "skipped" in m.content]
    assert "I skipped the scheduled posting of **Networking with Professionals**" in told.content
    assert "run #1 of it is still open" in told.content
    assert "`/lesson close run:1`" in told.content and "`/lesson post another:true`" in told.content
    await world.mod.slash("lesson close", channel=world.lessons)
    await world.clock.advance(timedelta(days=7))  # closed: the next one is posted
    await world.sandbox.settle()
    assert len(await runs_store.runs_in_guild(world.bot.db, world.guild.handle.id)) == 2


async def test_a_scheduled_post_missed_while_down_is_made_at_start_up(
    world: CohortWorld,
) -> None:
    config = replace(world.config, lesson=replace(world.config.lesson,
                                                  post_schedule="0 10 * * MON"))
    await world.restart(config)  # Monday 09:00 UTC: the next occurrence is 10:00
    await world.stop_bot()
    await world.clock.advance(timedelta(minutes=90))  # down across 10:00
    await world.start_bot()
    runs = await runs_store.runs_in_guild(world.bot.db, world.guild.handle.id)
    assert len(runs) == 1 and runs[0].occurrence is not None
    assert "10:00" in runs[0].occurrence


async def test_a_posting_cut_short_by_a_crash_is_removed_at_start_up(
    world: CohortWorld,
) -> None:
    # What a crash mid-posting leaves: a run still 'posting', and the parts already on Discord.
    channel = world.bot.get_channel(world.lessons.id)
    assert channel is not None
    run_id = await runs_store.create_run(
        world.bot.db, guild_id=world.guild.handle.id, channel_id=world.lessons.id,
        lesson_key="networking-with-professionals", lesson_title="Networking",
        prompt="Critique these", posted_by=None, now_ms=0)
    assert run_id is not None
    prompt = await channel.send("prompt of an unfinished run")  # type: ignore[union-attr]
    thread = await prompt.create_thread(name="Outreach 1 — critiques")
    await runs_store.record_part(world.bot.db, run_id, PostingPart(channel.id, prompt.id, False))
    await runs_store.record_part(world.bot.db, run_id, PostingPart(channel.id, thread.id, True))
    await world.sandbox.settle()
    assert len(world.posts(world.lessons)) == 1

    await world.restart()
    assert world.posts(world.lessons) == []
    assert world.sandbox.threads(world.lessons) == []
    assert await runs_store.get_run(world.bot.db, run_id) is None
    assert await post(world) == run_id + 1  # and the next posting works as usual


async def test_a_refused_posting_removes_what_it_posted(world: CohortWorld) -> None:
    from localdiscord import errors as sandbox_errors

    # Discord refuses the first thread: the prompt and the example already posted must go.
    world.sandbox.faults.error("POST /channels/*/messages/*/threads",
                               sandbox_errors.missing_permissions())
    result = await world.mod.slash("lesson post", channel=world.lessons)
    assert "I removed what I had posted" in result.followups[-1].content
    assert world.posts(world.lessons) == []
    assert await runs_store.latest_run(world.bot.db, world.guild.handle.id) is None


async def test_members_who_critiqued_in_the_thread_have_taken_part(world: CohortWorld) -> None:
    await post(world)
    first, second, _ = world.sandbox.threads(world.lessons)
    await world.ben.say(first, "It asks for a job in the first line: no.")
    await world.cy.say(second, "Specific and polite; likely yes.")
    await world.cy.say(second, "And it names a shared group.")
    moderator = await world.mod.slash("lesson summary", channel=world.lessons)
    embed = moderator.followups[-1].embeds[0]
    assert fields(embed)[NOT_CRITIQUED].startswith("Ada\n")
    assert "3 thread messages from 2 members" in embed["description"], embed["description"]
    assert "1 thread message" in fields(embed)["Outreach 1"]
    assert "2 thread messages" in fields(embed)["Outreach 2"]


async def test_after_forget_me_the_moderator_is_told_not_to_chase(world: CohortWorld) -> None:
    await post(world)
    first, second, _ = example_messages(world)
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    await critique(world, world.ben, first, "Short", "", "yes")
    await critique(world, world.cy, second, "Specific", "", "yes")
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    assert fields(summary.followups[-1].embeds[0])[NOT_CRITIQUED] == "everyone has taken part 🎉"
    asked = await world.ada.slash("forget-me")
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    missing = fields(summary.followups[-1].embeds[0])[NOT_CRITIQUED]
    assert missing.startswith("Ada\n") and "/forget-me" in missing and "don't chase" in missing


async def test_posting_another_run_while_one_is_open_says_so(world: CohortWorld) -> None:
    first = await post(world)
    result = await world.mod.slash("lesson post", {"another": True}, channel=world.lessons)
    text = result.followups[-1].content
    assert f"Posted run #{first + 1}" in text
    assert f"Run #{first} is still open" in text and f"/lesson close run:{first}" in text
    assert "`/lesson close` asks which" in text


async def test_a_posting_refused_as_too_large_names_the_image(world: CohortWorld) -> None:
    """A server taking less than the image (Discord's 413): the moderator reads which
    example's image and how to fix it, not "Check my permissions"; nothing stays posted."""
    folder = world.config.lesson.directory
    (folder / "images").mkdir()
    (folder / "images" / "shot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 2_000_000)
    lesson = folder / "networking-with-professionals.toml"
    text = lesson.read_text()
    first = text.index("[[examples]]")
    second = text.index("[[examples]]", first + 1)
    lesson.write_text(text[:second] + 'image = "images/shot.png"\n\n' + text[second:])
    await world.restart()
    world.sandbox.server.actions.upload_limit = 1024 * 1024
    result = await world.mod.slash("lesson post", channel=world.lessons)
    said = result.followups[-1].content
    assert "the image of example 1 (images/shot.png, 1.9 MB)" in said, said
    assert "networking-with-professionals.toml" in said and "permissions" not in said
    assert "`/lesson example number:1 image:`" in said and "I removed what I had posted" in said
    assert world.posts(world.lessons) == []
    assert await runs_store.latest_run(world.bot.db, world.guild.handle.id) is None

"""The evaluation prompt, critique threads, structured critiques, votes, summary and closing,
driven through the sandbox Discord like members and moderators would."""

from __future__ import annotations

from typing import Any

import pytest

from storage import critiques as critique_store
from storage import discussion, lesson_runs
from tests.e2e.conftest import CohortWorld


def example_messages(world: CohortWorld) -> list[Any]:
    return [m for m in world.posts(world.lessons) if m.thread_id]


async def post(world: CohortWorld, **options: Any) -> int:
    result = await world.mod.slash("lesson post", options, channel=world.lessons)
    assert result.ephemeral and result.followups, result
    text = result.followups[-1].content
    assert "Posted run #" in text, text
    return int(text.split("#")[1].split()[0])


async def critique(world: CohortWorld, member: Any, message: Any, works: str, doesnt: str,
                   likely: str) -> Any:
    opened = await member.click(message, message.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None, opened
    return await member.submit_modal(opened, {"works": works, "doesnt": doesnt,
                                              "likely": likely})


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
    assert examples[0].components[0]["components"][0]["custom_id"] == f"cohort:critique:{run_id}:1"
    run = await lesson_runs.get_run(world.bot.db, run_id)
    assert run is not None and run.status == "open"
    stored = await lesson_runs.run_examples(world.bot.db, run_id)
    assert [e.thread_id for e in stored] == [t.id for t in threads]


async def test_post_in_a_forum_makes_one_post_per_example(world: CohortWorld) -> None:
    forum = world.guild.critiques
    await post(world, channel=forum)
    posts = world.sandbox.threads(forum)
    assert len(posts) == 3
    first = world.sandbox.messages(posts[0])[0]
    assert "The question" in first.embeds[0]["description"]


async def test_critique_modal_posts_embed_stores_and_resubmission_edits(
    world: CohortWorld,
) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    done = await critique(world, world.ada, first, "Short and polite", "No concrete ask", "no")
    assert done.ephemeral and "Posted your critique" in done.followups[-1].content
    thread = world.sandbox.threads(world.lessons)[0]
    (posted,) = world.posts(thread)
    fields = {f["name"]: f["value"] for f in posted.embeds[0]["fields"]}
    assert fields["What doesn't"] == "No concrete ask"
    assert posted.embeds[0]["author"]["name"].lower() == "ada"
    assert posted.allowed_mentions == {"parse": []}

    again = await critique(world, world.ada, first, "Short", "Still no ask", "unsure")
    assert "Updated your critique" in again.followups[-1].content
    (posted,) = world.posts(thread)  # edited, not a second post
    assert "Still no ask" in str(posted.embeds[0])
    rows = await critique_store.critiques_for_run(world.bot.db, run_id)
    assert [(r.author_id, r.likely, r.doesnt) for r in rows] == [
        (world.ada.id, "unsure", "Still no ask")]


async def test_resubmit_prefills_the_modal(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Good hook", "Long", "yes")
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert "Good hook" in str(opened.modal)


@pytest.mark.parametrize(
    ("works", "doesnt", "likely", "expected"),
    [
        ("", "  ", "yes", "empty"),
        ("fine", "fine", "perhaps", "use one of yes, no, unsure"),
    ],
)
async def test_bad_critiques_are_refused_and_nothing_is_stored(
    world: CohortWorld, works: str, doesnt: str, likely: str, expected: str
) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    result = await critique(world, world.ben, first, works, doesnt, likely)
    assert result.ephemeral
    assert expected in result.response.content.lower() or expected in result.response.content
    assert await critique_store.critiques_for_run(world.bot.db, run_id) == []


async def test_critique_command_inside_a_thread_picks_its_example(world: CohortWorld) -> None:
    run_id = await post(world)
    thread = world.sandbox.threads(world.lessons)[1]
    opened = await world.cy.slash("critique", channel=thread)
    assert opened.modal is not None and "Outreach 2" in opened.modal["title"]
    await world.cy.submit_modal(opened, {"works": "Names a shared group", "doesnt": "",
                                         "likely": "yes"})
    rows = await critique_store.critiques_for_run(world.bot.db, run_id)
    assert [(r.example_no, r.author_id) for r in rows] == [(2, world.cy.id)]


async def test_votes_count_thumbs_up_but_not_your_own(world: CohortWorld) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Generic", "no")
    thread = world.sandbox.threads(world.lessons)[0]
    (posted,) = world.posts(thread)
    await world.ben.react(posted, "👍")
    await world.cy.react(posted, "👍")
    await world.ada.react(posted, "👍")  # the author's own like does not count
    await world.cy.react(posted, "🎉")  # other emoji are not votes
    rows = await critique_store.critiques_for_run(world.bot.db, run_id)
    assert rows[0].votes == 2
    await world.cy.unreact(posted, "👍")
    rows = await critique_store.critiques_for_run(world.bot.db, run_id)
    assert rows[0].votes == 1


async def test_thread_messages_are_captured_edited_and_deleted(world: CohortWorld) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    first = await world.ada.say(thread, "I think the ask is too vague")
    reply = await world.ben.say(thread, "Agreed @everyone", reply_to=first,
                                attachments=[("notes.txt", b"hello")])
    await world.ada.edit(first, "I think the ask is far too vague")
    await world.ben.delete(reply)
    await world.bot.get_cog("DiscussionCog").writer.flush()  # type: ignore[union-attr]
    rows = await discussion.thread_messages(world.bot.db, thread.id)
    assert [r.content for r in rows] == ["I think the ask is far too vague", None]
    assert rows[0].edited_at is not None
    assert rows[1].reply_to_id == first.id and rows[1].deleted_at is not None
    assert rows[1].attachments == ()


async def test_bot_messages_and_other_channels_are_not_captured(world: CohortWorld) -> None:
    await post(world)
    await world.ada.say(world.lessons, "general chatter, not in a run thread")
    await world.bot.get_cog("DiscussionCog").writer.flush()  # type: ignore[union-attr]
    assert await discussion.count_messages(world.bot.db) == 0


async def test_messages_posted_while_the_bot_was_down_are_backfilled(
    world: CohortWorld,
) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    await world.ada.say(thread, "before the restart")
    await world.stop_bot()
    for i in range(130):  # more than one history page
        await world.ben.say(thread, f"while down {i}", settle=False)
    await world.start_bot()
    rows = await discussion.thread_messages(world.bot.db, thread.id)
    assert len(rows) == 131
    assert rows[-1].content == "while down 129"
    # Backfilling again stores nothing twice.
    assert await world.bot.get_cog("DiscussionCog").backfill() == 0  # type: ignore[union-attr]


async def test_summary_tallies_and_lists_who_has_not_critiqued(world: CohortWorld) -> None:
    await post(world)
    first, second, _ = example_messages(world)
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    await critique(world, world.ben, first, "Short", "Asks for a job", "no")
    await critique(world, world.ben, second, "Specific", "", "yes")
    summary = await world.ada.slash("lesson summary", channel=world.lessons)
    assert summary.followups[-1].ephemeral
    embed = summary.followups[-1].embeds[0]
    assert "3 critique(s) from 2 member(s)" in embed["description"]
    assert "Not critiqued yet" not in str(embed)  # members don't see who hasn't
    assert summary.followups[-1].attachments[0].filename == "tally.png"

    moderator = await world.mod.slash("lesson summary", channel=world.lessons)
    text = str(moderator.followups[-1].embeds[0])
    missing = text.split("Not critiqued yet")[1]
    assert "Cy" in missing and "Ada" not in missing

    refused = await world.ada.slash("lesson summary", {"share": True}, channel=world.lessons)
    assert "Only moderators" in refused.response.content

    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    assert not shared.followups[-1].ephemeral
    assert "Not critiqued yet" not in str(shared.followups[-1].embeds[0])


async def test_close_locks_threads_and_posts_the_final_summary(world: CohortWorld) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    result = await world.mod.slash("lesson close", channel=world.lessons)
    assert "Closed run" in result.followups[-1].content
    assert all(t.locked and t.archived for t in world.sandbox.threads(world.lessons))
    final = world.posts(world.lessons)[-1]
    assert "final summary" in final.embeds[0]["title"]
    run = await lesson_runs.get_run(world.bot.db, run_id)
    assert run is not None and run.status == "closed"
    late = await world.ben.click(first, first.components[0]["components"][0]["custom_id"])
    assert "closed" in late.response.content
    again = await world.mod.slash("lesson close", {"run": run_id}, channel=world.lessons)
    assert "already closed" in again.followups[-1].content


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
    assert await lesson_runs.latest_run(world.bot.db, world.guild.handle.id) is None


async def test_deleted_thread_gives_a_clear_message(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    thread = world.sandbox.threads(world.lessons)[0]
    # Deleted behind the bot's back: its cache still has the thread, Discord answers 404.
    del world.sandbox.world.channels[thread.id]
    result = await critique(world, world.ada, first, "ok", "not ok", "no")
    assert "deleted" in (result.followups or [result.response])[-1].content


async def test_moderator_replaces_an_example_text_and_image(world: CohortWorld) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    result = await world.mod.slash(
        "lesson example",
        {"number": 2, "text": "Hi Sam, loved your talk on data contracts.",
         "image": ("shot.png", png)},
        channel=world.lessons,
    )
    assert "Updated example 2" in result.followups[-1].content, result
    await post(world)
    second = example_messages(world)[1]
    assert second.embeds[0]["description"].startswith("Hi Sam")
    assert second.embeds[0]["image"]["url"] == "attachment://example-2.png"
    assert second.attachments and second.attachments[0].filename == "example-2.png"


async def test_scheduled_posting_posts_once_even_across_a_restart(
    world: CohortWorld,
) -> None:
    from dataclasses import replace

    from bot.config import LessonSettings

    config = replace(world.config, lesson=replace(world.config.lesson,
                                                  post_schedule="0 10 * * MON"))
    assert isinstance(config.lesson, LessonSettings)
    await world.restart(config)  # the clock starts on Monday 2026-01-05 09:00 UTC
    from datetime import timedelta

    await world.clock.advance(timedelta(hours=1))
    await world.sandbox.settle()
    runs = await lesson_runs.runs_in_guild(world.bot.db, world.guild.handle.id)
    assert len(runs) == 1 and runs[0].occurrence is not None
    # A restart within the scheduled minute must not post the same occurrence again.
    await world.restart(config)
    await world.sandbox.settle()
    runs = await lesson_runs.runs_in_guild(world.bot.db, world.guild.handle.id)
    assert len(runs) == 1
    # The next week's occurrence is posted.
    await world.clock.advance(timedelta(days=7))
    await world.sandbox.settle()
    assert len(await lesson_runs.runs_in_guild(world.bot.db, world.guild.handle.id)) == 2


async def test_a_malformed_lesson_file_is_reported_and_the_rest_still_work(
    world: CohortWorld,
) -> None:
    (world.config.lesson.directory / "broken.toml").write_text('key = "broken"\ntitle = 3\n')
    await world.restart()
    listing = await world.mod.slash("lesson list", channel=world.lessons)
    text = listing.response.content
    assert "networking-with-professionals" in text
    assert "broken.toml" in text and "title" in text
    member_view = await world.ada.slash("lesson list", channel=world.lessons)
    assert "broken.toml" not in member_view.response.content
    assert await post(world) == 1


async def test_unknown_lesson_gets_a_clear_message(world: CohortWorld) -> None:
    result = await world.mod.slash("lesson post", {"lesson": "no-such-lesson"},
                                   channel=world.lessons)
    assert "There is no lesson `no-such-lesson`" in result.response.content


async def test_attachments_and_replies_are_captured(world: CohortWorld) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[2]
    first = await world.cy.say(thread, "See my annotated version")
    await world.ada.say(thread, "Nice", reply_to=first,
                        attachments=[("annotated.png", b"\x89PNG" + b"\0" * 100)])
    await world.bot.get_cog("DiscussionCog").writer.flush()  # type: ignore[union-attr]
    rows = await discussion.thread_messages(world.bot.db, thread.id)
    assert rows[1].reply_to_id == first.id
    (attachment,) = rows[1].attachments
    assert (attachment.filename, attachment.size) == ("annotated.png", 104)
    assert attachment.url.startswith("http")
    assert rows[0].author_name.lower() == "cy"


async def test_post_with_a_missing_configured_channel_asks_for_one(world: CohortWorld) -> None:
    from dataclasses import replace

    config = replace(world.config, discord=replace(world.config.discord,
                                                   lesson_channel_id=999999999999999999))
    await world.restart(config)
    result = await world.mod.slash("lesson post", channel=world.lessons)
    assert "pick a channel in the command" in result.response.content
    assert await lesson_runs.latest_run(world.bot.db, world.guild.handle.id) is None


async def test_two_members_critiquing_the_same_example_at_once(world: CohortWorld) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    custom_id = first.components[0]["components"][0]["custom_id"]
    ada_form = await world.ada.click(first, custom_id)
    ben_form = await world.ben.click(first, custom_id)
    await world.ada.submit_modal(ada_form, {"works": "a", "doesnt": "b", "likely": "no"})
    await world.ben.submit_modal(ben_form, {"works": "c", "doesnt": "d", "likely": "yes"})
    rows = await critique_store.critiques_for_run(world.bot.db, run_id)
    assert sorted((r.author_id, r.works) for r in rows) == sorted(
        [(world.ada.id, "a"), (world.ben.id, "c")])


async def test_a_scheduled_post_missed_while_down_is_made_at_start_up(
    world: CohortWorld,
) -> None:
    from dataclasses import replace
    from datetime import timedelta

    config = replace(world.config, lesson=replace(world.config.lesson,
                                                  post_schedule="0 10 * * MON"))
    await world.restart(config)  # Monday 09:00 UTC: the next occurrence is 10:00
    await world.stop_bot()
    await world.clock.advance(timedelta(minutes=90))  # down across 10:00
    await world.start_bot()
    runs = await lesson_runs.runs_in_guild(world.bot.db, world.guild.handle.id)
    assert len(runs) == 1 and runs[0].occurrence is not None
    assert "10:00" in runs[0].occurrence


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
    assert sum("no open lesson run" in a or "already closed" in a for a in answers) == 1


async def test_forget_me_removes_critique_posts_of_a_closed_run(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    thread = world.sandbox.threads(world.lessons)[0]
    await world.mod.slash("lesson close", channel=world.lessons)
    await world.restart()  # the archived thread is no longer in the bot's cache
    asked = await world.ada.slash("forget-me")
    confirm = next(c["custom_id"] for row in asked.response.components
                   for c in row["components"] if c.get("label") == "Delete everything")
    done = await world.ada.click(asked.response, confirm)
    assert done.acknowledged
    assert world.posts(thread) == []


async def test_forget_me_is_not_undone_by_the_next_backfill(world: CohortWorld) -> None:
    from storage import members

    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    await world.ada.say(thread, "my first thought")
    await world.ben.say(thread, "a reply")
    await world.ada.say(thread, "my second thought")
    await world.bot.get_cog("MembersCog").forget(world.ada.id)  # type: ignore[union-attr]
    await world.restart()
    counts = await members.stored_counts(world.bot.db, world.ada.id)
    assert counts["discussion_messages"] == 0
    rows = await discussion.thread_messages(world.bot.db, thread.id)
    assert [r.content for r in rows] == ["a reply"]


async def test_a_group_that_failed_to_commit_is_recovered_by_the_backfill(
    world: CohortWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    writer = world.bot.get_cog("DiscussionCog").writer  # type: ignore[union-attr]
    real_save = writer._save
    failed = []

    async def failing_once(rows: Any) -> None:
        if not failed:
            failed.append(len(rows))
            raise OSError("disk full")
        await real_save(rows)

    monkeypatch.setattr(writer, "_save", failing_once)
    await world.ada.say(thread, "lost in a failed commit")
    await writer.flush()
    await world.ben.say(thread, "stored fine")
    await writer.flush()
    assert failed == [1]
    await world.restart()
    rows = await discussion.thread_messages(world.bot.db, thread.id)
    assert [r.content for r in rows] == ["lost in a failed commit", "stored fine"]


async def test_a_thread_that_archived_itself_still_takes_critiques_and_closes(
    world: CohortWorld,
) -> None:
    await post(world)
    first = example_messages(world)[0]
    thread = world.sandbox.threads(world.lessons)[0]
    # Discord archives a quiet thread by itself after its auto-archive duration.
    await world.sandbox.server.actions.update_thread(thread, {"archived": True})
    await world.sandbox.settle()
    done = await critique(world, world.ada, first, "Polite", "Vague", "no")
    assert "Posted your critique" in done.followups[-1].content
    assert len(world.posts(thread)) == 1
    await world.sandbox.server.actions.update_thread(thread, {"archived": True})
    await world.sandbox.settle()
    again = await critique(world, world.ada, first, "Polite", "Too vague", "no")
    assert "Updated" in again.followups[-1].content
    await world.sandbox.server.actions.update_thread(thread, {"archived": True})
    await world.sandbox.settle()
    closed = await world.mod.slash("lesson close", channel=world.lessons)
    assert "Closed run" in closed.followups[-1].content
    assert thread.locked and thread.archived


async def test_a_posting_cut_short_by_a_crash_is_removed_at_start_up(
    world: CohortWorld,
) -> None:
    # What a crash mid-posting leaves: a run still 'posting', and the parts already on Discord.
    channel = world.bot.get_channel(world.lessons.id)
    assert channel is not None
    run_id = await lesson_runs.create_run(
        world.bot.db, guild_id=world.guild.handle.id, channel_id=world.lessons.id,
        lesson_key="networking-with-professionals", posted_by=None, now_ms=0)
    assert run_id is not None
    prompt = await channel.send("prompt of an unfinished run")  # type: ignore[union-attr]
    thread = await prompt.create_thread(name="Outreach 1 — critiques")
    await lesson_runs.record_part(world.bot.db, run_id, channel.id, prompt.id, is_thread=False)
    await lesson_runs.record_part(world.bot.db, run_id, channel.id, thread.id, is_thread=True)
    await world.sandbox.settle()
    assert len(world.posts(world.lessons)) == 1

    await world.restart()
    assert world.posts(world.lessons) == []
    assert world.sandbox.threads(world.lessons) == []
    assert await lesson_runs.get_run(world.bot.db, run_id) is None
    assert await post(world) == run_id + 1  # and the next posting works as usual


async def test_a_refused_posting_removes_what_it_posted(world: CohortWorld) -> None:
    from localdiscord import errors as sandbox_errors

    # Discord refuses the first thread: the prompt and the example already posted must go.
    world.sandbox.faults.error("POST /channels/*/messages/*/threads",
                               sandbox_errors.missing_permissions())
    result = await world.mod.slash("lesson post", channel=world.lessons)
    assert "I removed what I had posted" in result.followups[-1].content
    assert world.posts(world.lessons) == []
    assert await lesson_runs.latest_run(world.bot.db, world.guild.handle.id) is None

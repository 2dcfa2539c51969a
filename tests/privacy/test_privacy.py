"""/forget-me end to end: everything about the member deleted after confirming, critique posts
removed even from a closed run's archived threads, and not undone by the next backfill."""

from __future__ import annotations

import pytest

from storage import discussion as discussion_store
from storage import privacy as privacy_store
from tests.world import (
    STRONG_DRAFT,
    CohortWorld,
    component,
    critique,
    draft_button,
    example_messages,
    modal_values,
    post,
    review_of,
)


async def test_forget_me_deletes_everything_after_confirmation(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    await world.ada.submit_modal(opened, {"recipient": "Dana", "channel": "email",
                                          "sent_on": "", "keep": "yes"})
    asked = await world.ada.slash("forget-me")
    assert asked.ephemeral and "1 logged outreach" in asked.response.content
    cancel = await world.ada.click(asked.response, component(asked.response, "Cancel"))
    assert "nothing was deleted" in cancel.updated_message.content
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).outreaches == 1

    asked = await world.ada.slash("forget-me")
    done = await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    assert done.acknowledged
    counts = await privacy_store.stored_counts(world.bot.db, world.ada.id)
    assert counts.total == 0
    # The draft is gone too: "I sent it" can only log who, how and when.
    late = await world.ada.click(reply, draft_button(reply, "sent"))
    assert late.modal is not None and "keep" not in modal_values(late.modal), late.response

    again = await world.ada.slash("forget-me")
    assert "store nothing" in again.response.content


async def test_forget_me_removes_critique_posts_of_a_closed_run(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    thread = world.sandbox.threads(world.lessons)[0]
    await world.mod.slash("lesson close", channel=world.lessons)
    await world.restart()  # the archived thread is no longer in the bot's cache
    asked = await world.ada.slash("forget-me")
    done = await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    assert done.acknowledged
    assert world.posts(thread) == []


async def test_forget_me_is_not_undone_by_the_next_backfill(world: CohortWorld) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    await world.ada.say(thread, "my first thought")
    await world.ben.say(thread, "a reply")
    await world.ada.say(thread, "my second thought")
    await world.bot.services.privacy.forget(world.ada.id)
    await world.restart()
    counts = await privacy_store.stored_counts(world.bot.db, world.ada.id)
    assert counts.discussion_messages == 0
    rows = await discussion_store.thread_messages(world.bot.db, thread.id)
    assert [r.content for r in rows] == ["a reply"]


async def test_forget_me_counts_in_words(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Vague", "no")
    await critique(world, world.ben, first, "Short", "Generic", "yes")
    ben_post = world.posts(world.sandbox.threads(world.lessons)[0])[-1]
    await world.ada.react(ben_post, "👍")
    asked = await world.ada.slash("forget-me")
    listing = asked.response.content
    assert "• 1 critique\n" in listing and "• 1 vote\n" in listing, listing
    # The run was posted to her: she is on its member list, for the export's grading sheet.
    assert "• 1 place on a lesson run's member list\n" in listing, listing
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    text = world.sandbox.world.messages[asked.response.id].content
    assert "3 records" in text and "1 critique post" in text and "(s)" not in text, text


@pytest.mark.parametrize("where", ["lessons", "critiques"])
async def test_forget_me_rerenders_the_summaries_already_posted(world: CohortWorld,
                                                                where: str) -> None:
    channel = world.lessons if where == "lessons" else world.guild.critiques
    await post(world, channel=channel)
    first = (example_messages(world) if where == "lessons"
             else [world.sandbox.messages(t)[0] for t in world.sandbox.threads(channel)])[0]
    await critique(world, world.ada, first, "Ada-noticed-the-hook", "Vague", "no")
    await critique(world, world.ben, first, "Short", "Generic", "yes")
    ada_post, ben_post = world.posts(world.sandbox.threads(channel)[0])[-2:]
    await world.ben.react(ada_post, "👍")  # ada's critique is among the top ones
    await world.ada.react(ben_post, "👍")  # and her vote counts for ben's
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    await world.mod.slash("lesson close", channel=world.lessons)
    summaries = [shared.followups[-1].id, *(
        m.id for t in [world.lessons, *world.sandbox.threads(channel)] for m in world.posts(t)
        if m.embeds and "final summary" in m.embeds[0].get("title", ""))]
    assert len(summaries) == 2
    before = [str(world.sandbox.world.messages[i].embeds) for i in summaries]
    assert all("Ada-noticed-the-hook" in shown and "👍 1 · Ben" in shown for shown in before)

    asked = await world.ada.slash("forget-me")
    assert "stays on Discord" in asked.response.content
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    done = world.sandbox.world.messages[asked.response.id].content
    assert "2 posted summaries" in done and "stays on Discord" in done, done
    for message_id in summaries:
        embed = world.sandbox.world.messages[message_id].embeds[0]
        shown = str(embed)
        assert "Ada-noticed-the-hook" not in shown and "Ada" not in shown, shown
        assert "1 critique from 1 member" in embed["description"]
        # Ben's critique had one vote, ada's: with it gone, it is no top critique any more.
        assert "👍" not in shown


async def test_the_confirmation_still_works_after_a_restart(world: CohortWorld) -> None:
    await post(world)
    await critique(world, world.ada, example_messages(world)[0], "Polite", "Vague", "no")
    asked = await world.ada.slash("forget-me")
    await world.restart()
    stranger = await world.ben.click(asked.response, component(asked.response,
                                                              "Delete everything"))
    assert "only for" in stranger.response.content.lower()
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).critiques == 1
    done = await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    assert done.acknowledged and not done.failed
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).total == 0


async def test_forget_me_deletes_my_replies_in_our_dms(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    await world.ada.dm("hi")
    assert [m for m in world.sandbox.dm_messages(world.ada) if m.author_id != world.ada.id]
    asked = await world.ada.slash("forget-me", channel=world.lessons)
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    left = [m for m in world.sandbox.dm_messages(world.ada)
            if m.author_id != world.ada.id and not m.deleted]
    assert left == []
    done = world.sandbox.world.messages[asked.response.id].content
    assert "2 replies in our DMs" in done, done


async def test_a_summary_in_a_thread_archived_since_is_redone_too(world: CohortWorld) -> None:
    await post(world)
    await critique(world, world.ada, example_messages(world)[0], "Ada-was-here", "Vague", "no")
    thread = world.sandbox.threads(world.lessons)[0]
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=thread)
    await world.mod.slash("lesson close", channel=world.lessons)
    await world.restart()  # archived threads are not in the cache any more
    assert thread.archived and thread.locked
    await world.bot.services.privacy.forget(world.ada.id)
    embed = world.sandbox.world.messages[shared.followups[-1].id].embeds[0]
    assert "0 critiques" in embed["description"]
    assert thread.archived and thread.locked  # closed again as it was


async def test_a_critique_post_whose_id_was_never_noted_is_found_and_removed(
    world: CohortWorld,
) -> None:
    """The critique is stored before it is posted; if noting its post's id then fails (a full
    disk: here a trigger refuses that one write), /forget-me still finds the post, by the
    critique's mark in its footer, and removes it."""
    await post(world)
    await world.bot.db.execute(
        "CREATE TEMP TRIGGER full BEFORE UPDATE OF message_id ON main.critiques"
        " BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END")
    sent = await critique(world, world.ada, example_messages(world)[0], "ADAPRIVATE", "x", "no")
    assert "error id" in sent.followups[-1].content
    thread = world.sandbox.threads(world.lessons)[0]
    assert len(world.posts(thread)) == 1  # Discord took it; the bot could not note it
    await world.bot.db.execute("DROP TRIGGER temp.full")
    asked = await world.ada.slash("forget-me")
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    assert world.posts(thread) == []
    assert "1 critique post" in world.sandbox.world.messages[asked.response.id].content


async def test_a_moderator_s_take_down_outlives_its_author_s_forget_me(
    world: CohortWorld,
) -> None:
    """Review 6's finding 4: the take-down went with the member's data, so a member whose
    spam a moderator took down forgot themselves and posted it again at once. It stays, with
    a keyed hash in place of their id (no cell holds it), and the confirmation says so."""
    await post(world)
    first, second = example_messages(world)[:2]
    await critique(world, world.ada, first, "SPAMTEXT buy now", "x", "no")
    thread = world.sandbox.threads(world.lessons)[0]
    (spam,) = world.posts(thread)
    await world.mod.delete(spam)
    # The moderators' list says why she has no critique of example 1 (she may not send one).
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    assert "Ada (example 1 taken down)" in str(summary.followups[-1].embeds), summary

    asked = await world.ada.slash("forget-me")
    assert "1 critique of yours that a moderator took down: kept, not deleted, but without " \
           "your id" in asked.response.content, asked.response.content
    done = await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    assert done.acknowledged
    said = world.sandbox.world.messages[asked.response.id].content
    assert "but 1 take-down by a moderator, without your id" in said, said
    again = await world.ada.slash("forget-me")  # said, not offered for deletion again
    assert "I store nothing about you, only this, kept for moderation:\n• 1 critique of " \
           "yours that a moderator took down" in again.response.content, again.response
    assert not again.response.components
    db = world.bot.db
    assert await db.fetchval("SELECT COUNT(*) FROM critique_removals WHERE author_id IS NULL"
                             " AND author_key IS NOT NULL") == 1
    tables = [t for (t,) in await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for table in tables:  # the id is in no cell of the database
        columns = [c for (c,) in await db.fetchall(
            f"SELECT name FROM pragma_table_info('{table}')")]
        for column in columns:
            assert not await db.fetchval(
                f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" = ?', (world.ada.id,)), (
                table, column)

    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is None and "A moderator took down your critique" in (
        opened.response.content), opened.response
    typed = await world.ada.slash("critique", {"example": 1}, channel=world.lessons)
    assert "A moderator took down your critique" in str(typed.response.content), typed
    # Only that example: her critique of another one is posted as anyone's.
    await critique(world, world.ada, second, "Clear ask", "Long", "yes")
    assert len(world.posts(world.sandbox.threads(world.lessons)[1])) == 1
    # Nor does a restart (the key is the database's own) let it back in.
    await world.restart()
    again = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert again.modal is None and "A moderator took down" in again.response.content

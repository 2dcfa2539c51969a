"""/forget-me end to end: everything about the member deleted after confirming, critique posts
removed even from a closed run's archived threads, and not undone by the next backfill."""

from __future__ import annotations

from storage import discussion as discussion_store
from storage import privacy as privacy_store
from tests.world import (
    STRONG_DRAFT,
    CohortWorld,
    component,
    critique,
    draft_button,
    example_messages,
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
    assert asked.ephemeral and "outreaches" in asked.response.content
    cancel = await world.ada.click(asked.response, component(asked.response, "Cancel"))
    assert "nothing was deleted" in cancel.updated_message.content
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).outreaches == 1

    asked = await world.ada.slash("forget-me")
    done = await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    assert done.acknowledged
    counts = await privacy_store.stored_counts(world.bot.db, world.ada.id)
    assert counts.total == 0
    late = await world.ada.click(reply, draft_button(reply, "sent"))
    assert "no longer hold" in late.response.content

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

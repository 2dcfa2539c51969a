"""/forget-me racing the member's own writes (bot/services/gate.py): nothing they sent before
or during the forget outlives it. A forget is held mid-way (Discord keeps its deletion of a
critique post waiting, after every row went), the member acts by every door meanwhile, and
when it ends nothing of theirs is stored or posted; a critique whose post is on its way when
the forget begins is finished first, then deleted with the rest."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.services.gate import FORGOTTEN
from storage import critiques as critiques_store
from storage import privacy as privacy_store
from tests.world import STRONG_DRAFT, CohortWorld, component, critique, example_messages, post


def said(result: Any) -> str:
    return "\n".join(m.content for m in (result.response, *result.followups) if m is not None)


async def test_what_a_member_sends_while_they_are_being_forgotten_is_not_kept(
    world: CohortWorld,
) -> None:
    run_id = await post(world)
    first, second = example_messages(world)[:2]
    await critique(world, world.ada, second, "Earlier", "x", "no")  # the forget deletes its post
    await critique(world, world.ben, first, "Ben's", "x", "yes")
    thread = world.sandbox.threads(world.lessons)[0]
    (ben_post,) = world.posts(thread)
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    asked = await world.ada.slash("forget-me")

    world.sandbox.faults.hold("DELETE /channels/*/messages/*", after=False)
    await world.ada.click(asked.response, component(asked.response, "Delete everything"),
                          settle=False)
    assert await world.sandbox.faults.wait_for_held(within=10)  # the forget is under way
    acts = [
        await world.ada.slash("outreach log", {"who": "Dana Lee", "channel": "email"},
                              settle=False),
        await world.ada.slash("settings timezone", {"zone": "Europe/Paris"}, settle=False),
        await world.ada.submit_modal(opened, {"works": "RACEMARK", "doesnt": "x",
                                              "likely": "no"}, settle=False),
    ]
    await world.ada.dm(STRONG_DRAFT, settle=False)
    await world.ada.react(ben_post, "👍", settle=False)
    await world.ada.say(thread, "RACEMARK in the thread", settle=False)
    world.sandbox.faults.release()
    await world.sandbox.settle()

    done = world.sandbox.world.messages[asked.response.id].content
    assert "I keep nothing else" in done, done
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).total == 0
    assert world.bot.services.privacy.in_memory(world.ada.id) == 0
    for act in acts:
        text = said(act)
        assert act.ephemeral and ("/forget-me" in text) and "error id" not in text, text
    assert FORGOTTEN in "\n".join(m.content for m in world.sandbox.dm_messages(world.ada))
    assert [p.id for p in world.posts(thread)] == [ben_post.id]
    (ben_row,) = [r for r in await critiques_store.critiques_for_run(world.bot.db, run_id)]
    assert ben_row.votes == 0
    await world.restart()  # and the catch-up at READY does not count her 👍 either
    (ben_row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert ben_row.votes == 0
    assert not world.sandbox.bot_errors


async def test_a_critique_on_its_way_when_the_forget_begins_is_finished_then_deleted(
    world: CohortWorld,
) -> None:
    """The form was sent first; its post is on its way (Discord made it and its answer
    waits) when the forget begins: the forget waits for it, then deletes the critique and
    its post, so neither outlives "I keep nothing else"."""
    await post(world)
    first = example_messages(world)[0]
    thread = world.sandbox.threads(world.lessons)[0]
    world.sandbox.faults.hold("POST /channels/*/messages")
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    await world.ada.submit_modal(opened, {"works": "RACEMARK", "doesnt": "x", "likely": "no"},
                                 settle=False)
    assert await world.sandbox.faults.wait_for_held(within=10)
    forgetting = asyncio.create_task(world.bot.services.privacy.forget(world.ada.id))
    await asyncio.sleep(0)  # one turn of the loop: the task's first step, no time passes
    assert world.bot.services.gate.forgetting_now(world.ada.id)
    world.sandbox.faults.release()
    done = await forgetting
    await world.sandbox.settle()
    assert done.removed_posts == 1
    assert world.posts(thread) == []
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).total == 0

"""`/lesson close` says what it did (F5): how many threads it locked, the permission actually
missing for the others (View Channel when the bot cannot see the channel, Manage Threads
when it can), and `/lesson close run:N` locks them once the permission is back."""

from __future__ import annotations

from localdiscord.state import Overwrite
from tests.world import CohortWorld, post

VIEW_CHANNEL, MANAGE_THREADS = 1 << 10, 1 << 34


async def deny_the_bot(world: CohortWorld, permission: int) -> None:
    channel = world.sandbox.channel(world.lessons)
    channel.overwrites = [o for o in channel.overwrites if o.id != world.bot.user.id]
    if permission:
        channel.overwrites.append(Overwrite(world.bot.user.id, 1, 0, permission))
    await world.sandbox.server.actions.channel_changed(channel)
    await world.sandbox.settle()


async def close(world: CohortWorld, **options: int) -> str:
    result = await world.mod.slash("lesson close", options, channel=world.lessons)
    return str(result.followups[-1].content)


def locked(world: CohortWorld) -> list[bool]:
    return [bool(t.locked) for t in world.sandbox.threads(world.lessons)]


async def test_a_close_that_locks_every_thread_says_so(world: CohortWorld) -> None:
    await post(world)
    closed = await close(world)
    assert closed.startswith("Closed run #1: 3 threads locked and archived. Final summary "
                             "posted in <#"), closed
    assert locked(world) == [True, True, True]


async def test_a_bot_that_cannot_see_the_channel_says_view_channel_and_locks_later(
    world: CohortWorld,
) -> None:
    """The tester's t_perm.py: View Channel denied after posting. The answer said "threads
    locked and archived" above three notes blaming Manage Threads, and a second close said
    "already closed" with the threads open for good."""
    await post(world)
    await deny_the_bot(world, VIEW_CHANNEL)
    closed = await close(world)
    assert closed.startswith("Closed run #1, but I could lock only 0 of its 3 threads"), closed
    assert "locked and archived" not in closed
    assert closed.count("View Channel is missing") == 3 and "Manage Threads" not in closed
    assert "`/lesson close run:1`" in closed
    assert locked(world) == [False, False, False]
    await deny_the_bot(world, 0)
    again = await close(world, run=1)
    assert again == "Run #1 was already closed; now 3 threads locked and archived."
    assert locked(world) == [True, True, True]


async def test_a_bot_without_manage_threads_names_manage_threads(world: CohortWorld) -> None:
    await post(world)
    await deny_the_bot(world, MANAGE_THREADS)
    closed = await close(world)
    assert "could lock only 0 of its 3 threads" in closed
    assert closed.count("Manage Threads is missing") == 3 and "View Channel" not in closed


async def test_a_posting_discord_refuses_names_what_is_missing(world: CohortWorld) -> None:
    """A 403 is worded by its code: 50001 is a channel the bot cannot see, not a permission
    to add (the raw "Missing Access" told the moderator nothing)."""
    from localdiscord import errors

    world.sandbox.faults.error("POST /channels/*/messages", errors.missing_access())
    result = await world.mod.slash("lesson post", channel=world.lessons)
    text = result.followups[-1].content
    assert "Discord refused part of the posting (I can't see that channel (View Channel is " \
           "missing))" in text, text
    assert "I removed what I had posted" in text

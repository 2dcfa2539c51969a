"""Snowflakes as Discord makes them: dated by the world clock (what `id >> 22` says is when the
world says it was), increasing even within one millisecond, and never shared by two worlds
at the same world time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdiscord.clock import DEFAULT_START, LATEST
from localdiscord.snowflakes import LAST_ID_TIME, WORKERS, Snowflakes
from localdiscord.state import World

from .live import LiveDiscord

IDS_PER_MS = 4096


def stopped_at(when: datetime) -> Snowflakes:
    return Snowflakes(lambda: when)


# hypothesis bounds are naive times; the drawn ones are in UTC.
SINCE_DISCORD = st.datetimes(min_value=datetime(2015, 1, 2),  # noqa: DTZ001
                             max_value=LAST_ID_TIME.replace(tzinfo=None),
                             timezones=st.just(UTC))


def test_no_id_is_made_past_the_last_time_one_can_carry() -> None:
    """Past it the id overflows 64-bit integers (SQLite's); the clock stops before (F14)."""
    assert stopped_at(LAST_ID_TIME)() < 2**63
    with pytest.raises(OverflowError, match="past 2084-09-06"):
        stopped_at(LAST_ID_TIME + timedelta(milliseconds=1))()
    assert LATEST < LAST_ID_TIME


@given(SINCE_DISCORD)
def test_an_id_says_the_world_time_it_was_made_at(when: datetime) -> None:
    made = stopped_at(when)()
    # discord.py's reading of an id (Message.created_at and the like), to the millisecond.
    assert discord.utils.snowflake_time(made) == when.replace(
        microsecond=when.microsecond // 1000 * 1000)


@given(st.integers(min_value=2, max_value=3 * IDS_PER_MS))
def test_ids_made_in_one_millisecond_increase_and_carry_into_the_next(count: int) -> None:
    make = stopped_at(DEFAULT_START)
    ids = [make() for _ in range(count)]
    assert ids == sorted(set(ids))
    dates = [discord.utils.snowflake_time(i) for i in ids]
    assert dates[0] == DEFAULT_START
    # Past 4,096 ids the count carries into the next millisecond: never before the clock.
    assert dates[-1] == DEFAULT_START + timedelta(milliseconds=(count - 1) // IDS_PER_MS)


def test_ids_follow_the_clock_and_never_go_back() -> None:
    now = [DEFAULT_START]
    make = Snowflakes(lambda: now[0])
    first = make()
    now[0] += timedelta(days=3)
    later = make()
    assert discord.utils.snowflake_time(later) == DEFAULT_START + timedelta(days=3)
    now[0] = DEFAULT_START  # a clock set back (a world started over without a new worker)
    assert make() > later > first


@given(st.lists(st.integers(min_value=0, max_value=WORKERS - 1), min_size=2, max_size=5,
                unique=True),
       st.integers(min_value=1, max_value=2 * IDS_PER_MS))
def test_two_workers_at_the_same_time_share_no_id(workers: list[int], count: int) -> None:
    made = [[maker() for _ in range(count)]
            for maker in (Snowflakes(lambda: DEFAULT_START, w) for w in workers)]
    assert len(set().union(*made)) == count * len(workers)


def test_worlds_of_one_process_at_the_same_time_share_no_id() -> None:
    # The demo world built twice at its start time: once in this process, once in another,
    # is the case of `cohortbot sandbox --db` run twice (each process draws its own worker).
    first, second = (World(now=lambda: DEFAULT_START) for _ in range(2))
    ids = [{w.application_id, w.owner.id, w.bot.id, w.add_guild("Guild").id} for w in
           (first, second)]
    assert not ids[0] & ids[1]


def test_a_worker_is_one_of_1024() -> None:
    with pytest.raises(ValueError, match=r"0\.\.1023"):
        Snowflakes(lambda: DEFAULT_START, WORKERS)


async def test_what_members_and_the_bot_post_is_dated_by_the_world_clock(
    ld: LiveDiscord,
) -> None:
    await ld.ada.say("lessons", "ping")
    await ld.control.move_clock(advance=3 * 24 * 3600)
    await ld.ada.say("lessons", "ping")
    messages = await ld.messages("lessons")
    assert [m["content"] for m in messages] == ["ping", "pong"] * 2
    for message in messages:
        assert discord.utils.snowflake_time(int(message["id"])) == datetime.fromisoformat(
            message["timestamp"])
    assert [discord.utils.snowflake_time(int(m["id"])) for m in messages] == [
        DEFAULT_START, DEFAULT_START, DEFAULT_START + timedelta(days=3),
        DEFAULT_START + timedelta(days=3)]


async def test_a_world_started_over_makes_new_ids_from_its_start(live: LiveDiscord) -> None:
    before = {int(c) for c in live.guild_info["channels"].values()}
    await live.control.move_clock(advance=3600)
    await live.control.reset()
    await live.build()
    after = {int(c) for c in live.guild_info["channels"].values()}
    assert not before & after
    assert {discord.utils.snowflake_time(i) for i in after} == {DEFAULT_START}


def test_a_world_built_again_with_its_worker_goes_on_after_its_last_id() -> None:
    """The same worker at the same world time makes the same ids (a world built again);
    `continue_after` then keeps every new id above those made before, in any millisecond."""
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    first = Snowflakes(lambda: start, worker=7)
    made = [first() for _ in range(5000)]  # past one millisecond's 4,096: carried ahead
    again = Snowflakes(lambda: start, worker=7)
    assert [again() for _ in range(3)] == made[:3]
    assert first.last == made[-1] and Snowflakes(lambda: start).last == 0
    again.continue_after(first.last)
    after = [again() for _ in range(10)]
    assert min(after) > max(made) and after == sorted(after)
    again.continue_after(made[0])  # an earlier id changes nothing
    assert again() > after[-1]

"""Days and times a member is shown are their own: Discord timestamps in messages (each
reader's Discord shows them in their local time, as every other message of the bot), and
where Discord renders none (an autocomplete choice), the day in the member's timezone. Review
6, finding 10: the "window closed" refusal and the "before your first message" refusal gave
UTC dates ("the 9th is before the 9th" in Kiritimati), and so did the autocomplete labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import followups as followups_store
from tests.followups.helpers import stamp, text_of
from tests.world import CohortWorld

KIRITIMATI = "Pacific/Kiritimati"  # UTC+14: at 11:00 UTC on the 5th it is 01:00 on the 6th


async def in_kiritimati(world: CohortWorld, when: datetime) -> None:
    await world.clock.set(when)
    result = await world.ben.slash("settings timezone", {"zone": KIRITIMATI})
    assert KIRITIMATI in result.response.content


async def test_the_window_closed_refusal_gives_the_end_the_member_was_shown(
    world: CohortWorld,
) -> None:
    await in_kiritimati(world, datetime(2026, 1, 5, 11, 0, tzinfo=UTC))
    logged = text_of(await world.ben.slash("outreach log", {"who": "Sam Rivera",
                                                             "channel": "email"}))
    end = datetime(2026, 1, 19, 11, 0, tzinfo=UTC)  # 14 days on, 01:00 on the 20th there
    assert stamp(end, "D") in logged
    await world.clock.set(datetime(2026, 1, 20, 9, 0, tzinfo=UTC))
    refused = text_of(await world.ben.slash("outreach log", {"who": "Sam Rivera",
                                                              "channel": "email"}))
    assert "window for a follow-up to Sam Rivera closed" in refused
    assert stamp(end, "F") in refused  # the same moment, as his Discord shows it
    assert "2026-01-19" not in refused


async def test_a_day_before_the_first_message_is_named_as_the_member_sees_it(
    world: CohortWorld,
) -> None:
    await in_kiritimati(world, datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    await world.ben.slash("outreach log", {"who": "Sam Rivera", "channel": "email",
                                           "sent_on": "2026-01-10"})
    first = datetime(2026, 1, 9, 22, 0, tzinfo=UTC)  # noon on the 10th in Kiritimati
    refused = text_of(await world.ben.slash("outreach log", {
        "who": "Sam Rivera", "channel": "email", "sent_on": "2026-01-09"}))
    assert "before your first message to Sam Rivera" in refused
    assert stamp(first, "D") in refused and "2026-01-09" not in refused


async def test_a_follow_up_typed_as_the_first_messages_day_is_not_before_it(
    world: CohortWorld,
) -> None:
    """The first message logged "now", late on the 12th there; the next day a LinkedIn
    message typed as sent on the 12th (its noon, before the first's time of day) is the
    follow-up of that day, not "before your first message (the 12th)"."""
    await in_kiritimati(world, datetime(2026, 1, 12, 9, 0, tzinfo=UTC))  # 23:00 there
    await world.ben.slash("outreach log", {"who": "Sam Rivera", "channel": "email"})
    await world.clock.advance(timedelta(days=1))
    logged = text_of(await world.ben.slash("outreach log", {
        "who": "Sam Rivera", "channel": "linkedin_message", "sent_on": "2026-01-12"}))
    assert "Logged as your follow-up to **Sam Rivera**" in logged
    (row, _), = await followups_store.member_log(world.bot.db, world.ben.id)
    assert row.attempts == 2 and row.followed_up_at == row.sent_at


async def test_the_replied_autocomplete_gives_the_day_in_the_members_timezone(
    world: CohortWorld,
) -> None:
    await in_kiritimati(world, datetime(2026, 1, 5, 11, 0, tzinfo=UTC))
    await world.ben.slash("outreach log", {"who": "Sam Rivera", "channel": "email"})
    offered = await world.ben.autocomplete("outreach replied", "who", {"who": "sam"})
    assert [c["name"] for c in offered.choices or []] == [
        "Sam Rivera · email · sent 2026-01-06"]  # the 6th there, though the 5th in UTC

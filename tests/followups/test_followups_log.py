"""The outreach log end to end: /outreach log|list|replied|stats, "I sent it" under a review,
/settings timezone with autocomplete, and /forget-me."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from storage import followups as store
from storage import members
from tests.e2e.conftest import CohortWorld
from tests.followups.helpers import button, reminders, stamp, text_of

STRONG = (
    "Hi Dana, Priya Shah from our Data Guild suggested I reach out. I read your post on "
    "moving churn models to survival analysis and tried the approach in my capstone. Could I "
    "ask one question about how you chose the censoring window? Happy to share my results."
)
WEAK = (
    "Hi, I came across your profile and would love to connect. I'm looking for a job in "
    "data science, can you refer me to your company? Let me know when you're free to chat."
)


def review_of(world: CohortWorld, member: Any) -> Any:
    return [m for m in world.sandbox.dm_messages(member) if m.author_id != member.id][-1]


def sent_button(message: Any) -> str:
    return button(message, "I sent it")


async def log_review(world: CohortWorld, draft: str, **answers: str) -> tuple[Any, Any]:
    """ada DMs a draft and logs it as sent from its review: (the review, the answer)."""
    await world.ada.dm(draft)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, sent_button(reply))
    values = {"recipient": "Dana", "channel": "email", "sent_on": "", "keep": "no", **answers}
    return reply, await world.ada.submit_modal(opened, values)


# --- /outreach log and list --------------------------------------------------------------------


async def test_log_then_list_shows_state_and_when_the_reminder_comes(world: CohortWorld) -> None:
    logged = await world.ada.slash("outreach log", {
        "who": "Dana Lee <dana@acme.com>", "channel": "linkedin_message",
        "sent_on": "2026-01-02", "note": "met at the meetup"})
    assert logged.ephemeral and "LinkedIn message" in logged.response.content
    due = datetime(2026, 1, 9, 12, 0, tzinfo=UTC)  # noon on the day sent, a week on
    assert stamp(due) in logged.response.content
    listed = await world.ada.slash("outreach list")
    assert listed.ephemeral
    text = text_of(listed)
    assert "Dana Lee" in text and "attempt 1 of 2" in text and "met at the meetup" in text
    assert f"⏰ reminder {stamp(due)} ({stamp(due, 'R')})" in text
    others = text_of(await world.ben.slash("outreach list"))
    assert "Dana" not in others and "haven't logged any outreach" in others


async def test_log_refuses_a_future_date_and_gibberish(world: CohortWorld) -> None:
    future = await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                                    "sent_on": "2026-02-01"})
    assert "in the future" in future.response.content
    garbled = await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                                     "sent_on": "last tuesday"})
    assert "YYYY-MM-DD" in garbled.response.content
    assert await store.member_log(world.bot.db, world.ada.id) == []


async def test_a_date_past_the_window_is_logged_without_a_reminder(world: CohortWorld) -> None:
    logged = await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                                    "sent_on": "2025-12-01"})
    assert "no reminder" in logged.response.content
    assert "closed quietly" in text_of(await world.ada.slash("outreach list"))


async def test_outreach_replied_closes_it(world: CohortWorld) -> None:
    await world.ada.slash("outreach log", {"who": "José Núñez", "channel": "email"})
    typed = await world.ada.autocomplete("outreach replied", "who", {"who": "jos"})
    assert [c["value"] for c in typed.choices or []] == ["José Núñez"]
    done = await world.ada.slash("outreach replied", {"who": "jose nunez"})
    assert "replied" in done.response.content
    await world.clock.advance(timedelta(days=8))
    assert reminders(world, world.ada) == []
    unknown = await world.ada.slash("outreach replied", {"who": "Nobody"})
    assert "no unanswered outreach" in unknown.response.content


async def test_stats_are_totals_for_moderators_only(world: CohortWorld) -> None:
    await world.ada.slash("outreach log", {"who": "Dana Secret", "channel": "email"})
    await world.ben.slash("outreach log", {"who": "Sam Hidden", "channel": "email"})
    await world.ben.slash("outreach replied", {"who": "Sam Hidden"})
    refused = await world.ada.slash("outreach stats")
    assert refused.ephemeral and "Only moderators" in refused.response.content
    stats = await world.mod.slash("outreach stats")
    text = text_of(stats)
    assert stats.ephemeral and "Outreaches logged: **2**" in text
    assert "Replies after the first message: **1 of 2 (50%)**" in text
    assert "Secret" not in text and "Hidden" not in text
    help_text = text_of(await world.ada.slash("help"))
    assert "/outreach log" in help_text and "/outreach stats" not in help_text
    assert "/outreach stats" in text_of(await world.mod.slash("help"))


# --- "I sent it" under a review --------------------------------------------------------------


async def test_i_sent_it_logs_one_outreach_however_often_it_is_pressed(
    world: CohortWorld,
) -> None:
    reply, done = await log_review(world, STRONG, recipient="Dana Lee")
    assert "Logged" in done.response.content and "draft not stored" in done.response.content
    again = await world.ada.click(reply, sent_button(reply))
    assert again.modal is None and "already logged" in again.response.content
    ((row, reminder),) = await store.member_log(world.bot.db, world.ada.id)
    assert (row.recipient, row.channel, row.draft) == ("Dana Lee", "email", None)
    assert reminder is not None and reminder.status.value == "pending"


async def test_two_forms_open_on_one_review_log_one_outreach(world: CohortWorld) -> None:
    await world.ada.dm(STRONG)
    reply = review_of(world, world.ada)
    first = await world.ada.click(reply, sent_button(reply))
    second = await world.ada.click(reply, sent_button(reply))  # e.g. on a second device
    await world.ada.submit_modal(first, {"recipient": "Dana", "channel": "email",
                                         "sent_on": "", "keep": "yes"})
    late = await world.ada.submit_modal(second, {"recipient": "Sam", "channel": "email",
                                                 "sent_on": "", "keep": "no"})
    assert "already logged" in late.response.content
    ((row, _),) = await store.member_log(world.bot.db, world.ada.id)
    assert (row.recipient, row.draft) == ("Dana", STRONG)


async def test_i_sent_it_refuses_bad_answers_and_a_third_attempt(world: CohortWorld) -> None:
    await world.ada.dm(STRONG)
    reply = review_of(world, world.ada)
    for values, expected in [
        ({"recipient": "Dana", "channel": "fax", "sent_on": "", "keep": "no"}, "Unknown channel"),
        ({"recipient": "Dana", "channel": "email", "sent_on": "yesterday-ish", "keep": "no"},
         "YYYY-MM-DD"),
        ({"recipient": "Dana", "channel": "email", "sent_on": "", "keep": "maybe"}, "yes or no"),
        ({"recipient": "Dana", "channel": "email", "sent_on": "2027-01-01", "keep": "no"},
         "in the future"),
    ]:
        opened = await world.ada.click(reply, sent_button(reply))
        result = await world.ada.submit_modal(opened, values)
        assert expected in result.response.content
    assert await store.member_log(world.bot.db, world.ada.id) == []
    for _ in range(2):
        await world.ada.slash("outreach log", {"who": "dana", "channel": "email"})
    opened = await world.ada.click(reply, sent_button(reply))
    third = await world.ada.submit_modal(opened, {"recipient": "Dana", "channel": "email",
                                                  "sent_on": "", "keep": "no"})
    assert "third attempt" in third.response.content


async def test_a_reviewed_follow_up_logged_as_sent_is_the_second_attempt(
    world: CohortWorld,
) -> None:
    await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                           "sent_on": "2025-12-26"})
    opened = await world.ada.slash("review")
    reviewed = await world.ada.submit_modal(opened, {
        "draft": "Hi Dana, following up on my note from last week about your survival "
                 "analysis post; I'd still love to hear how you chose the window. Thanks!",
        "channel": "email", "attempt": "2"})
    review = reviewed.response
    opened = await world.ada.click(review, sent_button(review))
    done = await world.ada.submit_modal(opened, {"recipient": "Dana", "channel": "email",
                                                 "sent_on": "", "keep": "no"})
    assert "follow-up to **Dana** (attempt 2 of 2)" in done.response.content


async def test_two_members_filling_the_same_form_do_not_cross(world: CohortWorld) -> None:
    await world.ada.dm(STRONG)
    await world.ben.dm(WEAK)
    ada_review, ben_review = review_of(world, world.ada), review_of(world, world.ben)
    ada_form = await world.ada.click(ada_review, sent_button(ada_review))
    ben_form = await world.ben.click(ben_review, sent_button(ben_review))
    await world.ada.submit_modal(ada_form, {"recipient": "Dana", "channel": "email",
                                            "sent_on": "", "keep": "yes"})
    done = await world.ben.submit_modal(ben_form, {"recipient": "Sam", "channel": "email",
                                                   "sent_on": "", "keep": "yes"})
    assert "Logged" in done.response.content
    ((ada_row, _),) = await store.member_log(world.bot.db, world.ada.id)
    ((ben_row, _),) = await store.member_log(world.bot.db, world.ben.id)
    assert (ada_row.recipient, ada_row.draft) == ("Dana", STRONG)
    assert (ben_row.recipient, ben_row.draft) == ("Sam", WEAK)


async def test_the_kept_draft_is_in_the_reminder(world: CohortWorld) -> None:
    await log_review(world, STRONG, keep="yes")
    await world.clock.advance(timedelta(days=7))
    (reminder,) = reminders(world, world.ada)
    assert STRONG[:60] in str(reminder.embeds[0]) and reminder.allowed_mentions == {"parse": []}


# --- /settings timezone ------------------------------------------------------------------------


async def test_timezone_autocomplete_and_refusals(world: CohortWorld) -> None:
    typed = await world.ada.autocomplete("settings timezone", "zone", {"zone": "new y"})
    assert typed.callback_type == 8
    first = (typed.choices or [])[0]
    assert first["value"] == "America/New_York" and "UTC-05:00" in first["name"]
    empty = await world.ada.autocomplete("settings timezone", "zone")
    assert 0 < len(empty.choices or []) <= 25
    for bad, expected in [("America", "a region, not a timezone"),
                          ("Mars/Olympus_Mons", "not a timezone I know")]:
        refused = await world.ada.slash("settings timezone", {"zone": bad})
        assert refused.ephemeral and expected in refused.response.content
    shown = await world.ada.slash("settings timezone")
    assert "the cohort's" in shown.response.content
    await world.ada.slash("settings timezone", {"zone": "europe/berlin"})
    shown = await world.ada.slash("settings timezone")
    assert "Europe/Berlin" in shown.response.content and "yours" in shown.response.content


# --- /forget-me --------------------------------------------------------------------------------


def _component(message: Any, label: str) -> str:
    return button(message, label)


async def test_forget_me_removes_outreaches_reminders_settings_and_jobs(
    world: CohortWorld,
) -> None:
    await world.ada.slash("settings timezone", {"zone": "Europe/Berlin"})
    await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                           "sent_on": "2025-12-29"})  # due within hours
    assert len(world.bot.scheduler.job_ids("fu:")) == 2  # the sweep and Dana's reminder
    asked = await world.ada.slash("forget-me")
    assert "settings (your timezone)" in asked.response.content
    await world.ada.click(asked.response, _component(asked.response, "Delete everything"))
    assert sum((await members.stored_counts(world.bot.db, world.ada.id)).values()) == 0
    assert world.bot.scheduler.job_ids("fu:") == ["fu:sweep"]
    await world.clock.advance(timedelta(days=3))
    assert reminders(world, world.ada) == []

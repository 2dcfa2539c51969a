"""The outreach log end to end: /outreach log|list|replied|stats, "I sent it" under a review,
and /forget-me."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.followups import RECIPIENT_MAX
from storage import followups as followups_store
from storage import privacy as privacy_store
from tests.followups.helpers import reminders, stamp, text_of
from tests.markdown import shows_as_typed
from tests.world import STRONG_DRAFT, WEAK_DRAFT, CohortWorld, component, draft_button, review_of

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the world's clock


async def log_review(world: CohortWorld, draft: str, **answers: str) -> tuple[Any, Any]:
    """ada DMs a draft and logs it as sent from its review: (the review, the answer)."""
    await world.ada.dm(draft)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
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
                                                     "sent_on": "tomorrow"})
    # Its example is a day that can be copied: yesterday in the world (Mon 5 Jan 2026).
    assert "YYYY-MM-DD (e.g. 2026-01-04)" in garbled.response.content
    assert await followups_store.member_log(world.bot.db, world.ada.id) == []


async def test_sent_on_reads_weeks_and_weekdays(world: CohortWorld) -> None:
    logged = await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                                    "sent_on": "last Tuesday"})
    tuesday = datetime(2025, 12, 30, 12, 0, tzinfo=UTC)  # noon that day, in the cohort's UTC
    assert stamp(tuesday, "D") in logged.response.content


async def test_a_date_past_the_window_is_logged_without_a_reminder(world: CohortWorld) -> None:
    logged = await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                                    "sent_on": "2025-12-01"})
    assert "no reminder" in logged.response.content
    assert "closed quietly" in text_of(await world.ada.slash("outreach list"))


async def test_outreach_replied_closes_it(world: CohortWorld) -> None:
    await world.ada.slash("outreach log", {"who": "José Núñez", "channel": "email"})
    typed = await world.ada.autocomplete("outreach replied", "who", {"who": "jos"})
    assert [c["name"] for c in typed.choices or []] == ["José Núñez · email · sent 2026-01-05"]
    done = await world.ada.slash("outreach replied", {"who": "jose nunez"})
    assert "replied" in done.response.content
    await world.clock.advance(timedelta(days=8))
    assert reminders(world, world.ada) == []
    unknown = await world.ada.slash("outreach replied", {"who": "Nobody"})
    assert "no unanswered outreach" in unknown.response.content


LONG_NAME = "Dana " + "Q" * 140 + " Lee"  # longer than a choice's 100 characters


async def test_a_reply_noted_twice_and_a_log_repeated_after_it_say_so(
    world: CohortWorld,
) -> None:
    """Review 6, finding 15: a second `/outreach replied` said there was no such outreach,
    and the same `/outreach log` again after the reply logged a new first message with a
    reminder to follow up with someone who had answered."""
    await world.ada.slash("outreach log", {"who": "Dana Lee", "channel": "email"})
    maybe = text_of(await world.ada.slash("outreach replied", {"who": "Dana J. Lee"}))
    assert "Did you mean **Dana Lee**?" in maybe
    await world.ada.slash("outreach replied", {"who": "dana lee"})
    again = text_of(await world.ada.slash("outreach replied", {"who": "dana lee"}))
    assert f"Already noted: Dana Lee replied ({stamp(START, 'D')})" in again
    repeated = text_of(await world.ada.slash("outreach log", {"who": "Dana Lee",
                                                               "channel": "email"}))
    assert "already logged this one" in repeated and "They replied" in repeated
    (row, reminder), = await followups_store.member_log(world.bot.db, world.ada.id)
    assert row.status == "replied" and reminder is not None
    assert reminder.status == "cancelled"  # and no new reminder for someone who answered


async def test_a_reply_to_a_name_longer_than_a_choice_is_noted_from_the_autocomplete(
    world: CohortWorld,
) -> None:
    """The finding: the autocomplete cut the name to 100 characters and the lookup by name
    then found nothing. The choice's value names the outreach itself; its label says it was
    cut; the list shows the whole name, to copy."""
    await world.ada.slash("outreach log", {"who": LONG_NAME, "channel": "email"})
    await world.ada.slash("outreach log", {"who": "Dana Other", "channel": "email"})
    offered = await world.ada.autocomplete("outreach replied", "who", {"who": "dana q"})
    (choice,) = offered.choices or []
    assert len(choice["name"]) <= 100 and len(choice["value"]) <= 100
    assert choice["name"].startswith("Dana QQQ") and "…" in choice["name"]
    assert choice["name"].endswith(" · email · sent 2026-01-05")
    listed = text_of(await world.ada.slash("outreach list"))
    assert LONG_NAME in listed
    done = await world.ada.slash("outreach replied", {"who": choice["value"]})
    assert "replied" in done.response.content and LONG_NAME in done.response.content
    log = await followups_store.member_log(world.bot.db, world.ada.id)
    assert {o.recipient: o.status.value for o, _ in log} == {
        LONG_NAME: "replied", "Dana Other": "awaiting"}
    # Nothing left to pick for that one; the other Dana is still offered.
    again = await world.ada.autocomplete("outreach replied", "who", {"who": "dana"})
    assert [c["name"].split(" · ")[0] for c in again.choices or []] == ["Dana Other"]


async def test_a_typed_name_still_notes_a_reply_whatever_its_length(world: CohortWorld) -> None:
    await world.ada.slash("outreach log", {"who": LONG_NAME, "channel": "email"})
    done = await world.ada.slash("outreach replied", {"who": LONG_NAME.upper()})
    assert "replied" in done.response.content
    # The finding's own attempt: the first 100 characters typed (or a label cut with "…"
    # copied) name one person only, so they find the outreach too.
    await world.ben.slash("outreach log", {"who": LONG_NAME, "channel": "email"})
    await world.ben.slash("outreach log", {"who": "Dana Other", "channel": "email"})
    ambiguous = await world.ben.slash("outreach replied", {"who": "Dana"})
    assert "no unanswered outreach" in ambiguous.response.content  # two people start so
    cut = await world.ben.slash("outreach replied", {"who": LONG_NAME[:99] + "…"})
    assert "replied" in cut.response.content and LONG_NAME in cut.response.content
    await world.cy.slash("outreach log", {"who": LONG_NAME, "channel": "email"})
    typed = await world.cy.slash("outreach replied", {"who": LONG_NAME[:100]})
    assert "replied" in typed.response.content
    # Another member's outreach is not theirs to pick, even by its autocomplete value.
    other = (await followups_store.member_log(world.bot.db, world.ben.id))[0][0]
    assert other.recipient == "Dana Other"
    stolen = await world.ada.slash("outreach replied", {"who": f"outreach:{other.id}"})
    assert "no unanswered outreach" in stolen.response.content
    assert (await followups_store.outreach(world.bot.db, other.id)).status.value == "awaiting"


async def test_the_who_limit_is_the_same_in_every_command(world: CohortWorld) -> None:
    """200 characters, as `/outreach log` takes it, in /outreach replied and "I sent it"
    too (the limit each declares to Discord)."""
    outreach = next(c.payload for c in world.sandbox.world.commands.values()
                    if c.name == "outreach")
    limits = {sub["name"]: option["max_length"] for sub in outreach["options"]
              for option in sub.get("options", []) if option["name"] == "who"}
    assert limits == {"log": RECIPIENT_MAX, "replied": RECIPIENT_MAX} and RECIPIENT_MAX == 200
    _, opened = await log_review(world, STRONG_DRAFT, recipient="x" * 200)
    assert "Logged" in text_of(opened)


async def test_a_name_in_a_refusal_is_shown_as_typed(world: CohortWorld) -> None:
    """The service's refusals set the name in the line as it was typed: Markdown or a
    mention in it rendered in the bot's answer (a code block swallowed the rest)."""
    typed = "**Dana** <@1> ```py"
    unknown = await world.ada.slash("outreach replied", {"who": typed})
    answer = unknown.response.content
    assert "no unanswered outreach" in answer and shows_as_typed(answer, typed), answer


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
    reply, done = await log_review(world, STRONG_DRAFT, recipient="Dana Lee")
    assert "Logged" in done.response.content and "draft not stored" in done.response.content
    again = await world.ada.click(reply, draft_button(reply, "sent"))
    assert again.modal is None and "already logged" in again.response.content
    ((row, reminder),) = await followups_store.member_log(world.bot.db, world.ada.id)
    assert (row.recipient, row.channel, row.draft) == ("Dana Lee", "email", None)
    assert reminder is not None and reminder.status.value == "pending"


async def test_two_forms_open_on_one_review_log_one_outreach(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    first = await world.ada.click(reply, draft_button(reply, "sent"))
    second = await world.ada.click(reply, draft_button(reply, "sent"))  # e.g. on a second device
    await world.ada.submit_modal(first, {"recipient": "Dana", "channel": "email",
                                         "sent_on": "", "keep": "yes"})
    late = await world.ada.submit_modal(second, {"recipient": "Sam", "channel": "email",
                                                 "sent_on": "", "keep": "no"})
    assert "already logged" in late.response.content
    ((row, _),) = await followups_store.member_log(world.bot.db, world.ada.id)
    assert (row.recipient, row.draft) == ("Dana", STRONG_DRAFT)


async def test_i_sent_it_refuses_bad_answers_and_a_third_attempt(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    for picked in ({"channel": "fax"}, {"keep": "maybe"}):  # a select offers no such answer
        with pytest.raises(ValueError, match="no option"):
            await world.ada.submit_modal(opened, {"recipient": "Dana", **picked})
    for values, expected in [
        ({"recipient": "Dana", "channel": "email", "sent_on": "yesterday-ish", "keep": "no"},
         "YYYY-MM-DD"),
        ({"recipient": "Dana", "channel": "email", "sent_on": "2027-01-01", "keep": "no"},
         "in the future"),
    ]:
        opened = await world.ada.click(reply, draft_button(reply, "sent"))
        result = await world.ada.submit_modal(opened, values)
        assert expected in result.response.content
    assert await followups_store.member_log(world.bot.db, world.ada.id) == []
    for sent_on in ("a week ago", "yesterday"):  # the message, then its follow-up
        await world.ada.slash("outreach log", {"who": "dana", "channel": "email",
                                               "sent_on": sent_on})
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
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
    opened = await world.ada.click(review, draft_button(review, "sent"))
    done = await world.ada.submit_modal(opened, {"recipient": "Dana", "channel": "email",
                                                 "sent_on": "", "keep": "no"})
    assert "follow-up to **Dana** (attempt 2 of 2)" in done.response.content


async def test_two_members_filling_the_same_form_do_not_cross(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    await world.ben.dm(WEAK_DRAFT)
    ada_review, ben_review = review_of(world, world.ada), review_of(world, world.ben)
    ada_form = await world.ada.click(ada_review, draft_button(ada_review, "sent"))
    ben_form = await world.ben.click(ben_review, draft_button(ben_review, "sent"))
    await world.ada.submit_modal(ada_form, {"recipient": "Dana", "channel": "email",
                                            "sent_on": "", "keep": "yes"})
    done = await world.ben.submit_modal(ben_form, {"recipient": "Sam", "channel": "email",
                                                   "sent_on": "", "keep": "yes"})
    assert "Logged" in done.response.content
    ((ada_row, _),) = await followups_store.member_log(world.bot.db, world.ada.id)
    ((ben_row, _),) = await followups_store.member_log(world.bot.db, world.ben.id)
    assert (ada_row.recipient, ada_row.draft) == ("Dana", STRONG_DRAFT)
    assert (ben_row.recipient, ben_row.draft) == ("Sam", WEAK_DRAFT)


async def test_the_kept_draft_is_in_the_reminder(world: CohortWorld) -> None:
    await log_review(world, STRONG_DRAFT, keep="yes")
    await world.clock.advance(timedelta(days=7))
    (reminder,) = reminders(world, world.ada)
    assert STRONG_DRAFT[:60] in str(reminder.embeds[0])
    assert reminder.allowed_mentions == {"parse": []}


# --- /forget-me --------------------------------------------------------------------------------


async def test_forget_me_removes_outreaches_reminders_settings_and_jobs(
    world: CohortWorld,
) -> None:
    await world.ada.slash("settings timezone", {"zone": "Europe/Berlin"})
    await world.ada.slash("outreach log", {"who": "Dana", "channel": "email",
                                           "sent_on": "2025-12-29"})  # due within hours
    assert len(world.bot.scheduler.job_ids("fu:")) == 2  # the sweep and Dana's reminder
    asked = await world.ada.slash("forget-me")
    assert "1 setting (your timezone)" in asked.response.content
    await world.ada.click(asked.response, component(asked.response, "Delete everything"))
    assert (await privacy_store.stored_counts(world.bot.db, world.ada.id)).total == 0
    assert world.bot.scheduler.job_ids("fu:") == ["fu:sweep"]
    await world.clock.advance(timedelta(days=3))
    assert reminders(world, world.ada) == []


async def test_a_recipient_cannot_reverse_the_bots_lines(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    logged = await world.ada.submit_modal(opened, {"recipient": "Dana \u202eLee",
                                                   "channel": "email"})
    listing = await world.ada.slash("outreach list")
    for text in (logged.response.content, listing.response.embeds[0]["description"]):
        assert "\u202e" not in text and "\u2068Dana Lee\u2069" in text, text


async def test_list_shows_when_a_late_reminder_will_really_come(world: CohortWorld) -> None:
    await world.ben.slash("settings timezone", {"zone": "Asia/Tokyo"})
    await world.ben.slash("outreach log", {"who": "Kim Park", "channel": "linkedin_note"})
    await world.stop_bot()
    # Due Mon 12 Jan 09:00 UTC; back Tue 23:00 in Tokyo: it waits for the morning there.
    await world.clock.set(datetime(2026, 1, 13, 14, 0, tzinfo=UTC))
    await world.start_bot()
    assert reminders(world, world.ben) == []
    morning = datetime(2026, 1, 14, 0, 0, tzinfo=UTC)  # Wed 09:00 in Tokyo
    listed = text_of(await world.ben.slash("outreach list"))
    assert f"⏰ reminder {stamp(morning)} ({stamp(morning, 'R')})" in listed
    assert stamp(datetime(2026, 1, 12, 9, 0, tzinfo=UTC)) not in listed
    await world.clock.set(morning)
    assert len(reminders(world, world.ben)) == 1

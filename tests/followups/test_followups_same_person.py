"""Who counts as the same person, end to end (review 4, finding 6): variants of a name are
one person, so a third attempt is refused and no reminder is planned for it; a name that
only may be the same person is asked about, with buttons, and nothing is recorded until
the member answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from storage import followups as followups_store
from tests.followups.helpers import reminders, text_of
from tests.world import STRONG_DRAFT, CohortWorld, component, draft_button, review_of

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the world's clock


async def log(world: CohortWorld, who: str, **more: str) -> Any:
    return await world.cy.slash("outreach log", {"who": who, "channel": "email", **more})


async def logged(world: CohortWorld) -> list[tuple[str, int, str]]:
    rows = await followups_store.member_log(world.bot.db, world.cy.id)
    return [(o.recipient, o.attempts, o.status.value) for o, _ in rows]


async def test_variants_of_a_name_are_one_person_and_a_third_attempt_is_refused(
    world: CohortWorld,
) -> None:
    """The finding's script: after "Dana Lee" and a follow-up, "Lee, Dana" and "Dr. Dana
    Lee" were logged as new people, each with a reminder prompting a 4th and 5th message."""
    await log(world, "Dana Lee", sent_on="10 days ago")
    second = text_of(await log(world, "Lee, Dana"))
    assert "attempt 2 of 2" in second
    await world.clock.advance(timedelta(days=1))  # not the follow-up logged twice
    for variant in ("Dr. Dana Lee", "Dana Lee (Acme)", "Ms DANA LEE, PhD", "dana  lée"):
        refused = text_of(await log(world, variant))
        assert "third attempt" in refused, variant
    assert await logged(world) == [("Dana Lee", 2, "followed_up")]
    await world.clock.advance(timedelta(days=14))
    # Only the first message's reminder (due at once: it went 10 days ago), none for the
    # variants.
    (reminder,) = reminders(world, world.cy)
    assert reminder.created_at == START


async def test_a_name_that_may_be_the_same_person_is_asked_and_yes_makes_it_the_follow_up(
    world: CohortWorld,
) -> None:
    await log(world, "Dana Lee", sent_on="3 days ago")
    asked = await log(world, "Dana J. Lee")
    question = asked.response
    assert asked.ephemeral and "You already wrote to **Dana Lee**" in question.content
    assert "Is **Dana J. Lee** the same person?" in question.content
    assert await logged(world) == [("Dana Lee", 1, "awaiting")]  # nothing recorded yet
    answered = await world.cy.click(question, component(question, "Yes, the same person"))
    assert "attempt 2 of 2" in answered.updated_message.content
    assert answered.updated_message.components == []  # the question is answered
    assert await logged(world) == [("Dana Lee", 2, "followed_up")]
    # A third, a day later, is refused when it is said to be the same person.
    await world.clock.advance(timedelta(days=1))
    again = await log(world, "Dana J. Lee")
    answered = await world.cy.click(again.response,
                                    component(again.response, "Yes, the same person"))
    assert "third attempt" in text_of(answered)


async def test_no_logs_someone_new_with_their_own_reminder(world: CohortWorld) -> None:
    await log(world, "Dana Lee", sent_on="3 days ago")
    asked = await log(world, "Dana", note="the other Dana, from the meetup")
    answered = await world.cy.click(asked.response,
                                    component(asked.response, "No, someone else"))
    text = answered.updated_message.content
    assert "Logged: your email to **Dana**" in text and "remind you" in text
    assert "attempt 2" not in text
    assert sorted(await logged(world)) == [("Dana", 1, "awaiting"), ("Dana Lee", 1, "awaiting")]
    notes = [o.note for o, _ in await followups_store.member_log(world.bot.db, world.cy.id)]
    assert "the other Dana, from the meetup" in notes  # the log kept all it was given


async def test_the_same_name_at_two_emails_is_two_people_without_a_question(
    world: CohortWorld,
) -> None:
    await log(world, "Dana Lee <dana@acme.com>", sent_on="10 days ago")
    other = text_of(await log(world, "Dr. Dana Lee <dana.lee@globex.com>"))
    assert "Logged" in other and "same person" not in other and "attempt 2" not in other
    assert len(await logged(world)) == 2


async def test_a_question_from_before_a_restart_says_to_log_again(world: CohortWorld) -> None:
    await log(world, "Dana Lee", sent_on="3 days ago")
    asked = await log(world, "Dana J. Lee")
    await world.restart()
    stale = await world.cy.click(asked.response,
                                 component(asked.response, "Yes, the same person"))
    assert "no longer hold that log" in text_of(stale) and "/outreach log" in text_of(stale)
    assert await logged(world) == [("Dana Lee", 1, "awaiting")]


async def test_i_sent_it_under_a_review_asks_too_and_keeps_the_draft_choice(
    world: CohortWorld,
) -> None:
    await world.ada.slash("outreach log", {"who": "Dana Lee", "channel": "email",
                                           "sent_on": "3 days ago"})
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    asked = await world.ada.submit_modal(opened, {"recipient": "Lee, Dana J.", "channel": "email",
                                                  "sent_on": "", "keep": "yes"})
    question = asked.followups[-1] if asked.followups else asked.response
    assert "Is **Lee, Dana J.** the same person?" in question.content
    answered = await world.ada.click(question, component(question, "No, someone else"))
    assert "(draft kept with the record: “Forget this draft” under the review" in (
        answered.updated_message.content)
    rows = await followups_store.member_log(world.bot.db, world.ada.id)
    assert sorted((o.recipient, o.draft == STRONG_DRAFT) for o, _ in rows) == [
        ("Dana Lee", False), ("Lee, Dana J.", True)]


async def test_the_first_answer_stands_for_the_same_question_asked_for_another_log(
    world: CohortWorld,
) -> None:
    """Review 6, finding 15: two logs of "Dana J. Lee", each asked about; "Yes, the same
    person" to one made it Dana Lee's follow-up, then "No, someone else" to the other logged
    a new person with two more attempts, right after the member said it was Dana Lee."""
    await log(world, "Dana Lee", sent_on="8 days ago")
    older = (await log(world, "Dana J. Lee")).response
    newer = (await world.cy.slash("outreach log", {"who": "Dana J. Lee",
                                                    "channel": "linkedin_message"})).response
    assert "Is **Dana J. Lee** the same person?" in older.content + newer.content
    await world.cy.click(newer, component(newer, "Yes, the same person"))
    assert await logged(world) == [("Dana Lee", 2, "followed_up")]
    said = text_of(await world.cy.click(older, component(older, "No, someone else")))
    assert "You told me for your other log of **Dana J. Lee** that it went to **Dana Lee**" in said
    assert await logged(world) == [("Dana Lee", 2, "followed_up")]  # no new person
    # The other way round: "No" first, then "Yes" to its twin, is one new person.
    await log(world, "Sam Rivera", sent_on="8 days ago")
    first = (await log(world, "Sam K. Rivera")).response
    twin = (await log(world, "Sam K. Rivera")).response
    await world.cy.click(first, component(first, "No, someone else"))
    said = text_of(await world.cy.click(twin, component(twin, "Yes, the same person")))
    assert "that it went to someone else, not **Sam Rivera**" in said
    assert "already logged this one" in said
    assert sorted(await logged(world))[-2:] == [("Sam K. Rivera", 1, "awaiting"),
                                               ("Sam Rivera", 1, "reminded")]

"""Interactions that nothing in the bot's process holds are answered (cogs/_unclaimed.py).

A form open when the bot restarts is sent to a process that never opened it: it is made again
from its custom_id and taken as a live one is, or, where it cannot be, refused with what the
member typed in it. A button that no template of this version matches says it is from
another version of the bot and what to do instead. Never "This interaction failed", never
two answers (the local Discord refuses a second callback, and the `world` fixture fails the
test on the error discord.py would log), never a traceback.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.services.critiques import NOT_KNOWN
from localdiscord.mentions import pings
from storage import critiques as critiques_store
from storage import followups as followups_store
from storage import runs as runs_store
from tests.followups.helpers import a_week_later, log_dana
from tests.markdown import shows_as_typed
from tests.world import (
    STRONG_DRAFT,
    WEAK_DRAFT,
    CohortWorld,
    component,
    draft_button,
    example_messages,
    fields,
    post,
    renamed,
    review_of,
)

FOLLOW_UP = ("Hi Dana, following up on my note about your survival analysis post. Could I "
             "ask one question about the censoring window? Happy to share my results.")
ANOTHER_VERSION = "This button is from another version of me and no longer works"
SENT_BACK = "Here is what you wrote in it, so nothing is lost:"


def answers(result: Any) -> list[Any]:
    """Every message the bot answered the interaction with (a followup that replaced
    "thinking…" is its response): all private, none pinging."""
    said = list({m.id: m for m in (result.response, *result.followups) if m is not None}
                .values())
    assert not result.failed, result
    for message in said:
        assert message.ephemeral, message
        assert pings(message.content, message.allowed_mentions) == [], message
    return said


def text_of(result: Any) -> str:
    return "\n".join(m.content for m in answers(result))


async def critique_opened(world: CohortWorld) -> Any:
    """ada presses "Critique this example" under the first example of a run just posted."""
    await post(world)
    example = example_messages(world)[0]
    opened = await world.ada.click(example, example.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None
    return opened


def form_kind(result: Any) -> str:
    """A form's custom_id without its random end: `cohort:<kind>:<carried>`."""
    return str(result.modal["custom_id"]).rsplit(":", 1)[0]


async def test_a_live_form_and_button_are_answered_once_by_their_own_handlers(
    world: CohortWorld,
) -> None:
    opened = await critique_opened(world)
    assert answers(opened) == []
    sent = await world.ada.submit_modal(opened, {"works": "Specific.", "likely": "yes"})
    [answer] = answers(sent)
    assert answer.content.startswith("Posted your critique"), answer.content
    reviewing = await world.ada.slash("review")
    [review] = answers(await world.ada.submit_modal(reviewing, {"draft": STRONG_DRAFT}))
    assert review.content == "" and "Likely" in review.embeds[0]["title"]


# --- a form open across a restart ----------------------------------------------------------


async def test_a_critique_sent_after_a_restart_is_posted(world: CohortWorld) -> None:
    opened = await critique_opened(world)
    await world.restart()
    sent = await world.ada.submit_modal(opened, {"works": "Names a mutual contact.",
                                                 "doesnt": "Too long.", "likely": "yes"})
    [answer] = answers(sent)
    assert answer.content.startswith("Posted your critique of **"), answer.content
    [row] = await critiques_store.critiques_for_run(world.bot.db, 1)
    assert (row.author_id, row.works, row.doesnt) == (world.ada.id, "Names a mutual contact.",
                                                      "Too long.")


async def test_a_critique_sent_after_the_run_closed_and_a_restart_gives_back_the_text(
    world: CohortWorld,
) -> None:
    opened = await critique_opened(world)
    await world.mod.slash("lesson close", channel=world.lessons)
    await world.restart()
    works = "The <@&1> opener and **bold** ask: https://example.com/x"
    sent = await world.ada.submit_modal(opened, {"works": works, "doesnt": "", "likely": "no"})
    refusal, *given_back = answers(sent)
    # The refusal the button gives now, then what she typed, shown exactly as typed.
    assert refusal.content == "⚠️ Run #1 is closed: critiques are no longer collected."
    assert given_back[0].content.startswith(SENT_BACK)
    assert shows_as_typed(given_back[0].content, works)
    assert await critiques_store.critiques_for_run(world.bot.db, 1) == []


async def test_a_form_made_again_refuses_as_a_live_one_with_edit_and_send_again(
    world: CohortWorld,
) -> None:
    opened = await critique_opened(world)
    await world.restart()
    # Nothing in the critique: the form's own check refuses it, as it would live.
    sent = await world.ada.submit_modal(opened, {"works": "", "doesnt": "", "likely": "yes"})
    [refusal] = answers(sent)
    assert refusal.content.startswith("⚠️ "), refusal.content
    again = refusal.components[0]["components"][0]
    assert again["label"] == "Edit and send again"
    reopened = await world.ada.click(refusal, again["custom_id"])
    assert reopened.modal is not None and form_kind(reopened) == form_kind(opened)
    done = await world.ada.submit_modal(reopened, {"works": "Short and specific.",
                                                   "likely": "yes"})
    assert "Posted your critique" in text_of(done)


async def test_a_review_form_sent_after_a_restart_is_reviewed(world: CohortWorld) -> None:
    opened = await world.ada.slash("review")
    assert opened.modal is not None and form_kind(opened) == "cohort:draft-modal:new"
    await world.restart()
    sent = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT})
    assert not sent.failed
    assert sent.response is not None and "Likely" in sent.response.embeds[0]["title"]


async def test_a_revise_form_sent_after_a_restart_revises_its_review(
    world: CohortWorld,
) -> None:
    await world.ada.dm(WEAK_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "revise"))
    assert form_kind(opened) == f"cohort:draft-modal:{reply.id}"
    await world.restart()
    revised = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT})
    assert not revised.failed
    assert revised.updated_message is not None and revised.updated_message.id == reply.id
    assert "Likely" in revised.updated_message.embeds[0]["title"]


async def test_i_sent_it_sent_after_a_restart_is_logged(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    assert form_kind(opened) == f"cohort:draft-sent:{reply.id}"
    await world.restart()
    # She asked to keep the draft; the restart took it, so who, how and when are logged.
    done = await world.ada.submit_modal(opened, {"recipient": "Dana Lee", "channel": "email",
                                                 "keep": "yes"})
    assert "📨 Logged: your email to **Dana Lee**" in text_of(done)
    ((row, _),) = await followups_store.member_log(world.bot.db, world.ada.id)
    assert (row.recipient, row.draft, row.source_message_id) == ("Dana Lee", None, reply.id)


async def test_a_follow_up_review_sent_after_a_restart_is_reviewed(world: CohortWorld) -> None:
    reminder = await a_week_later(world)
    opened = await world.ada.click(reminder, component(reminder, "Review my follow-up"))
    assert opened.modal is not None
    await world.restart()
    sent = await world.ada.submit_modal(opened, {"draft": FOLLOW_UP})
    assert not sent.failed and sent.response is not None
    assert "Likely" in sent.response.embeds[0]["title"], sent.response.embeds
    assert fields(sent.response.embeds[0])


async def test_a_follow_up_review_after_forget_me_and_a_restart_is_refused_with_the_text(
    world: CohortWorld,
) -> None:
    reminder = await a_week_later(world)
    opened = await world.ada.click(reminder, component(reminder, "Review my follow-up"))
    confirm = await world.ada.slash("forget-me")
    await world.ada.click(confirm.response, f"cohort:forget:{world.ada.id}:confirm")
    await world.restart()
    sent = await world.ada.submit_modal(opened, {"draft": FOLLOW_UP})
    refusal, given_back = answers(sent)
    assert "I no longer have that outreach" in refusal.content
    assert given_back.content == f"{SENT_BACK}\n\n{FOLLOW_UP}"
    assert await followups_store.member_log(world.bot.db, world.ada.id) == []


async def test_a_form_of_an_older_version_gives_back_the_text(world: CohortWorld) -> None:
    await world.ada.dm(STRONG_DRAFT)
    reply = review_of(world, world.ada)
    opened = await world.ada.click(reply, draft_button(reply, "sent"))
    # Before this version, "I sent it"'s form carried nothing but its random end.
    opened.modal["custom_id"] = "cohort:draft-sent:0123456789ab"
    await world.restart()
    sent = await world.ada.submit_modal(opened, {"recipient": "Dana <@everyone>",
                                                 "channel": "email", "sent_on": "2026-11-30"})
    refusal, given_back = answers(sent)
    assert refusal.content == (
        "⚠️ I restarted while this form was open, and it doesn't say enough for me to take it "
        "now. Open it again with “I sent it” under the review.")
    assert shows_as_typed(given_back.content, "Dana <@everyone>")
    assert shows_as_typed(given_back.content, "2026-11-30")
    assert await followups_store.member_log(world.bot.db, world.ada.id) == []


async def test_a_form_that_is_not_the_bot_s_gives_back_long_text_in_pieces(
    world: CohortWorld,
) -> None:
    long = ("word " * 799 + "end.\n") * 2  # 8,010 characters in two inputs
    form = {"custom_id": "poll:7", "title": "Poll", "components": [
        {"type": 18, "label": name, "component": {
            "type": 4, "custom_id": name, "style": 2, "max_length": 4000}}
        for name in ("first", "second")]}
    sent = await world.ada.submit_modal(form, {"first": long[:4000], "second": long[4000:]})
    refusal, *given_back = answers(sent)
    assert refusal.content == ("⚠️ This form is from another version of me, so I couldn't take "
                               "it. `/help` lists what I do.")
    assert given_back[0].content == SENT_BACK  # the first text does not fit beside it
    assert all(0 < len(m.content) <= 2000 for m in given_back)
    # The texts follow one another, cut only between words.
    assert "".join(m.content for m in given_back[1:]).split() == long.split()
    assert not world.sandbox.bot_errors


# --- forged forms ----------------------------------------------------------------------------


async def test_i_sent_it_with_another_member_s_review_in_its_id_is_refused(
    world: CohortWorld,
) -> None:
    await world.ada.dm(STRONG_DRAFT)
    adas = review_of(world, world.ada)
    await world.ben.dm(STRONG_DRAFT)
    bens = review_of(world, world.ben)
    opened = await world.ben.click(bens, draft_button(bens, "sent"))
    opened.modal["custom_id"] = opened.modal["custom_id"].replace(str(bens.id), str(adas.id))
    await world.restart()
    sent = await world.ben.submit_modal(opened, {"recipient": "Dana", "channel": "email"})
    refusal, _ = answers(sent)
    assert "I can take it only from the “I sent it” button under the review" in refusal.content
    assert await followups_store.member_log(world.bot.db, world.ben.id) == []
    # ada's review still logs its own outreach.
    hers = await world.ada.click(adas, draft_button(adas, "sent"))
    assert hers.modal is not None


async def test_a_follow_up_form_with_another_member_s_reminder_is_refused(
    world: CohortWorld,
) -> None:
    reminder = await a_week_later(world)
    opened = await world.ada.click(reminder, component(reminder, "Review my follow-up"))
    await world.restart()
    sent = await world.ben.submit_modal(copy.deepcopy(opened.modal), {"draft": FOLLOW_UP})
    refusal, given_back = answers(sent)
    assert "That's another member's reminder" in refusal.content
    assert given_back.content.endswith(FOLLOW_UP)


async def test_forged_form_ids_are_refused_in_words(world: CohortWorld) -> None:
    opened = await critique_opened(world)
    run = await runs_store.get_run(world.bot.db, 1)
    assert run is not None and run.token is not None
    for custom_id, said in [
        ("cohort:critique-modal:999:1:0123456789ab", NOT_KNOWN),
        (f"cohort:critique-modal:1:9:{run.token}:0123456789ab", "Run #1 has no example 9."),
        # run #1's number without its token: not this run's form (see test_restore_binding)
        ("cohort:critique-modal:1:1:0123456789ab", NOT_KNOWN),
        ("cohort:critique-modal:1:1:00000000:0123456789ab", NOT_KNOWN),
        ("cohort:critique-modal:" + "9" * 40 + ":1:0123456789ab", "doesn't say enough"),
        ("cohort:critique-modal:١:١:0123456789ab", "doesn't say enough"),
        ("cohort:critique-modal:1:1", "doesn't say enough"),
        ("cohort:critique-modal", "another version of me"),
        ("cohort:kritik:1:1:0123456789ab", "another version of me"),
        ("kritik-ü", "another version of me"),
    ]:
        forged = dict(copy.deepcopy(opened.modal), custom_id=custom_id)
        sent = await world.ada.submit_modal(forged, {"works": "Kept.", "likely": "yes"})
        refusal, given_back = answers(sent)
        assert refusal.content.startswith("⚠️ ") and said in refusal.content, (custom_id,
                                                                               refusal.content)
        assert given_back.content == f"{SENT_BACK}\n\nKept."
    assert await critiques_store.critiques_for_run(world.bot.db, 1) == []
    assert not world.sandbox.bot_errors


# --- buttons no template matches -------------------------------------------------------------


async def test_buttons_no_version_of_mine_answers_say_so_once(world: CohortWorld) -> None:
    await post(world)
    example = example_messages(world)[0]
    button = example.components[0]["components"][0]["custom_id"]
    for custom_id, instead in [
        ("cohort:critique:1", "use `/critique`"),
        ("cohort:critique:" + "9" * 40 + ":1", "use `/critique`"),
        ("cohort:critique:١:١", "use `/critique`"),
        ("cohort:poll:1:2", "`/help` lists what I do."),
        ("someone-else:button", "`/help` lists what I do."),
    ]:
        button = renamed(example, button, custom_id)
        clicked = await world.ada.click(example, button)
        [answer] = answers(clicked)
        assert answer.content.startswith(f"{ANOTHER_VERSION}: {instead}"), (custom_id,
                                                                              answer.content)
    assert not world.sandbox.bot_errors


async def test_a_button_a_template_matches_is_answered_by_it_alone(world: CohortWorld) -> None:
    await post(world)
    example = example_messages(world)[0]
    button = renamed(example, example.components[0]["components"][0]["custom_id"],
                     "cohort:critique:999:1")
    clicked = await world.ada.click(example, button)
    [answer] = answers(clicked)
    assert answer.content == f"⚠️ {NOT_KNOWN}"


async def test_another_member_s_edit_and_send_again_opens_nothing(world: CohortWorld) -> None:
    refused = {}
    for member in (world.ada, world.ben):
        opened = await member.slash("review")
        refused[member.id] = (await member.submit_modal(opened, {"draft": "hi!"})).response
    adas = refused[world.ada.id].components[0]["components"][0]["custom_id"]
    bens = refused[world.ben.id]
    forged = renamed(bens, bens.components[0]["components"][0]["custom_id"], adas)
    clicked = await world.ben.click(bens, forged)
    assert clicked.modal is None
    [answer] = answers(clicked)
    assert answer.content == "⚠️ That form is another member's: only they can send it again."
    assert (await world.ada.click(refused[world.ada.id], adas)).modal is not None


async def test_another_member_s_forget_me_confirmation_acts_for_nobody(
    world: CohortWorld,
) -> None:
    await world.ben.slash("outreach log", {"who": "Dana Lee", "channel": "email"})
    await log_dana(world)
    confirm = await world.ada.slash("forget-me")
    button = renamed(confirm.response, f"cohort:forget:{world.ada.id}:confirm",
                     f"cohort:forget:{world.ben.id}:confirm")
    clicked = await world.ada.click(confirm.response, button)
    [answer] = answers(clicked)
    assert "only for the member who asked to be forgotten" in answer.content
    for member in (world.ada, world.ben):
        assert len(await followups_store.member_log(world.bot.db, member.id)) == 1

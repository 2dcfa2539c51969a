"""Structured critiques end to end: the button and its form, /critique, editing by sending
again, refusals, votes, and threads that were deleted or archived themselves."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

import pytest

from cogs._given_back import SENT_BACK
from storage import critiques as critiques_store
from tests.markdown import discord_reads, markup_in
from tests.world import (
    CohortWorld,
    component,
    critique,
    cut_short,
    example_messages,
    fields,
    modal_values,
    post,
    said,
)


async def test_critique_modal_posts_embed_stores_and_resubmission_edits(
    world: CohortWorld,
) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    done = await critique(world, world.ada, first, "Short and polite", "No concrete ask", "no")
    assert done.ephemeral and "Posted your critique" in done.followups[-1].content
    thread = world.sandbox.threads(world.lessons)[0]
    (posted,) = world.posts(thread)
    assert fields(posted.embeds[0])["What doesn't"] == "No concrete ask"
    assert posted.embeds[0]["author"]["name"].lower() == "ada"
    assert posted.allowed_mentions == {"parse": []}

    again = await critique(world, world.ada, first, "Short", "Still no ask", "unsure")
    assert "Updated your critique" in again.followups[-1].content
    (posted,) = world.posts(thread)  # edited, not a second post
    assert fields(posted.embeds[0])["What doesn't"] == "Still no ask"
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert [(r.author_id, r.likely, r.doesnt) for r in rows] == [
        (world.ada.id, "unsure", "Still no ask")]


async def test_a_critique_whose_post_was_never_noted_is_not_posted_twice(
    world: CohortWorld,
) -> None:
    """The bot dies after Discord took the critique's post, before it noted the post's id;
    the member, never told, sends the form again after the restart: the post is found by
    its mark and edited, not doubled."""
    run_id = await post(world)
    first = example_messages(world)[0]
    world.sandbox.faults.hold("POST /channels/*/messages")  # Discord makes it, then waits
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None
    await world.ada.submit_modal(opened, {"works": "Polite", "doesnt": "Vague",
                                          "likely": "no"}, settle=False)
    assert await world.sandbox.faults.wait_for_held(within=10)
    assert cut_short("discord-ui-modal-dispatch")
    await world.stop_bot()
    world.sandbox.faults.release()  # to nobody
    await world.start_bot()
    again = await critique(world, world.ada, first, "Polite", "Vague, no ask", "no")
    assert "your critique" in again.followups[-1].content
    thread = world.sandbox.threads(world.lessons)[0]
    (posted,) = world.posts(thread)
    assert fields(posted.embeds[0])["What doesn't"] == "Vague, no ask"
    (row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert row.message_id == posted.id  # so its votes count


async def test_resubmit_prefills_the_modal(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Good hook", "Long", "yes")
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None
    assert modal_values(opened.modal)["works"] == "Good hook"


async def test_the_answer_is_picked_not_typed(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    opened = await world.ben.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None
    (likely,) = [top for top in opened.modal["components"]
                 if top["type"] == 18 and top["component"]["custom_id"] == "likely"]
    assert likely["label"] == "Likely to get a response?"
    assert [o["value"] for o in likely["component"]["options"]] == ["yes", "no", "unsure"]
    with pytest.raises(ValueError, match="no option"):  # no client can send "unsure "
        await world.ben.submit_modal(opened, {"works": "fine", "likely": "unsure "})


async def test_a_refused_critique_keeps_what_was_sent(world: CohortWorld) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    result = await critique(world, world.ben, first, "", "  ", "unsure")
    assert result.ephemeral and "empty" in result.response.content
    assert await critiques_store.critiques_for_run(world.bot.db, run_id) == []
    again = await world.ben.click(result.response, result.response.components[0][
        "components"][0]["custom_id"])
    assert again.modal is not None and modal_values(again.modal)["likely"] == "unsure"
    done = await world.ben.submit_modal(again, {"works": "Polite", "doesnt": "Vague"})
    assert "Posted your critique" in done.followups[-1].content
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert [(r.works, r.likely) for r in rows] == [("Polite", "unsure")]


async def test_critique_command_inside_a_thread_picks_its_example(world: CohortWorld) -> None:
    run_id = await post(world)
    thread = world.sandbox.threads(world.lessons)[1]
    opened = await world.cy.slash("critique", channel=thread)
    assert opened.modal is not None and "Outreach 2" in opened.modal["title"]
    await world.cy.submit_modal(opened, {"works": "Names a shared group", "doesnt": "",
                                         "likely": "yes"})
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert [(r.example_no, r.author_id) for r in rows] == [(2, world.cy.id)]


async def test_votes_count_thumbs_up_but_not_your_own(world: CohortWorld) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Generic", "no")
    thread = world.sandbox.threads(world.lessons)[0]
    (posted,) = world.posts(thread)
    await world.ben.react(posted, "👍")
    await world.cy.react(posted, "👍")
    await world.ada.react(posted, "👍")  # the author's own like does not count
    await world.cy.react(posted, "🎉")  # other emoji are not votes
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert rows[0].votes == 2
    await world.cy.unreact(posted, "👍")
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert rows[0].votes == 1


async def test_deleted_thread_gives_a_clear_message(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    thread = world.sandbox.threads(world.lessons)[0]
    # Deleted behind the bot's back: its cache still has the thread, Discord answers 404.
    del world.sandbox.world.channels[thread.id]
    result = await critique(world, world.ada, first, "ok", "not ok", "no")
    refusal, given_back = said(result)
    assert "deleted" in refusal.content
    assert not refusal.components  # nothing to send again: the thread is gone
    assert given_back.content == f"{SENT_BACK}\n\nok\n\nnot ok"


async def test_two_members_critiquing_the_same_example_at_once(world: CohortWorld) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    custom_id = first.components[0]["components"][0]["custom_id"]
    ada_form = await world.ada.click(first, custom_id)
    ben_form = await world.ben.click(first, custom_id)
    await world.ada.submit_modal(ada_form, {"works": "a", "doesnt": "b", "likely": "no"})
    await world.ben.submit_modal(ben_form, {"works": "c", "doesnt": "d", "likely": "yes"})
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert sorted((r.author_id, r.works) for r in rows) == sorted(
        [(world.ada.id, "a"), (world.ben.id, "c")])


async def test_a_thread_that_archived_itself_still_takes_critiques_and_closes(
    world: CohortWorld,
) -> None:
    await post(world)
    first = example_messages(world)[0]
    thread = world.sandbox.threads(world.lessons)[0]
    # Discord archives a quiet thread by itself after its auto-archive duration.
    await world.sandbox.server.actions.update_thread(thread, {"archived": True})
    await world.sandbox.settle()
    done = await critique(world, world.ada, first, "Polite", "Vague", "no")
    assert "Posted your critique" in done.followups[-1].content
    assert len(world.posts(thread)) == 1
    await world.sandbox.server.actions.update_thread(thread, {"archived": True})
    await world.sandbox.settle()
    again = await critique(world, world.ada, first, "Polite", "Too vague", "no")
    assert "Updated" in again.followups[-1].content
    await world.sandbox.server.actions.update_thread(thread, {"archived": True})
    await world.sandbox.settle()
    closed = await world.mod.slash("lesson close", channel=world.lessons)
    assert "Closed run" in closed.followups[-1].content
    assert thread.locked and thread.archived


RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: the rest of the line would render reversed


async def test_member_text_cannot_reverse_the_bots_lines(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, f"Good hook {RLO}(stniop)", f"No ask{RLO}", "no")
    (posted,) = world.posts(world.sandbox.threads(world.lessons)[0])
    await world.ben.react(posted, "👍")
    assert all(RLO not in value for value in fields(posted.embeds[0]).values())
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    embed = shared.followups[-1].embeds[0]
    lines = "\n".join(fields(embed).values())
    assert RLO not in lines
    assert "\u2068Works: Good hook (stniop) / Doesn't: No ask\u2069" in lines, lines


PHISH = "[Verify your account here](https://evil.example/login) **URGENT** ||spoiler||"


async def test_member_markdown_is_shown_as_typed_not_rendered(world: CohortWorld) -> None:
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, PHISH, "```\nunclosed code block <@1>", "no")
    (posted,) = world.posts(world.sandbox.threads(world.lessons)[0])
    await world.ben.react(posted, "👍")
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    post_fields = fields(posted.embeds[0])
    for value in (post_fields["What works"], post_fields["What doesn't"]):
        assert markup_in(discord_reads(value)[1]) == [], value
    assert discord_reads(post_fields["What works"])[0] == PHISH
    (line,) = [v for v in fields(shared.followups[-1].embeds[0]).values() if "👍 1" in v]
    excerpt = line.split("👍 1 · ", 1)[1]
    assert markup_in(discord_reads(excerpt)[1]) == [], excerpt
    assert discord_reads(excerpt)[0].startswith("Ada: Works: [Verify your account here]")


async def test_edit_and_send_again_after_it_went_through_edits_what_was_posted(
    world: CohortWorld,
) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    refused = await critique(world, world.ben, first, " ", "", "no")
    button = refused.response.components[0]["components"][0]["custom_id"]
    opened = await world.ben.click(refused.response, button)
    assert opened.modal is not None
    done = await world.ben.submit_modal(opened, {"works": "Warm, but no clear ask"})
    assert "Posted your critique" in done.followups[-1].content
    # The old button, pressed again: the form as it was posted, and it goes through.
    reopened = await world.ben.click(refused.response, button)
    assert reopened.modal is not None and not reopened.failed
    assert modal_values(reopened.modal) == {"works": "Warm, but no clear ask", "doesnt": "",
                                            "likely": "no"}
    edited = await world.ben.submit_modal(reopened, {"works": "Changed my mind: it is fine"})
    assert not edited.failed and "Updated your critique" in edited.followups[-1].content
    (posted,) = world.posts(world.sandbox.threads(world.lessons)[0])
    assert fields(posted.embeds[0])["What works"] == "Changed my mind: it is fine"
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert [r.works for r in rows] == ["Changed my mind: it is fine"]


async def test_two_forms_sent_at_once_make_one_post_that_forget_me_deletes(
    world: CohortWorld,
) -> None:
    run_id = await post(world)
    second = example_messages(world)[1]
    custom_id = second.components[0]["components"][0]["custom_id"]
    a = await world.ben.click(second, custom_id)  # a double click, or two devices
    b = await world.ben.click(second, custom_id)
    await asyncio.gather(
        world.ben.submit_modal(a, {"works": "first copy", "likely": "no"}, settle=False),
        world.ben.submit_modal(b, {"works": "second copy", "likely": "yes"}, settle=False))
    await world.sandbox.settle()
    thread = world.sandbox.threads(world.lessons)[1]
    (posted,) = world.posts(thread)
    (row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert row.message_id == posted.id  # the one post is the stored critique's, as it is
    assert fields(posted.embeds[0])["What works"] == row.works
    asked = await world.ben.slash("forget-me")
    await world.ben.click(asked.response, component(asked.response, "Delete everything"))
    assert world.posts(thread) == []


async def test_a_critique_with_half_an_emoji_is_posted_and_stored(world: CohortWorld) -> None:
    """A form can carry half of a UTF-16 pair (a client cut an emoji in two); SQLite cannot
    store one, so the critique failed with an error id. It is kept with U+FFFD there."""
    run_id = await post(world)
    first = example_messages(world)[0]
    done = await critique(world, world.ada, first, "Warm opener \ud83d", "No ask \udfff", "no")
    assert "Posted your critique" in done.followups[-1].content
    (row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert (row.works, row.doesnt) == ("Warm opener \ufffd", "No ask \ufffd")


async def test_votes_cast_and_taken_back_while_the_bot_was_down_count_after_it_starts(
    world: CohortWorld,
) -> None:
    """The catch-up at READY reads each open critique post's 👍 (one request per post) and
    applies what changed while the bot was away: votes added and taken back, never the
    author's own; a closed run's posts are not read."""
    await post(world)
    await critique(world, world.ada, example_messages(world)[1], "Old run", "", "no")
    await world.mod.slash("lesson close", channel=world.lessons)
    closed_post = world.posts(world.sandbox.threads(world.lessons)[1])[-1]
    run_id = await post(world)
    first = example_messages(world)[-3]
    await critique(world, world.ada, first, "Polite", "Generic", "no")
    await critique(world, world.ben, first, "Short", "Vague", "yes")
    ada_post, ben_post = world.posts(world.sandbox.threads(world.lessons)[-3])[-2:]
    await world.ben.react(ada_post, "👍")
    await world.cy.react(ada_post, "👍")
    await world.stop_bot()
    await world.cy.unreact(ada_post, "👍")  # taken back while the bot was down
    await world.mod.react(ada_post, "👍")
    await world.ada.react(ada_post, "👍")  # her own: never a vote
    await world.ada.react(ben_post, "👍")
    await world.cy.react(ben_post, "👍")
    await world.cy.react(ben_post, "🎉")  # not the vote emoji
    await world.ben.react(closed_post, "👍")
    asked = len(world.sandbox.requests)
    await world.start_bot()
    votes = {r.author_id: r.votes
             for r in await critiques_store.critiques_for_run(world.bot.db, run_id)}
    assert votes == {world.ada.id: 2, world.ben.id: 2}
    assert await critiques_store.votes_of(world.bot.db, 1) == frozenset()  # the closed run's
    read = [unquote(r.path) for r in world.sandbox.requests[asked:] if "/reactions/" in r.path]
    assert sorted(read) == sorted(f"/channels/{p.channel_id}/messages/{p.id}/reactions/👍"
                                  for p in (ada_post, ben_post)), read
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    assert "👍 2" in str(summary.followups[-1].embeds), summary


async def test_the_catch_up_never_counts_a_forgotten_member_s_vote_again(
    world: CohortWorld,
) -> None:
    """A member's 👍 stays on the post after /forget-me (no Manage Messages to remove it),
    and Discord does not date reactions: on a post they had voted on the catch-up takes
    votes back but adds none; other posts catch up as ever."""
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Polite", "Generic", "no")
    await critique(world, world.ben, first, "Short", "Vague", "yes")
    ada_post, ben_post = world.posts(world.sandbox.threads(world.lessons)[0])[-2:]
    await world.cy.react(ben_post, "👍")
    await world.ada.react(ben_post, "👍")
    asked = await world.cy.slash("forget-me")
    await world.cy.click(asked.response, component(asked.response, "Delete everything"))
    await world.stop_bot()
    await world.ada.unreact(ben_post, "👍")
    await world.mod.react(ben_post, "👍")  # cannot be told from cy's: left out
    await world.ben.react(ada_post, "👍")  # a post cy never voted on: counts
    for _ in range(2):  # and again at the next start
        await world.start_bot()
        votes = {r.author_id: r.votes
                 for r in await critiques_store.critiques_for_run(world.bot.db, run_id)}
        assert votes == {world.ada.id: 1, world.ben.id: 0}
        await world.stop_bot()
    await world.start_bot()
    await world.mod.unreact(ben_post, "👍")
    await world.mod.react(ben_post, "👍")  # live votes on that post still count
    votes = {r.author_id: r.votes
             for r in await critiques_store.critiques_for_run(world.bot.db, run_id)}
    assert votes == {world.ada.id: 1, world.ben.id: 1}


async def test_the_catch_up_reads_a_post_s_voters_page_by_page(world: CohortWorld) -> None:
    """Discord gives at most 100 users per reactions request: past that, the next page."""
    run_id = await post(world)
    await critique(world, world.ada, example_messages(world)[0], "Polite", "Generic", "no")
    (ada_post,) = world.posts(world.sandbox.threads(world.lessons)[0])
    voters = [world.guild.handle.add_member(f"voter{n}") for n in range(105)]
    await world.stop_bot()
    for voter in voters:
        await voter.react(ada_post, "👍", settle=False)
    asked = len(world.sandbox.requests)
    await world.start_bot()
    (row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert row.votes == 105
    pages = [r.query for r in world.sandbox.requests[asked:] if "/reactions/" in r.path]
    assert len(pages) == 2 and "after" in pages[1], pages


@pytest.mark.parametrize("emoji", [None, "👍"])
async def test_a_moderator_clearing_a_critique_s_reactions_takes_its_votes(
    world: CohortWorld, emoji: str | None,
) -> None:
    run_id = await post(world)
    await critique(world, world.ada, example_messages(world)[0], "Polite", "Generic", "no")
    (posted,) = world.posts(world.sandbox.threads(world.lessons)[0])
    await world.ben.react(posted, "👍")
    await world.cy.react(posted, "👍")
    await world.mod.clear_reactions(posted, emoji=emoji)
    (row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert row.votes == 0
    await world.restart()  # and the catch-up agrees
    (row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert row.votes == 0


async def test_a_thumbs_up_with_a_skin_tone_or_the_emoji_selector_is_a_vote(
    world: CohortWorld,
) -> None:
    """Discord sends 👍 as the member picked it (👍🏽, 👍️ …), each a reaction of its own:
    every variant is the vote, once per member, live and in the catch-up at READY."""
    run_id = await post(world)
    await critique(world, world.ada, example_messages(world)[0], "Polite", "Generic", "no")
    (posted,) = world.posts(world.sandbox.threads(world.lessons)[0])

    async def votes() -> int:
        (row,) = await critiques_store.critiques_for_run(world.bot.db, run_id)
        return row.votes

    await world.ben.react(posted, "👍🏽")
    await world.cy.react(posted, "👍🏿")
    await world.mod.react(posted, "👍\ufe0f")
    await world.ada.react(posted, "👍🏻")  # her own, in any tone: never a vote
    assert await votes() == 3
    await world.ben.react(posted, "👍")  # a second variant: still one vote
    assert await votes() == 3
    await world.ben.unreact(posted, "👍🏽")  # he keeps 👍: his vote stands
    assert await votes() == 3
    await world.ben.unreact(posted, "👍")
    assert await votes() == 2
    await world.mod.clear_reactions(posted, emoji="👍🏿")  # cy's tone only
    assert await votes() == 1
    await world.stop_bot()
    await world.ben.react(posted, "👍🏾")  # while the bot is away
    await world.cy.react(posted, "👍🏼")
    await world.start_bot()
    assert await votes() == 3
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    assert "👍 3" in str(summary.followups[-1].embeds), summary


async def test_a_moderator_deleting_a_critique_s_post_takes_the_critique_down(
    world: CohortWorld,
) -> None:
    """The moderator deletes the bot's post of a spam critique: it is out of the summaries
    (the one already shared is redone), its votes and the export, and its author's next
    form is refused, not posted again."""
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "SPAMMY critique", "x", "no")
    await critique(world, world.ben, first, "Fair point", "y", "yes")
    thread = world.sandbox.threads(world.lessons)[0]
    ada_post, ben_post = world.posts(thread)
    await world.ben.react(ada_post, "👍")
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    assert "SPAMMY" in str(shared.followups[-1].embeds)

    await world.mod.delete(ada_post)
    rows = await critiques_store.critiques_for_run(world.bot.db, run_id)
    assert [r.author_id for r in rows] == [world.ben.id]
    redone = world.sandbox.world.messages[shared.followups[-1].id]
    assert "SPAMMY" not in str(redone.embeds) and "1 critique from 1 member" in str(
        redone.embeds)
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    assert "SPAMMY" not in str(summary.followups[-1].embeds)
    exported = await world.mod.slash("export", {"format": "json"}, channel=world.lessons)
    files = [a.data for m in exported.followups for a in m.attachments]
    assert files and not any(b"SPAMMY" in data for data in files)
    assert await world.bot.db.fetchval(
        "SELECT COUNT(*) FROM critiques WHERE works LIKE '%SPAMMY%'") == 0

    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is None and "A moderator took down your critique" in (
        opened.response.content), opened.response
    assert world.posts(thread) == [ben_post]
    await world.mod.slash("lesson close", channel=world.lessons)
    final = [m for m in world.posts(world.lessons)
             if m.embeds and "final summary" in m.embeds[0].get("title", "")]
    assert final and "SPAMMY" not in str(final[0].embeds)


@pytest.mark.parametrize("fault", ["server_error", "answer_lost"])
async def test_a_critique_whose_post_discord_fails_is_saved_said_so_and_posted_once_when_sent_again(
    world: CohortWorld, fault: str,
) -> None:
    """F20: during an outage the form answered "something went wrong" (an unexpected error,
    a traceback) though the critique was stored, with no post. Now the member is told it is
    saved and to send the form again, which posts it once (or finds the post that landed)."""
    await post(world)
    first = example_messages(world)[0]
    thread = world.sandbox.threads(world.lessons)[0]
    route = f"POST /channels/{thread.id}/messages"
    if fault == "server_error":
        world.sandbox.faults.server_error(route, status=503, times=None)
    else:
        world.sandbox.faults.disconnect(route, after=True)
    refused = await critique(world, world.ada, first, "OUTAGE works", "", "no")
    world.sandbox.faults.clear()
    text = refused.followups[-1].content if refused.followups else refused.response.content
    assert "I saved your critique of Outreach 1" in text and "Send the form again" in text
    labels = [c["label"] for row in (refused.followups[-1] if refused.followups
                                     else refused.response).components
              for c in row["components"]]
    assert labels == ["Edit and send again"]
    again = await critique(world, world.ada, first, "OUTAGE works", "", "no")
    assert "critique" in (again.followups[-1].content if again.followups
                          else again.response.content)
    posts = [m for m in world.sandbox.bot_messages(thread)
             if m.embeds and "OUTAGE works" in str(m.embeds[0])]
    assert len(posts) == 1
    (row,) = await critiques_store.critiques_for_run(world.bot.db, 1)
    assert row.message_id == posts[0].id


async def test_editing_a_critique_redoes_the_summaries_that_quote_it(world: CohortWorld) -> None:
    """A member who takes something back (a phone number) by sending the form again: the
    summary shared in #lessons, in a thread too, stops quoting it, as /forget-me's redo."""
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "OOPS my phone is 555-0100", "", "no")
    await world.ben.react(world.posts(world.sandbox.threads(world.lessons)[0])[-1], "👍")
    thread = world.sandbox.threads(world.lessons)[0]
    shared = [(await world.mod.slash("lesson summary", {"share": True}, channel=where))
              .followups[-1].id for where in (world.lessons, thread)]
    assert all("555-0100" in str(world.sandbox.world.messages[i].embeds) for i in shared)
    edited = await critique(world, world.ada, first, "Polite, but vague", "", "yes")
    assert "Updated your critique" in edited.followups[-1].content
    for message_id in shared:
        shown = str(world.sandbox.world.messages[message_id].embeds)
        assert "555-0100" not in shown and "Polite, but vague" in shown, shown
        assert "yes 1 · no 0" in shown  # the tally follows the edit too

"""A deferred command's answer across a connection the server closes mid-request (aiohttp's
`ServerDisconnectedError`, which discord.py does not retry): it still arrives, once, and
when it cannot, the member is told with an error id that the log holds.

The local Discord's `disconnect` fault closes the connection instead of answering: after
handling (the answer landed, the bot never heard back) or before (nothing happened).
"""

from __future__ import annotations

import logging

import pytest

from cogs import _answer
from tests.world import STRONG_DRAFT, CohortWorld, critique, example_messages, post

FOLLOWUP, EDIT_ORIGINAL = "POST /webhooks/*", "PATCH /webhooks/*/messages/@original"


@pytest.mark.parametrize("after", [True, False], ids=["answer-lost", "request-lost"])
async def test_a_summary_arrives_once_across_a_dropped_connection(world: CohortWorld,
                                                                   after: bool) -> None:
    await post(world)
    await critique(world, world.ben, example_messages(world)[0], "Polite", "Vague", "no")
    world.sandbox.faults.disconnect(FOLLOWUP, after=after)
    summary = await world.ada.slash("lesson summary", channel=world.lessons)
    assert world.sandbox.faults.fired[-1][:1] == ("POST",)  # the fault did drop the followup
    answer = summary.response
    assert answer is not None and answer.ephemeral
    assert "1 critique from 1 member" in answer.embeds[0]["description"]
    assert [a.filename for a in answer.attachments] == ["tally.png"]
    # Whichever request was lost, the member has one answer: the "thinking" message became
    # it, and no second message repeats it.
    assert all(m.id == answer.id for m in summary.followups)
    assert not answer.flags & 128  # no longer "thinking..."


async def test_a_review_arrives_across_a_dropped_connection(world: CohortWorld) -> None:
    opened = await world.ada.slash("review")
    world.sandbox.faults.disconnect(FOLLOWUP)
    done = await world.ada.submit_modal(opened, {"draft": STRONG_DRAFT})
    assert done.response is not None and done.response.embeds, done
    assert all(m.id == done.response.id for m in done.followups)
    labels = [c["label"] for row in done.response.components for c in row["components"]]
    assert "Revise" in labels  # its buttons came with it


async def test_an_answer_that_never_gets_through_is_logged_and_told(
    world: CohortWorld, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every attempt dropped: the member hears of it (the next request gets through) with an
    error id, and the log holds that id beside the failure."""
    monkeypatch.setattr(_answer, "RETRY_PAUSES", (0.0, 0.0, 0.0))
    await post(world)
    world.sandbox.faults.disconnect(FOLLOWUP, after=False)
    world.sandbox.faults.disconnect(EDIT_ORIGINAL, after=False, times=None)
    caplog.set_level(logging.WARNING)
    summary = await world.ada.slash("lesson summary", channel=world.lessons)
    world.sandbox.faults.clear()
    told = summary.followups[-1].content
    assert "error id" in told
    error_id = told.split("`")[1]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
    retries = [r for r in caplog.records if r.name == "cohortbot.answer"]
    assert len(retries) == len(_answer.RETRY_PAUSES)

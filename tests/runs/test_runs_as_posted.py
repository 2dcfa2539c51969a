"""A run is judged as it posted its lesson: the summary, the final summary and the export
compare the cohort with the reviewer's verdict on the text members critiqued, whatever the
lesson file says since (`/lesson example` edits it under an open run)."""

from __future__ import annotations

import json
from typing import Any

from tests.export.scenario import export, files_of
from tests.world import CohortWorld, critique, example_messages, fields, post

# The tester's replacement: a warm, short note the lesson's rules find likely.
NEW_TEXT = "Hi Dana, Priya suggested I reach out. Could I ask one question?"
DISAGREE = "they differ"


async def summary_line(world: CohortWorld, *, example: str = "Outreach 1") -> str:
    """The reviewer's line under an example in the moderator's /lesson summary."""
    result = await world.mod.slash("lesson summary", channel=world.lessons)
    return fields(result.followups[-1].embeds[0])[example].splitlines()[1]


def exported_example(result: Any, number: int) -> dict[str, Any]:
    (file,) = files_of(result)
    (run,) = json.loads(file.data)["runs"]
    return next(e for e in run["examples"] if e["number"] == number)


async def test_an_example_edited_under_an_open_run_leaves_the_run_as_posted(
    world: CohortWorld,
) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    posted_text = first.embeds[0]["description"]
    await critique(world, world.ada, first, "ok", "", "no")
    before = await summary_line(world)
    assert before.startswith("The cohort said no (1 of 1); the lesson's rules say unlikely")
    assert before.endswith("they agree."), before

    edited = await world.mod.slash("lesson example", {"number": 1, "text": NEW_TEXT},
                                   channel=world.lessons)
    told = edited.followups[-1].content
    # The moderator learns the open run keeps what it posted, and where it is.
    assert "Updated example 1" in told and f"Run #{run_id}" in told, told
    assert "keeps the text it posted" in told, told

    assert await summary_line(world) == before
    exported = exported_example(await export(world, world.mod, format="json"), 1)
    assert exported["text"] in posted_text and NEW_TEXT not in exported["text"]
    assert exported["comparison"] == before

    await world.mod.slash("lesson close", channel=world.lessons)
    final = world.posts(world.lessons)[-1]
    assert "final summary" in final.embeds[0]["title"]
    assert fields(final.embeds[0])["Outreach 1"].splitlines()[1] == before

    # The next run posts the new text, and is judged on it.
    await post(world)
    assert example_messages(world)[3].embeds[0]["description"].startswith(NEW_TEXT)
    assert "the lesson's rules say likely" in await summary_line(world)


async def test_an_edit_with_no_open_run_says_only_the_next_post_uses_it(
    world: CohortWorld,
) -> None:
    edited = await world.mod.slash("lesson example", {"number": 1, "text": NEW_TEXT},
                                   channel=world.lessons)
    told = edited.followups[-1].content
    assert "the next `/lesson post` uses it" in told and "keeps" not in told, told


async def test_a_run_from_before_runs_kept_their_text_keeps_it_from_the_next_start(
    world: CohortWorld,
) -> None:
    run_id = await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "ok", "", "no")
    before = await summary_line(world)
    # As a run posted before migration 0011 is stored: only the lesson file has its text.
    await world.bot.db.execute("UPDATE lesson_runs SET lesson_title = NULL, prompt = NULL")
    await world.bot.db.execute("UPDATE run_examples SET text = NULL")
    await world.restart()  # start-up writes down the file's text, the one record of it
    (text,) = [r[0] for r in await world.bot.db.fetchall(
        "SELECT text FROM run_examples WHERE run_id = ? AND example_no = 1", (run_id,))]
    assert text is not None and text in first.embeds[0]["description"]

    await world.mod.slash("lesson example", {"number": 1, "text": NEW_TEXT},
                          channel=world.lessons)
    assert await summary_line(world) == before

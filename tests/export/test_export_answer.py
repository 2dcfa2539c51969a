"""What the moderator reads above the /export file: counts in words ("1 critique", never
"1 critiques"), what a lone CSV table is, sizes as they are (600 bytes is not "1 KB"), and a
lesson the bot no longer has."""

from __future__ import annotations

import pytest

from bot.display import file_size
from bot.lessons import LessonCatalog
from tests.export.scenario import export, files_of
from tests.world import CohortWorld, critique, example_messages, post


async def one_of_everything(world: CohortWorld) -> None:
    await post(world)
    first, _, _ = example_messages(world)
    await critique(world, world.ada, first, "Polite", "Vague", "unsure")
    await world.ada.say(world.sandbox.threads(world.lessons)[0], "one message")


async def test_one_of_each_is_said_in_the_singular(world: CohortWorld) -> None:
    await one_of_everything(world)
    result = await export(world, world.mod, format="json")
    assert files_of(result)
    assert result.followups[0].content == (
        "Export of run #1: 1 thread message, 1 critique, 1 member taking part.")


async def test_a_lone_csv_table_says_which_table_it_is(world: CohortWorld) -> None:
    await one_of_everything(world)
    result = await export(world, world.mod, format="csv", table="messages")
    (file,) = files_of(result)
    assert file.filename == "cohort-run-1-messages.csv"
    assert result.followups[0].content.startswith(
        "Export of run #1: the messages table alone; `format:csv` gives all four")


async def test_a_tiny_upload_limit_is_said_in_bytes(world: CohortWorld) -> None:
    await one_of_everything(world)
    world.sandbox.server.actions.upload_limit = 600
    result = await export(world, world.mod, format="html")
    parts = files_of(result)
    assert len(parts) > 1 and all(len(p.data) <= 600 for p in parts)
    assert "still more than the 600 bytes I may upload here" in result.followups[0].content


@pytest.mark.parametrize(
    ("size", "words"),
    [(0, "0 bytes"), (1, "1 byte"), (600, "600 bytes"), (1023, "1,023 bytes"),
     (1024, "1.0 KB"), (1536, "1.5 KB"), (25 * 1024 * 1024, "25.0 MB")],
)
def test_file_sizes_are_exact_below_a_kilobyte(size: int, words: str) -> None:
    assert file_size(size) == words


async def test_a_lesson_no_longer_loaded_still_exports_as_the_run_posted_it(
    world: CohortWorld,
) -> None:
    await one_of_everything(world)
    world.bot.services.lessons.catalog = LessonCatalog(())  # as reloaded without its file
    result = await export(world, world.mod, format="markdown")
    (file,) = files_of(result)
    text = file.data.decode("utf-8")
    assert "Networking with Professionals" in text and "I came across your profile" in text
    assert "is not loaded" not in text and "not loaded" not in result.followups[0].content


async def test_a_run_from_before_runs_kept_their_text_says_its_lesson_is_gone(
    world: CohortWorld,
) -> None:
    await one_of_everything(world)
    # As a run posted before migration 0011 is stored: only the lesson file had its text.
    await world.bot.db.execute("UPDATE lesson_runs SET lesson_title = NULL, prompt = NULL")
    await world.bot.db.execute("UPDATE run_examples SET text = NULL")
    kept = await export(world, world.mod, format="markdown")
    assert "I came across your profile" in files_of(kept)[0].data.decode("utf-8")
    world.bot.services.lessons.catalog = LessonCatalog(())  # as reloaded without its file
    result = await export(world, world.mod, format="markdown")
    (file,) = files_of(result)
    assert "is not loaded" in file.data.decode("utf-8")  # the export's own placeholder
    assert result.followups[0].content.endswith(
        "The lesson `networking-with-professionals` is not loaded any more, so the prompt "
        "and the examples' text are missing from it.")


async def test_a_run_whose_lesson_file_failed_to_load_says_why(world: CohortWorld) -> None:
    await one_of_everything(world)
    await world.bot.db.execute("UPDATE lesson_runs SET lesson_title = NULL, prompt = NULL")
    await world.bot.db.execute("UPDATE run_examples SET text = NULL")
    lesson = world.config.lesson.directory / "networking-with-professionals.toml"
    lesson.write_text('key = "networking-with-professionals"\ntitle = 3\n')
    await world.restart()
    result = await export(world, world.mod, format="markdown")
    said = result.followups[0].content
    assert "is not loaded any more" in said
    assert ("Its file `networking-with-professionals.toml` was found but not loaded: "
            in said and "title" in said and "`/lesson list`" in said), said

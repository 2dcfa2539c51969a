"""Lesson content through /lesson: replacing an example, a broken lesson file reported while
the rest still work, an unknown lesson."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.files import read_only
from tests.lessons.test_lesson_uploads import image_bytes
from tests.markdown import shows_as_typed
from tests.world import (
    CohortWorld,
    example_messages,
    post,
)


async def test_moderator_replaces_an_example_text_and_image(world: CohortWorld) -> None:
    png = image_bytes("PNG")
    result = await world.mod.slash(
        "lesson example",
        {"number": 2, "text": "Hi Sam, loved your talk on data contracts.",
         "image": ("shot.png", png)},
        channel=world.lessons,
    )
    assert "Updated example 2" in result.followups[-1].content, result
    await post(world)
    second = example_messages(world)[1]
    assert second.embeds[0]["description"].startswith("Hi Sam")
    assert second.embeds[0]["image"]["url"] == "attachment://example-2.png"
    assert second.attachments and second.attachments[0].filename == "example-2.png"


async def test_a_malformed_lesson_file_is_reported_and_the_rest_still_work(
    world: CohortWorld,
) -> None:
    (world.config.lesson.directory / "broken.toml").write_text('key = "broken"\ntitle = 3\n')
    await world.restart()
    listing = await world.mod.slash("lesson list", channel=world.lessons)
    text = listing.response.content
    assert "networking-with-professionals" in text
    assert "broken.toml" in text and "title" in text
    member_view = await world.ada.slash("lesson list", channel=world.lessons)
    assert "broken.toml" not in member_view.response.content
    assert await post(world) == 1


async def test_unknown_lesson_gets_a_clear_message(world: CohortWorld) -> None:
    result = await world.mod.slash("lesson post", {"lesson": "no-such-lesson"},
                                   channel=world.lessons)
    assert "There is no lesson `no-such-lesson`" in result.response.content


async def test_a_long_lesson_name_with_backticks_is_refused_and_shown_as_typed(
    world: CohortWorld,
) -> None:
    """The option takes any text (it is picked from a list, or typed): the refusal quoted
    it whole between single backticks, so a long one made the answer longer than Discord
    takes (the member saw "This interaction failed") and a backtick in it let the rest
    render as Markdown."""
    typed = "`**nope**` <@1> " + "x" * 3000
    result = await world.ada.slash("lesson recap", {"lesson": typed}, channel=world.lessons)
    assert result.ephemeral and not result.failed
    answer = result.response.content
    assert "There is no lesson" in answer and shows_as_typed(answer, typed[:40]), answer


async def test_a_lessons_folder_the_bot_cannot_write_gets_a_clear_message(
    world: CohortWorld,
) -> None:
    folder = world.config.lesson.directory
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with read_only(folder):
        result = await world.mod.slash(
            "lesson example", {"number": 1, "text": "Hi Sam, loved your talk."},
            channel=world.lessons)
    answer = result.followups[-1].content
    assert "could not save" in answer and str(folder) in answer, answer
    assert "error id" not in answer
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


HUGE_EXAMPLE = ('key = "huge"\ntitle = "Huge"\nprompt = "p"\nrecap = "r"\n'
                '[[examples]]\ntitle = "One"\ntext = "' + "x" * 4001 + '"\n')


@pytest.mark.parametrize(
    ("file", "content", "asked", "why"),
    [
        ("broken.toml", 'key = "broken"\nprompt = """unterminated\n', "broken", "TOML"),
        ("huge.toml", HUGE_EXAMPLE, "huge", "examples[1].text"),
        # Asked for by the key the file declares, not its name.
        ("pack-2.toml", 'key = "second-pack"\ntitle = 3\n', "second-pack", "title"),
    ],
)
async def test_every_command_naming_a_lesson_whose_file_failed_says_why(
    world: CohortWorld, file: str, content: str, asked: str, why: str,
) -> None:
    """/lesson post, example and recap on a lesson whose file was skipped: found but not
    loaded, the reason /lesson list gives, and where to look; the autocomplete offers it,
    marked. A member reads no file path."""
    (world.config.lesson.directory / file).write_text(content)
    await world.restart()
    listing = (await world.mod.slash("lesson list", channel=world.lessons)).response.content
    (reason,) = [line for line in listing.splitlines() if file in line]
    for command, options in [("lesson post", {}), ("lesson example", {"number": 1, "text": "t"}),
                             ("lesson recap", {})]:
        result = await world.mod.slash(command, {**options, "lesson": asked},
                                       channel=world.lessons)
        answer = result.response.content
        assert f"The lesson file `{file}` was found but not loaded" in answer, answer
        assert why in answer and reason.removeprefix("• ") in answer
        assert "`/lesson list`" in answer
    member = await world.ada.slash("lesson recap", {"lesson": asked}, channel=world.lessons)
    answer = member.response.content
    assert f"its file `{file}` could not be loaded" in answer and "`/lesson list`" in answer
    assert str(world.config.lesson.directory) not in answer
    offered = await world.mod.autocomplete("lesson post", "lesson", {"lesson": asked[:3]},
                                           channel=world.lessons)
    assert {"name": f"⚠ {asked} — its file {file} did not load",
            "value": asked} in offered.choices
    assert world.posts(world.lessons) == []  # nothing posted


LESSON_FILE = "networking-with-professionals.toml"


async def test_an_example_edit_keeps_what_was_written_in_the_file_since_it_was_loaded(
    world: CohortWorld,
) -> None:
    """The file edited by hand while the bot runs (a new title, a fourth example): /lesson
    example changes it as it is now, keeps those edits and loads them, and says so."""
    path = world.config.lesson.directory / LESSON_FILE
    text = path.read_text(encoding="utf-8").replace(
        'title = "Networking with Professionals"',
        'title = "Networking with Professionals (week 2)"', 1)
    path.write_text(text + '\n[[examples]]\ntitle = "Outreach 4"\n'
                    'text = """\nHi Sam, a fourth example added by hand."""\n', encoding="utf-8")
    result = await world.mod.slash("lesson example", {"number": 1, "text": "Hi Dana, new."},
                                   channel=world.lessons)
    answer = result.followups[-1].content
    assert "Updated example 1 of **Networking with Professionals (week 2)**" in answer, answer
    assert "edited since I loaded it" in answer
    saved = path.read_text(encoding="utf-8")
    assert "(week 2)" in saved and "a fourth example added by hand" in saved
    assert "Hi Dana, new." in saved
    await post(world)
    assert len(example_messages(world)) == 4
    assert example_messages(world)[0].embeds[0]["description"].startswith("Hi Dana, new.")
    again = await world.mod.slash("lesson example", {"number": 2, "text": "Hi Sam, again."},
                                  channel=world.lessons)
    assert "edited since" not in again.followups[-1].content  # the bot's own edit is no news


async def test_an_example_edit_refuses_a_file_that_no_longer_loads_and_leaves_it(
    world: CohortWorld,
) -> None:
    path = world.config.lesson.directory / LESSON_FILE
    broken = path.read_text(encoding="utf-8").replace("title = ", "title = 3 #", 1)
    path.write_text(broken, encoding="utf-8")
    result = await world.mod.slash("lesson example", {"number": 1, "text": "Hi Dana, new."},
                                   channel=world.lessons)
    answer = result.followups[-1].content
    assert "networking-with-professionals.toml no longer loads" in answer, answer
    assert "title: expected a string" in answer  # what is wrong with it, in the file's words
    assert "was changed since I loaded it" in answer  # the bot never saves a broken file
    assert "Nothing was changed" in answer and "error id" not in answer
    assert path.read_text(encoding="utf-8") == broken


def lesson_at_every_limit() -> str:
    """A lesson whose every text is as long as a lesson file may make it, Markdown and
    escapes included: what the bot renders from it still fits Discord (F6: a 256-character
    title loaded, then broke the prompt's embed title and /lesson recap)."""
    from bot.lessons import MAX_EXAMPLE_TITLE, MAX_TITLE

    title = ("**L** \\ " * MAX_TITLE)[:MAX_TITLE]  # TOML literal strings: no escapes
    example_title = ("E\\" * MAX_EXAMPLE_TITLE)[:MAX_EXAMPLE_TITLE]
    text = "x_* " * 700
    examples = "".join(f"\n[[examples]]\ntitle = '{example_title}'\ntext = '{text}'\n"
                       for _ in range(10))
    return (f"key = 'long'\ntitle = '{title}'\nprompt = '{'p' * 1000}'\n"
            f"recap = '{'r' * 4000}'\n" + examples)


async def test_a_lesson_at_every_limit_posts_everywhere_within_discords_limits(
    world: CohortWorld,
) -> None:
    """Every request is validated against Discord's OpenAPI spec (a violation fails the
    test): the prompt, ten examples and threads in #lessons and in the forum, the recap,
    the summary, the critique form and its post."""
    (world.config.lesson.directory / "long.toml").write_text(lesson_at_every_limit(), "utf-8")
    await world.restart()
    listing = await world.mod.slash("lesson list", channel=world.lessons)
    assert "long.toml" not in listing.response.content  # loaded, not skipped
    await post(world, lesson="long")
    await post(world, lesson="long", channel=world.guild.critiques)
    prompt = world.posts(world.lessons)[0].embeds[0]
    assert len(prompt["title"]) <= 256 and prompt["title"].endswith("evaluate a cold outreach")
    recap = await world.ada.slash("lesson recap", {"lesson": "long"}, channel=world.lessons)
    assert recap.response.embeds[0]["title"].endswith("— the rules")
    first = example_messages(world)[0]
    opened = await world.ada.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None and len(opened.modal["title"]) <= 45
    sent = await world.ada.submit_modal(opened, {"works": "w\\" * 500, "doesnt": "*" * 1000,
                                                 "likely": "no"})
    assert "Posted your critique" in (sent.followups[-1].content if sent.followups
                                      else sent.response.content)
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    assert summary.followups[-1].embeds


def test_a_title_the_bot_could_not_post_is_refused_by_the_loader(tmp_path: Path) -> None:
    """check-config and start-up read lessons through the loader: the tester's 256-character
    title is named with the limit of what will be rendered."""
    from bot.lessons import MAX_TITLE, load_lessons

    (tmp_path / "t.toml").write_text(
        f'key = "t"\ntitle = "{"L" * 256}"\nprompt = "P"\nrecap = "R"\n'
        '[[examples]]\ntitle = "E"\ntext = "X"\n', "utf-8")
    (problem,) = load_lessons(tmp_path).problems
    assert problem.key == "title"
    assert f"is 256 characters; at most {MAX_TITLE} fit" in problem.reason
    assert 256 - len(": evaluate a cold outreach") == MAX_TITLE

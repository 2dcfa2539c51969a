"""A lesson's titles are one line (review 6, finding 7: an example title with a line break
passed check-config and posted, then the summary's chart could not measure it, so no
summary and no /lesson close could ever be drawn for that run).

The loader (and so check-config and start-up) refuses what Discord cannot show in one
line, naming the file and the key; the places that draw a title also take one that a run
posted before kept (`bot.display.one_line`). And a lesson that loads can always be posted,
summarised and closed: checked over generated titles, and through the real bot."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.charts import tally_chart_png
from bot.critiques import CritiqueRecord, Likely, summarize
from bot.lessons import MAX_EXAMPLE_TITLE, MAX_TITLE, LessonError, parse_lesson
from cogs.runs._render import example_embed, prompt_embed, summary_embed, thread_name
from tests.core.test_limits import within_limits
from tests.files import run_cli
from tests.world import CohortWorld, critique, example_messages, fields, post

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "lessons" / "networking-with-professionals.toml"


def lesson_text(title: str = "T", example_title: str = "E", text: str = "X") -> str:
    return (f'key = "k"\ntitle = "{title}"\nprompt = "P"\nrecap = "R"\n'
            f'[[examples]]\ntitle = "{example_title}"\ntext = "{text}"\n')


@pytest.mark.parametrize(("escaped", "words"), [
    ("Outreach\\n1 two lines", "holds a line break (U+000A, character 9); write it on one line"),
    ("Outreach\\r1", "holds a line break (U+000D"),
    ("Line\\u2028separator", "holds a line break (U+2028"),
    ("Next\\u0085line", "holds a line break (U+0085"),
    ("Tab\\there", "holds a tab (U+0009, character 4)"),
    ("Nul\\u0000", "holds NUL (U+0000"),
    ("Bell\\u0007", "holds a control character (U+0007"),
    ("\\u202eRTL override", "bidirectional control U+202E (character 1)"),
])
@pytest.mark.parametrize("where", ["title", "examples[1].title"])
def test_a_title_discord_cannot_show_in_one_line_is_refused_by_the_loader(
    escaped: str, words: str, where: str,
) -> None:
    text = lesson_text(title=escaped) if where == "title" else lesson_text(example_title=escaped)
    with pytest.raises(LessonError) as refused:
        parse_lesson(text, Path("l.toml"))
    assert refused.value.problem.key == where
    assert words in refused.value.problem.reason, refused.value.problem.reason


def test_a_text_keeps_its_lines_and_tabs_but_no_other_control_character() -> None:
    kept = parse_lesson(lesson_text(text="Hi Dana,\\n\\n\\tone question?"), Path("l.toml"))
    assert kept.examples[0].text == "Hi Dana,\n\n\tone question?"
    with pytest.raises(LessonError) as refused:
        parse_lesson(lesson_text(text="Hi\\u0000Dana"), Path("l.toml"))
    assert refused.value.problem.key == "examples[1].text"
    assert "holds NUL (U+0000, character 3)" in refused.value.problem.reason


def test_what_looks_odd_but_shows_in_one_line_loads() -> None:
    """The tester's other titles went through, and still do: emoji, other scripts, an
    isolate, a zero-width space."""
    for title in ("🙂🙂 emoji 你好 مرحبا", "Zero\\u200bwidth", "\\u2068Isolated\\u2069 name"):
        assert parse_lesson(lesson_text(example_title=title), Path("l.toml")).examples


def test_check_config_names_the_file_and_key_of_a_title_with_a_line_break(
    tmp_path: Path,
) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / SHIPPED.name).write_text(SHIPPED.read_text("utf-8").replace(
        'title = "Outreach 1"', 'title = "Outreach\\n1 two lines"', 1), "utf-8")
    (tmp_path / "c.toml").write_text('[lesson]\ndirectory = "lessons"\n')
    outcome = run_cli("check-config", str(tmp_path / "c.toml"))
    assert outcome.code == 2, outcome
    assert "config OK" not in outcome.stdout
    assert f"{SHIPPED.name}: examples[1].title: holds a line break" in outcome.stderr


# Titles as anyone could type or paste them: any Unicode, with the characters that broke.
_PIECES = st.sampled_from(["\n", "\r\n", "\t", "\x00", "\u2028", "\x85", "\u202e", "\u2068",
                           "\u200b", " ", "🙂", "مرحبا", "\\", "*", "—"])
TITLES = st.lists(st.one_of(_PIECES, st.text(max_size=10)), min_size=1, max_size=10).map(
    "".join)


def _toml_string(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in " -" else f"\\U{ord(ch):08X}" for ch in text)


@settings(max_examples=200, deadline=None)
@given(title=TITLES)
@example(title="Outreach\n1 two lines")
@example(title="e" * MAX_EXAMPLE_TITLE)
def test_a_title_that_loads_can_be_posted_summarised_and_closed(title: str) -> None:
    """Any title: the loader refuses it naming the key, or everything drawn from it fits
    where it goes (a one-line thread name within Discord's 100 characters, embeds within
    their limits, the chart drawn)."""
    try:
        lesson = parse_lesson(lesson_text(title=_toml_string(title[:MAX_TITLE]),
                                          example_title=_toml_string(title)), Path("l.toml"))
    except LessonError as exc:
        assert exc.problem.key in ("title", "examples[1].title"), exc.problem
        return
    (ex,) = lesson.examples
    name = thread_name(ex)
    assert len(name) <= limits.THREAD_NAME and name.endswith(" — critiques")
    assert " ".join(ex.title.split()) in name and len(name.splitlines()) == 1
    within_limits(dict(prompt_embed(lesson, 1).to_dict()))
    within_limits(dict(example_embed(lesson, ex, 1, with_prompt=True)[0].to_dict()))
    run = summarize([ex], [CritiqueRecord(1, 1, 7, "w", "d", Likely.YES, 0, 1)])
    within_limits(dict(summary_embed("Run #1 — summary", run, {7: "ada"},
                                     show_missing=True).to_dict()))
    assert tally_chart_png(run).startswith(b"\x89PNG")


@dataclass(frozen=True)
class Titled:
    number: int
    title: str


@settings(max_examples=200, deadline=None)
@given(titles=st.lists(TITLES, min_size=1, max_size=10))
def test_the_chart_draws_any_title_a_run_kept(titles: list[str]) -> None:
    """A run keeps the titles it posted, from before the loader refused line breaks too:
    the chart draws whatever it is given."""
    examples = [Titled(n, t) for n, t in enumerate(titles, start=1)]
    records = [CritiqueRecord(n, n, 7, "w", "d", Likely.NO, 0, n) for n in range(1, 4)]
    assert tally_chart_png(summarize(examples, records)).startswith(b"\x89PNG")


async def test_a_run_posted_with_a_multiline_title_can_be_summarised_and_closed(
    world: CohortWorld,
) -> None:
    """The tester's run #1, posted by a version that took the title: the run keeps the
    title it posted. Its summary (a member's, a moderator's shared one) and its close work,
    the title shown in one line."""
    await post(world)
    first = example_messages(world)[0]
    await critique(world, world.ada, first, "Short and specific.", "No ask.", "no")
    await world.bot.db.execute(
        "UPDATE run_examples SET title = 'Outreach\n1 two lines' WHERE example_no = 1")
    mine = await world.ada.slash("lesson summary", channel=world.lessons)
    assert "Outreach 1 two lines" in fields(mine.followups[-1].embeds[0]), mine
    opened = await world.ben.click(first, first.components[0]["components"][0]["custom_id"])
    assert opened.modal is not None and opened.modal["title"] == "Critique: Outreach 1 two lines"
    shared = await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    assert not shared.failed and shared.followups[-1].attachments, shared
    closed = await world.mod.slash("lesson close", channel=world.lessons)
    answer = closed.followups[-1].content
    assert answer.startswith("Closed run #1") and "Final summary posted" in answer, answer


async def test_a_lesson_with_a_line_break_in_a_title_is_skipped_and_named(
    world: CohortWorld,
) -> None:
    folder = world.config.lesson.directory
    shipped = folder / SHIPPED.name
    shutil.copy(shipped, folder / "copy.toml")
    (folder / "copy.toml").write_text(shipped.read_text("utf-8").replace(
        'key = "networking-with-professionals"', 'key = "copy"', 1).replace(
        'title = "Outreach 2"', 'title = """Outreach\n2"""', 1), "utf-8")
    await world.restart()
    listing = (await world.mod.slash("lesson list", channel=world.lessons)).response.content
    assert "copy.toml: examples[2].title: holds a line break" in listing, listing
    refused = await world.mod.slash("lesson post", {"lesson": "copy"}, channel=world.lessons)
    assert "was found but not loaded" in refused.response.content
    assert world.posts(world.lessons) == []


ODD_TITLES = ["🙂🙂 emoji 你好 مرحبا", "Zero\u200bwidth", "\u2068Isolated\u2069 name",
              "Прив\ufeffет outreach", "Café — **week** 2 `x` <@1>", "e\u0301" * 44,
              "W" * MAX_EXAMPLE_TITLE, "Ten\u00a0\u00a0spaces"]


async def test_odd_titles_that_load_post_summarise_and_close_in_a_channel_and_a_forum(
    world: CohortWorld,
) -> None:
    """The tester's other titles, and more that load: every request valid against the
    OpenAPI spec, thread names in one line, the summaries and the close answered."""
    folder = world.config.lesson.directory
    examples = "".join(f'\n[[examples]]\ntitle = "{_toml_string(t)}"\ntext = "Hi {n}."\n'
                       for n, t in enumerate(ODD_TITLES, start=1))
    (folder / "odd.toml").write_text('key = "odd"\ntitle = "Odd \u2068titles\u2069"\n'
                                     'prompt = "P"\nrecap = "R"\n' + examples, "utf-8")
    await world.restart()
    for channel in (world.lessons, world.guild.critiques):
        run = await post(world, lesson="odd", channel=channel)
        names = [t.name for t in world.sandbox.threads(channel)]
        assert len(names) == len(ODD_TITLES), names
        assert all(len(n.splitlines()) == 1 and n.endswith(" — critiques") for n in names)
        first = example_messages(world)[0] if channel is world.lessons else None
        if first is not None:
            await critique(world, world.ada, first, "Warm.", "No ask.", "unsure")
        mine = await world.ada.slash("lesson summary", {"run": run}, channel=world.lessons)
        assert mine.followups[-1].attachments, mine
        shared = await world.mod.slash("lesson summary", {"run": run, "share": True},
                                       channel=world.lessons)
        assert not shared.failed and shared.followups[-1].attachments, shared
        closed = await world.mod.slash("lesson close", {"run": run}, channel=world.lessons)
        assert closed.followups[-1].content.startswith(f"Closed run #{run}"), closed

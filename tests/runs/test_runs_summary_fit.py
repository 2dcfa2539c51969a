"""A run's summary at every size a lesson allows: one embed within Discord's 6,000
characters in which every example keeps its count, tally and the reviewer's line, and the
quotes are what is shortened, evenly (review 6, finding 8: at ten examples with long titles
and long critiques, the first examples showed nothing but "…")."""

from __future__ import annotations

from typing import Any

import discord
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.critiques import EXCERPT_LENGTH, ExampleSummary, RunSummary, Tally, TopCritique
from bot.export.verdicts import ReviewerView, comparison_line
from bot.lessons import MAX_EXAMPLE_TITLE, MAX_EXAMPLES
from bot.limits import embed_size, fit_embed
from cogs.runs._render import (
    LEFT_OUT,
    MIN_EXCERPT,
    MISSING,
    SHORTENED,
    example_head,
    quote_parts,
    summary_embed,
)
from tests.world import CohortWorld, critique, example_messages, fields

SHIPPED_HEAD_END = "[[examples]]"


def lesson_at_the_limits() -> str:
    """The shipped lesson with ten examples whose titles are as long as a thread name allows
    (the tester's les10)."""
    from bot.demo.world import LESSONS

    shipped = (LESSONS / "networking-with-professionals.toml").read_text("utf-8")
    head = shipped[: shipped.index(SHIPPED_HEAD_END)]
    titles = [(f"Outreach {n} " + "X" * MAX_EXAMPLE_TITLE)[:MAX_EXAMPLE_TITLE]
              for n in range(1, MAX_EXAMPLES + 1)]
    return head + "".join(
        f'\n[[examples]]\ntitle = "{title}"\n'
        f'text = "Hi Dana, example {n}. Could I ask one question about your talk?"\n'
        for n, title in enumerate(titles, 1))


def summaries(world: CohortWorld) -> list[dict[str, Any]]:
    """The summaries posted in #lessons for everyone: shared (an answer) and final."""
    return [m.embeds[0] for m in world.sandbox.bot_messages(world.lessons)
            if not m.ephemeral and m.embeds and "summary" in m.embeds[0].get("title", "")]


def every_example_whole(embed: dict[str, Any], critics: int) -> None:
    values = fields(embed)
    titles = [name for name in values if name.startswith("Outreach ")]
    assert len(titles) == MAX_EXAMPLES, list(values)
    for title in titles:
        head, compared, *quotes = values[title].splitlines()
        assert head == f"{critics} critiques — yes 0 · no {critics} · unsure 0", values[title]
        assert compared.startswith(f"The cohort said no ({critics} of {critics}); "), compared
        assert quotes and all(q.startswith("👍 2 · ") for q in quotes), values[title]
    assert embed_size(embed) <= limits.EMBED_TOTAL
    assert embed["description"].endswith(SHORTENED), embed["description"]


async def test_a_summary_at_the_lessons_limits_keeps_every_examples_tally(
    world: CohortWorld,
) -> None:
    folder = world.config.lesson.directory
    (folder / "networking-with-professionals.toml").write_text(lesson_at_the_limits(), "utf-8")
    await world.restart()
    await world.mod.slash("lesson post", channel=world.lessons)
    members = (world.ada, world.ben, world.cy)
    for message in example_messages(world):
        for member in members:  # each form at its 1,000 characters, Markdown to escape
            await critique(world, member, message, ("**Works** @everyone " * 50)[:1000],
                           ("_doesn't_ " * 100)[:1000], "no")
    for thread in world.sandbox.threads(world.lessons):
        for posted in world.posts(thread):
            for voter in members:
                if voter.name.lower() != posted.embeds[0]["author"]["name"].lower():
                    await voter.react(posted, "👍")

    asked = await world.mod.slash("lesson summary", channel=world.lessons)
    moderators = asked.followups[-1].embeds[0]
    every_example_whole(moderators, critics=3)
    assert fields(moderators)[MISSING].startswith("everyone has taken part")
    await world.mod.slash("lesson summary", {"share": True}, channel=world.lessons)
    await world.mod.slash("lesson close", channel=world.lessons)
    shared, final = summaries(world)
    for embed in (shared, final):
        every_example_whole(embed, critics=3)


# --- at every size: the summary built from any run a lesson allows ---------------------------

# Member text, as Markdown escapes double it, with right-to-left letters (isolated) too; most
# often near its longest, where the summary overflows.
ALPHABET = st.sampled_from("ab _*@\\\u05d0 ")


def member_text(longest: int) -> st.SearchStrategy[str]:
    return (st.text(ALPHABET, min_size=longest * 3 // 4, max_size=longest)
            | st.text(ALPHABET, min_size=1, max_size=longest))


EXCERPTS = member_text(EXCERPT_LENGTH)
NAMES = member_text(32)  # Discord's display names
COUNT = st.integers(0, 10_000)


@st.composite
def example_summaries(draw: st.DrawFn, number: int) -> ExampleSummary:
    tally = Tally(draw(COUNT), draw(COUNT), draw(COUNT))
    top = st.builds(TopCritique, st.integers(1, 10**6), st.integers(1, 40),
                    st.integers(1, 10_000), EXCERPTS)
    tops = draw(st.lists(top, min_size=3, max_size=3) | st.lists(top, max_size=3))
    title = draw(st.text(min_size=1, max_size=MAX_EXAMPLE_TITLE)
                 | st.text(min_size=MAX_EXAMPLE_TITLE, max_size=MAX_EXAMPLE_TITLE))
    return ExampleSummary(number, title, tally.total, tally, tuple(tops), draw(COUNT))


@st.composite
def runs(draw: st.DrawFn) -> tuple[RunSummary, dict[int, str], dict[int, str]]:
    count = draw(st.just(MAX_EXAMPLES) | st.integers(1, MAX_EXAMPLES))
    shown = tuple(draw(example_summaries(n)) for n in range(1, count + 1))
    missing = draw(st.none() | st.lists(st.integers(1, 500), max_size=400, unique=True))
    summary = RunSummary(shown, sum(e.critique_count for e in shown),
                         Tally(*(sum(getattr(e.tally, k) for e in shown)
                                 for k in ("yes", "no", "unsure"))),
                         draw(COUNT), None if missing is None else tuple(sorted(missing)),
                         draw(COUNT), draw(COUNT))
    names = draw(st.dictionaries(st.integers(1, 40), NAMES, max_size=40))
    reviewer = st.none() | st.builds(ReviewerView, st.integers(0, 100),
                                     st.sampled_from(["likely", "maybe", "unlikely"]))
    comparisons = {e.example_no: comparison_line(e.tally, draw(reviewer)) for e in shown}
    return summary, names, comparisons


def largest_run() -> tuple[RunSummary, dict[int, str], dict[int, str]]:
    """Every part at its longest: ten examples of 88 characters, counts of five digits, the
    reviewer's longest line, three top critiques each whose author's name and excerpt are
    all Markdown to escape, hundreds of members yet to take part."""
    tally = Tally(9999, 9999, 9999)
    tops = tuple(TopCritique(i, i, 9999, "_" * EXCERPT_LENGTH) for i in (1, 2, 3))
    shown = tuple(ExampleSummary(n, "X" * MAX_EXAMPLE_TITLE, tally.total, tally, tops, 9999)
                  for n in range(1, MAX_EXAMPLES + 1))
    summary = RunSummary(shown, 99_999, tally, 9999, tuple(range(100, 400)), 9999, 9999)
    return (summary, dict.fromkeys((1, 2, 3), "_" * 32),
            {e.example_no: comparison_line(tally, None) for e in shown})


LARGEST = largest_run()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs(), st.booleans(), st.sampled_from([None, "summary #123456"]))
@example(LARGEST, True, "summary #123456")
def test_any_summary_keeps_every_examples_head_and_shortens_quotes_evenly(
    run: tuple[RunSummary, dict[int, str], dict[int, str]], show_missing: bool,
    footer: str | None,
) -> None:
    summary, names, comparisons = run
    embed = summary_embed("Run #12345 — final summary", summary, names,
                          show_missing=show_missing, comparisons=comparisons, footer=footer)
    built: dict[str, Any] = dict(discord.Embed.to_dict(embed))  # as built, before fit_embed
    assert fit_embed(built) == built  # within every limit already: nothing left to cut
    sent = fields(built)
    quoted: list[tuple[str, str, bool]] = []  # (quote, as shown, its field is full)
    for ex, field in zip(summary.examples, built["fields"], strict=False):
        head = example_head(ex, comparisons)
        assert field["value"].startswith(head)
        lines = field["value"][len(head):].splitlines()[1:]
        whole = [quote_parts(top, names) for top in ex.top_critiques]
        assert len(lines) <= len(whole)
        full = len(field["value"]) > limits.FIELD_VALUE - 2 * len(whole)
        for line, (who, said) in zip(lines, whole, strict=False):
            quote = who + said
            # Cut, it keeps its author and the start of the critique (an escape is never
            # split from what it escapes: one character fewer then).
            assert line == quote or (line.endswith("…") and quote.startswith(line[:-2])
                                     and len(line) >= len(who) + MIN_EXCERPT - 1), (line, quote)
            quoted.append((quote, line, full))
    assert len(built["fields"]) == len(summary.examples) + (
        show_missing and summary.not_critiqued is not None)
    if show_missing and summary.not_critiqued is not None:
        assert sent[MISSING]
    cut = [shown for quote, shown, full in quoted if shown != quote and not full]
    if cut:  # evenly: no quote cut shorter than another shown (give or take the "…")
        assert min(map(len, cut)) >= max(len(shown) for _, shown, _ in quoted) - 2
    everything = sum(len(ex.top_critiques) for ex in summary.examples)
    if summary is LARGEST[0]:
        assert 0 < len(quoted) < everything  # the least-voted give way to two readable quotes
    if len(quoted) < everything:
        assert built["description"].endswith(LEFT_OUT)
    elif cut:
        assert built["description"].endswith(SHORTENED)
    if footer is not None:
        assert built["footer"]["text"] == footer

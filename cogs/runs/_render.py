"""Embeds and files for lesson runs (Discord objects only; no decisions here)."""

from __future__ import annotations

import io
import operator
from collections.abc import Mapping, Sequence
from pathlib import Path

import discord

from bot import limits
from bot.charts import tally_chart_png
from bot.critiques import ExampleSummary, RunSummary, TopCritique
from bot.display import clip, fit_list, markdown_text, one_line, plural
from bot.lessons import FORUM_POST, PROMPT_TITLE, THREAD_NAME, Example, Lesson, image_location
from bot.runs import summary_mark
from bot.services.runs import RunReport
from cogs._embeds import Embed

PROMPT_COLOUR = 0x5865F2
EXAMPLE_COLOUR = 0x2B2D31


def thread_name(example: Example) -> str:
    return clip(THREAD_NAME.format(title=one_line(example.title)), limits.THREAD_NAME)


def run_footer(run_id: int) -> str:
    """How the prompt's and each example's footer starts: it marks a message as the run's,
    so one whose creation the bot never heard of can still be found and removed."""
    return f"Run #{run_id} · "


def of_run(message: discord.Message, run_id: int) -> bool:
    """A prompt or example message of run `run_id`."""
    mark = run_footer(run_id)
    return any((embed.footer.text or "").startswith(mark) for embed in message.embeds)


def prompt_embed(lesson: Lesson, run_id: int) -> discord.Embed:
    embed = Embed(title=PROMPT_TITLE.format(title=lesson.title), description=lesson.prompt,
                  colour=PROMPT_COLOUR)
    embed.add_field(
        name="How to take part",
        value="Open an example's thread below and say what you think, or press "
        "**Critique this example** for a structured critique. 👍 the critiques you agree with.",
        inline=False,
    )
    embed.set_footer(text=f"{run_footer(run_id)}/lesson recap shows the lesson's rules")
    return embed


def example_embed(
    lesson: Lesson, example: Example, run_id: int, *, with_prompt: bool = False
) -> tuple[discord.Embed, discord.File | None]:
    description = example.text
    if with_prompt:  # forum posts stand alone, so each carries the question
        description = FORUM_POST.format(text=example.text, prompt=lesson.prompt)
    embed = Embed(title=example.title, description=description, colour=EXAMPLE_COLOUR)
    if example.sample:
        embed.set_author(name="Sample outreach written for this course")
    embed.set_footer(
        text=f"{run_footer(run_id)}example {example.number} of {len(lesson.examples)}")
    file = None
    where = image_location(lesson, example)
    if isinstance(where, str):
        embed.set_image(url=where)
    elif isinstance(where, Path):
        name = f"example-{example.number}{where.suffix.lower()}"
        file = discord.File(where, filename=name)
        embed.set_image(url=f"attachment://{name}")
    return embed, file


# /forget-me leaves no record of who used it (that would be something stored about them), so
# the list cannot tell them apart: the moderator is told, before chasing anyone.
MISSING = "Not critiqued yet (moderators only)"
MISSING_ROOM = 300  # of the list, at least, when the examples' fields fill the embed


def more_missing(count: int) -> str:
    return f"… and {count:,} more (the export's participation table has everyone)"


def taken_down_note(summary: RunSummary, member_id: int) -> str:
    """" (example 1 taken down)" after a member whose critique a moderator took down: they
    are refused that example again, so chasing them for it sends them to a refusal."""
    numbers = [str(n) for uid, n in summary.taken_down if uid == member_id]
    if not numbers:
        return ""
    return f" ({'examples' if len(numbers) > 1 else 'example'} {', '.join(numbers)} taken down)"


FORGOTTEN = ("\n-# Anyone who deleted their part with /forget-me is listed too (I keep no "
             "trace of who did): ask, don't chase.")


# When the quotes do not all fit whole in the one embed (Discord's 6,000 characters).
SHORTENED = ("\n-# Quotes shortened to fit in one message: every critique is whole in its "
             "example's thread.")
LEFT_OUT = ("\n-# Quotes shortened, and the least-voted left out, to fit in one message: "
            "every critique is whole in its example's thread.")
# A quote cut to fewer characters of the critique than this says too little (a name and a
# word or two): rather than that, each example shows one quote fewer, its least-voted.
MIN_EXCERPT = 40


def summary_embed(
    title: str, summary: RunSummary, names: Mapping[int, str], *, show_missing: bool,
    comparisons: Mapping[int, str] | None = None, footer: str | None = None,
) -> discord.Embed:
    """The summary in one embed, within Discord's 6,000 characters at every size a lesson
    allows (10 examples, titles of 88 characters, any number of critiques and members).
    Every example keeps its count, tally and the reviewer's line; what gives way is the
    quotes, shortened evenly across the examples (`fit_quotes`), and the list of who has not
    taken part beyond its first `MISSING_ROOM` characters."""
    description = (
        f"{plural(summary.total_critiques, 'critique')} from "
        f"{plural(summary.critic_count, 'member')}. "
        f"Likely to get a response? yes {summary.tally.yes} · no {summary.tally.no} · "
        f"unsure {summary.tally.unsure}"
    )
    if summary.thread_messages:  # critiques written in the threads, as the prompt invites
        description += (f"\n{plural(summary.thread_messages, 'thread message')} from "
                        f"{plural(summary.discussant_count, 'member')}")
    names_of = [clip(one_line(ex.title), limits.FIELD_NAME) or limits.EMPTY_FIELD
                for ex in summary.examples]
    heads = [example_head(ex, comparisons or {}) for ex in summary.examples]
    parts = [[quote_parts(top, names) for top in ex.top_critiques] for ex in summary.examples]
    quotes = [[who + said for who, said in mine] for mine in parts]
    missing = ([markdown_text(names.get(uid, str(uid))) + taken_down_note(summary, uid)
                for uid in summary.not_critiqued]
               if show_missing and summary.not_critiqued is not None else None)
    # The room the quotes share: what the rest leaves, the missing list at its least.
    fixed = (len(title) + len(description) + len(footer or "")
             + sum(map(len, names_of)) + sum(map(len, heads))
             + (len(MISSING) + len(missing_value(missing, MISSING_ROOM))
                if missing is not None else 0))
    room = limits.EMBED_TOTAL - fixed
    field_rooms = [limits.FIELD_VALUE - len(head) for head in heads]
    sizes = [sum(len(line) + 1 for line in lines) for lines in quotes]
    shown = quotes
    if sum(sizes) > room or any(map(operator.gt, sizes, field_rooms)):
        least = [[len(who) + MIN_EXCERPT for who, _ in mine] for mine in parts]
        shown = fit_quotes(quotes, least, room - len(LEFT_OUT), field_rooms)
        left_out = any(len(mine) < len(lines) for mine, lines in zip(shown, quotes, strict=True))
        description += LEFT_OUT if left_out else SHORTENED
    embed = Embed(title=title, description=description, colour=PROMPT_COLOUR)
    for name, head, lines in zip(names_of, heads, shown, strict=True):
        embed.add_field(name=name, value="\n".join([head, *lines]), inline=False)
    if missing is not None:
        # Within the field and what the embed's total leaves: at least MISSING_ROOM, which the
        # quotes left it.
        room = min(limits.FIELD_VALUE,
                   max(MISSING_ROOM, limits.EMBED_TOTAL - len(embed) - len(footer or "")
                       - len(MISSING)))
        embed.add_field(name=MISSING, value=missing_value(missing, room), inline=False)
    if footer is not None:
        embed.set_footer(text=footer)
    embed.set_image(url="attachment://tally.png")
    return embed


def example_head(ex: ExampleSummary, comparisons: Mapping[int, str]) -> str:
    """An example's lines that a summary always shows whole: how many critiques, the
    yes / no / unsure tally, the thread messages, and the reviewer's line beside them."""
    head = (f"{plural(ex.critique_count, 'critique')} — yes {ex.tally.yes} · no {ex.tally.no} · "
            f"unsure {ex.tally.unsure}"
            + (f" · {plural(ex.thread_messages, 'thread message')}" if ex.thread_messages
               else ""))
    if ex.example_no in comparisons:
        head += "\n" + comparisons[ex.example_no]
    return head


def quote_parts(top: TopCritique, names: Mapping[int, str]) -> tuple[str, str]:
    """A top critique's line in a summary: who (and its votes), then what they said."""
    who = markdown_text(names.get(top.author_id, f"member {top.author_id}"))
    return f"👍 {top.votes} · {who}: ", markdown_text(top.excerpt)


def missing_value(missing: list[str], room: int) -> str:
    if not missing:
        return "everyone has taken part 🎉"
    return fit_list(missing, room - len(FORGOTTEN), sep=", ", more=more_missing) + FORGOTTEN


def fit_quotes(quotes: Sequence[Sequence[str]], least: Sequence[Sequence[int]], room: int,
               field_rooms: Sequence[int]) -> list[list[str]]:
    """Each example's quote lines (most-voted first), taking at most `room` characters
    together, each line with the line break before it, and each example's within its
    field's room: cut evenly (the longest give way first, `fair_share`), ending in "…".
    Where that would cut a line shorter than its `least`, each example shows one fewer."""
    for keep in range(max(map(len, quotes), default=0), 0, -1):
        kept = [list(lines[:keep]) for lines in quotes]
        shares = iter(limits.fair_share([len(line) for lines in kept for line in lines],
                                        room - sum(map(len, kept))))
        caps = [limits.fair_share([next(shares) for _ in lines], field_room - len(lines))
                for lines, field_room in zip(kept, field_rooms, strict=True)]
        if all(cap >= min(len(line), floor)
               for lines, mine, floors in zip(kept, caps, least, strict=True)
               for line, cap, floor in zip(lines, mine, floors, strict=False)):
            return [[clip(line, cap) for line, cap in zip(lines, mine, strict=True)]
                    for lines, mine in zip(kept, caps, strict=True)]
    return [[] for _ in quotes]


def summary_message(
    report: RunReport, *, final: bool, show_missing: bool, post_id: int | None = None,
) -> tuple[discord.Embed, discord.File]:
    """The summary embed and its tally chart (`show_missing`: who has not critiqued yet, for
    a moderator's eyes only). Every summary, the final one too, has the reviewer's line
    beside each example's tally. One posted for everyone (`post_id`, its row) is marked
    with it, so it is found again if noting where it went failed."""
    title = f"Run #{report.run.id} — {'final summary' if final else 'summary'}"
    embed = summary_embed(title, report.summary, report.names, show_missing=show_missing,
                          comparisons=report.comparisons,
                          footer=summary_mark(post_id) if post_id is not None else None)
    chart = discord.File(io.BytesIO(tally_chart_png(report.summary)), filename="tally.png")
    return embed, chart

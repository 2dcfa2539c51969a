"""Embeds and files for lesson runs (Discord objects only; no decisions here)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import discord

from bot import limits
from bot.charts import tally_chart_png
from bot.critiques import RunSummary
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


def summary_embed(
    title: str, summary: RunSummary, names: Mapping[int, str], *, show_missing: bool,
    comparisons: Mapping[int, str] | None = None,
) -> discord.Embed:
    description = (
        f"{plural(summary.total_critiques, 'critique')} from "
        f"{plural(summary.critic_count, 'member')}. "
        f"Likely to get a response? yes {summary.tally.yes} · no {summary.tally.no} · "
        f"unsure {summary.tally.unsure}"
    )
    if summary.thread_messages:  # critiques written in the threads, as the prompt invites
        description += (f"\n{plural(summary.thread_messages, 'thread message')} from "
                        f"{plural(summary.discussant_count, 'member')}")
    embed = Embed(title=title, description=description, colour=PROMPT_COLOUR)
    for ex in summary.examples:
        lines = [
            f"{plural(ex.critique_count, 'critique')} — yes {ex.tally.yes} · no {ex.tally.no} · "
            f"unsure {ex.tally.unsure}"
            + (f" · {plural(ex.thread_messages, 'thread message')}" if ex.thread_messages
               else "")
        ]
        if comparisons and ex.example_no in comparisons:  # the reviewer beside the tally
            lines.append(comparisons[ex.example_no])
        for top in ex.top_critiques:
            who = markdown_text(names.get(top.author_id, f"member {top.author_id}"))
            lines.append(f"👍 {top.votes} · {who}: {markdown_text(top.excerpt)}")
        embed.add_field(name=one_line(ex.title), value="\n".join(lines), inline=False)
    if show_missing and summary.not_critiqued is not None:
        missing = [markdown_text(names.get(uid, str(uid))) + taken_down_note(summary, uid)
                   for uid in summary.not_critiqued]
        # Within the field and what the embed's total leaves (the examples' excerpts give
        # way first when even the shortest list does not fit: fit_embed).
        room = min(limits.FIELD_VALUE,
                   max(MISSING_ROOM, limits.EMBED_TOTAL - len(embed) - len(MISSING)))
        value = (fit_list(missing, room - len(FORGOTTEN), sep=", ", more=more_missing)
                 + FORGOTTEN if missing else "everyone has taken part 🎉")
        embed.add_field(name=MISSING, value=value, inline=False)
    embed.set_image(url="attachment://tally.png")
    return embed


def summary_message(
    report: RunReport, *, final: bool, show_missing: bool, post_id: int | None = None,
) -> tuple[discord.Embed, discord.File]:
    """The summary embed and its tally chart (`show_missing`: who has not critiqued yet, for
    a moderator's eyes only). Every summary, the final one too, has the reviewer's line
    beside each example's tally. One posted for everyone (`post_id`, its row) is marked
    with it, so it is found again if noting where it went failed."""
    title = f"Run #{report.run.id} — {'final summary' if final else 'summary'}"
    embed = summary_embed(title, report.summary, report.names, show_missing=show_missing,
                          comparisons=report.comparisons)
    if post_id is not None:
        embed.set_footer(text=summary_mark(post_id))
    chart = discord.File(io.BytesIO(tally_chart_png(report.summary)), filename="tally.png")
    return embed, chart

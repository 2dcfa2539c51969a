"""The review as Discord shows it: ready to send?, the chance of a response in words, then the
must-fix items first, the weaknesses that cost the most points, and what is already good."""

from __future__ import annotations

import discord

from bot.display import markdown_escape, member_text, plural
from bot.review import CHANNEL_NAMES, Finding, Review
from bot.review.answer import headline, odds, ready_answer, weaknesses_heading
from cogs._embeds import Embed

#: The embed's colour for each status (its words: `bot.review.answer`).
COLOURS = {"likely": 0x57F287, "maybe": 0xFEE75C, "unlikely": 0xED4245, "must_fix": 0xE67E22}
TOP_PROBLEMS = 3
QUOTE_LIMIT = 80


def quote(text: str, finding: Finding) -> str:
    """What the finding points at, isolated (not yet escaped: see `finding_line`)."""
    span = text[finding.start:finding.end].strip().replace("\n", " ")
    if not span:
        return ""
    if len(span) > QUOTE_LIMIT:
        span = span[: QUOTE_LIMIT - 1] + "…"
    return f"“{member_text(span)}”"


def points_label(finding: Finding) -> str:
    """The finding's share of the score, e.g. " (−17 points)"; blank when it carries none."""
    if not finding.points:
        return ""
    sign = "+" if finding.points > 0 else "−"
    return f" ({sign}{plural(abs(finding.points), 'point')})"


def finding_line(text: str, finding: Finding) -> str:
    icon = "🚫" if finding.must_fix else {
        "problem": "🔴", "warning": "🟠", "tip": "🔵", "good": "🟢"}[finding.severity]
    quoted = quote(text, finding)
    # The message already quotes it, maybe cut shorter ("…"): once is enough.
    if quoted and quoted.rstrip("”…")[:40] in finding.message:
        quoted = ""
    # The message may quote the draft too: the reviewer isolates its quotes (rules._quote),
    # and writes no Markdown of its own, so the whole line is escaped: a draft's `**`, `||`
    # or masked link shows as typed inside the bot's bold, not as markup.
    head = (f"{icon} **{markdown_escape(finding.message)}**"
            + (f" {markdown_escape(quoted)}" if quoted else "") + points_label(finding))
    return f"{head}\n↳ {markdown_escape(finding.hint)}" if finding.hint else head


def review_embed(text: str, result: Review, channel_from: str = "as you said") -> discord.Embed:
    """`channel_from`: where a channel that was not detected came from."""
    channel = CHANNEL_NAMES.get(result.channel, result.channel)
    how = "detected" if result.channel_detected else channel_from
    s = result.stats
    embed = Embed(title=headline(result), colour=COLOURS[result.status])
    attempt = ""
    if result.followup:
        said = ", as the draft says" if result.attempt_detected else ""
        attempt = f", follow-up (attempt {result.attempt}{said})"
    ready, why = ready_answer(result)
    embed.description = (
        f"**{ready}** — {why}\n"
        f"{odds(result)}\n"
        f"Reviewed as {'an' if channel[:1] in 'aeiou' else 'a'} **{channel}** ({how})"
        f"{attempt}.\n"
        f"{plural(s.characters, 'character')} · {plural(s.words, 'word')} · "
        f"{plural(s.questions, 'question')} · reading grade {s.reading_grade:.0f}"
    )
    must = list(result.must_fix)
    problems = [f for f in result.findings
                if f.severity in ("problem", "warning") and not f.must_fix]
    problems.sort(key=lambda f: f.points)  # the costliest first
    good = [f for f in result.findings if f.severity == "good"]
    if must:
        embed.add_field(name="Must fix before sending", value="\n".join(
            finding_line(text, f) for f in must), inline=False)
    if problems:
        value = "\n".join(finding_line(text, f) for f in problems[:TOP_PROBLEMS])
        embed.add_field(name=weaknesses_heading(result), value=value, inline=False)
    if good:
        embed.add_field(name="Already good", value="\n".join(
            f"🟢 {markdown_escape(f.message)}{points_label(f)}" for f in good[:3]),
            inline=False)
    more = (len(result.findings) - len(must) - min(len(problems), TOP_PROBLEMS)
            - min(len(good), 3))
    footer = f"{plural(more, 'more finding')}: press “All findings”. " if more > 0 else ""
    embed.set_footer(text=footer + f"Score: base {result.base} plus each finding's points. "
                     "Your draft stays private: I keep it only if you log it.")
    return embed


def all_findings_text(text: str, result: Review) -> list[str]:
    """Every finding, split into messages that fit Discord's 2,000 characters."""
    lines = [finding_line(text, f) for f in result.findings] or ["No findings: nicely done."]
    chunks: list[str] = []
    current = f"**All {len(result.findings)} findings**"
    for line in lines:
        if len(current) + len(line) + 2 > 1900:
            chunks.append(current)
            current = ""
        current = f"{current}\n\n{line}" if current else line
    chunks.append(current)
    return chunks

"""The review as Discord shows it: an embed with the verdict, score and top problems."""

from __future__ import annotations

import discord

from bot.review import Finding, Review

VERDICT_LOOK = {
    "likely": ("✅ Likely to get a response", 0x57F287),
    "maybe": ("🤔 Maybe gets a response", 0xFEE75C),
    "unlikely": ("❌ Unlikely to get a response", 0xED4245),
}
CHANNEL_NAMES = {
    "linkedin_note": "LinkedIn connection note",
    "linkedin_message": "LinkedIn message",
    "email": "email",
}
TOP_PROBLEMS = 3
QUOTE_LIMIT = 80


def quote(text: str, finding: Finding) -> str:
    span = text[finding.start:finding.end].strip().replace("\n", " ")
    if not span:
        return ""
    if len(span) > QUOTE_LIMIT:
        span = span[: QUOTE_LIMIT - 1] + "…"
    return f"“{span}”"


def finding_line(text: str, finding: Finding) -> str:
    icon = {"problem": "🔴", "warning": "🟠", "tip": "🔵", "good": "🟢"}[finding.severity]
    quoted = quote(text, finding)
    if quoted and quoted in finding.message:
        quoted = ""  # the message already quotes it
    head = f"{icon} **{finding.message}**" + (f" {quoted}" if quoted else "")
    return f"{head}\n↳ {finding.hint}" if finding.hint else head


def review_embed(text: str, result: Review) -> discord.Embed:
    title, colour = VERDICT_LOOK[result.verdict]
    channel = CHANNEL_NAMES.get(result.channel, result.channel)
    how = "detected" if result.channel_detected else "as you said"
    s = result.stats
    embed = discord.Embed(title=f"{title} — {result.score}/100", colour=colour)
    embed.description = (
        f"Reviewed as a **{channel}** ({how})"
        + (f", follow-up (attempt {result.attempt})" if result.followup else "")
        + f".\n{s.characters} characters · {s.words} words · {s.questions} question(s) · "
        f"reading grade {s.reading_grade:.0f}"
    )
    problems = [f for f in result.findings if f.severity in ("problem", "warning")]
    good = [f for f in result.findings if f.severity == "good"]
    if problems:
        value = "\n".join(finding_line(text, f) for f in problems[:TOP_PROBLEMS])
        embed.add_field(name="Fix these first", value=value[:1024], inline=False)
    if good:
        embed.add_field(name="Already good", value="\n".join(
            f"🟢 {f.message}" for f in good[:3])[:1024], inline=False)
    more = len(result.findings) - min(len(problems), TOP_PROBLEMS) - min(len(good), 3)
    footer = f"{more} more finding(s): press “All findings”. " if more > 0 else ""
    embed.set_footer(text=footer + "Your draft stays private: I keep it only if you log it.")
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

"""Markdown: the HTML export's structure, readable as plain text and inert when rendered.

Every piece of member text goes through `md()`: the characters that CommonMark and GitHub's
dialect could read as markup (emphasis, code, links and images, raw HTML, entities, tables,
strikethrough) are backslash-escaped, and so is a line start that would open a heading, quote,
list, fence or thematic break. GitHub's dialect (and GitLab's, VS Code's preview, most wikis)
also links bare addresses, which no escape of CommonMark's stops: `https://…` and `www.…` are
broken by escaping their `:` and `.` (`https\\://` shows as typed), and an e-mail address by
a WORD JOINER (U+2060, invisible) before its `@`, since GFM finds addresses in the text after
the escapes are read; an indent is shown with no-break spaces (four spaces would open
a code block), and a line break stays inside its container (a list item, a quote) or, in a
heading or a table cell, reads as a space. So `![x](https://tracker)` stays text and fetches
nothing, and `<script>` is shown, not parsed. Anchors (`<a id>`) are the only HTML, and they
are ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.display import plural
from bot.export.model import Critique, Document, ExampleSection, Message, RunSection
from bot.export.text import (
    PARTICIPATION_HEADINGS,
    discussion_size,
    excerpt,
    safe_url,
    visible,
)
from bot.export.times import Calendar, short_local
from bot.export.verdicts import comparison_line
from bot.visible import is_blank

_INLINE = re.compile(r"([\\`*_\[\]<>&~|])")
# GFM's extended autolinks: a scheme's `://` (http, https, ftp), `www.`, and an `@` right
# after what an address's first half is made of (mailto:, xmpp: and bare addresses; not a
# mention's "@Ada").
_GFM_AUTOLINK = re.compile(r"(?<=\w):(?=//)|(?i:(?<=www))\.|(?<=[A-Za-z0-9._+\-])(?=@)")
_WORD_JOINER = "\u2060"
# A line start that CommonMark would open a block with: heading, quote, list item, fence,
# setext underline or thematic break. (Tables, HTML blocks and link definitions need `|`, `<`
# or `[`, escaped anywhere.)
_BLOCK_START = re.compile(r"^(?:([#>+\-=*`~])|(\d+)([.)]))")
# Four spaces of indent would open a code block: a member's indent is shown with no-break
# spaces, which CommonMark does not count as indentation.
_NBSP = "\u00a0"
BAR = "█"


def md(text: str, indent: str | None = None) -> str:
    """Member text as inert Markdown, opening no block of its own wherever it is placed.

    With no `indent` it is one line (line breaks read as spaces): for headings, table cells,
    names and link texts. With an `indent` its lines are kept, as hard breaks, and every line
    after the first is indented by `indent`, the container's continuation: `"  "` inside a
    `- ` list item, `""` inside a blockquote (whose lines `quote()` prefixes with `> `).
    """
    lines = [_line(line) for line in visible(text).split("\n")]
    if indent is None:
        return " ".join(line for line in lines if line)
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    out = []
    for i, line in enumerate(lines):
        # A blank line starts a new paragraph within the container; a break before it would
        # be a stray one.
        brk = "  " if line and i + 1 < len(lines) and lines[i + 1] else ""
        out.append((indent if i and line else "") + line + brk)
    return "\n".join(out)


def _line(line: str) -> str:
    """One line escaped: inline markup, a block start, and an indent (which a blank line
    loses: it stays blank)."""
    body = line.lstrip(" \t")
    if not body:
        return ""
    lead = line[: len(line) - len(body)].expandtabs(4)
    body = _GFM_AUTOLINK.sub(_break_autolink, _INLINE.sub(r"\\\1", body))
    body = _BLOCK_START.sub(_escape_block_start, body)
    return _NBSP * len(lead) + body


def _break_autolink(m: re.Match[str]) -> str:
    return f"\\{m[0]}" if m[0] else _WORD_JOINER


def _escape_block_start(m: re.Match[str]) -> str:
    marker, digits, delimiter = m.groups()
    if marker is not None:
        return f"\\{marker}"
    # A digit is no escapable character (`\1` shows the backslash): escape the `.`/`)` instead.
    return f"{digits}\\{delimiter}"


def quote(text: str) -> str:
    """A blockquote of member text, line by line; an empty text says so."""
    if is_blank(visible(text)):  # (hidden controls are shown as marks: not blank)
        return "> *(no text)*"
    return "\n".join("> " + line if line else ">" for line in md(text, "").split("\n"))


# `**bold**` after escaping, within one line (a quote's lines are rendered one by one).
_ESCAPED_BOLD = re.compile(r"\\\*\\\*(?=\S)(.+?)(?<=\S)\\\*\\\*")


def lesson_quote(text: str) -> str:
    """The lesson's own text (moderators write it in Discord's markdown) as a blockquote:
    escaped like member text, then its **bold** shown bold, as the HTML export does. Member
    text keeps its asterisks: it shows what was typed."""
    return _ESCAPED_BOLD.sub(r"**\1**", quote(text))


def render(doc: Document) -> Iterator[str]:
    cal = doc.calendar
    for run in doc.runs:
        yield from _run(doc, cal, run)
    if not doc.runs:
        yield "# Export\n\nNo lesson run matched.\n"


def _when(cal: Calendar, ms: int) -> str:
    return short_local(cal.local(ms))


def _run(doc: Document, cal: Calendar, run: RunSection) -> Iterator[str]:
    anchor = f"run-{run.id}"
    # A closed run says when ("closed 2026-01-09 17:00"), not "closed" a second time.
    state = (f"closed {_when(cal, run.closed_ms)}" if run.closed_ms is not None
             else run.status)
    yield (f"# {md(run.title)}\n\n"
           f"Exported {_when(cal, doc.generated_ms)} ({doc.timezone}) · posted "
           f"{_when(cal, run.created_ms)} · {state}  \n"
           f"{run.counts.describe()}  \n"
           f"Scope: {_scope(doc)}\n\n## Contents\n\n")
    yield f"- [The prompt](#{anchor}-prompt)\n"
    for e in run.examples:
        yield (f"- [Example {e.number}: {md(e.title)}](#{anchor}-example-{e.number}) — "
               f"{plural(len(e.critiques), 'critique')}, {plural(e.message_count, 'message')}\n")
    yield f"- [Participation](#{anchor}-participation)\n\n"
    yield f'<a id="{anchor}-prompt"></a>\n\n## The prompt\n\n'
    yield (lesson_quote(run.prompt) if run.prompt else
           f"*(the lesson “{md(run.lesson_key)}” is not loaded; its prompt is not available)*")
    yield "\n\n"
    for example in run.examples:
        yield from _example(cal, anchor, example)
    yield from _participation(cal, anchor, run)


def _scope(doc: Document) -> str:
    scope, cal = doc.scope, doc.calendar
    parts = [f"example {scope.example}" if scope.example else "all examples"]
    if scope.since_ms is not None or scope.until_ms is not None:
        since = _when(cal, scope.since_ms) if scope.since_ms is not None else "the start"
        until = _when(cal, scope.until_ms) if scope.until_ms is not None else "now"
        parts.append(f"from {since} to {until}")
    else:
        parts.append("all dates")
    parts.append("with the bot's posts" if scope.include_bot_messages else "member messages")
    return " · ".join(parts)


def _example(cal: Calendar, anchor: str, e: ExampleSection) -> Iterator[str]:
    yield f'<a id="{anchor}-example-{e.number}"></a>\n\n## Example {e.number}: {md(e.title)}\n\n'
    yield (lesson_quote(e.text) if e.text is not None else "*(the example's text is not loaded)*")
    yield f"\n\n**The cohort and the lesson's rules:** {md(comparison_line(e.tally, e.reviewer))}"
    top = max(e.tally.yes, e.tally.no, e.tally.unsure, 1)
    bars = "\n".join(f"{label:<7}{BAR * round(10 * n / top)} {n}" for label, n in
                     (("yes", e.tally.yes), ("no", e.tally.no), ("unsure", e.tally.unsure)))
    yield f"\n\n```text\n{bars}\n```\n\n### Critiques ({len(e.critiques)})\n\n"
    for c in e.critiques:
        yield _critique(cal, anchor, c)
    if not e.critiques:
        yield "*(none)*\n\n"
    yield f"### Discussion ({discussion_size(e.message_count, e.bot_message_count)})\n\n"
    any_message = False
    for message in e.messages():
        any_message = True
        yield _message(cal, anchor, message)
    if not any_message:
        yield "*(no messages)*\n\n"


def _critique(cal: Calendar, anchor: str, c: Critique) -> str:
    edited = f" · edited {_when(cal, c.updated_ms)}" if c.updated_ms != c.created_ms else ""
    return (f'<a id="{anchor}-critique-{c.id}"></a>**{md(c.author_name)}** · likely to get a '
            f"response: **{c.likely}** · 👍 {c.votes}{f' ({md(c.voters)})' if c.voters else ''}"
            f" · {_when(cal, c.created_ms)}{edited}\n\n"
            f"- What works: {md(c.works, '  ') or '—'}\n"
            f"- What doesn't: {md(c.doesnt, '  ') or '—'}\n\n")


def _message(cal: Calendar, anchor: str, m: Message) -> str:
    head = [f'<a id="m{m.message_id}"></a>**{md(m.author_name)}**']
    if m.kind == "bot":
        head.append("bot")
    head.append(_when(cal, m.created_ms))
    if m.edited_ms is not None:
        head.append(f"edited {_when(cal, m.edited_ms)}")
    if m.reply_to is not None:
        target = f"{md(m.reply_to.author_name)}: “{md(excerpt(m.reply_to.excerpt, 60))}”"
        head.append(f"↪ [{target}](#m{m.reply_to.message_id})" if m.reply_to.in_export
                    else f"↪ {target}")
    elif m.reply_missing:
        head.append("↪ a message that is no longer stored")
    extras = []
    for a in m.attachments:
        url = safe_url(a.url)
        name = md(a.filename)
        extras.append(f"📎 [{name}](<{url}>) · {plural(a.size, 'byte')}" if url else
                      f"📎 {name} · {plural(a.size, 'byte')}")
    if m.reactions:
        extras.append(" · ".join(md(r.describe()) for r in m.reactions))
    if m.critique_id is not None:
        extras.append(f"[the critique](#{anchor}-critique-{m.critique_id})")
    # A blank line ends the quote: a line right after it would be read as part of it.
    tail = "  \n".join(extras)
    return f"{' · '.join(head)}\n{quote(m.content)}\n\n" + (f"{tail}\n\n" if tail else "")


def _participation(cal: Calendar, anchor: str, run: RunSection) -> Iterator[str]:
    yield (f'<a id="{anchor}-participation"></a>\n\n## Participation\n\n'
           f"{md(run.participation_note)}\n\n"
           f"| {' | '.join(PARTICIPATION_HEADINGS)} |\n"
           "| --- | ---: | ---: | ---: | ---: | --- | --- |\n")
    for p in run.participants:
        first = _when(cal, p.first_ms) if p.first_ms is not None else "—"
        last = _when(cal, p.last_ms) if p.last_ms is not None else "—"
        yield (f"| {md(p.name)} | {p.critiques} | {p.messages} | {p.votes_given} | "
               f"{p.votes_received} | {first} | {last} |\n")
    if not run.participants:
        yield "| *(nobody yet)* | | | | | | |\n"
    yield "\n"

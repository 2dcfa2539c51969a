"""How the bot words what it shows: counts ("1 vote", "2 votes"), durations ("in 40 seconds"),
and member text set inside the bot's own lines.

Member text is isolated so that it cannot take over the line around it: an override such as
U+202E (RIGHT-TO-LEFT OVERRIDE) in a critique would otherwise render the rest of the
summary line backwards, "(stniop 71−)" for "(−17 points)". Explicit embeddings, overrides and
isolates are removed from the member's text, and text that has right-to-left letters (or had
controls) is wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, which keeps an Arabic
or Hebrew name from reordering the punctuation beside it. Plain left-to-right text is left
exactly as it is.

Where Discord renders Markdown (message content, embed descriptions and field values),
member text also goes through `markdown_text`: every character that could start Discord
Markdown is escaped, so a critique cannot put a masked link `[Verify](https://…)`, bold,
a spoiler, a code block or a mention under the bot's name. Discord shows a backslash before
any punctuation as that character alone, so the member reads exactly what they wrote. A
name set off as code (a lesson, a timezone, a file name) goes through `code_text`, whose
fence no backtick in the name can close.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import timedelta

from bot.visible import is_blank

# LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI: each changes the direction of what follows.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FSI, _PDI = "\u2068", "\u2069"
# LRE, RLE, PDF, LRO, RLO: what turns the text after them around (an isolate ends with its line).
_OVERRIDES = re.compile("[\u202a-\u202e]")


def member_text(text: str) -> str:
    """`text` (a member's) made safe to set inside one of the bot's lines."""
    cleaned = _BIDI_CONTROLS.sub("", text)
    if cleaned == text and not any(unicodedata.bidirectional(ch) in ("R", "AL")
                                   for ch in cleaned):
        return text
    return f"{_FSI}{cleaned}{_PDI}"


# Anywhere in the text: emphasis, strike, spoiler, code, masked links, mentions/timestamps/
# emoji (`<@…>`, `<t:…>`), block quotes, headings, the escape itself; `@everyone`.
_INLINE_MARKUP = re.compile(r"[\\*_~|`<>\[\]#@]")
# At the start of a line: lists ("- ", "+ ", "1. ") and subtext ("-# ").
_LINE_MARKUP = re.compile(r"^([\s\u2068]*)([-+]|\d+\.)", re.MULTILINE)
# A scheme's "://" makes Discord turn the rest into a link; "\://" shows the same text unlinked.
_AUTOLINK = re.compile(r"(?<=\w):(?=//)")


def one_line(text: str) -> str:
    """`text` drawn in one line, where Discord or the summary's chart shows one (a thread's
    name, a chart label): line breaks, tabs and runs of blank space read as one space, and
    control characters and direction overrides (which would turn the bot's words after the
    text around) are dropped. The loader refuses them in a lesson's titles; a run posted
    before it did keeps them."""
    shown = _OVERRIDES.sub("", text)
    shown = "".join(char for char in shown
                    if char.isspace() or unicodedata.category(char) != "Cc")
    return " ".join(shown.split())


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, its end replaced by "…" when cut, so whoever reads
    it sees that there is more; never between a Markdown escape and the character it
    escapes (a lone backslash would escape the "…" and show itself)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if (len(cut) - len(cut.rstrip("\\"))) % 2:
        cut = cut[:-1]
    return cut + "…"


def markdown_text(text: str, limit: int | None = None) -> str:
    """`text` (a member's) made safe to set where Discord renders Markdown: `member_text`,
    with every Markdown character escaped (it renders as the member typed it, never as
    markup, a link or a mention). `limit`: cut to that many characters with "…", never
    between an escape and the character it escapes."""
    escaped = markdown_escape(member_text(text))
    return escaped if limit is None else clip(escaped, limit)


def markdown_escape(text: str) -> str:
    """Every Markdown character of `text` escaped, and nothing else changed: for the bot's
    own lines that quote member text already isolated (a review's findings), which
    `markdown_text` would isolate a second time, as one piece."""
    escaped = _INLINE_MARKUP.sub(r"\\\g<0>", text)
    escaped = _AUTOLINK.sub(r"\\:", escaped)
    return _LINE_MARKUP.sub(lambda m: m[1] + m[2][:-1] + "\\" + m[2][-1], escaped)


_BACKTICKS = re.compile("`+")


def code_text(text: str, limit: int = 60) -> str:
    """`text` (a member's: a lesson name, a timezone, a file name) as inline code, cut to
    `limit` characters with "…". Discord shows a code span's inside as typed (no Markdown,
    mention or link), and it ends at a run of backticks as long as the one that opened it:
    the fence is one longer than any run in the text, so no backtick typed can close it (a
    space keeps a backtick at the text's start or end apart from the fence; Discord drops
    that space). A name is one line: line breaks and runs of spaces read as one space, as
    inside a code span they would anyway, less predictably. Nothing typed shows as empty
    quotes, “”."""
    text = " ".join(text.split())
    if is_blank(text):
        return "“”"
    shown = member_text(text if len(text) <= limit else text[: limit - 1] + "…")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(shown)), default=0) + 1)
    before = " " if shown.lstrip(" ").startswith("`") else ""
    after = " " if shown.rstrip(" ").endswith("`") else ""
    return f"{fence}{before}{shown}{after}{fence}"


def and_more(count: int) -> str:
    """The line that counts what a list left out: "… and 3 more"."""
    return f"… and {count:,} more"


def fit_list(items: Sequence[str], limit: int, *, sep: str = "\n",
             more: Callable[[int], str] = and_more, total: int | None = None) -> str:
    """`items` joined by `sep`, as many whole ones as fit in `limit` characters together
    with `more(n)` counting the `n` left out (of `total`, when `items` is already the first
    part of a longer list). A list Discord would refuse or cut mid-name (a message's 2,000
    characters, a field's 1,024) so ends at a whole item and says how much is missing; the
    reader never takes a part for the whole."""
    total = len(items) if total is None else total
    shown: list[str] = []
    size = 0
    for item in items:
        grown = size + (len(sep) if shown else 0) + len(item)
        left = total - len(shown) - 1
        if grown + (len(sep) + len(more(left)) if left else 0) > limit:
            break
        shown.append(item)
        size = grown
    left = total - len(shown)
    return sep.join([*shown, more(left)] if left else shown)


_ES = ("s", "x", "z", "ch", "sh")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """"1 critique", "2 critiques", "3 replies", "1,500 characters"; `many` for an irregular
    plural ("people")."""
    if count == 1:
        return f"1 {noun}"
    if many is None:
        if noun.endswith(_ES):
            many = noun + "es"
        elif noun.endswith("y") and noun[-2:-1] not in "aeiou":
            many = noun[:-1] + "ies"
        else:
            many = noun + "s"
    return f"{count:,} {many}"


def duration(delta: timedelta) -> str:
    """A wait in words, rounded up so that "try again in …" is never too early: "1 second",
    "40 seconds", "2 minutes", "1 hour 5 minutes", "1 day 3 hours"."""
    seconds = max(1, math.ceil(delta.total_seconds()))
    if seconds < 60:
        return plural(seconds, "second")
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return plural(minutes, "minute")
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return plural(hours, "hour") + (f" {plural(minutes, 'minute')}" if minutes else "")
    hours = math.ceil(seconds / 3600)  # a day or more: whole hours, rounded up
    days, hours = divmod(hours, 24)
    return plural(days, "day") + (f" {plural(hours, 'hour')}" if hours else "")


def file_size(size: int) -> str:
    """"600 bytes", "1.5 KB", "8.0 MB" (1 KB = 1,024 bytes): exact below a kilobyte, where
    rounding would say "1 KB" of a 600-byte limit."""
    if size < 1024:
        return plural(size, "byte")
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"

"""How Discord reads a message's Markdown, for tests that check what members see: the text it
displays, the constructs it would act on, and the member text that tries them."""

from __future__ import annotations

import re
import string

from bot.display import member_text

# Discord shows a backslash before ASCII punctuation as that character alone, never as markup.
_ESCAPED = re.compile("\\\\([" + re.escape(string.punctuation) + "])")
_PLACE = "\ue000"  # stands for an escaped character: it can start no markup


def discord_reads(shown: str) -> tuple[str, str]:
    """What Discord displays for `shown`, and `shown` with its escaped characters blanked out:
    what is left there is what Discord would read as Markdown."""
    return _ESCAPED.sub(r"\1", shown), _ESCAPED.sub(_PLACE, shown)


def markup_in(live: str) -> list[str]:
    """The Markdown constructs Discord would act on in `live` (escaped characters removed)."""
    found = [c for c in "*_~|`" if c in live]  # bold, italics, underline, strike, spoiler, code
    if re.search(r"\[[^\]]*\]\(", live) or re.search(r"\w://", live):
        found.append("link")  # a masked link, or a bare URL Discord would link
    if re.search(r"<(@|#|/|t:|a?:)|@(everyone|here)", live):
        found.append("mention")  # users, roles, channels, commands, timestamps, emoji
    if re.search(r"^[\s\u2068]*([-+*>#]|\d+\.)", live, re.MULTILINE):
        found.append("block")  # lists, quotes, headings, subtext
    return found


HOSTILE = [
    "[Verify your account here](https://evil.example/login)", "**URGENT**", "||spoiler||",
    "```\nunclosed code block", "`code`", "__under__", "~~gone~~", "<@123>", "<@&9>", "<#5>",
    "<t:0:F>", "</lesson post:1>", "<:e:1>", "@everyone", "@here", "# Heading", "-# small",
    "> quote", "- item", "1. item", "+ item", "\\", "\\*", "https://x.example", "\n", " ",
    "\u202e", "שלום", "plain words",
]


# Read left to right as Discord does: an escape, else a code span (a run of backticks to the
# next run as long; inside, nothing is escaped), else the bot's isolates around member text
# (they show nothing).
_TOKEN = re.compile("\\\\[" + re.escape(string.punctuation) + "]|(`+)([\\s\\S]*?[^`])\\1(?!`)"
                    "|[\u2068\u2069]")
# Discord drops a space that keeps a backtick inside a code span apart from its fence (the
# rule of simple-markdown, the parser of Discord's clients).
_FENCE_SPACE = re.compile("^ (?= *`)|(` *) $")


def displayed(surface: str) -> tuple[str, str]:
    """`discord_reads` for a whole surface Discord renders (message content, an embed's
    description or field value), code spans included: what it displays, and, at the same
    positions, what it would read as Markdown. A code span shows its inside literally (no
    escapes, no markup) and its backticks not at all."""
    shown, live = [], []
    at = 0
    for token in _TOKEN.finditer(surface):
        plain = surface[at:token.start()]
        shown.append(plain)
        live.append(plain)
        if token[0].startswith("\\"):
            shown.append(token[0][1])
            live.append(_PLACE)
        elif token[1]:
            inside = _FENCE_SPACE.sub(r"\1", token[2])
            shown.append(inside)
            live.append(_PLACE * len(inside))
        at = token.end()
    shown.append(surface[at:])
    live.append(surface[at:])
    return "".join(shown), "".join(live)


def shows_as_typed(surface: str, typed: str) -> bool:
    """Whether member text `typed` is in `surface` as Discord displays it (its direction
    controls taken out, as the bot does), and nothing of it reads as Markdown."""
    shown, live = displayed(surface)
    expected = member_text(typed).strip("\u2068\u2069")
    at = shown.find(expected)
    return at >= 0 and not markup_in(live[at:at + len(expected)])

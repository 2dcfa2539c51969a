"""How the bot words counts and durations, and embeds member text in its own lines
(bot/display.py)."""

from __future__ import annotations

import re
import string
import unicodedata
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.display import duration, markdown_text, member_text, plural


@pytest.mark.parametrize(("n", "word", "expected"), [
    (0, "critique", "0 critiques"), (1, "critique", "1 critique"), (2, "vote", "2 votes"),
    (1, "reply", "1 reply"), (3, "reply", "3 replies"), (1, "match", "1 match"),
    (2, "match", "2 matches"), (1_500, "character", "1,500 characters"),
])
def test_plural(n: int, word: str, expected: str) -> None:
    assert plural(n, word) == expected


def test_plural_with_an_irregular_form() -> None:
    assert plural(2, "person", "people") == "2 people"
    assert plural(1, "person", "people") == "1 person"


@pytest.mark.parametrize(("delta", "expected"), [
    (timedelta(seconds=0.2), "1 second"), (timedelta(seconds=1), "1 second"),
    (timedelta(seconds=40), "40 seconds"), (timedelta(seconds=60), "1 minute"),
    (timedelta(seconds=61), "2 minutes"), (timedelta(minutes=59, seconds=30), "1 hour"),
    (timedelta(hours=1), "1 hour"), (timedelta(hours=2, minutes=5), "2 hours 5 minutes"),
    (timedelta(days=1, hours=3), "1 day 3 hours"), (timedelta(days=9), "9 days"),
])
def test_duration_rounds_up_and_never_contradicts_itself(delta: timedelta,
                                                         expected: str) -> None:
    assert duration(delta) == expected


CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_plain_text_is_left_as_it_is() -> None:
    assert member_text("Polite, but vague: what's the ask?") == "Polite, but vague: what's the ask?"


def test_an_override_cannot_reverse_the_bot_line_around_it() -> None:
    critique = "evil \u202e(stniop 71−)"
    line = f"👍 2 · ada: {member_text(critique)} · more"
    assert "\u202e" not in line
    assert "\u2068evil (stniop 71−)\u2069 · more" in line


def test_right_to_left_text_is_isolated() -> None:
    assert member_text("שלום") == "\u2068שלום\u2069"


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(CONTROLS)))
def test_member_text_never_leaks_a_direction(text: str) -> None:
    shown = member_text(text)
    inner = shown.removeprefix("\u2068").removesuffix("\u2069") if shown != text else shown
    assert not any(ch in CONTROLS for ch in inner)  # balanced: only our own FSI…PDI
    if shown != text:
        assert shown.startswith("\u2068") and shown.endswith("\u2069")
    assert all(unicodedata.bidirectional(ch) not in ("LRO", "RLO", "LRE", "RLE", "PDF")
               for ch in shown)


# --- Markdown ------------------------------------------------------------------------------
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
member_markdown = st.lists(st.sampled_from(HOSTILE) | st.text(
    alphabet="*_~|`<>[]()#@:/\\-+.19 \nahtps\u2068\u202e", max_size=8), max_size=8).map(
    "".join) | st.text()


def test_a_masked_link_reads_as_text_and_links_nowhere() -> None:
    shown = markdown_text("[Verify your account here](https://evil.example/login) **URGENT**")
    assert shown == (r"\[Verify your account here\](https\://evil.example/login) "
                     r"\*\*URGENT\*\*")


def test_plain_words_are_left_as_they_are() -> None:
    assert markdown_text("Polite, but vague: what's the ask?") == (
        "Polite, but vague: what's the ask?")


@given(member_markdown)
def test_no_member_text_renders_as_markdown(text: str) -> None:
    shown, live = discord_reads(markdown_text(text))
    assert shown == member_text(text)  # the member reads what they typed
    assert markup_in(live) == []  # and Discord sees no link, emphasis, code, spoiler, mention


@given(member_markdown, st.integers(min_value=2, max_value=40))
def test_a_cut_never_leaves_markdown_or_a_broken_escape(text: str, limit: int) -> None:
    cut = markdown_text(text, limit)
    assert len(cut) <= limit
    shown, live = discord_reads(cut)
    assert markup_in(live) == []
    if cut != markdown_text(text):
        assert shown.endswith("…") and member_text(text).startswith(shown[:-1])

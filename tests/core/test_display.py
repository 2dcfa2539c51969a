"""How the bot words counts and durations, and embeds member text in its own lines
(bot/display.py)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.display import (
    code_text,
    duration,
    fit_list,
    markdown_text,
    member_text,
    plural,
)
from bot.visible import is_blank
from tests.markdown import HOSTILE, discord_reads, displayed, markup_in


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


# --- names set off as code ---------------------------------------------------------------------


@given(member_markdown | st.text(alphabet="`a \n", max_size=12))
@example("` \n")  # the break after the space hid the space the fence needed
def test_a_name_in_code_displays_as_typed_whatever_its_backticks(text: str) -> None:
    """A backtick in a lesson name, timezone or file name closed the bot's code span and
    let the rest render as Markdown ("There is no lesson `x`**bold**``")."""
    shown, live = displayed(f"There is no lesson {code_text(text, limit=10_000)}.")
    one_line = " ".join(text.split())  # a name is one line (its breaks read as spaces)
    # A name that shows nothing (bot/visible.py) is said to be empty.
    assert shown == f"There is no lesson {'“”' if is_blank(one_line) else member_text(one_line)}."
    assert markup_in(live) == []


def test_a_long_name_is_cut_to_the_limit() -> None:
    assert code_text("a" * 100, limit=10) == "`aaaaaaaaa…`"
    assert code_text("networking-with-professionals") == "`networking-with-professionals`"



_ITEM = st.text(st.characters(blacklist_characters="\n,<"), min_size=1, max_size=40)


@given(st.lists(_ITEM, max_size=60), st.integers(min_value=20, max_value=600),
       st.sampled_from(["\n", ", "]))
def test_a_fitted_list_holds_whole_items_and_counts_the_rest(
    items: list[str], limit: int, sep: str,
) -> None:
    """fit_list: within the limit, the items shown are the list's first ones, each whole,
    then the line that counts exactly those left out; one more item would not have fit."""
    text = fit_list(items, limit, sep=sep, more=lambda n: f"<{n} more>")
    assert len(text) <= limit
    if text == sep.join(items):
        return
    *shown, counted = text.split(sep) if text else [""]
    assert shown == items[: len(shown)]
    left = len(items) - len(shown)
    assert counted == f"<{left} more>"
    assert len(sep.join([*items[: len(shown) + 1], f"<{left - 1} more>"])) > limit


def test_a_fitted_list_counts_what_it_was_never_given() -> None:
    """`total`: the items are the first part of a longer list (the outreach log's newest)."""
    assert fit_list(["a", "b"], 100, total=5) == "a\nb\n… and 3 more"
    assert fit_list(["a", "b"], 100) == "a\nb"
    assert fit_list(["a" * 50, "b"], 20) == "… and 2 more"

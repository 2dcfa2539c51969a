"""One test of "empty" for everything typed (F8): text that shows nothing (zero-width
characters, bidirectional marks, a byte-order mark, the Hangul fillers, the braille blank...)
is refused by every check, with the words blank text gets."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.critiques import validate_critique
from bot.display import code_text
from bot.errors import UserError
from bot.followups import name_key, parse_recipient
from bot.lessons import LessonError, parse_lesson
from bot.review import is_reviewable
from bot.visible import invisible, is_blank, visible_text

# Every character that shows nothing, by its Unicode category, and the ones drawn blank.
FORMAT_AND_CONTROL = [chr(c) for c in range(sys.maxunicode + 1)
                      if unicodedata.category(chr(c)) in ("Cf", "Cc") and not chr(c).isspace()]
DRAWN_BLANK = ["\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u034f", "\ufe0f",
               "\u17b4", "\u180b", "\U000e0100"]
NOTHING = st.text(st.sampled_from(FORMAT_AND_CONTROL + DRAWN_BLANK + [" ", "\n", "\t",
                                                                      "\u3000", "\u00a0"]),
                  max_size=20)
SHOWN = st.characters(categories=("L", "N", "P", "Sm", "Sc"), exclude_characters=DRAWN_BLANK)


def toml_escaped(text: str) -> str:
    """`text` as the inside of a TOML basic string: every character as its \\U escape."""
    return "".join(f"\\U{ord(c):08X}" for c in text)


def test_every_format_and_control_character_shows_nothing() -> None:
    assert all(invisible(c) for c in FORMAT_AND_CONTROL + DRAWN_BLANK)


@given(NOTHING)
@example("\u200b\u200c\u200d\ufeff")  # the tester's critique
@example("\u200b\u200b")  # the tester's recipient
def test_text_that_shows_nothing_is_blank(text: str) -> None:
    assert is_blank(text) and not visible_text(text).strip()


@given(NOTHING, SHOWN, NOTHING)
def test_text_with_anything_shown_is_not_blank(before: str, shown: str, after: str) -> None:
    assert not is_blank(before + shown + after)
    assert shown in visible_text(before + shown + after)


@given(NOTHING)
@example("\u200b\u200c\u200d\ufeff")
def test_every_check_of_emptiness_refuses_it(text: str) -> None:
    with pytest.raises(UserError, match="Your critique is empty"):
        validate_critique(text, text, "no")
    with pytest.raises(UserError, match="Say who you sent it to"):
        parse_recipient(text)
    assert is_reviewable(text) == (
        False, "The draft is empty: paste the message you plan to send.")
    assert code_text(text) == "“”"
    with pytest.raises(LessonError, match="is empty"):
        parse_lesson(f'key = "k"\ntitle = "{toml_escaped(text)}"\n'
                     'prompt = "P"\nrecap = "R"\n[[examples]]\ntitle = "E"\ntext = "X"\n',
                     Path("k.toml"))


@given(NOTHING, st.sampled_from(FORMAT_AND_CONTROL + DRAWN_BLANK))
def test_a_half_that_shows_nothing_is_stored_as_no_text(blank: str, one: str) -> None:
    critique = validate_critique(blank + one, "Vague", "unsure")
    assert (critique.works, critique.doesnt) == ("", "Vague")


@given(st.sampled_from(FORMAT_AND_CONTROL + DRAWN_BLANK))
def test_an_invisible_character_in_a_name_is_the_same_person(one: str) -> None:
    assert name_key(f"Dana{one} Lee") == name_key(f"Dana {one}Lee") == "dana lee"

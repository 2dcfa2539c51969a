"""What of a text shows: the one test of "empty" for everything a member or a moderator
types (critiques, who an outreach went to, drafts, lesson fields, timezones, names).

`str.strip()` leaves text that shows nothing: zero-width spaces and joiners, bidirectional
marks, a byte-order mark, a soft hyphen (Unicode's format characters, Cf), controls, and the
letters and symbols that are drawn blank (the Hangul fillers, U+3164 among them, the braille
blank U+2800, variation selectors, the combining grapheme joiner, tags). A critique of one
U+200B was posted with an invisible "What works", and an outreach to two of them was logged
as a new person each time. Unicode's Default_Ignorable_Code_Point property lists the
characters that show nothing; it is not in `unicodedata`, so its ranges are here
(DerivedCoreProperties.txt, Unicode 15), with every format and control character.
"""

from __future__ import annotations

import re
import unicodedata

# Default_Ignorable_Code_Point (beyond Cf), and the braille blank, which is drawn as nothing.
_DRAWN_BLANK = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]")


def invisible(char: str) -> bool:
    """Whether `char` shows nothing and takes no room (whitespace takes room: not this)."""
    return ((unicodedata.category(char) in ("Cf", "Cc") and not char.isspace())
            or _DRAWN_BLANK.match(char) is not None)


def visible_text(text: str) -> str:
    """`text` without the characters that show nothing (its whitespace kept)."""
    return "".join(char for char in text if not invisible(char))


def is_blank(text: str) -> bool:
    """Whether `text` shows nothing at all: empty, whitespace, invisible characters."""
    return all(char.isspace() or invisible(char) for char in text)

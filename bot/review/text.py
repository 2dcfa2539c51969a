"""Tokenizing, sentence splitting, stats and the reading grade.

Everything here is linear in the length of the text: each regex is a single pass with no
nested quantifiers, so no input makes it backtrack catastrophically.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import lru_cache

from bot.review.fastscan import ascii_twin
from bot.review.model import Stats

# Same-length normalisation (one character in, one out), so offsets into the normalised
# text are offsets into the original. Curly quotes and dashes become ASCII.
_NORMALISE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)

WORD_RE = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
# A sentence ends at ., !, ? (possibly repeated) followed by whitespace or the end, or at
# a line break. Lines such as "Hi Ana," count as their own sentence.
_SENTENCE_END_RE = re.compile(r"[.!?]+(?=\s|$)|\n")
_HAS_WORD_RE = re.compile(r"[^\W_]")  # a sentence needs a word: a letter or a digit
# The same on ASCII text, faster (`fastscan.ascii_twin`): most drafts are ASCII once lowered.
_WORD_ASCII = ascii_twin(WORD_RE)
_SENTENCE_END_ASCII = ascii_twin(_SENTENCE_END_RE)
_HAS_WORD_ASCII = ascii_twin(_HAS_WORD_RE)
_VOWEL_GROUPS_RE = re.compile(r"[aeiouy]+")
_SUBJECT_RE = re.compile(r"^[ \t]*subject[ \t]*:[ \t]*([^\n]*)", re.IGNORECASE)


def words_of(text: str, start: int = 0, end: int = sys.maxsize) -> list[str]:
    """`WORD_RE.findall(text, start, end)` (by its ASCII twin on an ASCII text)."""
    return (_WORD_ASCII if text.isascii() else WORD_RE).findall(text, start, end)


def normalise(text: str) -> str:
    """Same length as `text`; typographic quotes and dashes made ASCII."""
    return text.translate(_NORMALISE)


def lowered(text: str) -> str:
    """`normalise(text)` lowercased, still the same length as `text` (a character whose
    lowercase form is longer, such as "İ", is kept as it is)."""
    norm = text.translate(_NORMALISE)
    low = norm.lower()
    if len(low) == len(norm):  # no character expanded, so each maps to exactly one
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in norm)


class Sentence:
    """A sentence of a draft: its span and text (stripped). A plain class with slots, not a
    dataclass: a review builds one per sentence, and this is the cheapest to build."""

    __slots__ = ("_words", "end", "start", "text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self.start, self.end, self.text = start, end, text
        self._words = -1

    @property
    def words(self) -> int:
        """Its word count (counted when asked: only the reading-grade rule needs it)."""
        if self._words < 0:
            self._words = len(words_of(self.text))
        return self._words

    @property
    def is_question(self) -> bool:
        """Ends in a question mark, whatever marks follow it ("Could we talk?!")."""
        return self.text.rstrip("!").endswith("?")

    def __repr__(self) -> str:
        return f"Sentence({self.start}, {self.end}, {self.text!r})"


def sentences(text: str) -> list[Sentence]:
    """Sentences with their spans (stripped of surrounding whitespace), words > 0 only."""
    out: list[Sentence] = []
    pos = 0
    ascii = text.isascii()
    has_word = (_HAS_WORD_ASCII if ascii else _HAS_WORD_RE).search
    for m in (_SENTENCE_END_ASCII if ascii else _SENTENCE_END_RE).finditer(text):
        _add_sentence(text, pos, m.end(), out, has_word)
        pos = m.end()
    _add_sentence(text, pos, len(text), out, has_word)
    return out


def _add_sentence(text: str, start: int, end: int, out: list[Sentence],
                  has_word: Callable[[str], object]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped or not has_word(stripped):
        return
    s = start + len(chunk) - len(chunk.lstrip())
    out.append(Sentence(s, s + len(stripped), stripped))


@lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Vowel groups, less a silent final "e"; at least 1 (and 1 for a word that is not ASCII,
    which the heuristic cannot read). Cached: words repeat a lot."""
    if not word.isascii():
        return 1
    w = word.lower()
    n = len(_VOWEL_GROUPS_RE.findall(w))
    if n > 1 and w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        n -= 1
    return max(1, n)


def reading_grade(words: list[str], n_sentences: int) -> float:
    """Flesch-Kincaid grade level, clamped to 0..18; 0.0 for empty text."""
    if not words or not n_sentences:
        return 0.0
    syl = sum(map(syllables, words))
    grade = 0.39 * (len(words) / n_sentences) + 11.8 * (syl / len(words)) - 15.59
    return round(min(18.0, max(0.0, grade)), 1)


def subject_line(text: str) -> tuple[int, int, str] | None:
    """The "Subject: ..." line of an email draft, if it has one: (start, end, subject)."""
    for m in re.finditer(r"[^\n]*", text[:600]):
        line = m.group(0)
        if not line.strip():
            continue
        sm = _SUBJECT_RE.match(line)
        if sm:
            s = m.start() + sm.start(1)
            subj = sm.group(1).rstrip()
            return (s, s + len(subj), subj) if subj else (m.start(), m.end(), "")
        return None
    return None


def body_bounds(text: str, subject: tuple[int, int, str] | None) -> tuple[int, int]:
    """(start, end) of the body: the text stripped, and past the subject line if there is one
    (a text that is only a subject line is all body)."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if subject is not None:
        nl = text.find("\n", subject[1])
        body = nl + 1 if nl >= 0 else len(text)
        while body < len(text) and text[body].isspace():
            body += 1
        if body < end:
            start = body
    return start, end


def compute_stats(
    text: str, sents: list[Sentence] | None = None, words: list[str] | None = None
) -> Stats:
    sents = sentences(text) if sents is None else sents
    words = words_of(text) if words is None else words
    return Stats(
        characters=len(text),
        words=len(words),
        sentences=len(sents),
        questions=sum(1 for s in sents if s.is_question),
        reading_grade=reading_grade(words, len(sents)),
    )

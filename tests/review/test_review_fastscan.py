"""The reviewer's fast paths (`bot/review/fastscan.py`) give the plain paths' answers.

Each rewrite of a regex is compared with the regex it rewrites: on small generated regexes and
texts (where a wrong reordering shows at once), on every family, and on whole reviews with
every fast path turned off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review import CHANNELS, review, rules, text, vocabulary
from bot.review import patterns as P
from bot.review.fastscan import alternatives, ascii_source, ascii_twin, by_first_character, spread
from bot.review.text import lowered
from tests.review.test_review_properties import FAMILY_PHRASES, WORDS

CORPUS = Path(__file__).resolve().parents[1] / "data" / "outreach_corpus.jsonl"
DRAFTS = [json.loads(line)["text"] for line in CORPUS.read_text("utf-8").splitlines() if line]


def test_spread_opens_each_alternative_with_what_the_group_opens_with() -> None:
    assert spread(r"(?:my|our) clients?\b") == [r"my clients?\b", r"our clients?\b"]
    # a greedy "?" tries the group first, a lazy "??" last; nested groups spread too
    assert spread("(?:the )?person") == ["the person", "person"]
    assert spread("(?:a|b)??c") == ["c", "ac", "bc"]
    assert spread("(?:(?:x|y)?z|w)q") == ["xzq", "yzq", "zq", "wq"]
    # repeated, possessive, capturing or looking around: left as they are
    for kept in ("(?:ab)+c", "(?:ab)*c", "(?:ab){2}c", "(?:ab)?+c", "(a|b)c", "(?!a)b", "ab"):
        assert spread(kept) == [kept]


def test_by_first_character_joins_only_across_plain_characters() -> None:
    assert by_first_character(["your post", "you wrote", "we both", "your talk"]) == [
        "y(?:our post|ou wrote|our talk)", "we both"]
    # a class could match where "y" does: nothing moves across it
    assert by_first_character(["yes", r"[\w-]+ x", "you"]) == ["yes", r"[\w-]+ x", "you"]
    # a character under a quantifier is no plain opening
    assert by_first_character(["a?b", "ab"]) == ["a?b", "ab"]


def test_ascii_source_widens_each_space_class() -> None:
    assert ascii_source(r"a\sb") == r"a[\s\x1c-\x1f]b"
    assert ascii_source(r"[^\s,]+") == r"[^\s\x1c-\x1f,]+"
    assert ascii_source(r"\S") == r"[^\s\x1c-\x1f]"
    assert ascii_source(r"\\s[\\s]") == r"\\s[\\s]"  # a backslash, then "s"
    assert ascii_source(r"[\S]") is None
    assert alternatives(r"a|[|]|(b|c)|\||d") == ["a", "[|]", "(b|c)", r"\|", "d"]


# Small regexes over a small alphabet, so that alternatives overlap, nest and compete.
_PIECES = ["a", "b", "ab", " ", "c", "(?:a|b)", "(?:ab|a)", "(?:b|ba)?", "(?:a )??", "[ab]",
           r"\w", r"\w+", r"\s", "(?:c|a)?b", "(?!a)", r"\b", "b*", "(?:a|b)+", "(?:a)??",
           "(?:ab|b)??", r"\w*", "a?"]
_ALTERNATIVE = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join)


def _spans(pattern: str, s: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, s)]


@settings(max_examples=500, deadline=None)
@given(st.lists(_ALTERNATIVE, min_size=1, max_size=6),
       st.text(alphabet="ab c", max_size=30))
def test_rewritten_alternations_match_as_written(alts: list[str], s: str) -> None:
    """Spread, then joined by first character: the same matches as the alternation written."""
    fast = "|".join(by_first_character([x for a in alts for x in spread(a)]))
    assert _spans(fast, s) == _spans("|".join(alts), s)
    assert _spans(r"\W(?:" + fast + ")", " " + s) == _spans(r"\W(?:" + "|".join(alts) + ")",
                                                          " " + s)


# Every kind of ASCII space, and the four separators only Unicode's `\s` takes.
_SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f"]
_HOT = [text.WORD_RE, text._SENTENCE_END_RE, text._HAS_WORD_RE, vocabulary._TOKEN_RE,
        rules._PERSON_RE]
#: Every regex a family scans with (the families, and their kinds' scans), by id.
_SCANNED = {id(p): p for p in [*P.FAMILIES, *(k for ks in P.KIND_SCANS.values() for k in ks)]}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FAMILY_PHRASES + WORDS), min_size=1, max_size=6),
       st.lists(st.sampled_from(_SPACES), min_size=1, max_size=6))
def test_ascii_twins_match_as_unicode_on_ascii_text(parts: list[str], spaces: list[str]) -> None:
    """Each family's ASCII twin, and each hot regex's, finds what the Unicode regex finds."""
    joined = "".join(p + spaces[i % len(spaces)] for i, p in enumerate(parts))
    for s in (joined, lowered(joined)):
        s = s.encode("ascii", "ignore").decode()
        for pattern in _SCANNED.values():
            twin = P.ASCII_TWINS[id(pattern)]
            assert twin is not pattern, pattern.pattern[:60]
            assert ([(m.span(), m.lastgroup) for m in twin.finditer(" " + s)]
                    == [(m.span(), m.lastgroup) for m in pattern.finditer(" " + s)])
        for pattern in _HOT:
            assert ([(m.span(), m.groups()) for m in ascii_twin(pattern).finditer(s)]
                    == [(m.span(), m.groups()) for m in pattern.finditer(s)]), pattern.pattern


@contextmanager
def _plain_paths() -> Iterator[None]:
    """Every ASCII twin replaced by its Unicode regex: the reviewer's plain path."""
    assert P.ASCII_TWINS.keys() == _SCANNED.keys()
    with mock.patch.dict(P.ASCII_TWINS, _SCANNED), \
         mock.patch.object(text, "_WORD_ASCII", text.WORD_RE), \
         mock.patch.object(text, "_SENTENCE_END_ASCII", text._SENTENCE_END_RE), \
         mock.patch.object(text, "_HAS_WORD_ASCII", text._HAS_WORD_RE), \
         mock.patch.object(vocabulary, "_TOKEN_ASCII", vocabulary._TOKEN_RE), \
         mock.patch.object(rules, "_PERSON_ASCII", rules._PERSON_RE):
        yield


def _answers(drafts: list[str]) -> list[dict[str, object]]:
    return [review(d, channel=c, followup=f).to_dict()
            for d in drafts for c in (None, *CHANNELS) for f in (False, True)]


def test_reviews_on_the_plain_paths_are_the_same_on_the_corpus() -> None:
    fast = _answers(DRAFTS)
    with _plain_paths():
        assert _answers(DRAFTS) == fast


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FAMILY_PHRASES + WORDS + _SPACES + ["2nd", "15", "\u00b2"]),
                max_size=25).map(" ".join))
def test_reviews_on_the_plain_paths_are_the_same(draft: str) -> None:
    fast = _answers([draft])
    with _plain_paths():
        assert _answers([draft]) == fast


# No greeting, blank or quotation: `Terms` reads around those, the reference below does not.
_PLAIN_WORDS = [w for w in WORDS if w not in ("Hi", "Dear", "[Name]", "{company}")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_PLAIN_WORDS, "15", "2nd", "3-day", "\u00b2x", "\u0663", "x1"]),
                max_size=30).map(" ".join))
def test_terms_fold_numbers_as_the_plain_loop_does(draft: str) -> None:
    """Numbers folded through a look-up table: the same terms as the loop over every token."""
    low = lowered(draft)
    raw = vocabulary._TOKEN_RE.findall(low)
    tokens = ([vocabulary.NUMBER if w[:1].isdigit() else w for w in raw]
              if vocabulary._DIGIT_RE.search(low) else raw)
    present = set(tokens) | set(map(" ".join, pairwise(tokens)))
    assert vocabulary.Terms(low).present == present

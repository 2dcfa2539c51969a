"""Critique validation and the run summary: counts, tally, most-voted, who has not critiqued."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.critiques import (
    MAX_DOESNT,
    MAX_WORKS,
    TOP_CRITIQUES,
    CritiqueInput,
    CritiqueRecord,
    Likely,
    Tally,
    TopCritique,
    excerpt,
    summarize,
    validate_critique,
    vote_changes,
)
from bot.errors import UserError
from bot.lessons import load_lesson

SHIPPED = Path(__file__).resolve().parents[2] / "lessons" / "networking-with-professionals.toml"

# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("works", "doesnt", "likely", "expected"),
    [
        (
            "Specific research.",
            "No ask.",
            "yes",
            CritiqueInput("Specific research.", "No ask.", Likely.YES),
        ),
        ("  padded  ", "", "NO", CritiqueInput("padded", "", Likely.NO)),
        ("", "\n vague chat \n", " Unsure ", CritiqueInput("", "vague chat", Likely.UNSURE)),
        ("a\r\nb", "", Likely.YES, CritiqueInput("a\nb", "", Likely.YES)),
        (
            "w" * MAX_WORKS,
            "d" * MAX_DOESNT,
            "no",
            CritiqueInput("w" * MAX_WORKS, "d" * MAX_DOESNT, Likely.NO),
        ),
        # CRLF counts as one character, so a limit-length text from Windows still fits.
        ("w\r\n" * 333 + "w", "", "yes", CritiqueInput("w\n" * 333 + "w", "", Likely.YES)),
    ],
)
def test_valid_critiques(works: str, doesnt: str, likely: str, expected: CritiqueInput) -> None:
    assert validate_critique(works, doesnt, likely) == expected


@pytest.mark.parametrize(
    ("works", "doesnt", "likely", "words"),
    [
        ("", "", "yes", "empty"),
        ("   \n\t", " \r\n ", "yes", "empty"),
        ("w" * (MAX_WORKS + 1), "", "yes", "“What works” is 1001 characters"),
        ("ok", "d" * (MAX_DOESNT + 1), "yes", "“What doesn't” is 1001 characters"),
        ("ok", "", "maybe", "use one of yes, no, unsure"),
        ("ok", "", "", "use one of"),
    ],
)
def test_refused_critiques(works: str, doesnt: str, likely: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        validate_critique(works, doesnt, likely)
    assert words in caught.value.message


@given(st.text(), st.text(), st.sampled_from(["yes", "no", "unsure", "Yes", "x"]))
def test_validation_either_cleans_or_refuses(works: str, doesnt: str, likely: str) -> None:
    try:
        result = validate_critique(works, doesnt, likely)
    except UserError as error:
        assert error.message
        return
    assert result.works or result.doesnt
    assert len(result.works) <= MAX_WORKS and len(result.doesnt) <= MAX_DOESNT
    assert result.works == result.works.strip() and "\r" not in result.works


# --- summary --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ex:
    number: int
    title: str


EXAMPLES = [Ex(1, "Outreach 1"), Ex(2, "Outreach 2"), Ex(3, "Outreach 3")]


def record(
    id: int,
    example_no: int,
    author_id: int,
    likely: Likely = Likely.YES,
    votes: int = 0,
    at: int | None = None,
    works: str = "works",
    doesnt: str = "",
) -> CritiqueRecord:
    return CritiqueRecord(
        id, example_no, author_id, works, doesnt, likely, votes, at if at is not None else id
    )


def test_summary_counts_and_tallies_per_example_and_overall() -> None:
    critiques = [
        record(1, 1, 10, Likely.NO),
        record(2, 1, 11, Likely.NO),
        record(3, 1, 12, Likely.UNSURE),
        record(4, 3, 10, Likely.YES),
        record(5, 3, 13, Likely.YES),
    ]
    summary = summarize(EXAMPLES, critiques)
    counts = [(e.example_no, e.title, e.critique_count, e.tally) for e in summary.examples]
    assert counts == [
        (1, "Outreach 1", 3, Tally(yes=0, no=2, unsure=1)),
        (2, "Outreach 2", 0, Tally()),
        (3, "Outreach 3", 2, Tally(yes=2)),
    ]
    assert summary.total_critiques == 5
    assert summary.tally == Tally(yes=2, no=2, unsure=1)
    assert summary.tally.total == 5
    assert summary.critic_count == 4
    assert summary.not_critiqued is None
    assert summary.unmatched_critiques == 0


def test_top_critiques_by_votes_then_earliest_and_at_most_three() -> None:
    critiques = [
        record(1, 1, 10, votes=2, at=500),
        record(2, 1, 11, votes=5, at=900),
        record(3, 1, 12, votes=2, at=100),  # ties with 1 and 4 on votes, but earliest
        record(4, 1, 13, votes=2, at=700),
        record(5, 1, 14, votes=0, at=1),  # no votes: never "most voted"
        record(6, 2, 15, votes=0),
        record(7, 3, 16, votes=1, at=50),
        record(8, 3, 17, votes=1, at=50),  # same millisecond: the lower id first
    ]
    summary = summarize(EXAMPLES, critiques)
    first, second, third = summary.examples
    assert [(t.critique_id, t.votes) for t in first.top_critiques] == [(2, 5), (3, 2), (1, 2)]
    assert len(first.top_critiques) == TOP_CRITIQUES
    assert first.top_critiques[0] == TopCritique(2, 11, 5, "Works: works")
    assert second.top_critiques == ()
    assert [t.critique_id for t in third.top_critiques] == [7, 8]


def test_votes_mapping_overrides_record_counts() -> None:
    critiques = [record(1, 1, 10, votes=9), record(2, 1, 11, votes=0), record(3, 1, 12, votes=4)]
    summary = summarize(EXAMPLES, critiques, votes={1: 0, 2: 3})
    assert [(t.critique_id, t.votes) for t in summary.examples[0].top_critiques] == [(3, 4), (2, 3)]


def test_members_who_have_not_critiqued_any_example() -> None:
    critiques = [record(1, 1, 10), record(2, 2, 10), record(3, 3, 12), record(4, 9, 13)]
    summary = summarize(EXAMPLES, critiques, members=iter([14, 13, 12, 11, 10, 10]))
    # 13 only critiqued an example that is no longer in the lesson: that does not count.
    assert summary.not_critiqued == (11, 13, 14)
    assert summary.unmatched_critiques == 1
    assert summary.total_critiques == 3
    assert summary.critic_count == 2
    assert summarize(EXAMPLES, [], members=[]).not_critiqued == ()


def test_members_who_wrote_in_a_thread_have_taken_part() -> None:
    critiques = [record(1, 1, 10)]
    summary = summarize(EXAMPLES, critiques, members=[10, 11, 12, 13],
                        thread_authors={1: [11, 11], 2: [12], 9: [13]})
    # 13 wrote only in the thread of an example no longer in the lesson: that does not count.
    assert summary.not_critiqued == (13,)
    assert [e.thread_messages for e in summary.examples][:2] == [2, 1]
    assert (summary.thread_messages, summary.discussant_count) == (3, 2)
    assert (summary.total_critiques, summary.critic_count) == (1, 1)


def test_summary_of_nothing() -> None:
    summary = summarize(EXAMPLES, [], members={1, 2})
    assert summary.total_critiques == 0
    assert summary.tally == Tally()
    assert all(e.critique_count == 0 and e.top_critiques == () for e in summary.examples)
    assert summary.not_critiqued == (1, 2)
    assert summarize([], []).examples == ()


def test_summary_accepts_lesson_examples() -> None:
    lesson = load_lesson(SHIPPED)
    summary = summarize(lesson.examples, [record(1, 2, 10, Likely.NO)])
    assert [e.title for e in summary.examples] == ["Outreach 1", "Outreach 2", "Outreach 3"]
    assert summary.examples[1].tally == Tally(no=1)


def test_tally_of_and_count() -> None:
    tally = Tally.of([Likely.YES, Likely.UNSURE, Likely.YES])
    assert tally == Tally(yes=2, no=0, unsure=1)
    assert [tally.count(likely) for likely in Likely] == [2, 0, 1]


@pytest.mark.parametrize(
    ("works", "doesnt", "expected"),
    [
        ("Names a\n\nmutual   group.", "", "Works: Names a mutual group."),
        ("", "Asks for a job.", "Doesn't: Asks for a job."),
        ("Short.", "Vague.", "Works: Short. / Doesn't: Vague."),
    ],
)
def test_excerpt(works: str, doesnt: str, expected: str) -> None:
    assert excerpt(record(1, 1, 1, works=works, doesnt=doesnt)) == expected


def test_excerpt_is_cut_at_a_word_with_an_ellipsis() -> None:
    long = record(1, 1, 1, works="word " * 100)
    text = excerpt(long, limit=50)
    assert len(text) <= 50
    assert text.endswith("word…")
    unbroken = excerpt(record(1, 1, 1, works="x" * 100), limit=20)
    assert unbroken == "Works: " + "x" * 12 + "…"


@pytest.mark.parametrize(
    ("stored", "on_discord", "forgotten", "added", "removed", "left_out"),
    [
        ({1, 2}, {2, 3}, False, {3}, {1}, 0),  # one taken back, one cast
        ({1}, {1, 9}, False, set(), set(), 0),  # 9 is the author: never a vote
        (set(), set(), False, set(), set(), 0),
        ({1, 2}, {2, 3, 4}, True, set(), {1}, 2),  # a forgotten member had voted: no adding
    ],
)
def test_vote_changes_reconcile_stored_votes_with_discord(
    stored: set[int], on_discord: set[int], forgotten: bool, added: set[int],
    removed: set[int], left_out: int,
) -> None:
    changes = vote_changes(frozenset(stored), frozenset(on_discord), 9,
                           forgotten_votes=forgotten)
    assert (changes.added, changes.removed, changes.left_out) == (added, removed, left_out)

"""The export's pure rules: the cohort-versus-reviewer line, participation, date bounds, and
Markdown that renders inert whatever a member typed."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import commonmark
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.critiques import Likely, Tally
from bot.errors import UserError
from bot.export import markdown as export_markdown
from bot.export.markdown import lesson_quote, md, quote
from bot.export.model import Critique
from bot.export.participation import MessageActivity, participants
from bot.export.text import visible
from bot.export.times import Calendar, parse_bound
from bot.export.verdicts import ReviewerView, comparison_line, leading_answer
from bot.visible import is_blank


@pytest.mark.parametrize(
    ("tally", "reviewer", "expected"),
    [
        (Tally(0, 2, 1), ReviewerView(31, "unlikely"),
         "The cohort said no (2 of 3); the lesson's rules say unlikely (31/100): they agree."),
        (Tally(3, 0, 0), ReviewerView(31, "unlikely"),
         "The cohort said yes (3 of 3); the lesson's rules say unlikely (31/100): they differ."),
        (Tally(1, 1, 0), ReviewerView(72, "likely"),
         "The cohort is split (yes 1 · no 1 · unsure 0); the lesson's rules say likely "
         "(72/100)."),
        (Tally(), ReviewerView(55, "maybe"), "No critiques yet; the lesson's rules say maybe "
         "(55/100)."),
        (Tally(0, 0, 2), None, "The cohort said unsure (2 of 2); the reviewer has not seen "
         "this example (its text is not loaded)."),
    ],
)
def test_the_cohort_beside_the_reviewer(
    tally: Tally, reviewer: ReviewerView | None, expected: str,
) -> None:
    assert comparison_line(tally, reviewer) == expected


def test_a_tie_at_the_top_has_no_leading_answer() -> None:
    assert leading_answer(Tally(2, 2, 1)) is None
    assert leading_answer(Tally(1, 2, 2)) is None
    assert leading_answer(Tally(1, 3, 2)) is Likely.NO


def critique(id_: int, author: int, name: str, voters: tuple[int, ...], at: int) -> Critique:
    return Critique(id_, 1, author, name, "w", "d", Likely.YES, voters, None, at, at + 5)


def test_participation_counts_what_each_member_did() -> None:
    rows = participants(
        [MessageActivity(1, "Ada (old name)", 4, 100, 900), MessageActivity(3, "Cy", 1, 50, 50)],
        [critique(1, 1, "Ada", (2, 3), 1000), critique(2, 2, "Ben", (1,), 20)],
        names={4: "Dee"},
    )
    by_id = {p.member_id: p for p in rows}
    assert [p.name for p in rows] == ["Ada", "Ben", "Cy"]
    assert (by_id[1].messages, by_id[1].critiques, by_id[1].votes_received,
            by_id[1].votes_given) == (4, 1, 2, 1)
    assert (by_id[1].first_ms, by_id[1].last_ms) == (100, 1005)
    assert (by_id[3].votes_given, by_id[3].critiques) == (1, 0)
    assert (by_id[2].first_ms, by_id[2].last_ms) == (20, 25)


def test_a_voter_who_wrote_nothing_is_named_from_the_server() -> None:
    (_, voter) = participants([], [critique(1, 1, "Ada", (9,), 0)], names={9: "Quiet Quinn"})
    assert voter.name == "Quiet Quinn" and voter.votes_given == 1
    (_, unknown) = participants([], [critique(1, 1, "Ada", (8,), 0)], names={})
    assert unknown.name == "member 8"


def test_date_bounds_are_whole_days_in_the_cohort_timezone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = parse_bound("2026-03-29", berlin, end=False, name="since")
    end = parse_bound("2026-03-29", berlin, end=True, name="until")
    assert end - start == 23 * 3600 * 1000  # the spring-forward day is 23 hours long
    assert start == 1_774_738_800_000  # 2026-03-28T23:00Z
    assert parse_bound("2026-03-29T10:00+00:00", berlin, end=True, name="until") == (
        1_774_778_400_000)
    with pytest.raises(UserError, match="`since` must be a date"):
        parse_bound("tomorrow", berlin, end=False, name="since")


@given(st.dates(), st.sampled_from(["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]),
       st.booleans())
@example(date(9999, 12, 31), "UTC", True)  # the fuzzer's: the next midnight does not exist
@example(date(1, 1, 1), "Pacific/Kiritimati", False)
@example(date(1979, 6, 1), "Pacific/Kiritimati", True)  # UTC-10:40 then: no quarter-hour
def test_any_date_is_a_bound_or_a_clear_refusal(day: date, zone: str, end: bool) -> None:
    try:
        ms = parse_bound(day.isoformat(), ZoneInfo(zone), end=end, name="until")
    except UserError as refused:
        assert "between 1970 and 9998" in str(refused)
        return
    shown = Calendar(ZoneInfo(zone)).local(ms)  # every accepted bound can be shown, exactly
    assert datetime.fromisoformat(shown) == datetime.fromtimestamp(ms / 1000, UTC)
    assert datetime.fromisoformat(Calendar(ZoneInfo(zone)).utc(ms)) == datetime.fromisoformat(shown)


_TAGS = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")


def unjoined(text: str) -> str:
    """`text` without WORD JOINERs: the export puts an invisible one before every `@`, which
    keeps GitHub's Markdown from linking an e-mail address (tests/export/test_export_gfm.py)."""
    return text.replace("\u2060", "")


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=200))
@example("0)")  # an ordered-list start: `\0)` would show the backslash
@example("12. done\n3) next")
def test_markdown_of_any_text_renders_as_that_text_and_nothing_else(text: str) -> None:
    rendered = commonmark.commonmark(quote(text))
    tags = {m.group(2) for m in _TAGS.finditer(rendered)}
    assert tags <= {"blockquote", "p", "br", "em"}, rendered  # em: our "(no text)" only
    if not is_blank(visible(text)):
        assert "em" not in tags
        shown = unjoined(html.unescape(_TAGS.sub(" ", rendered)))
        assert shown.split() == unjoined(visible(text).replace("\u0000", "\ufffd")).split()


def test_the_lessons_bold_is_bold_and_nothing_else_is_markup() -> None:
    rendered = commonmark.commonmark(lesson_quote(
        "networking is **not** about *important* people: **DO NOT** be [that](x) person **"))
    assert rendered.count("<strong>") == 2 and "<strong>not</strong>" in rendered
    assert "*important*" in rendered and "<a " not in rendered
    assert rendered.endswith("person **</p>\n</blockquote>\n")  # a lone `**` stays text


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=200))
def test_the_lessons_text_renders_as_typed_but_for_its_bold(text: str) -> None:
    rendered = commonmark.commonmark(lesson_quote(text))
    tags = {m.group(2) for m in _TAGS.finditer(rendered)}
    assert tags <= {"blockquote", "p", "br", "em", "strong"}, rendered
    if not is_blank(visible(text)):
        assert "em" not in tags


@given(st.text(max_size=80))
def test_escaped_inline_text_opens_no_link_or_image(text: str) -> None:
    rendered = commonmark.commonmark(f"**{md('Ada')}** · " + md(text))
    assert "<a " not in rendered and "<img" not in rendered and "<script" not in rendered


class _Tree(HTMLParser):
    """The rendered HTML as nested (tag, children, text) lists, to check where text ended up."""

    def __init__(self) -> None:
        super().__init__()
        self.root: list[Any] = ["root", [], ""]
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node: list[Any] = [tag, [], ""]
        self.open[-1][1].append(node)
        if tag not in {"br", "hr", "img"}:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"br", "hr", "img"}:
            assert self.open.pop()[0] == tag

    def handle_data(self, data: str) -> None:
        self.open[-1][2] += data


def _text(node: list[Any]) -> str:
    return node[2] + " ".join(_text(child) for child in node[1])


def _tags(node: list[Any]) -> set[str]:
    return {node[0]}.union(*(_tags(child) for child in node[1]))


CAL = Calendar(ZoneInfo("UTC"))
MULTILINE = st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
                     max_size=5).map("\n".join)


@given(MULTILINE, MULTILINE)
@example("first line\n\n    indented code?\n- a list?\n# a heading?", "x\n===\n> quote\n<div>")
@example("a\n---", "1. one\n\n\n2) two")
def test_a_critique_of_many_lines_stays_inside_its_list_items(works: str, doesnt: str) -> None:
    critique = Critique(6, 1, 1, "Ada", works, doesnt, Likely.YES, (), None, 1_000, 1_000)
    tree = _Tree()
    tree.feed(commonmark.commonmark(export_markdown._critique(CAL, "run-1", critique)))
    head, items = tree.root[1]  # the author line, then the one list: nothing broke out
    assert (head[0], items[0]) == ("p", "ul")
    assert [li[0] for li in items[1]] == ["li", "li"]
    for li, label, text in zip(items[1], ("What works:", "What doesn't:"), (works, doesnt),
                               strict=True):
        assert _tags(li) <= {"li", "p", "br"}, li
        shown = unjoined(html.unescape(_text(li))).split()
        assert shown == [*label.split(), *(unjoined(visible(text)).split() or ["—"])]

"""Discord's length limits on what follow-ups show: whatever the names and notes typed (any
text up to the limits the commands declare), an autocomplete choice fits in 100 characters
and says when it was cut (with the day in the member's timezone), and every outreach is on
a page of `/outreach list` that fits its embed and says how to see the others."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.followups import RECIPIENT_MAX, Outreach, OutreachStatus, parse_recipient
from bot.services.followups import LogEntry
from cogs._ui import CHOICE_LIMIT
from cogs.followups._cog import PICKED, _outreach_label
from cogs.followups._render import (
    DESCRIPTION_LIMIT,
    LIST_LIMIT,
    LogQuery,
    _log_line,
    log_embed,
    log_pages,
)

SENT = 1_767_607_200_000  # 2026-01-05 10:00 UTC
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=RECIPIENT_MAX).filter(str.strip)


def outreach(i: int, recipient: str, note: str | None = None,
             status: OutreachStatus = OutreachStatus.AWAITING) -> Outreach:
    return Outreach(id=i, user_id=1, recipient=recipient, channel="email", draft=None,
                    note=note, sent_at=SENT, attempts=1, followed_up_at=None, status=status,
                    closed_at=None, source_message_id=None, created_at=SENT,
                    window_end_at=SENT + 14 * 86_400_000)


@settings(max_examples=300, deadline=None)
@given(name=names, i=st.integers(1, 10**18 - 1))
def test_a_choice_fits_says_when_it_was_cut_and_its_value_names_the_row(name: str,
                                                                       i: int) -> None:
    label = _outreach_label(outreach(i, name), UTC)
    assert len(label) <= CHOICE_LIMIT
    assert label.endswith(" · email · sent 2026-01-05")
    shown = label.removesuffix(" · email · sent 2026-01-05")
    assert shown == name or (shown.endswith("…") and name.startswith(shown[:-1]))
    value = f"outreach:{i}"
    assert len(value) <= CHOICE_LIMIT and (picked := PICKED.fullmatch(value))
    assert int(picked[1]) == i


def test_a_choice_gives_the_day_in_the_members_timezone() -> None:
    """A choice is plain text: 10:00 UTC on the 5th is the 6th in Kiritimati (UTC+14) and
    still the 4th at 23:00 in Honolulu (UTC-10)."""
    assert _outreach_label(outreach(1, "Dana"), ZoneInfo("Pacific/Kiritimati")).endswith(
        "sent 2026-01-06")
    assert _outreach_label(outreach(1, "Dana"), ZoneInfo("Pacific/Honolulu")).endswith(
        "sent 2026-01-05")
    late = replace(outreach(1, "Dana"), sent_at=SENT + 13 * 3_600_000)  # 23:00 UTC
    assert _outreach_label(late, ZoneInfo("Pacific/Honolulu")).endswith("sent 2026-01-05")
    assert _outreach_label(late, ZoneInfo("Asia/Tokyo")).endswith("sent 2026-01-06")


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(st.tuples(names, st.none() | st.text(min_size=1, max_size=300)),
                        min_size=1, max_size=3 * LIST_LIMIT + 5),
       page=st.integers(1, 10))
def test_every_outreach_is_on_a_page_and_every_page_fits_its_embed(
    entries: list[tuple[str, str | None]], page: int,
) -> None:
    log = [LogEntry(outreach(i, name, note), None, None, window_open=True)
           for i, (name, note) in enumerate(entries, 1)]
    pages = log_pages(log)
    assert [line for p in pages for line in p] == [_log_line(e) for e in log]  # all, in order
    assert all(1 <= len(p) <= LIST_LIMIT for p in pages)
    embed = log_embed(log, LogQuery(page=page), pages)
    text = embed.description or ""
    assert len(text) <= DESCRIPTION_LIMIT
    shown = min(page, len(pages))
    assert text.startswith(pages[shown - 1][0])
    if len(pages) > 1:  # the last line says where this page is and how to see the rest
        assert f"Page {shown} of {len(pages)} · {len(log)} outreach" in text
        assert "Next ▶" in text and "`/outreach list page:`" in text
    else:
        assert "turn the pages" not in text


def test_a_longer_who_is_refused_saying_the_limit() -> None:
    assert parse_recipient("x" * RECIPIENT_MAX).name == "x" * RECIPIENT_MAX
    with pytest.raises(UserError, match="fits in 200"):
        parse_recipient("x" * (RECIPIENT_MAX + 1))

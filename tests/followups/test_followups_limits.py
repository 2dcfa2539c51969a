"""Discord's length limits on what follow-ups show: whatever the names and notes typed (any
text up to the limits the commands declare), an autocomplete choice fits in 100 characters
and says when it was cut, and `/outreach list` fits its embed and says what it left out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.followups import RECIPIENT_MAX, Outreach, OutreachStatus, parse_recipient
from bot.services.followups import LogEntry
from cogs._ui import CHOICE_LIMIT
from cogs.followups._cog import PICKED, _outreach_label
from cogs.followups._render import DESCRIPTION_LIMIT, LIST_LIMIT, log_embed

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
    label = _outreach_label(outreach(i, name))
    assert len(label) <= CHOICE_LIMIT
    assert label.endswith(" · email · sent 2026-01-05")
    shown = label.removesuffix(" · email · sent 2026-01-05")
    assert shown == name or (shown.endswith("…") and name.startswith(shown[:-1]))
    value = f"outreach:{i}"
    assert len(value) <= CHOICE_LIMIT and (picked := PICKED.fullmatch(value))
    assert int(picked[1]) == i


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(st.tuples(names, st.none() | st.text(min_size=1, max_size=300)),
                        min_size=1, max_size=LIST_LIMIT + 5))
def test_the_list_fits_its_embed_and_counts_what_it_leaves_out(
    entries: list[tuple[str, str | None]],
) -> None:
    embed = log_embed([LogEntry(outreach(i, name, note), None, None)
                       for i, (name, note) in enumerate(entries, 1)])
    text = embed.description or ""
    assert len(text) <= DESCRIPTION_LIMIT
    shown = text.count(" · attempt 1 of 2")
    assert shown >= 1
    if shown < len(entries):
        assert text.endswith(f"…and {len(entries) - shown} more not shown here (open ones "
                             "come first).")


def test_a_longer_who_is_refused_saying_the_limit() -> None:
    assert parse_recipient("x" * RECIPIENT_MAX).name == "x" * RECIPIENT_MAX
    with pytest.raises(UserError, match="fits in 200"):
        parse_recipient("x" * (RECIPIENT_MAX + 1))

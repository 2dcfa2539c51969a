"""`is_reviewable`: when a DM gets a review, and when it gets help instead."""

from __future__ import annotations

import pytest

from bot.review import MAX_DRAFT_CHARS, is_one_liner, is_reviewable


@pytest.mark.parametrize(
    ("text", "ok", "needle"),
    [
        ("", False, "empty"),
        ("   \n ", False, "empty"),
        ("hi", False, "greeting"),
        ("hello bot, how are you?", False, "greeting"),
        ("x " * (MAX_DRAFT_CHARS // 2 + 1), False, "limit"),
        ("The quarterly numbers look fine and the weather is nice today overall.", False,
         "outreach"),
        ("Hi Priya, I read your post on onboarding metrics. Could I ask one question?", True, ""),
        ("I'd like to add you to my professional network on LinkedIn", True, ""),
    ],
)
def test_is_reviewable(text: str, ok: bool, needle: str) -> None:
    got_ok, reason = is_reviewable(text)
    assert got_ok is ok
    assert needle in reason.lower()
    if not ok:
        assert reason.strip() and "\n" not in reason


CJK_DRAFT = "你好，Priya Shah 建议我联系你。我可以问一个关于你帖子的问题吗？"


@pytest.mark.parametrize(
    ("text", "one_liner"),
    [
        ("", True),
        ("hi!", True),
        ("hello bot, how are you?", True),
        # Few space-separated words, but whole sentences: a draft in another language.
        (CJK_DRAFT, False),
        ("こんにちは、Priya Shahさんの紹介でご連絡しました。"
         "ご投稿について質問してもよろしいですか？", False),
        ("Hi Priya, I read your post on onboarding metrics. Could I ask one question?", False),
    ],
)
def test_only_a_greeting_or_a_one_liner_is_one(text: str, one_liner: bool) -> None:
    assert is_one_liner(text) is one_liner

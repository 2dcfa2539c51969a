"""Finding 29, first item: a finding quotes what it found, not the rest of the sentence."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review import review

PIECES = [
    "Hi Dana,", "I read your post on onboarding metrics at Acme and would love your advice.",
    "I loved your talk at PyCon on onboarding metrics.", "Could I ask you one question?",
    "your 2023 paper on ramp time was great and I have a question.",
    "I saw your talk “Hiring in the open” at Lisbon Data Summit and wondered how you started.",
    "Congrats on the move to Acme Health — could I ask how you chose it?", "Thanks!",
]
drafts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map(" ".join)
#: A detail is a name (with the capitalised words that go on it), a number or a quoted title.
DETAIL = re.compile(r"[A-Z][\w'&.-]*(?:[ \t]+[A-Z][\w'&-]*)*|\d[\d,.%]*|[\"“][^\"“”\n]+[\"”]")
#: Where a quote must not run on to: the next part of the sentence.
RUN_ON = re.compile(r"\b(?:and|but|could|would)\b| — ")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drafts)
def test_quotes_stop_at_what_was_found(text: str) -> None:
    for f in review(text).findings:
        span = text[f.start:f.end]
        if f.rule == "research.detail":
            assert DETAIL.fullmatch(span), span
        if f.rule in ("research.specific", "research.detail", "ask.small"):
            assert not RUN_ON.search(span, 1), (f.rule, span)  # the match may start with one


def test_the_reviewers_examples_quote_only_the_detail() -> None:
    r = review("Hi Dana, I read your post on onboarding metrics at Acme and would love your"
               " advice on one question.")
    messages = {f.rule: f.message for f in r.findings}
    assert "“Acme”" in messages["research.detail"]
    assert "“read your post on onboarding metrics at Acme”" in messages["research.specific"]
    r = review("Hi Dana, I loved your talk at PyCon on onboarding metrics. Could I ask you one"
               " question about it?")
    assert "“PyCon”" in {f.rule: f.message for f in r.findings}["research.detail"]

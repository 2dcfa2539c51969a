"""The review as a member sees it in Discord (cogs/review/_render.py): ready to send first,
the chance of a response in words, the must-fix items before everything else."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from bot.review import review
from cogs.review._render import all_findings_text, review_embed

GOOD = ("Hi Priya, I read your post on onboarding metrics. Would you be open to a 15-minute call"
        " about how you chose them?")
# Issue 12, item 8: the lesson's warning was counted once as a problem and again as research.
INSTAGRAM = ("Hi Dana, I followed you on Instagram and liked your photos from the Lisbon trip."
             " I'm a data analyst moving into ML. Could I ask one question about how you chose"
             " your first ML project?")
# Issue 12, item 9: a DM that says it is a third attempt was reviewed as a first message.
THIRD = ("Hi Dana, following up again since my last two messages went unanswered. Could I ask"
         " one question about your move into ML?")


def test_a_ready_draft_says_so_with_its_odds_in_words() -> None:
    r = review(GOOD)
    e = review_embed(GOOD, r).to_dict()
    assert e["title"].startswith("✅ Likely") and e["title"].endswith(f"— {r.score}/100")
    assert "Ready to send: yes" in e["description"]
    # The odds for what they are: a share of the published messages the fit learned from,
    # not the reply rate of real cold outreach (which the lesson says is low).
    assert (f"Of the published messages I learned from, {r.likelihood} like this one were"
            " answered (a relative rating, not a real reply rate)." in e["description"])
    names = [f["name"] for f in e.get("fields", [])]
    assert "Must fix before sending" not in names and "Already good" in names


def test_a_third_attempt_in_a_dm_is_not_ready_and_listed_first() -> None:
    r = review(THIRD)  # what a DM gets: no attempt field, the text says it
    assert r.attempt == 3 and r.attempt_detected and not r.ready
    e = review_embed(THIRD, r).to_dict()
    assert e["title"] == "🚫 Not ready to send — fix 1 item first"  # finding 17: not "✅ Likely"
    assert "Ready to send: no" in e["description"]
    assert "Setting the must-fix items aside" in e["description"]
    assert "attempt 3, as the draft says" in e["description"]
    fields = e["fields"]
    assert fields[0]["name"] == "Must fix before sending"
    assert "third attempt" in fields[0]["value"]


def test_an_instagram_draft_is_not_likely_and_not_rewarded() -> None:
    r = review(INSTAGRAM)
    assert r.verdict != "likely"
    assert any(f.rule == "warn.personal_social" for f in r.findings)
    cut = INSTAGRAM.index(" I'm")
    assert not [f for f in r.findings if f.severity == "good" and f.start < cut]
    assert not review_embed(INSTAGRAM, r).to_dict()["title"].startswith("✅")


def test_points_are_shown_and_all_findings_fit_discord() -> None:
    text = "Hi [Name], I'd like to add you to my professional network. " * 3
    r = review(text)
    chunks = all_findings_text(text, r)
    assert all(len(c) <= 2000 for c in chunks)
    joined = "\n".join(chunks)
    assert "🚫" in joined  # the placeholder, a must-fix item
    assert "points)" in joined


_MARKUP = set("*_~|`<>[]#@")


def _unescaped_markup(line: str) -> list[str]:
    """The Markdown characters of `line` that no backslash escapes (Discord's rule: a
    backslash before punctuation shows that character alone)."""
    found, i = [], 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] in _MARKUP:
            found.append(line[i])
        i += 1
    return found


MARKDOWN_DRAFT = ("Hi **Dana**, I read your post on ||onboarding|| metrics at [Acme](https://x.example)"
                  ". Would you be open to a `15-minute` call about how you chose them? @everyone")


@given(st.text(alphabet=st.sampled_from(list("*_~|`<>[]#@\\:/ -1.\nab")), max_size=60))
@example(MARKDOWN_DRAFT)
def test_a_drafts_markdown_shows_as_typed_in_every_finding(noise: str) -> None:
    text = f"Hi Dana, I read your post on {noise} at Acme. Could I ask one question? {noise}"
    result = review(text)
    for line in all_findings_text(text, result)[0].split("\n\n")[1:]:
        head = line.split("\n")[0]
        # The bot's own markup is the bold around the finding's message, nothing else.
        assert head.count("**") >= 2 and _unescaped_markup(head) == ["*"] * 4, head
        assert not _unescaped_markup(line.split("\n", 1)[1] if "\n" in line else ""), line

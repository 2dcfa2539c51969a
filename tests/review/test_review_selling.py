"""Round 8: what a draft that sells is told. A pitch dense in the words of a sale sells hard
(`warn.pitch` a problem, not a warning); proposing business with the reader and offering
content for their outlet are pitches; the stock pretext aimed at a website is stock phrasing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review import ReviewSettings, review
from bot.review.patterns import COMMERCE_WORDS
from bot.review.text import WORD_RE, lowered

slow = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: A pitch phrase of the first kind ("we provide a … service"), then any mix of these words.
PITCH = "Hi Sam, we provide a translation service."
SALES = sorted(COMMERCE_WORDS)
OTHER = ["the", "team", "read", "your", "post", "on", "sleep", "and", "week", "question",
         "about", "how", "you", "chose", "it", "Leeds", "museum", "study", "ask", "one"]


def _pitch(text: str) -> str | None:
    """The severity of the draft's `warn.pitch` finding, or None."""
    found = [f for f in review(text, channel="email").findings if f.rule == "warn.pitch"]
    assert len(found) <= 1  # one fault, one finding
    return found[0].severity if found else None


@slow
@given(st.lists(st.sampled_from(SALES), max_size=12), st.lists(st.sampled_from(OTHER),
                                                                max_size=120), st.randoms())
def test_a_pitch_sells_hard_exactly_when_dense_in_sales_words(
        sales: list[str], other: list[str], rnd: object) -> None:
    words = [*sales, *other]
    rnd.shuffle(words)  # type: ignore[attr-defined]
    text = f"{PITCH} {' '.join(words)}."
    tokens = WORD_RE.findall(lowered(text))
    n = sum(w in COMMERCE_WORDS for w in tokens)
    s = ReviewSettings()
    dense = n >= s.selling_min_words and n * 100 >= s.hard_selling_per_100_words * len(tokens)
    assert _pitch(text) == ("problem" if dense else "warning")


def test_a_hard_sell_costs_more_than_a_mild_pitch() -> None:
    """The problem weighs at least what the warning does (both fitted, signs bound)."""
    hard = "Hi Sam, we provide an SEO service: more traffic, more leads, more clients, free quote."
    mild = ("Hi Sam, we provide a translation service. I read your post on sleep and the part"
            " about naps in the museum study, which matched what our team saw this spring in"
            " Leeds. Could I ask you one question about how you chose it?")
    assert _pitch(hard) == "problem" and _pitch(mild) == "warning"
    assert review(hard).score < review(mild).score
    hard_points = next(f.points for f in review(hard).findings if f.rule == "warn.pitch")
    mild_points = next(f.points for f in review(mild).findings if f.rule == "warn.pitch")
    assert hard_points <= mild_points < 0


BUSINESS = ["discuss a possible collaboration", "explore a strategic partnership",
            "see if there is a way we could work together", "add value to your business",
            "write a guest post", "contribute an original article to your blog",
            "write some content for your site",
            # round 11: their time spent on the sender's own product
            "get your feedback on our open-source project", "ask you to star our repository",
            "have you try our new app", "get some input on my browser extension"]
ASKS = ["Could I ask you one question about it?", "Would you be open to a 15-minute call?",
        "Could I send you two ideas next week?"]


@slow
@given(st.sampled_from(BUSINESS), st.sampled_from(ASKS),
       st.sampled_from(["Sam", "Priya", "Dr. Okafor", "team"]))
def test_proposing_business_or_content_is_a_pitch(offer: str, ask: str, name: str) -> None:
    text = f"Hi {name}, I'd like to {offer}. {ask}"
    assert _pitch(text) is not None


@slow
@given(st.sampled_from(["came across", "visited", "checked", "was browsing", "have gone through",
                        "have been reading the articles on"]),
       st.sampled_from(["website", "site"]), st.sampled_from(ASKS))
def test_the_website_pretext_is_stock_phrasing(verb: str, site: str, ask: str) -> None:
    text = f"Hi there, I {verb} your {site} today. {ask}"
    assert any(f.rule == "warn.generic" for f in review(text, channel="email").findings)
    said_how = f"Hi there, I {verb} your {site} while looking for the rules of chess. {ask}"
    assert not any(f.rule == "warn.generic" for f in review(said_how, channel="email").findings)

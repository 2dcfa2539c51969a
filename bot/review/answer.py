"""The review's answer in words, shared by Discord and the CLI: one headline and one "ready to
send" line, both read off `Review.status`, so a green "Likely" can never sit above "Ready to
send: no" (a third attempt) nor "Ready to send: yes" under a score of 0."""

from __future__ import annotations

from bot.display import plural
from bot.review.model import Review, Status

#: Each status as the headline shows it: its icon and its words.
HEADLINES: dict[Status, str] = {
    "must_fix": "🚫 Not ready to send",
    "unlikely": "❌ Unlikely to get a response",
    "maybe": "🤔 Maybe gets a response",
    "likely": "✅ Likely to get a response",
}


def headline(r: Review) -> str:
    """"✅ Likely to get a response — 78/100", or "🚫 Not ready to send — fix 2 items first"
    (no score in that one: it is the fixed message's, and the draft is not that yet)."""
    if r.status == "must_fix":
        return f"{HEADLINES['must_fix']} — fix {plural(len(r.must_fix), 'item')} first"
    return f"{HEADLINES[r.status]} — {r.score}/100"


def ready_answer(r: Review) -> tuple[str, str]:
    """("Ready to send: yes" or "…: no", why): the caller chooses how to set them off."""
    if r.status == "must_fix":
        return "Ready to send: no", (
            f"fix the {plural(len(r.must_fix), 'must-fix item')} first.")
    if r.status == "unlikely":
        return "Ready to send: no", ("as it stands it is unlikely to get a reply; start with"
                                     " the fixes below.")
    if r.status == "maybe":
        return "Ready to send: yes", "nothing blocks it, but the fixes below raise the odds."
    if problems := _problems(r):
        # "Likely" despite a problem (a strong draft with one big ask): nothing blocks it, but
        # saying nothing needs changing would contradict the problem listed below.
        # (Not "fix … first" either: a draft ready to send has nothing it must fix first.)
        which = "the problem below is" if problems == 1 else f"the {problems} problems below are"
        return "Ready to send: yes", f"nothing blocks it, but {which} worth changing."
    return "Ready to send: yes", "nothing needs changing before you send it."


def _problems(r: Review) -> int:
    """How many problem-severity findings the draft has (must-fix items are counted apart)."""
    return sum(f.severity == "problem" and not f.must_fix for f in r.findings)


def weaknesses_heading(r: Review) -> str:
    """The heading over the weaknesses that cost the most points, in the ready line's terms:
    a draft ready to send has nothing to fix first, so they only raise the odds further."""
    if r.ready:
        return "To raise the odds further"
    if r.status == "must_fix":
        return "Then, to raise the odds"
    return "Fix these first to raise the odds"


#: What the "N in 10" is: a share of the published messages the fit learned from, which hold
#: about as many answered as unanswered ones (and are weighed as half and half), so it ranks a
#: draft against them. It is not the reply rate of real cold outreach: the lesson says that is
#: low, for every kind of message.
RELATIVE = "a relative rating, not a real reply rate"


def odds(r: Review) -> str:
    """The chance of a response in words, said for what it is (`RELATIVE`); with must-fix
    items left it is only the rest's, and it carries the score, which the headline then
    leaves out."""
    said = f"of the published messages I learned from, {r.likelihood} like this one were answered"
    if r.status == "must_fix":
        return f"Setting the must-fix items aside: {said} (score {r.score}/100; {RELATIVE})."
    return f"{said[0].upper()}{said[1:]} ({RELATIVE})."

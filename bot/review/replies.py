"""A DM that is not a draft: a command typed as text, a call for help, or an answer to the
bot (to its reminder, or to a review: "they replied", "yes I sent it", "stop reminding me").

Every DM used to be reviewed as a draft, so a member who wrote back to a reminder was told
their note to the bot was "ready to send" to the person, under an "I sent it" button that
would log a new outreach. These are told where the thing they mean is done instead.

A draft is addressed to its recipient: it opens with a greeting or a name, speaks to "you",
asks for something. An answer to the bot speaks of the recipient ("they replied", "Dana
answered") or of the bot's reminders, and is short. Only a short text that reads as one,
and opens with no greeting, is taken for an answer: a real draft is always reviewed
(tests/review/test_review_replies.py holds every draft of the labelled corpus to that).
"""

from __future__ import annotations

import re
from enum import Enum

from bot.review.text import WORD_RE


class NotADraft(Enum):
    COMMAND = "command"  # "/outreach log …", typed into the DM
    HELP = "help"  # "help", "?", "what can you do"
    ANSWER = "answer"  # an answer to the bot's reminder or review


# An answer to the bot is a few sentences at most; a draft that long would say more.
MAX_ANSWER_WORDS = 40

_HELP = re.compile(
    r"\s*(help|\?+|commands?|menu|how does (this|it) work|what can you do|how do i use (this|"
    r"you|it)|what do i do|instructions)\s*[.!?]*\s*", re.IGNORECASE)
# A draft opens by greeting its recipient.
_GREETING = re.compile(r"\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings)\b",
                       re.IGNORECASE)
# Who an answer speaks of: the recipient, as a pronoun or a name (a capital letter: "your
# post answered my question" is a draft's line, not news of a reply).
_SOMEONE = r"(they|she|he|(?-i:[A-Z][a-z]+))"
_ANSWER = re.compile("|".join((
    # They replied / Dana got back to me / she never answered / no reply yet.
    rf"\b{_SOMEONE} (has |have |already |just |finally |actually )*"
    r"(replied|answered|responded|wrote back|got back to me)\b",
    rf"\b{_SOMEONE} (has not|hasn't|have not|haven't|did not|didn't|never) (yet )?"
    r"(replied|answered|responded|reply|answer|respond|written back|got back)\b",
    r"\b(heard back|no (reply|answer|response) yet|got a (reply|response|answer))\b",
    # I sent it / yes, sent / I've already sent the email.
    r"\bi('ve| have)? (already |just )?sent (it|the (message|email|note|follow[- ]?up))\b",
    r"^\W*(yes|yep|yeah|ok|okay|done)\b[\s,.!]*(i )?(sent|did)( it)?\b",
    # Reminders and follow-ups: stop reminding me, I'm not following up, remind me later.
    r"\b(stop|quit|no more|don't|do not)\b.{0,20}\bremind",
    r"\bremind(er)?s?\b.{0,30}\b(stop|off|anymore|any more|later|tomorrow)\b",
    r"\b(not|won't|will not|don't|do not)( want to| going to| be)? follow(ing)?[- ]?up\b",
    r"\bunsubscribe\b",
)), re.IGNORECASE)


# A bare acknowledgement: "ok", "thanks!", "yes, done".
_ACK = re.compile(r"\W*((yes|yep|yeah|no|nope|ok|okay|done|sent|thanks|thank you|thx|great|"
                  r"cool|got it)\W*){1,3}", re.IGNORECASE)


def not_a_draft(text: str) -> NotADraft | None:
    """What a DM is instead of a draft, or None: review it."""
    stripped = text.strip()
    if stripped.startswith("/"):
        return NotADraft.COMMAND
    if _HELP.fullmatch(stripped):
        return NotADraft.HELP
    if _ACK.fullmatch(stripped) or (_ANSWER.search(stripped) and not _GREETING.match(stripped)
            and len(WORD_RE.findall(stripped)) <= MAX_ANSWER_WORDS):
        return NotADraft.ANSWER
    return None

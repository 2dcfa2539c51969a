"""A DM that is not a draft: a command typed as text, a call for help, or an answer to the
bot (to its reminder, or to a review: "they replied", "yes I sent it", "stop reminding me").

Every DM used to be reviewed as a draft, so a member who wrote back to a reminder was told
their note to the bot was "ready to send" to the person, under an "I sent it" button that
would log a new outreach. These are told where the thing they mean is done instead.

A draft is addressed to its recipient: it opens with a greeting or their name or title and a
comma or a dash ("Dana —", "Ms. Lee,"), speaks to "you", asks them something. An answer to
the bot speaks of the recipient ("they replied", "Dana answered") or of the bot's reminders,
and is short. A follow-up says the same things ("no reply yet", "Priya answered my
questions"), so only a short text that reads as an answer and is addressed to nobody is
taken for one; one that is addressed to someone in a way a word to the bot can be too
("you", a question) is reviewed, with the pointers under the review (`may_be_a_word_to_me`).
A real draft is always reviewed: tests/review/test_review_replies.py holds the drafts of the
labelled corpus, and real drafts' openings with a reply mentioned, to that.
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


# A draft's first words name whom it is to, then a comma, a colon or a dash: "Dana —",
# "Ms. Lee,", "Professor Okafor,", "Dr. Priya Shah:". (Titles alone too: "Professor,".)
_TITLE = r"(mr|mrs|ms|miss|mx|dr|prof|professor|dean|sir|madam)\.?"
_NAME = r"(?-i:[A-Z][\w'’.-]*)"
_ADDRESSEE = re.compile(rf"\s*(?P<to>({_TITLE}\s+)?{_NAME}(\s+{_NAME}){{0,2}}|{_TITLE})"
                        r"\s*[,:—–-]", re.IGNORECASE)
# Capitalized first words that are no one's name: "Yes, sent it", "Update: Dana replied".
_NOT_A_NAME = frozenset({
    "yes", "yep", "yeah", "no", "nope", "ok", "okay", "done", "sent", "thanks", "thank",
    "sure", "well", "so", "update", "also", "actually", "sadly", "unfortunately", "good",
    "great", "cool", "fyi", "btw", "hmm", "oh", "ah", "still", "again", "sorry", "today",
    "yesterday", "finally", "note", "ps", "anyway",
})
# Speaking to someone: "you", "your" (but "thank you" is said to the bot as well).
_YOU = re.compile(r"(?<!thank )\b(you|your|yours|yourself)\b", re.IGNORECASE)


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
    if _ACK.fullmatch(stripped) or (_reads_as_answer(stripped)
                                    and not _opens_to_someone(stripped)
                                    and not _speaks_to_someone(stripped)):
        return NotADraft.ANSWER
    return None


def may_be_a_word_to_me(text: str) -> bool:
    """A draft (reviewed) that reads as an answer to the bot too: it speaks to "you" or asks
    a question, but opens with no greeting or name. The review says where an answer goes."""
    stripped = text.strip()
    return (not_a_draft(stripped) is None and _reads_as_answer(stripped)
            and not _opens_to_someone(stripped))


def _reads_as_answer(text: str) -> bool:
    return bool(_ANSWER.search(text)) and len(WORD_RE.findall(text)) <= MAX_ANSWER_WORDS


def _opens_to_someone(text: str) -> bool:
    """A greeting, or a name or title and a comma or a dash, first."""
    if _GREETING.match(text):
        return True
    found = _ADDRESSEE.match(text)
    return found is not None and found["to"].lower() not in _NOT_A_NAME


def _speaks_to_someone(text: str) -> bool:
    return bool(_YOU.search(text)) or "?" in text

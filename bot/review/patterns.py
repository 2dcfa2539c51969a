# ruff: noqa: E501  (a regex table reads better one pattern a line than wrapped)
r"""Families of phrasing the rules look for.

Each family is a list of regexes about a *kind* of phrasing (asking for a job, pointing at a
piece of the person's work, naming a mutual contact...), never one example's wording. Every
regex is linear: bounded gaps (`{0,N}`) over character classes, no nested unbounded
quantifiers, so long adversarial input cannot make them backtrack catastrophically.

They run on `text.lowered(draft)`: typographic quotes made ASCII and letters lowercased,
with the same length as the draft, so match offsets are offsets into the draft. Patterns are
therefore written in lowercase and compiled without IGNORECASE (which is 2-3 times slower).

Speed: a family whose every alternative starts with `\b` and a word character is compiled
as `\W(?:…)` with those `\b`s removed, and run over the text with one space in front
(`spans`): the `\W` stands for the boundary. A leading `\b` makes the regex engine try every
alternative at every position of the text; a leading `\W` lets it skip in C to the few
positions after a space or a punctuation mark, which makes the scans about a third faster.
The matches are the same (a hypothesis property compares them with the patterns as written,
`AS_WRITTEN`).

More rewrites with the same matches (`fastscan`): a boundary-led family's alternatives that
open with a group are spread into one alternative per way the group opens, and those that open
with the same character are joined under it (the engine skips the others at a glance); and
every family has an ASCII twin (`ASCII_TWINS`, compiled with `re.ASCII`) that `kinds` runs
instead on an ASCII text. A family with kinds is scanned without
its named groups, and a match's kind is the first kind whose own scan (`KIND_SCANS`) matches
at the same place. Hypothesis properties compare each rewrite with the family as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.review.fastscan import alternatives, ascii_twin, by_first_character, spread

FLAGS = 0


# The tables below are keyed by `id(family)`, not by the family: hashing a compiled pattern
# hashes its whole compiled code, about 5 µs for a large family, every time it is looked up.

#: Every family, in the order they are defined.
FAMILIES: list[re.Pattern[str]] = []
#: For some families (by id), literal words of which every match contains at least one: when
#: none occurs in the text (a cheap `in` test), the family cannot match and its scan is skipped.
NEEDLES: dict[int, tuple[str, ...]] = {}
#: Families (by id) compiled as `\W(?:…)` without their leading `\b`s (see the docstring).
BOUNDARY_LED: set[int] = set()
#: Each such family and the source of the same family as written, with its `\b`s (the
#: property tests' reference: compiled only there, which halves the families' import time).
AS_WRITTEN: list[tuple[re.Pattern[str], str]] = []
#: Each family's ASCII twin (by id; see the docstring): the same matches on an ASCII text.
ASCII_TWINS: dict[int, re.Pattern[str]] = {}
#: For a boundary-led family with kinds (by id), each kind's own scan, in order.
KIND_SCANS: dict[int, tuple[re.Pattern[str], ...]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled, with its ASCII twin (`ASCII_TWINS`)."""
    compiled = re.compile(pattern, FLAGS)
    ASCII_TWINS[id(compiled)] = ascii_twin(compiled)
    return compiled


def family(*patterns: str | tuple[str, ...], needles: tuple[str, ...] = ()
           ) -> re.Pattern[str]:
    """One alternation per family: one pass over the text instead of one per pattern. Given
    tuples of patterns instead, each tuple is a *kind* of the family: one scan still finds
    them all, and `kinds` says which kind each match is."""
    groups = [(p,) if isinstance(p, str) else p for p in patterns]
    named = not all(isinstance(p, str) for p in patterns)

    def join() -> str:
        body = ["|".join(f"(?:{a})" for p in g for a in alternatives(p)) for g in groups]
        return "|".join(f"(?P<k{i}>{b})" if named else b for i, b in enumerate(body))

    def scan(group: tuple[str, ...]) -> str:
        """The group's alternatives without their `\\b`, spread and joined by their first
        character, after one `\\W`."""
        spread_out = [s for p in group for a in alternatives(p) for s in spread(a[2:])]
        return r"\W(?:" + "|".join(by_first_character(spread_out)) + ")"

    if all(a.startswith(r"\b") for g in groups for p in g for a in alternatives(p)):
        compiled = _compile(scan(tuple(p for g in groups for p in g)))
        BOUNDARY_LED.add(id(compiled))
        AS_WRITTEN.append((compiled, join()))
        if named:
            KIND_SCANS[id(compiled)] = tuple(_compile(scan(g)) for g in groups)
    else:
        compiled = _compile(join())
    FAMILIES.append(compiled)
    if needles:
        NEEDLES[id(compiled)] = needles
    return compiled


_I = r"(?:i|we)(?:'d|'ll| would| will| could| can)?"
_GAP = r"[^.?!\n]{0,40}?"  # a short, bounded stretch inside one sentence
#: The kinds of work a reference can point at ("your post", "your talk"): naming the kind says
#: nothing yet about which one, so these words alone never make a reference specific.
WORK_NOUNS: tuple[str, ...] = (
    "article", "post", "blog post", "blog", "talk", "keynote", "presentation", "panel",
    "podcast", "episode", "interview", "paper", "book", "newsletter", "thread", "comment",
    "project", "research", "video", "webinar", "session", "piece", "essay", "launch",
    "announcement", "promotion", "move", "transition", "switch", "career change", "journey",
    "repo", "library", "study", "report", "slides", "tweet", "lecture", "workshop", "course",
    "case study", "write-up", "writeup", "story",
)
_WORK = "(?:" + "|".join(w.replace("-", "-?") for w in WORK_NOUNS if w != "writeup") + ")s?"

# --- goal and target -------------------------------------------------------------------

#: The size of an ask, in time or in questions: what makes a call or a chat a *small* ask.
_MINUTES = r"\b(?:\d{1,2}|ten|fifteen|twenty|thirty|few)[- ]?min(?:ute)?s?\b"
_QUESTIONS = r"\b(?:one|a|two|three|a couple of|a few|some)\s+(?:quick\s+|short\s+|specific\s+|brief\s+)?questions?\b"

SMALL_ASK = family(
    _MINUTES,
    r"\b(?:quick|brief|short)\s+(?:phone\s+|video\s+|virtual\s+)?(?:call|chat|conversation|question|coffee|meeting)s?\b",
    _QUESTIONS,
    r"\byour\s+(?:advice|thoughts|perspective|insights?|take|guidance|recommendations?|suggestions?|opinion|experience)\s+(?:on|about|regarding|with|into|as)\b",
    r"\bwould you (?:be (?:open|willing|available|up for)|mind|have (?:time|a few|any)|consider)\b",
    r"\b(?:could|can|may) i (?:ask|send you)\b",
    r"\binformational? interview\b",
    r"\blearn (?:more )?about how you\b",
)

# An ask's bound: so many minutes, an hour at most, one or two questions. A call or a chat with
# none of these (and no topic, `rules._open_ended`) is the lesson's "open-ended call with no time
# limit": "a quick call sometime" says "quick" but sets no limit.
ASK_BOUND = family(
    _MINUTES,
    r"\b(?:half an|an|one) hour\b",
    _QUESTIONS,
    r"\b(?:quick|brief|short)\s+questions?\b",
    r"\b(?:could|can|may) i ask\b",
    needles=("min", "hour", "question", "ask"),
)

# A conversation asked for: a call, a chat, a coffee, a meeting.
CONVERSATION = family(
    r"\b(?:call|chat|conversation|coffee|meeting|meet|talk|catch up|zoom|informational? interview)s?\b",
    needles=("call", "chat", "conversation", "coffee", "meet", "talk", "catch up", "zoom", "interview"),
)

# Asking a stranger for a job, a referral, a CV read or open-ended mentoring: too big.
JOB_ASK = family(
    r"\b(?:are you|is your (?:company|team|firm)) (?:currently )?hiring\b",
    r"\b(?:any|open|current)\s+(?:job\s+|summer\s+)?(?:openings|vacancies|positions|internships|jobs|roles)\b",
    r"\b(?:hire me|refer me|referral|put in a good word|recommend me for|vouch for me)\b",
    # handing over the sender's CV: a referral by another name
    r"\b(?:send|forward|pass|hand|share|give|get|circulate|submit) (?:you |along |on )?my"
    r" (?:resume|cv|résumé|cover letter|application)\b",
    r"\bpick your brain\b",
    r"\b(?:be my mentor|mentor me)\b",
    r"\b(?:get|land|help me (?:get|find|land)) (?:me )?(?:a |an )?(?:job|interview|position|internship)\b",
    # asking a stranger to hand over one of their contacts
    r"\b(?:introduce me to|put me in touch with|connect me (?:with|to)|make an introduction to) (?!you\b)",
    # ... or a meeting with one of their people, set up for the sender
    r"\b(?:set up|arrange|organi[sz]e|book) (?:me )?(?:a |an )?(?:call|coffee|meeting|chat"
    r"|intro(?:duction)?) (?:for me )?with (?:your|one of your)\b",
    # ... or the sender's profile handed to their recruiter: the referral again
    r"\b(?:share|forward|pass|send|show) my (?:profile|portfolio|linkedin|details|information"
    r"|info) (?:with|to) (?:your|the|a) (?:recruit\w*|hiring|hr\b|talent|people team|boss"
    r"|manager)",
    # ... or asked to find someone who is hiring: the job ask, one step removed
    r"\b(?:anyone|anybody|someone|somebody|any (?:companies|teams|firms|people|contacts))"
    r"(?: (?:who|that)(?:'s| is| are| might be| may be)?| (?:currently|still))? hiring\b",
    # ... or an hour and more of a stranger's time: the open time the lesson warns of
    r"\b(?:an|one|1|two|2|a couple of|several|a few)[- ](?:hours?|hrs?)(?:[- ]long)?"
    r" (?:call|chat|meeting|conversation|session|zoom|coffee|of your time)\b",
    r"\b(?:4[5-9]|[5-9]\d)[- ]?min(?:ute)?s?(?:[- ]long)? (?:call|chat|meeting|conversation"
    r"|session|zoom)\b",
    needles=('hiring', 'opening', 'vacanc', 'position', 'internship', 'jobs', 'roles', 'hire me', 'refer', 'good word', 'recommend me', 'vouch', 'resume', 'cv', 'résumé', 'brain', 'mentor', 'job', 'interview', 'introduc', 'in touch', 'connect me', 'cover letter', 'application', 'set up', 'arrange', 'organi', 'book', 'my profile', 'my portfolio',
             'my linkedin', 'my details', 'my info', 'hour', 'hr', 'min'),
)

# Saying you are job hunting (or attaching a CV) without asking: off-putting to a stranger
# (SFU: "no mention of jobs anywhere"), but sources still answer such notes: a warning.
JOB_SEARCH = family(
    r"\b(?:looking for|seeking|searching for|in search of|need|want|hunting for)\s+(?:a\s+|an\s+|new\s+|my next\s+|any\s+)?(?:job|position|role|employment|opportunit(?:y|ies)|internship|work)\b",
    r"\b(?:attached|enclosed) (?:is |please find )?my (?:resume|cv|résumé)\b|\bmy (?:resume|cv|résumé) (?:is )?attached\b",
    r"\bmy job (?:search|hunt)\b",
    # asking them to read the CV: the job search put in their hands. A warning, not the job
    # ask: a recruiter called such an email (batch 6) one of the best he had received
    r"\b(?:look over|look at|review|read|critique|check|glance (?:at|over)|go (?:over|through)"
    r"|proofread|comment on|give (?:me )?(?:some )?feedback on|take a (?:quick )?look at)"
    r" my (?:resume|cv|résumé|cover letter)\b",
    needles=("looking", "seeking", "searching", "in search", "need", "want", "hunting",
             "attached", "enclosed", "my job", "resume", "résumé", "cv", "cover letter"),
)

VAGUE_ASK = family(
    r"\b(?:have|grab) a (?:chat|talk|conversation) with you\b(?! about)",
    r"\bchat with you\b(?! about| on)",
    r"\b(?:love|like|happy|glad) to (?:chat|talk|catch up|hop on a call)\b(?! about| on| through)",
    r"\b(?:grab|get|have) (?:a )?(?:coffee|drink|lunch|beer)\b(?! (?:to talk |and talk )?(?:about|to discuss|on))",
    r"\b(?:meet up|get together|get acquainted)\b(?! (?:to talk |and talk )?(?:about|to discuss|on))",
    r"\b(?:schedule|set up|arrange|book) (?:a |some )?(?:call|meeting|time to (?:talk|chat|meet))\b(?! (?:about|to discuss|on))",
    r"\bget to know you\b",
    r"\b(?:touch base|hop on a call|exchange (?:ideas|perspectives|notes))\b",
    r"\bexplore (?:synerg\w*|opportunit\w*|ways we)\b",
    r"\bdiscuss (?:potential|possible|future|mutual) (?:opportunit\w*|collaboration\w*|synerg\w*)\b",
    r"\bsee how we (?:can|could|might) help each other\b",
    r"\b(?:be|are) of service to each other\b",
)

# A question asked without a question mark: "I'm wondering if you have 10 minutes."
INDIRECT_QUESTION = family(
    r"\bi(?:'m| am| was) wondering (?:if|whether)\b",
    r"\bi(?:'d| would) (?:love|like) to know (?:if|whether|how|what)\b",
    r"\b(?:let me know|tell me) (?:if|whether) you(?:'d| would)? (?:be )?(?:open|willing|available|have)\b",
)

CONNECT_ASK = family(r"\b(?:connect\w*|network|stay in touch|keep in touch|keep learning|follow your)\b")

# --- research --------------------------------------------------------------------------

RESEARCH = family(
    rf"\byour\s+(?:recent\s+|latest\s+|new\s+|last\s+)?(?:[\w-]+\s+){{0,2}}?{_WORK}\b(?:\s+(?:on|about|at|in|for)\b)?",
    r"\b(?:read|reading|saw|watched|watching|heard|listened to|enjoyed|loved|attended|followed|following)\s+(?:you|your)\b(?!\s+(?:linkedin\s+)?profile)",
    r"\b(?:admire|love|loved|enjoy|enjoyed|following|followed) (?:the work|what) (?:you|your team|[\w&.'-]+) (?:is|are|'re|has been|have been) (?:doing|shipping|building|publishing|writing)\b",
    r"\bfollowing [\w&.-]+'s (?:work|approach|research|writing|progress)\b",
    r"\bcongrat(?:s|ulations)\s+on\b",
    r"\byour (?:recent |current )?(?:work|role|experience|career|path|journey|background|move|transition|switch|research) (?:at|in|on|with|as|from|into)\b",
    # (not "I see you looked at my profile": a profile view is no research, it is the pretext)
    r"\bi (?:saw|noticed|read|learned|see) (?:that |how )?you(?:'ve| have| are|'re)?\s+(?:recently\s+|just\s+)?(?!(?:looked|viewed|visited|checked|stopped|came across)\b)\w+",
    r"\byou (?:built|led|founded|moved|switched|transitioned|launched|published|made the)\b",
    # "you said / wrote / mentioned" is research when it says where: in a post, on a podcast, at a talk
    rf"\byou (?:wrote|said|mentioned|shared|spoke|presented|posted)\b(?! (?:that )?you(?:'re| are| were)? (?:open|interested|looking))[^.?!\n]{{0,40}}?\b(?:in|on|at|during) (?:your|the|a|an|this|that|last|yesterday's|today's) [^.?!\n]{{0,20}}?\b{_WORK}\b",
    r"\b(?:at|during|in) your (?:talk|session|keynote|panel|presentation|workshop|lecture|webinar)\b",
    # why them: how the sender found them ("while researching data teams in Leeds")
    r"\b(?:found|came across|discovered|saw) (?:you|your (?:profile|name|work|page))(?: on linkedin)? (?:while|when|by|after) (?:researching|searching|looking|reading|exploring)\b",
)

# A reference to their career rather than to their work: a role, an employer, a move, a new
# job. It is research (the lesson's Step 2: "their career path"), but shallow: a job title or a
# move is on their profile for anyone to see, where a post, a talk or a paper had to be read.
CAREER = family(
    r"\byour\s+(?:recent\s+|new\s+|current\s+|last\s+|previous\s+)?(?:(?!(?:on|about|at|in|of|for|from|into|with|to)\b)[\w-]+\s+){0,2}?(?:role|position|job|title|promotion|move|transition|switch|career(?: change| path)?|path|journey|background|experience|tenure)s?\b",
    r"\byour (?:recent |current |previous )?work (?:at|as)\b",
    r"\byou(?:'ve| have)?\s+(?:recently\s+|just\s+|previously\s+|also\s+)?(?:moved|switched|transitioned|joined|started|became|become|been promoted|recruit(?:ed)?|work(?:ed)? (?:at|as|in|with|for)|made the (?:move|switch|jump|leap))\b",
    r"\byou(?:'re| are) (?:now |currently )?(?:a|an|the|working|leading|heading|running)\b",
    r"\bcongrat(?:s|ulations)\s+on\s+(?:your\s+|the\s+)?(?:new\s+|recent\s+)?(?:role|position|job|promotion|joining|move|appointment|anniversary)\b",
)

COMMON_GROUND = family(
    r"\bwe(?:'re| are|'ve| have)? (?:both|also)\b",
    r"\bfellow\s+[\w-]+",
    r"\b(?:i|i'm|i am) also (?:a |an )?(?:studied|went to|graduated|attended|work|worked|from|in\b|a\b|an\b|[\w-]+ (?:grad|graduate|alum\w*|student|major))",
    r"\bi(?: also)? (?:work|worked|studied|live|grew up|am|'m) [^.?!\n]{1,40}? (?:too|as well)\b",
    r"\bsame (?:university|school|college|program|bootcamp|hometown|city|team|company|field|path)\b",
    r"\blike you,? i\b",
    r"\b(?:alum|alumn[ai]|alumnus)\b",
    r"\b(?:class|cohort) of \d{4}\b",
)

VALUE = family(
    r"\bhappy to (?:share|send|help|return the favou?r|introduce|pass along)\b",
    rf"\b{_I}\s+(?:gladly\s+)?(?:send|share)\s+(?:you|it|over|them|the|my notes)\b",
    r"\bin return\b",
    r"\b(?:might|may|could) be (?:useful|helpful|of (?:use|interest)) (?:to|for) you\b",
    r"\bthought you(?:'d| would| might) (?:find|enjoy|like|be interested)\b",
    r"\bif (?:it|this|that) (?:helps|would help|is useful)\b",
    # a concrete offer ("we'd be happy to fund", "I'd be glad to send"), not "let me know if I can help"
    r"\b(?:i|we)(?:'d| would)? be (?:happy|glad|delighted) to (?:do|share|send|introduce|look|fund|pass|connect you|write|review)\b",
    needles=('happy to', 'glad to', 'delighted to', 'send', 'share', 'in return', 'useful', 'helpful', 'of use', 'of interest', 'thought you', 'help'),
)

# --- the path --------------------------------------------------------------------------

MUTUAL = family(
    r"\b(?:suggested|recommended|told me|mentioned|thought) (?:that )?(?:i |to |we )?(?:should )?(?:reach out|contact|get in touch|connect|talk|speak|email|write|ask)\b",
    r"\breferred (?:me )?(?:by|to you)\b",
    r"\b(?:we're|we are|you're|you are) (?:both |also )?connected (?:to|with)\b",
    r"\bmutual (?:friend|connection|contact|colleague|acquaintance)s?\b",
    r"\b(?:introduced (?:me|us)|(?:gave|passed|shared|forwarded) me your (?:name|email|contact|details))\b",
    r"\b(?:members? of|(?:we're|we are|i'm|i am) (?:both )?(?:also )?in) (?:the )?[\w' &-]{1,30} (?:group|community|association|club|society|slack|discord|network|chapter|cohort)\b",
    needles=('suggested', 'recommended', 'told me', 'mentioned', 'thought', 'referred', 'connected', 'mutual', 'introduced', 'me your', 'group', 'communit', 'association', 'club', 'societ', 'slack', 'discord', 'network', 'chapter', 'cohort'),
)

# A prior meeting or conversation: the reader is not a stranger (Step 3: a warm connection).
PRIOR_CONTACT = family(
    r"\b(?:great|good|nice|lovely|a pleasure|wonderful) (?:meeting|to meet|talking|to talk|speaking|to speak|chatting|to chat) (?:with )?(?:you|each of you)\b",
    r"\b(?:it was|was) (?:great|good|nice|a pleasure|wonderful) (?:to )?(?:meet|meeting|talk|talking) (?:with )?(?:you|each of you)\b",
    r"\bwe (?:met|spoke|talked|chatted) (?:at|in|on|during|last|yesterday|earlier|briefly|a few)\b",
    r"\b(?:met|meeting) (?:with )?you (?:at|in|on|during|last|yesterday|earlier|a few)\b",
    r"\b(?:our|the) (?:recent |earlier |brief )?(?:conversations?|chat|call|meeting|discussions?|interview) (?:last|yesterday|on|at|about|earlier)\b|\bbased on our (?:conversations?|discussions?|chat|call)\b",
    r"\b(?:thanks|thank you) (?:again |so much )?for (?:meeting|talking|speaking|chatting|the (?:chat|call|conversation|meeting|interview))\b",
    r"\bas we (?:discussed|talked about|spoke about)\b|\bwhen we (?:spoke|talked|met)\b",
    r"\b(?:we|i) (?:used to )?work(?:ed)? (?:together|with you)\b",
    needles=("meet", "met you", "met with", "we met", "talking", "to talk", "talk with", "talk you", "talked", "speak", "spoke", "chat", "conversation", "discussion", "our call", "the call", "recent call", "earlier call", "brief call", "interview", "discuss", "work together", "worked together", "work with you", "worked with you"),
)

# --- the lesson's warnings -------------------------------------------------------------

# LinkedIn's default invitation texts, across the versions people still send.
DEFAULT_INVITE = family(
    r"\bi(?:'d| would) like to add you to my (?:professional |linkedin )?network\b",
    r"\bi(?:'d| would) like to (?:join|be part of) your (?:professional |linkedin )?network\b",
    r"\b(?:since you are|as) a person i trust\b",
    r"\binvite you to join my (?:professional |linkedin )?network\b",
    needles=('network', 'trust'),
)
SHORT_DEFAULT_INVITE = family(r"\bi(?:'d| would) like to connect (?:with you )?on linkedin\b",
                              needles=("linkedin",))

PLACEHOLDER = family(
    r"\[[^\[\]\n]{0,40}\](?!\()",
    r"\{\{?[^{}\n]{0,30}\}\}?",
    r"<[A-Za-z][\w .-]{0,30}>",
    r"_{3,}",
    r"\((?:first |last |full |your |company |contact |recipient'?s? )?(?:name|company|title|role|position|school|industry|topic|field)(?: name)?\)",
    r"\b(?:insert|your) (?:name|company|title) here\b",
    needles=("[", "{", "<", "___", "(", " here"),
)

_SOCIAL = r"(?:instagram|insta|facebook|fb|tiktok|tik tok|snapchat|onlyfans|tinder|bumble)"
# Two families, so that the platform one (the common case for the warning) is skipped outright
# on the many drafts that name no platform.
PERSONAL_PLATFORM = family(
    rf"\b(?:your|ur|his|her|their) {_SOCIAL}\b",
    rf"\b(?:on|via|through|from|in) (?:your |his |her |their )?{_SOCIAL}\b",
    rf"\b(?:follow(?:ed|ing|s)?|friend(?:ed|ing)?|add(?:ed|ing)?|found|find|saw|seen|dm(?:'d|ed)?|messag(?:ed|ing)|stalk\w*) (?:you|him|her|them)? ?(?:on|via|through|in) {_SOCIAL}\b",
    rf"\b{_SOCIAL} (?:account|page|profile|photos?|pics?|stories|story|posts?|reels?|feed)\b",
    needles=('insta', 'facebook', 'fb', 'tik', 'snapchat', 'onlyfans', 'tinder', 'bumble'),
)
PERSONAL_LIFE = family(
    r"\byour (?:personal|private) (?:account|page|profile|feed)\b",
    r"\byour (?:vacation|holiday|family|wedding|beach|weekend|baby|kids'?) (?:photos?|pics?|pictures?|posts?)\b",
    r"\b(?:lik(?:e|ed|es|ing)|lov(?:e|ed|es|ing)|saw|seen|comment(?:ed|ing)? on) (?:all |some |a few )?(?:of )?your (?:\w+ )?(?:photos|pics|pictures|selfies|stories)\b",
    r"\b(?:your|ur) (?:wife|husband|girlfriend|boyfriend|kids|children|daughter|son)\b",
    needles=('personal', 'private', 'photo', 'pic', 'post', 'selfie', 'stor', 'wife', 'husband', 'friend', 'kids', 'children', 'daughter', 'son'),
)
PERSONAL_SOCIAL = (PERSONAL_PLATFORM, PERSONAL_LIFE)

FLATTERY = family(
    r"\b(?:huge|big|biggest|great) (?:fan|admirer)\b",
    r"\b(?:so|really|truly|incredibly|very|super) (?:inspiring|impressive|amazing|inspirational|impressed)\b",
    r"\byou(?:'re| are) (?:amazing|brilliant|a legend|an inspiration|a genius|incredible|a rockstar|awesome)\b",
    r"\byour (?:amazing|impressive|incredible|inspiring|stellar|outstanding|great|awesome|extensive) (?:profile|career|background|work|experience|journey|achievements?|accomplishments?)\b",
    r"\bi (?:really |truly |greatly )?admire (?:you|your)\b",
)

GENERIC = family(
    r"\bi hope (?:this|my) (?:e-?mail|message|note) finds you well\b",
    r"\bdear (?:sir|madam|sir or madam|hiring manager|recruiter|professional)\b",
    r"\bto whom it may concern\b",
    r"\b(?:i )?(?:came across|found|stumbled upon|was (?:browsing|looking at)) your (?:linkedin |github )?profile\b(?! (?:by|while|through|when|via|after|in the|on the))",
    r"\byour profile (?:caught|came up|popped up|appeared)\b",
    r"\byou (?:recently |just )?(?:looked at|viewed|visited|checked out|stopped by) my (?:linkedin )?profile\b",
    r"\byou (?:mentioned|said|stated|indicated|noted) (?:that )?you(?:'re| are| were)? (?:open|interested|looking) (?:to|in|for)\b",
    r"\b(?:grow|expand|build|broaden|extend|activate|strengthen|widen) my (?:professional |linkedin )?network\b",
    r"\blike-?minded (?:professionals|people|individuals)\b",
    r"\ballow me to introduce myself\b",
    r"\bi(?:'m| am) reaching out to (?:a few|several|many|some|all|various) \w+",
    r"\b(?:i'm|i am) (?:a |an )?(?:highly )?(?:motivated|passionate|hard-?working|results-?driven|outgoing|dynamic|detail-oriented)\b",
    r"\b(?:synerg\w*|exciting opportunity|great opportunity|win-win)\b",
)

#: The pretext of `GENERIC`'s "came across your profile", aimed at a website (round 8): a
#: vendor's opening, sent to every site it crawls ("I was checking your website", "I have gone
#: through your site"); saying how you found it ("…while looking for X") is not stock.
#: `rules.warn_generic` reports it with `GENERIC`; its own family so that a draft that never
#: says "site" skips the scan.
WEBSITE_PRETEXT = family(
    r"\b(?:came across|found|stumbled (?:up)?on|visited|checked|checking|browsing|surfing|gone through|went through|going through|looked at|looking at|reviewed|reviewing|reading) (?:[\w']+ ){0,3}?your (?:web)?site\b(?! (?:by|while|through|when|via|after|in the|on the))",
    needles=('site',),
)

# A pitch: the sender sells something the reader did not ask for. Four kinds, each written as
# the sender's side of a sale, so a job seeker's "I'm looking for a role" or "my company" alone
# is not one: the offer (a product or service: "our platform", "we provide a … service", "my
# client"), a job offered to the reader (a recruiter's "you'd be a great fit", "are you open to
# a new role"), a story or a link pitched to a writer ("a story idea", "your readers might
# enjoy"), and income schemes. A pitch earns no good finding: its details are about the product.
PITCH_OFFER = (
    r"\bour (?:services|products?|platform|solutions?|software|agency|offering|program(?:me)?|tool|app|technology|badge|clients (?:include|are|have|see|get)|customers (?:include|are)|partners include)\b",
    r"\bmy (?:services|agency|offering|consultancy|products?|platform|solutions?)\b(?! (?:management|manager|design|engineering|development|team|role|internship|course|class|skills|experience))",
    r"\b(?:my|our) clients?\b(?! of mine)",
    r"\b(?:we|i) (?:help|helped|enable|specialize in|offer|provide|sell|deliver|work with|partner with) (?:\w+ ){0,3}?(?:companies|businesses|teams|organi[sz]ations|brands|clients|leaders|professionals|founders|firms|agencies|startups|projects|talent)\b",
    r"\bwe (?:provide|offer|sell|deliver|build|make) (?:a |an |the )?(?:[\w-]+ ){0,3}(?:service|product|platform|solution|software|tool|app|program|package|system)s?\b",
    r"\b(?:companies|businesses|teams|organi[sz]ations|brands|firms) like yours\b",
    r"\b(?:take a look at|check out|have a look at|review) (?:my|our) (?:work|product|website|site|platform|plan|deck|proposal|services|offer)\b",
    r"\b(?:the )?person responsible for (?:lead|marketing|sales|purchasing|procurement|buying|partnerships|vendor)\w*",
    r"\b(?:book|schedule) a (?:demo|call|meeting) (?:with me|here|using)\b",
    r"\b(?:free|complimentary) (?:trial|consultation|audit|demo|quote|license|licence|assessment|sample|estimate)s?\b",
    r"\b(?:unsubscribe|opt[- ]out|remove you from (?:our|this|my) (?:list|mailing))\b",
    r"\b(?:i|we) (?:developed|created|built|designed) (?:a|an|our) (?:\w+ )?(?:method|system|tool|process|program|solution) that\b",
)
PITCH_JOB = (
    r"\b(?:roles?|positions?|openings?|opportunit(?:y|ies)|vacanc(?:y|ies)|internships?|jobs?) (?:we have|at our|with our|here at|on our team|in our team|i(?:'m| am) (?:recruiting|hiring) for)\b",
    r"\b(?:are|were|would|will) you (?:be )?(?:currently |still |also )?(?:looking for|open to|interested in|considering|on) (?:a |an |any |new |the |this |these )*(?:new )?(?:roles?|positions?|opportunit(?:y|ies)|jobs?|challenges?|career move|internships?|job market)\b",
    r"\bif you(?:'re| are) (?:currently )?(?:looking for|open to|interested in) (?:a |an |new )*(?:roles?|positions?|opportunit(?:y|ies)|jobs?|challenges?)\b",
    r"\byou(?:'d| would| may| might| could)? be (?:a )?(?:good|great|perfect|strong|ideal|excellent) (?:fit|match|candidate)\b",
    r"\bwe(?:'re| are) (?:currently |always )?(?:hiring|seeking|recruiting)\b",
    r"\bi(?:'m| am) (?:currently )?(?:seeking|looking for|looking to hire|recruiting|hiring) (?:a |an )(?:[\w-]+ ){0,3}?(?:developer|engineer|designer|candidate|programmer|architect|analyst|consultant|scientist|manager)s?\b(?! (?:role|position|job))",
    r"\b(?:our|my) client (?:is|are) (?:looking|seeking|hiring|recruiting)\b",
    r"\brelocation (?:assistance|package|is required|is provided)\b|\bcompetitive (?:salary|compensation|pay)\b",
)
PITCH_MEDIA = (
    r"\b(?:story|segment|article|column) (?:ideas?|pitch(?:es)?|angles?)\b|\bpossible story\b",
    r"\b(?:interview(?:ing)?|speak(?:ing)? with|talk(?:ing)? to) (?:him|her|them|our (?:founder|ceo|expert|client)|my client)\b",
    r"\byour (?:readers|audience|listeners|viewers|subscribers) (?:might|may|would|will) (?:enjoy|like|love|find|be interested)\b",
    r"\b(?:sponsored posts?|backlinks?|link exchange|press release)\b|\b(?:could|can) link to on your\b",
    r"\b(?:is|are) available (?:for (?:an )?interviews?|to (?:discuss|comment|speak|talk))\b|\bable to discuss this\b",
)
PITCH_SCHEME = (
    r"\b(?:secondary|second|extra|additional|passive|residual) (?:income|stream of income|revenue stream)\b",
    r"\bbusiness (?:opportunit(?:y|ies)|ideas?|ventures?|deals?) (?:for you|with (?:me|us))\b|\bnew business ideas\b",
    r"\b(?:mlm|multi-level marketing|network marketing|downline|financial freedom|pay you|earn (?:extra |more )?(?:money|income|cash))\b",
)
#: The four kinds in one family, in the order the finding names them (`kinds` says which);
#: `rules.SALES_TALK`, a fifth, is counted from `COMMERCE_WORDS` rather than matched.
PITCH = family(PITCH_OFFER, PITCH_JOB, PITCH_MEDIA, PITCH_SCHEME)

# Round 8: two more ways of selling, in their own family so that a draft without any of their
# few literal words skips the scan (`needles`). Proposing business with the reader (a
# partnership, a way to work together, value added to what they own) sells like `PITCH_OFFER`;
# offering content for their outlet (a guest post, an article written for their site) pitches
# like `PITCH_MEDIA`. Each phrase is the sender's side of a deal; the vendor and guest-post
# pitches of batches 7-9 used them where no phrase above matched.
PITCH_BUSINESS = (
    r"\b(?:a|possible|potential|strategic|mutually beneficial|business) (?:partnership|collaboration|alliance)\b",
    r"\b(?:ways?|how) (?:that )?we (?:could|can|might|may) work together\b",
    r"\badd(?:s|ing)? (?:real |great |some )?value to (?:your|their) (?:business|portfolio|brand|site|website|bottom line|clients|customers|organi[sz]ation|company|firm)\b",
)
PITCH_CONTENT = (
    r"\bguest (?:posts?|articles?|blog(?:ging|s)?|authors?|contributors?)\b",
    r"\b(?:contribute|write|submit|provide) (?:an? |some )?(?:original |unique |high[- ]quality |free )?(?:articles?|posts?|pieces?|content) (?:for|to|on) (?:you|your|us)\b",
    r"\bcontribute to your (?:[\w-]+ )?(?:blog|site|website|publication|magazine|newsletter|podcast)\b",
)
# Round 11: asking the reader to try, star or give feedback on what the sender made ("would
# you star this repository?", "could you give us some feedback on our project?", "would you be
# up for trying it out?") sells a product like `PITCH_OFFER`, even a free one: the maintainers
# of batches 12-13 got it from strangers promoting their own projects. Asking for their advice
# on your own CV, portfolio or research stays a small ask: only "our" project, or "my" app,
# tool, platform or library, is a product.
PITCH_TRIAL = (
    r"\b(?:feedback|input) (?:on|about) (?:our (?:[\w-]+ ){0,2}?(?:project|product|app|tool|platform|library|repo(?:sitory)?|extension|plugin|service)|my (?:[\w-]+ ){0,2}?(?:product|app|tool|platform|library|extension|plugin))s?\b",
    r"\b(?:star|fork|upvote) (?:this|our|my) (?:repo(?:sitory)?|project|library)\b",
    r"\b(?:would|could|can|will) you (?:[\w']+ ){0,3}?(?:try|trying|test|testing) (?:it|this|them) out\b",
    r"\b(?:try|test|use) (?:out )?(?:our|my) (?:new |free )?(?:product|app|tool|platform|service|library|extension|plugin)\b",
)
PITCH_DEALS = family(
    PITCH_BUSINESS, PITCH_CONTENT, PITCH_TRIAL,
    needles=('partnership', 'collaboration', 'alliance', 'work together', 'value to', 'guest', 'article', 'post', 'piece', 'content', 'contribute', 'feedback', 'input', 'star ', 'fork ', 'upvote', 'it out', 'this out', 'them out', 'try our', 'try my', 'try out', 'test our', 'test my', 'test out', 'use our', 'use my', 'use out'),
)
#: The kind of `PITCH` each kind of `PITCH_DEALS` is (its index there): an offer, a media
#: pitch, an offer.
DEAL_KINDS = (0, 2, 0)

#: The words of a sale, counted rather than matched as phrases (round 6): money and marketing,
#: what the reader would buy. A draft dense in them (`ReviewSettings.selling_per_100_words`) is
#: a pitch of a fifth kind, "talks sales", whatever its phrasing: the vendor pitches that read
#: "likely" in batches 7-9 (SEO audits, link insertions, guest and podcast bookings, PR pitches)
#: were worded unlike every phrase above, but all of them talked traffic, clients and prices.
#: Each word alone is innocent ("your company", "feel free"); it is the density that sells.
COMMERCE_WORDS: frozenset[str] = frozenset({
    # what is sold and to whom
    "service", "services", "product", "products", "platform", "solution", "solutions", "agency",
    "company", "companies", "business", "portfolio", "package", "proposal", "quote",
    "client", "clients", "customers", "leads", "sales",
    # what it costs
    "price", "pricing", "pay", "paid", "free", "offer", "discount", "affordable", "revenue",
    "roi", "income",
    # marketing and search
    "marketing", "advertising", "ad", "ads", "seo", "traffic", "rank", "ranking", "ranked",
    "website", "link", "links",
})

PRESSURE = family(
    r"\b(?:asap|urgent(?:ly)?|immediately|right away)\b",
    r"\bas soon as (?:possible|you can)\b",
    r"\b(?:please )?(?:respond|reply|answer|get back to me) (?:by|before|within|today|tomorrow|soon)\b",
    r"\bi (?:need|expect|require) (?:you|an answer|a (?:reply|response)|to hear)\b",
    r"\b(?:don't miss|last chance|limited time|act now|before it's too late)\b",
    r"\byou (?:must|have to|need to) (?:reply|respond|answer|call|meet|help|get back)\b",
    needles=('asap', 'urgent', 'immediately', 'right away', 'as soon as', 'respond', 'reply', 'answer', 'get back', 'i need', 'i expect', 'i require', 'miss', 'last chance', 'limited time', 'act now', 'too late', 'you must', 'you have to', 'you need to'),
)

GUILT = family(
    r"\byou (?:never|didn't|did not|haven't|have not|still haven't)\s+(?:even\s+)?(?:replied|responded|answered|gotten back|get back|reply|respond|answer|read)\b",
    r"\b(?:ignored|ignoring) (?:me|my)\b",
    r"\bstill (?:waiting|haven't heard|have not heard|no (?:reply|response))\b",
    r"\bi(?:'m| am) (?:disappointed|hurt|upset|surprised you)\b",
    r"\b(?:surely|certainly) you (?:can|could) (?:spare|find)\b",
    r"\b(?:the least you|only takes? (?:you )?(?:a|one|two|five|\d+) (?:minutes?|seconds?|mins?))\b",
    r"\bi(?:'ve| have) (?:emailed|messaged|written to|reached out to|contacted) you (?:several|many|multiple|\d+|a few) times\b",
    r"\b(?:too|so) busy to (?:reply|respond|answer|write back)\b",
    r"\bwhy (?:haven't|didn't) you\b",
)

# Runs on the draft as written (not lowered), like any family through `spans`.
CAPS_RUN = family(r"\b[A-Z]{2,}(?:[ \t]+[A-Z]{2,}){1,20}\b", r"\b[A-Z]{6,}\b")

# --- attempts --------------------------------------------------------------------------

FOLLOWUP_REFERENCE = family(
    r"\b(?:my|our) (?:earlier|previous|last|first|prior|original) (?:message|note|email|e-mail|request|invitation|invite|inmail)\b",
    r"\bfollow(?:ing)?[- ]up\b",
    r"\b(?:circling|coming) back\b",
    r"\b(?:bumping|resurfacing) (?:this|my)\b",
    r"\breaching out again\b",
    r"\b(?:last|earlier this|a|a couple of|a few|two) weeks? ago\b|\blast week\b",
    r"\bi (?:wrote|sent|reached out|messaged|emailed)\b",
    r"\bmaking sure (?:this|it|my \w+) (?:came|got|went) through\b",
    r"\b(?:my|this|the) (?:email|e-mail|message|note) (?:got|may have got|might have got|was) (?:lost|buried)\b",
    r"\b(?:did you|have you had a chance to) (?:get|receive|see|read)\b",
)

# A follow-up that says so: the draft is at least the second attempt, whatever the member said.
FOLLOWUP_CUE = family(
    r"\bfollow(?:ing)?[- ]?up (?:on|about|regarding) (?:my|our) ",
    r"\b(?:just|quickly|briefly) (?:following|follow(?:ing)?[- ]?up|checking in)\b",
    r"\bmy (?:earlier|previous|last|prior|original) (?:message|note|email|e-mail|request|invitation|inmail)s?\b",
    r"\b(?:circling|coming) back (?:on|to) (?:my|this|our)\b",
    r"\b(?:bumping|resurfacing) (?:this|my)\b",
    r"\b(?:did you|have you had a chance to) (?:get|receive|see|read) my\b",
    r"\bmaking sure (?:this|it|my \w+) (?:came|got|went) through\b",
    r"\breaching out (?:again|once more)\b",
    needles=("follow", "just", "quickly", "briefly", "my earlier", "my previous", "my last", "my prior", "my original", "circling back", "coming back", "bump", "resurfac", "did you", "have you", "making sure", "again", "once more"),
)

# A draft that says it is a third attempt (or later): "following up again", "my last two
# messages", "I've emailed you three times". The lesson allows two attempts.
THIRD_ATTEMPT = family(
    r"\bfollow(?:ing)?[- ]?up (?:once )?again\b",
    r"\b(?:one more|another|a second|my second|a final|my final|a third|my third) (?:follow[- ]?up|reminder|nudge)\b",
    r"\b(?:second|2nd|third|3rd|fourth|4th) (?:follow[- ]?up|attempt to reach|time (?:i(?:'m| am) )?(?:reaching out|writing|emailing|messaging))\b",
    r"\bmy (?:last|previous|earlier|prior) (?:two|2|three|3|few|couple of|several|many) (?:messages|emails|e-mails|notes|inmails|attempts|requests|follow[- ]?ups)\b",
    r"\bmy (?:previous|earlier|prior|last) (?:messages|emails|e-mails|notes|inmails|follow[- ]?ups)\b",
    r"\b(?:both|all|either) of my (?:previous |earlier |last |prior )?(?:messages|emails|e-mails|notes|inmails)\b",
    r"\bi(?:'ve| have) (?:reached out|written|emailed|e-mailed|messaged|contacted|tried to reach)(?: to)?(?: you)? (?:twice|two times|three times|several times|a few times|multiple times|many times|\d+ times)\b",
    r"\b(?:reaching out|writing)(?: to you)? (?:for the|a) (?:third|3rd|fourth|final|last) time\b",
    r"\bthis is my (?:third|3rd|fourth|4th|final|last) (?:attempt|try|email|e-mail|message|note)\b",
    needles=("follow", "again", "reminder", "nudge", "second", "2nd", "third", "3rd", "fourth", "4th", "my last", "my previous", "my earlier", "my prior", "of my", "twice", "times", "final", "last time"),
)

# Words that turn a job ask into "I am NOT asking for a job".
NEGATION = re.compile(r"\b(?:not|never|no)\b|n't\b")

# The sender's side counts "we/our": a company writing about itself is not writing about them.
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll",
                          "we", "us", "our", "ours", "we're", "we've", "we'd", "we'll"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "you're", "you've", "you'd"})


def found_in(pattern: re.Pattern[str], text: str) -> bool:
    """Does the family match `text`? (Skipped when none of its needles occurs.)"""
    needles = NEEDLES.get(id(pattern))
    if needles and not any(n in text for n in needles):
        return False
    return next(spans(pattern, text), None) is not None


def spans_in(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """`spans`, skipped when none of the family's needles occurs in `text`."""
    needles = NEEDLES.get(id(pattern))
    if needles and not any(n in text for n in needles):
        return []
    return [(start, end) for start, end, _ in kinds(pattern, text)]


def kinds_in(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, int]]:
    """`kinds`, skipped when none of the family's needles occurs in `text`."""
    needles = NEEDLES.get(id(pattern))
    if needles and not any(n in text for n in needles):
        return []
    return list(kinds(pattern, text))


def spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """Non-empty match spans, as `finditer` of the family as written would give them."""
    for start, end, _ in kinds(pattern, text):
        yield start, end


def kinds(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int, int]]:
    """Non-empty matches as (start, end, kind): which of the family's kinds matched (0 for a
    family without kinds)."""
    key = id(pattern)
    ascii = text.isascii()
    if ascii:
        pattern = ASCII_TWINS.get(key, pattern)
    if key not in BOUNDARY_LED:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                yield m.start(), m.end(), int(m.lastgroup[1:]) if m.lastgroup else 0
        return
    # In `padded` the match starts one character early, at the `\W` before the word, and
    # offsets are one more than in `text`: so (start, end - 1) are the offsets in `text`. The
    # next search starts at the match's last character, which may be the next one's `\W`.
    padded, search, pos = " " + text, pattern.search, 0
    scans = KIND_SCANS.get(key)
    while (found := search(padded, pos)) is not None:
        start, pos = found.start(), found.end() - 1
        yield start, pos, 0 if scans is None else _kind(scans, padded, start, ascii)


def _kind(scans: tuple[re.Pattern[str], ...], padded: str, start: int, ascii: bool) -> int:
    """Which kind a match at `start` is: its first alternative that matches there is one of
    the first kind whose own scan matches there."""
    return next(i for i, k in enumerate(scans)
                if (ASCII_TWINS[id(k)] if ascii else k).match(padded, start))

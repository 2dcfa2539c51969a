"""Every rule pinned on both sides: a draft where it fires, one where it stays quiet."""

from __future__ import annotations

import pytest

from bot.review import ReviewSettings, review

GOOD_NOTE = (
    "Hi Priya, I read your post on onboarding metrics. Would you be open to a 15-minute call"
    " about how you chose them?"
)
LONG_EMAIL = (
    "Subject: Question about your onboarding talk\n\nHi Priya,\n\n"
    + "I watched your talk at SaaStr on onboarding metrics and it changed how I read our numbers. "
    * 12
    + "Would you be open to a 15-minute call?\n\nBest,\nSam"
)

#: The opening of the open-ended-call cases (round 7): research done, only the ask differs.
PRICING = "Hi Tom, I read your post on pricing pages."
MESSAGE: dict[str, object] = {"channel": "linkedin_message"}

# (rule, severity, fires-on, quiet-on, review kwargs)
#: A vendor's note in the words of the unanswered messages (round 9's vocabulary finding).
SELLING = ("Hello, we are an agency offering our services to companies like yours. Please let "
           "me know if you are looking for help with your website.")

CASES: list[tuple[str, str, str, str, dict[str, object]]] = [
    # the wording finding (round 9): the words of answered messages, or of unanswered ones
    ("style.vocabulary", "good", GOOD_NOTE, SELLING, {}),
    ("style.vocabulary", "warning", SELLING, GOOD_NOTE, {}),
    ("ask.small", "good", GOOD_NOTE, "Hi Priya, I read your post on onboarding metrics.", {}),
    ("ask.too_big", "problem",
     "Hi Ana, I read your post on hiring. Are you hiring? Could you refer me for the analyst role?",
     GOOD_NOTE, {}),
    ("ask.too_big", "problem",
     "Hi Ana, I loved your talk. Could I pick your brain over coffee sometime?", GOOD_NOTE, {}),
    # a CV handed over or read, or a meeting with one of their people, is the job ask too
    ("ask.too_big", "problem",
     "Hi Ana, congrats on the promotion! Could you pass my CV to your hiring manager?",
     "Hi Ana, congrats on the promotion! Could I ask how you prepared for it?", {}),
    # review 5: the profile handed to their recruiter, someone hiring, an hour of their time
    ("ask.too_big", "problem",
     "Hi Priya, I loved your talk on pricing at PyCon. Would you share my profile with your"
     " recruiter?",
     "Hi Priya, I loved your talk on pricing at PyCon. Would you share your slides with me?", {}),
    ("ask.too_big", "problem",
     "Hi Priya, I loved your talk on pricing at PyCon. Do you know anyone who is hiring junior"
     " analysts?",
     "Hi Priya, I loved your talk on pricing at PyCon. Do you know anyone who writes on it?", {}),
    ("ask.too_big", "problem",
     "Hi Priya, I loved your talk on pricing at PyCon. Could we hop on a one-hour call this"
     " week?",
     "Hi Priya, I loved your talk on pricing at PyCon. Could we hop on a 15-minute call about"
     " it?", {}),
    ("ask.too_big", "warning",
     "Hi Ana, I enjoyed your talk on pricing. Could you look over my resume?",
     "Hi Ana, I enjoyed your talk on pricing. Could you tell me how you chose the tiers?", {}),
    ("ask.too_big", "problem",
     "Hi Ana, I read your post on pricing. Could you set up a coffee with your CEO for me?",
     "Hi Ana, I read your post on pricing. Could we have a 15-minute coffee about it?", {}),
    ("ask.too_big", "warning",
     "Hi Ana, I'm looking for a job in data. Could I ask you one question about your move?",
     "Hi Ana, I'm not looking for a job. Could I ask you one question about your move?", {}),
    ("ask.too_big", "warning",
     "Hi Ana, I read your post on hiring. My CV is attached. Could I ask you one question?",
     "Hi Ana, I read your post on hiring. Could I ask you one question about it?", {}),
    ("ask.vague", "warning",
     "Hi Tom, we seem to have a lot in common. Let's grab coffee sometime!",
     "Hi Tom, could we grab a quick coffee to talk about your move into product?",
     {"channel": "linkedin_message"}),
    ("ask.vague", "warning",
     "Hi Tom, I work in fintech and would love to chat!",
     "Hi Tom, I work in fintech and would love to chat about your move into payments.",
     {"channel": "linkedin_message"}),
    ("ask.vague", "warning",
     "Hello Tom, I work in marketing and I'd like to have a chat with you sometime soon.",
     "Hello Tom, I work in marketing. Could I ask you two questions about your move into product?",
     {"channel": "linkedin_message"}),
    ("ask.missing", "tip",
     "Hello Tom, I work in marketing too and I read your article on pricing pages last week.",
     "Hello Tom, I read your article on pricing pages. Could I ask you one question about it?",
     {"channel": "linkedin_message"}),
    ("research.specific", "good", GOOD_NOTE,
     "Hi Priya, would you be open to a 15-minute call about onboarding?", {}),
    # Their career (a role, a move) is research the lesson calls shallow: "a job title anyone
    # can see". It is its own finding, and a reference to their published work outranks it.
    ("research.career", "good",
     "Hi Dev, congratulations on your move to the platform team! Could I ask how you prepared?",
     "Hi Dev, could I ask how you prepared for the platform team?", {}),
    ("research.career", "good",
     "Hi Ana, I'd love to hear about your move from teaching into UX. Could I ask one question?",
     "Hi Ana, I'd love to hear about UX. Could I ask one question?", {}),
    ("research.career", "good",
     "Hi Maria, I saw that you moved from support into PM at Northwind. Could I ask one"
     " question?",
     "Hi Maria, I read your post on moving from support into PM at Northwind. Could I ask one"
     " question?", {}),
    ("research.specific", "good",
     "Hi Maria, I saw that you moved into PM at Northwind and read your talk on roadmaps at"
     " PMCon. Could I ask one question?",
     "Hi Maria, I saw that you moved into PM at Northwind. Could I ask one question?", {}),
    # An open-ended call (no time limit, no topic) is not a small ask: the lesson's middling
    # example. "Quick" sets no limit; minutes, a question count or a topic do.
    ("ask.vague", "warning",
     f"{PRICING} Would you be open to a quick call sometime so I can learn more about your"
     " experience?",
     f"{PRICING} Would you be open to a 15-minute call so I can learn more about your"
     " experience?", MESSAGE),
    ("ask.vague", "warning", f"{PRICING} Could we have a quick chat sometime?",
     f"{PRICING} Could we have a quick chat about how you tested them?", MESSAGE),
    ("ask.small", "good", f"{PRICING} Would you be open to a quick call about how you tested them?",
     f"{PRICING} Would you be open to a quick call sometime to hear about your journey?", MESSAGE),
    ("research.detail", "good",
     "Hi Dev, how did you get from support into the platform team at Monzo?",
     "Hi Dev, how did you get from support into the platform team?", {}),
    ("research.detail", "good",
     "Hi Dev, you grew your team from 3 to 40 engineers. How did you start?",
     "Hi Dev, I'm a student at Leeds and I'd love your advice. How did you start?", {}),
    ("research.common_ground", "good",
     "Hi Lena, I saw you're a fellow Leeds alum! Could I ask you one question about UX research?",
     "Hi Lena, could I ask you one question about UX research?", {}),
    ("research.value", "good",
     "Hi Chris, I wrote up notes from the SOC 2 audit we just did and I'm happy to share them.",
     "Hi Chris, I just finished a SOC 2 audit and have some questions about it.", {}),
    ("research.missing", "warning",
     "Hi, I am a student looking to learn more. Would you be open to a 15-minute call?",
     GOOD_NOTE, {}),
    ("research.missing", "warning",
     "Hi Tom, my mentor suggested I contact you. Would you be open to a 15-minute call?",
     "Hi Tom, Ana Ruiz suggested I contact you. Would you be open to a 15-minute call?", {}),
    ("path.mutual", "good",
     "Hi Tom, Ana Ruiz suggested I reach out to you about data engineering. Could I ask one?",
     GOOD_NOTE, {}),
    ("path.mutual", "tip",
     "my mentor suggested I contact you to activate my professional network",
     "Ana Ruiz suggested I contact you about data engineering. Could I ask you one question?", {}),
    ("path.mutual", "tip",
     "Hi Tom, my mentor suggested I reach out about data engineering. Could I ask one question?",
     "Hi Tom, my mentor Ana Ruiz suggested I reach out. Could I ask one question?", {}),
    ("warn.default_invite", "problem",
     "I'd like to add you to my professional network on LinkedIn.", GOOD_NOTE, {}),
    ("warn.default_invite", "problem",
     "I’d like to join your LinkedIn network.", "I'd like to join your team's reading group.", {}),
    ("warn.default_invite", "problem",
     "Since you are a person I trust, I wanted to invite you to join my network on LinkedIn",
     "As a fellow Leeds alum I wanted to invite you to our alumni mixer on LinkedIn Live.", {}),
    ("warn.placeholder", "problem",
     "Hi [Name], I loved your post on {topic}. Could I ask you one question?", GOOD_NOTE, {}),
    ("warn.placeholder", "problem",
     "Hi {{first_name}}, I read your post. Could I ask you one question?",
     "Hi Priya, I read your post [sic]. Could I ask you one question?", {}),
    ("warn.personal_social", "problem",
     "Hi Priya, I saw your vacation photos on Instagram! Could I ask you one question?",
     GOOD_NOTE, {}),
    ("warn.personal_social", "problem",
     "Hi Priya, I followed you on Instagram and liked your photos. Could I ask one question?",
     "Hi Priya, I followed your posts on LinkedIn about hiring. Could I ask one question?", {}),
    ("warn.generic", "warning",
     "Dear Sir/Madam, I hope this email finds you well. I came across your profile.",
     GOOD_NOTE, {}),
    ("warn.pitch", "warning",
     "Hi Dana, I help companies like yours scale revenue. Would love to show you how!",
     "Hi Dana, I help run the data team at my company. Could I ask you one question?", {}),
    ("warn.pitch", "warning",
     "Hi Liz, I recently released a plan for hiring. Please take a look at my work.",
     "Hi Liz, I read your plan for hiring. Could I ask you one question about it?", {}),
    # Round 8: a pitch dense in the words of a sale (5 in 100) sells hard, a problem; the
    # same pitch in a letter that says other things stays a warning.
    ("warn.pitch", "problem",
     "Hi Dana, we help companies scale revenue with our platform. Free demo this week?",
     "Hi Dana, I read your post on onboarding metrics and the part on the first week of a new"
     " hire, which matched what we saw in our own team this spring. We help companies plan"
     " that week. Could I ask you one question about how you measured it?", {}),
    ("warn.generic", "warning",
     "Hi Sam, I see you looked at my profile. Could I ask you one question?",
     "Hi Sam, I see you moved to the data team. Could I ask you one question?", {}),
    ("warn.generic", "warning",
     "Hi Sam, I came across your profile. Could I ask you one question?",
     "Hi Sam, I came across your profile while researching data teams in Leeds. Could I ask"
     " you one question?", {}),
    ("warn.generic", "warning",
     "Hi Sam, my mentor told me to activate my professional network. Can I ask one question?",
     GOOD_NOTE, {}),
    ("warn.flattery", "warning",
     "Hi Marco, I'm a huge fan and your amazing career is so inspiring. Can I ask one question?",
     "Hi Marco, I'm a huge fan of your talk at PyCon on testing. Can I ask one question?", {}),
    ("warn.pressure", "problem",
     "Hi Sam, I need an answer ASAP, please reply by Friday about the role.", GOOD_NOTE, {}),
    ("warn.guilt", "problem",
     "Hi Sam, you never replied to my last message. I guess you're too busy to reply to students.",
     "Hi Sam, following up on my note from last week in case it got buried. No worries if not!",
     {"followup": True}),
    ("warn.caps", "warning",
     "Hi Sam, this is VERY IMPORTANT for my career. Could I ask one question?",
     "Hi Sam, I work on NASA and AWS projects at UCL. Could I ask one question?", {}),
    ("warn.tone", "warning",
     "hi sam!!! loved your talk 🎉 could I ask you one question 🙏",
     "Hi Sam, I loved your talk! Could I ask you one question? 🙂", {}),
    ("warn.self_focus", "warning",
     "I am a student. I have done my degree. I think I am a great fit and I want my next role."
     " My skills are strong and I know I can do it.",
     GOOD_NOTE, {}),
    ("attempt.third", "problem", "Hi Sam, just checking whether you had a moment for my question.",
     "Hi Sam, just checking whether you had a moment for my question.",
     {"attempt": 3, "quiet": {"attempt": 2}}),
    # The draft says it is a third attempt: flagged whatever the attempt field says.
    ("attempt.third", "problem", "Hi Sam, following up again on my note about your talk.",
     "Hi Sam, following up on my note from last week about your talk.", {}),
    ("attempt.third", "problem",
     "Hi Sam, I know my last two messages may have been buried. Could I ask one question?",
     "Hi Sam, I know my last message may have been buried. Could I ask one question?", {}),
    ("attempt.third", "problem",
     "Hi Sam, I've emailed you three times now about the internship.",
     "Hi Sam, I've emailed your team about the internship.", {"attempt": 1}),
    ("attempt.third", "problem",
     "Dear Dr. Lee, this is my final attempt to reach you about the lab position.",
     "Dear Dr. Lee, I am writing about the lab position you posted.", {}),
    ("ask.too_big", "problem",
     "Hi Ana, I see you know the CTO at Stripe. Could you introduce me to her?",
     "Hi Ana, Priya introduced me to your work on payments. Could I ask one question?", {}),
    ("attempt.followup_reference", "good",
     "Hi Sam, following up on my note from last week about your talk. No worries if not!",
     GOOD_NOTE, {"followup": True}),
    ("attempt.followup_reference", "warning",
     "Hi Sam, would you have 15 minutes to talk about data engineering careers?",
     "Hi Sam, just making sure this came through! No worries if now is busy.", {"followup": True}),
    ("attempt.followup_length", "warning",
     "Hi Sam, following up on my note. " + "I wanted to add more about my background. " * 15,
     "Hi Sam, following up on my note from last week. No worries if now is busy!",
     {"followup": True}),
    ("form.note_length", "problem", "I read your post on onboarding metrics. " * 9, GOOD_NOTE,
     {"channel": "linkedin_note"}),
    ("form.length", "warning", LONG_EMAIL, GOOD_NOTE, {"channel": "email"}),
    ("form.substance", "good", LONG_EMAIL, "Subject: Your onboarding talk\n\n" + GOOD_NOTE,
     {"channel": "email"}),
    ("form.subject", "tip", "Subject: Hi\n\n" + GOOD_NOTE,
     "Subject: Your onboarding talk\n\n" + GOOD_NOTE, {"channel": "email"}),
    ("form.questions", "warning",
     "Hi Sam, I read your post. How did you start? Why data? Which course? What tools? Any advice?",
     GOOD_NOTE, {"channel": "linkedin_message"}),
    ("form.questions", "tip",
     "Hello Tom, I read your article on pricing pages and I would like to talk about it.",
     "Hello Tom, I read your article on pricing pages. Could we talk about it?",
     {"channel": "linkedin_message"}),
    ("form.questions", "tip",
     "Hello Tom, I read your article on pricing pages and I would like to talk about it.",
     "Hello Tom, I read your article on pricing pages. I'm wondering if you have 15 minutes to"
     " talk about it.",
     {"channel": "linkedin_message"}),
    # A reference to their work counts as research only when it says which one or what was in it.
    ("research.generic", "tip",
     "Hi Ana, I read your most recent article. Could I ask you one question?",
     "Hi Ana, I read your article on onboarding emails. Could I ask you one question?", {}),
    # Naming the kind of work ("your research", "your project") is not saying which one.
    ("research.generic", "tip",
     "Dear Dr. Lee, I am interested in learning more about your research. Are you taking students?",
     "Dear Dr. Lee, I read your research on soil carbon in peat bogs. Are you taking students?",
     {}),
    ("research.specific", "good",
     "Hi Sam, I came across your profile while researching data teams in Leeds. Could I ask"
     " one question?",
     "Hi Sam, I came across your profile. Could I ask one question?", {}),
    # "you mentioned you were open to…" is a pretext, not research.
    ("warn.generic", "warning",
     "Hello, you mentioned you were open to new ventures. Can we talk this week?",
     "Hello, you mentioned in your talk at PyCon that testing saved you. Can I ask how?", {}),
    ("research.specific", "good",
     "Hello, you mentioned in your talk at PyCon that testing saved you. Can I ask how?",
     "Hello, you mentioned you were open to new ventures. Can we talk this week?", {}),
    ("path.prior_contact", "good",
     "Hi Dev, it was great meeting you at the PyData meetup. Could I ask one question?",
     GOOD_NOTE, {}),
    # A job ask to someone you have met is mentioned, not a stranger's too-big ask.
    ("ask.too_big", "warning",
     "Hi Dev, thanks again for the interview last week. Could you refer me for the analyst role?",
     "Hi Dev, I read your post on hiring. Could you refer me for the analyst role?", {}),
    ("research.common_ground", "good",
     "I noticed we're both in the digital marketing field. I'd love to connect!",
     "I noticed you work in the digital marketing field. I'd love to connect!",
     {"channel": "linkedin_note"}),
    ("warn.pitch", "warning",
     "Hi Sam, are you looking for a secondary income or open to new business ideas?",
     GOOD_NOTE, {}),
    ("warn.pitch", "warning",
     "Hi Sam, we work with top creative talent globally. Let's talk?",
     "Hi Sam, I work with a small data team in Leeds. Could I ask one question?", {}),
    # The lesson's warning is about their personal accounts, not a company's name.
    ("warn.personal_social", "problem",
     "Hi Dana, I saw your beach photos on your Facebook page. Could I ask one question?",
     "Hi Tony, if there are reports that Facebook can generate for you, we'd be happy to do it.",
     {}),
    ("research.value", "good",
     "Hi Tony, if there are reports that Facebook can generate for you, we'd be happy to do it.",
     "Hi Tony, let me know if I can help out at all.", {}),
    # "We/our" is the sender's side: a sentence about the sender's company is not about them.
    ("research.detail", "good",
     "Hi Dev, your team in London shipped the new search. How did you start?",
     "Hi Dev, we are in London and our team would love to work with you.", {}),
    # A pitch is any of four kinds of selling; a job seeker's own search is not one.
    ("warn.pitch", "warning",
     "Hi Sam, are you currently open to new opportunities? You'd be a great fit for our team.",
     "Hi Sam, I'm looking for a new role in data. Could I ask you one question about yours?", {}),
    ("warn.pitch", "warning",
     "Hi Sam, I thought your readers might enjoy a piece on sleep. Able to discuss this is our"
     " founder.",
     "Hi Sam, I enjoyed your piece on sleep. Could I ask you one question about it?", {}),
    ("warn.pitch", "warning",
     "Hi Sam, we provide a popular license scanning service for open source projects.",
     "Hi Sam, I maintain a small open source project. Could I ask one question about yours?", {}),
    # The fifth kind is counted, not phrased (round 6): a draft dense in the words of a sale
    # (prices, traffic, clients, services) talks sales whatever its wording; a job seeker's
    # note naming "your company" and a service or two does not reach the density.
    ("warn.pitch", "problem",
     "I checked your website and wanted to shoot you a quick note. We can place it higher in"
     " the search results and bring more traffic and leads at affordable rates.",
     "Hi Sam, I'm looking for a data role at your company and read your post on its support"
     " service. Could I ask one question?", {"channel": "email"}),
    # Round 8: proposing business with the reader is selling (a partnership, a way to work
    # together, value added to their business), and so is content offered for their outlet (a
    # guest post, an article written for their site); writing about their work is not.
    ("warn.pitch", "warning",
     "Hi Sam, I lead a small studio in Leeds and wanted to discuss a possible collaboration"
     " with your team on the next season. Could I ask you one question about it?",
     "Hi Sam, I read about your collaboration with the Leeds museum on the next season. Could"
     " I ask you one question about how it started?", {"channel": "email"}),
    ("warn.pitch", "warning",
     "Hi Sam, I was hoping to contribute a guest post on sleep research for your readers. Could"
     " I send you an outline of the piece next week?",
     "Hi Sam, I read your guide to sleep research and the part on naps. Could I ask you one"
     " question about how you chose the studies?", {"channel": "email"}),
    ("warn.pitch", "warning",
     "Hi Sam, we'd like to write an original article for you on sleep, tailored to what you"
     " cover. Could I send you two ideas for it next week?",
     "Hi Sam, I'd like to write about the article you wrote on sleep for my class. Could I ask"
     " you one question about the studies it cites?", {"channel": "email"}),
    # Round 11: asking a stranger to try, star or give feedback on what the sender made sells
    # it, even free; asking their advice on your own portfolio is a small ask.
    ("warn.pitch", "warning",
     "Hi Sam, I built an open source library for sleep tracking. Would you star this repository"
     " and give us some feedback on our project?",
     "Hi Sam, I read your post on sleep tracking. Could you give me feedback on my portfolio"
     " before I apply to your lab?", {"channel": "email"}),
    ("warn.pitch", "warning",
     "Hi Sam, I made a plugin that works well with yours. Would you be up for trying it out"
     " this week?",
     "Hi Sam, I read your post on your plugin and would love to try it out on my thesis data."
     " Could I ask you one question about it?", {"channel": "email"}),
    # Round 11: the platform it was seen on is no detail and no topic ("your work on GitHub").
    ("research.generic", "tip",
     "Hi Aimee, I saw your work on GitHub. Could I ask you one question about it?",
     "Hi Aimee, I saw your work on fraud detection. Could I ask you one question about it?",
     {"channel": "linkedin_message"}),
    # The stock pretext aimed at a website (round 8): "came across your profile" sent to every
    # site a vendor crawls; saying how you found it is not stock.
    ("warn.generic", "warning",
     "Hi Sam, I was browsing the internet and came across your website. Could I ask you one"
     " question about it?",
     "Hi Sam, I came across your website while looking for the rules of the Yankee swap. Could"
     " I ask you one question about them?", {"channel": "email"}),
    ("warn.generic", "warning",
     "Hello, I have gone through your site and noticed a few things. Could I ask you one"
     " question about it?",
     "Hello, I have gone through your guide to Lisbon and noticed a few things. Could I ask you"
     " one question about it?", {"channel": "email"}),
    # A reference counts as specific when it says which piece: a name, a number, a quoted title,
    # or a topic right after it; another content word in the clause is not one.
    ("research.generic", "tip",
     "Dear Prof. Lee, your current research work matches my interests to a remarkable degree.",
     "Dear Prof. Lee, your research on soil moisture matches my interests to a remarkable"
     " degree.", {"channel": "email"}),
    ("research.specific", "good",
     "Hi Ana, I watched your webinar hosted by Jobscan last week. Could I ask one question?",
     "Hi Ana, I watched your webinar last week and it was great. Could I ask one question?", {}),
    # A proper name in the sender's own clause, or anywhere in a pitch, is not about them.
    ("research.detail", "good",
     "Hi Sam, you moved to the Leeds office last year. Could I ask one question?",
     "Hi Sam, I work at Acme (the #1 fund in Leeds), reviewed your profile and would like to"
     " talk to you.", {"channel": "linkedin_message"}),
    ("research.detail", "good",
     "Hi Sam, you are in Auckland, so could I ask one question about the team there?",
     "Hi Sam, you are in Auckland, so this may not suit you: I'm seeking a developer with C#"
     " skills for a Wellington role.", {"channel": "linkedin_message"}),
    # The sender's own things ("my CV", "our 3 products") and a title anyone has ("your CEO")
    # are no specifics about them, whoever the rest of the sentence is about.
    ("research.detail", "good",
     "Hi Sam, could you tell me how your Python guild started? I'm curious.",
     "Hi Sam, could you tell me if my CV or our 3 products would interest your CEO?", {}),
    ("form.repetition", "problem",
     "Hi Sam, I loved your talk on ramp time. I loved your talk on ramp time. Could I ask one"
     " question?",
     "Hi Sam, I loved your talk on ramp time. Could I ask one question about ramp time?", {}),
    ("form.reading_grade", "warning",
     "Notwithstanding considerable organizational transformation, your multidisciplinary"
     " infrastructure modernization initiative demonstrated extraordinarily sophisticated"
     " operational characteristics, particularly regarding interdepartmental communication"
     " and institutional accountability.",
     GOOD_NOTE, {"channel": "linkedin_message"}),
]


def _hits(text: str, rule: str, severity: str, **kw: object) -> list[tuple[int, int]]:
    r = review(text, **kw)  # type: ignore[arg-type]
    return [(f.start, f.end) for f in r.findings if f.rule == rule and f.severity == severity]


@pytest.mark.parametrize(("rule", "severity", "fires", "quiet", "kw"), CASES,
                         ids=[f"{c[0]}:{c[1]}:{i}" for i, c in enumerate(CASES)])
def test_rule_fires_and_stays_quiet(
    rule: str, severity: str, fires: str, quiet: str, kw: dict[str, object]
) -> None:
    kw = dict(kw)
    quiet_kw = kw.pop("quiet", kw)
    hits = _hits(fires, rule, severity, **kw)
    assert hits, f"{rule}/{severity} should fire on {fires!r}"
    for s, e in hits:
        assert 0 <= s < e <= len(fires)
    assert not _hits(quiet, rule, severity, **quiet_kw), f"{rule}/{severity} should stay quiet"


def test_every_rule_id_is_pinned() -> None:
    from bot.review.fit import PRIOR
    from bot.review.score import FAULT_GROUPS, MUST_FIX

    pinned = {(c[0], c[1]) for c in CASES}
    known = {(k.split(":")[0], k.split(":")[1]) for k in PRIOR if not k.startswith("group:")}
    known |= set().union(*FAULT_GROUPS.values()) | {(rule, "problem") for rule in MUST_FIX}
    missing = known - pinned - {("form.length", "problem")}
    assert not missing, f"rules without a table case: {sorted(missing)}"


def test_note_limit_is_a_setting() -> None:
    note = "Hi Priya, I read your post on onboarding metrics and the part on activation. " * 3
    assert 200 < len(note) <= 300
    free = review(note, channel="linkedin_note", settings=ReviewSettings(linkedin_note_limit=200))
    premium = review(note, channel="linkedin_note")
    assert any(f.rule == "form.note_length" for f in free.findings)
    assert not any(f.rule == "form.note_length" for f in premium.findings)
    cut = next(f for f in free.findings if f.rule == "form.note_length")
    assert cut.start == 200


def test_job_ask_negated_is_not_a_job_ask() -> None:
    text = "Hi Ana, I read your post. I'm not looking for a job; could I ask you one question?"
    assert not _hits(text, "ask.too_big", "problem")


def test_very_long_message_is_a_problem() -> None:
    text = "I read your post on onboarding and wanted to tell you more about me. " * 30
    assert _hits(text, "form.length", "problem", channel="email")
    assert _hits(text, "form.length", "problem", channel="linkedin_message")


def test_length_norms_follow_the_channel() -> None:
    """250 words: long for a LinkedIn message (past ~1,400 characters), not for an email."""
    text = "I read your post on onboarding and wanted to tell you more about me. " * 18
    assert _hits(text, "form.length", "problem", channel="linkedin_message")
    assert not _hits(text, "form.length", "problem", channel="email")
    assert _hits(text, "form.length", "warning", channel="email")


def test_findings_sorted_by_severity_then_position() -> None:
    r = review("Hi [Name], I'd like to add you to my professional network. I saw your post on X."
               " I need an answer ASAP.")
    order = {"problem": 0, "warning": 1, "tip": 2, "good": 3}
    keys = [(order[f.severity], f.start) for f in r.findings]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Subject: Quick question\n\nHi Ana, I read your post.", "email"),
        ("Hi Ana, I read your post on pricing. Could I ask you one question?", "linkedin_note"),
        ("Dear Ms. Lee,\n\n" + "I read your article on pricing and had a question. " * 8
         + "\n\nBest regards,\nSam", "email"),
        ("Hi Ana, " + "I read your article on pricing and had a question. " * 8,
         "linkedin_message"),
    ],
)
def test_channel_detection(text: str, channel: str) -> None:
    r = review(text)
    assert r.channel == channel and r.channel_detected
    assert not review(text, channel="email").channel_detected


def test_unknown_channel_and_bad_attempt_raise() -> None:
    with pytest.raises(ValueError):
        review("hello there", channel="fax")
    with pytest.raises(ValueError):
        review("hello there", attempt=0)


def test_attempt_two_implies_followup() -> None:
    assert review("Hi Sam, following up on my note.", attempt=2).followup
    assert review("Hi Sam, following up on my note.", followup=True).attempt == 2


def test_stats() -> None:
    r = review("Hi Ana!\nI read your post. Could I ask one question? Thanks.")
    s = r.stats
    assert (s.characters, s.words, s.sentences, s.questions) == (59, 12, 4, 1)
    assert 0 <= s.reading_grade <= 18


def test_to_dict_shapes() -> None:
    d = review(GOOD_NOTE).to_dict()
    assert {"score", "verdict", "channel", "channel_detected", "findings", "stats"} <= set(d)
    f = d["findings"][0]  # type: ignore[index]
    assert set(f) == {"rule", "severity", "start", "end", "message", "hint", "points",
                      "must_fix"}
    assert {"ready", "must_fix", "probability", "likelihood", "base"} <= set(d)


def test_good_and_bad_drafts_land_on_the_right_side() -> None:
    assert review(GOOD_NOTE).verdict == "likely"
    default = "I'd like to add you to my professional network on LinkedIn"
    assert review(default).verdict == "unlikely"


def test_review_package_imports_neither_discord_nor_aiosqlite() -> None:
    import ast
    from pathlib import Path

    import bot.review

    pkg = Path(bot.review.__file__).parent
    for path in pkg.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"discord", "aiosqlite"}, (path, name)


def test_a_pitch_does_not_say_enough() -> None:
    """`form.substance` credits saying who you are, why them and what you ask; a sales letter's
    words are the product's, so a pitching draft of the same length earns none."""
    letter = ("Hi Priya, I read your post on onboarding metrics last week and it changed how I"
              " read our own numbers at a small data team in Leeds. ") * 3 + (
              "Would you be open to a 15-minute call about how you chose them?")
    sales = letter.replace("Would you be open", "We provide an analytics service to"
                           " companies like yours. Would you be open")
    assert _hits(letter, "form.substance", "good", channel="email")
    assert _hits(sales, "warn.pitch", "warning", channel="email")
    assert not _hits(sales, "form.substance", "good", channel="email")


def test_sales_talk_says_how_much_it_talks_sales() -> None:
    text = ("I was checking your website. We can get you more traffic, more leads and more"
            " clients at affordable rates. Reply for a quote.")
    pitch = next(f for f in review(text, channel="email").findings if f.rule == "warn.pitch")
    assert "talks sales" in pitch.message and "words are about prices" in pitch.message
    assert text[pitch.start:pitch.end].startswith("We can get you more traffic")

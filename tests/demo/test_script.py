"""The sandbox terminal's command language (localdiscord/script/language.py): lines and
scripts parsed into commands, and every mistake named with what was expected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from localdiscord.script.language import (
    ChannelRef,
    Click,
    Clock,
    Delete,
    Dm,
    Edit,
    Expect,
    Lifecycle,
    MessageRef,
    ModalAnswer,
    ParseError,
    React,
    Restart,
    Say,
    Show,
    Slash,
    Upload,
    UseMember,
    parse_duration,
    parse_line,
    parse_script,
)

THREAD = ChannelRef("thread", "Outreach 1 — critiques")
LESSONS = ChannelRef("channel", "lessons")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("as ada say #lessons Hello, it's me", Say("ada", LESSONS, "Hello, it's me")),
        ('as ada say thread:"Outreach 1 — critiques" I think…', Say("ada", THREAD, "I think…")),
        ('as ada say thread "Outreach 1 — critiques" "  spaced  "',
         Say("ada", THREAD, "  spaced  ")),
        ("as ben reply #lessons:2 Agreed",
         Say("ben", LESSONS, "Agreed", reply_to=MessageRef(LESSONS, 2))),
        ('as cy reply thread "Outreach 1 — critiques":ben:-1 Yes',
         Say("cy", THREAD, "Yes", reply_to=MessageRef(THREAD, -1, author="ben"))),
        ("as cy react 👍 on #lessons:last", React("cy", "👍", MessageRef(LESSONS, -1))),
        ('as cy react 👍 on thread:"A: b":3',
         React("cy", "👍", MessageRef(ChannelRef("thread", "A: b"), 3))),
        ("as ada dm Hi Dana", Dm("ada", "Hi Dana")),
        ("dm Hi Dana", Dm(None, "Hi Dana")),
        ("as ada upload dm draft.txt Hi Dana",
         Upload("ada", ChannelRef("dm"), "draft.txt", "Hi Dana")),
        ("as mod /lesson post", Slash("mod", ("lesson", "post"))),
        ("as mod /lesson summary share:true in #lessons",
         Slash("mod", ("lesson", "summary"), (("share", "true"),), LESSONS)),
        ('as cy /critique example=2 in thread "Outreach 1 — critiques"',
         Slash("cy", ("critique",), (("example", "2"),), THREAD)),
        ("as ada /forget-me in dm", Slash("ada", ("forget-me",), (), ChannelRef("dm"))),
        ('as ada click "Critique this example" on #lessons:2',
         Click("ada", "Critique this example", MessageRef(LESSONS, 2))),
        ("click Revise", Click(None, "Revise")),
        ("as ada click cohort:draft:all on dm:-1",
         Click("ada", "cohort:draft:all", MessageRef(ChannelRef("dm"), -1))),
        ('as ada modal works="Short, \\"polite\\"" doesnt="" likely=no',
         ModalAnswer("ada", (("works", 'Short, "polite"'), ("doesnt", ""), ("likely", "no")))),
        ('as ada modal "Who did you send it to?"=Dana',
         ModalAnswer("ada", (("Who did you send it to?", "Dana"),))),
        ('as ben react 👍 on thread "Outreach 1 — critiques":1',
         React("ben", "👍", MessageRef(THREAD, 1))),
        ("as ben unreact 👍", React("ben", "👍", MessageRef(), add=False)),
        ("as ada edit last New words", Edit("ada", MessageRef(), "New words")),
        ("as ada delete #lessons:first", Delete("ada", MessageRef(LESSONS, 1))),
        ("as ada", UseMember("ada")),
        ("restart", Restart()),
        ("restart review.rate_limit_per_hour=2",
         Restart(settings=(("review.rate_limit_per_hour", "2"),))),
        ("clock +7d", Clock(delta=timedelta(days=7))),
        ("clock 2026-01-12T10:00", Clock(when=datetime(2026, 1, 12, 10, 0, tzinfo=UTC))),
        ("clock", Clock()),
        ("show #lessons", Show("channel", LESSONS)),
        ("show dm ada", Show("channel", ChannelRef("dm", "ada"))),
        ("show threads", Show("threads")),
        ('expect reply contains "Likely"', Expect("reply-contains", "Likely")),
        ("expect reply lacks Not critiqued", Expect("reply-lacks", "Not critiqued")),
        ("expect ephemeral", Expect("ephemeral")),
        ("expect no reply", Expect("no-reply")),
        ("expect no violations", Expect("no-violations")),
        ('expect modal "Outreach 1"', Expect("modal", "Outreach 1")),
        ('expect file "tally.png"', Expect("file", "tally.png")),
        ('expect thread "Outreach 1 — critiques" has 2 messages',
         Expect("messages", number=2, channel=THREAD)),
        ("expect #lessons has 4 bot messages", Expect("bot-messages", number=4, channel=LESSONS)),
        ("expect dm ada has 1 message", Expect("messages", number=1,
                                               channel=ChannelRef("dm", "ada"))),
        ("expect #lessons has 3 threads", Expect("threads", number=3, channel=LESSONS)),
        ('expect #lessons contains "final summary"',
         Expect("channel-contains", "final summary", channel=LESSONS)),
        ('expect dm ada lacks "error"',
         Expect("channel-lacks", "error", channel=ChannelRef("dm", "ada"))),
        ("stop", Lifecycle("stop")),
        ("start", Lifecycle("start")),
        ('expect thread "Outreach 1" is locked', Expect("locked", channel=ChannelRef(
            "thread", "Outreach 1"))),
        ("  # a comment", None),
        ("", None),
    ],
)
def test_parse_line(line: str, expected: object) -> None:
    assert parse_line(line, 1) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("dance", "unknown command 'dance'"),
        ("as ada fly", "unknown action 'fly'"),
        ("as ada say lessons hi", "expected a channel"),
        ("as ada dm", "needs text"),
        ('as ada click "Revise', "unclosed quote"),
        ("as ada click Revise at last", "expected `on <message>`"),
        ("as ada modal works", "expected name=value"),
        ("clock +7 days", "expected a duration"),
        ("clock tomorrow", "expected a time"),
        ("expect reply has x", "expected `reply contains TEXT`"),
        ("expect #lessons has many messages", "expected a number"),
        ("expect #lessons has 2 cats", "has N messages"),
        ("as ada react 👍 on #lessons:0", "positions count from 1"),
        ("help me", "takes nothing"),
        ("restart limit=2", "expected section.key=value"),
    ],
)
def test_parse_errors_say_what_was_expected(line: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace("`", ".")):
        parse_line(line, 1)


def test_script_joins_heredocs_and_reports_every_bad_line() -> None:
    text = "\n".join([
        "# the demo",
        "as ada dm <<<",
        "Hi Dana,",
        '  a "quoted" line',
        ">>>",
        "as ada modal draft=<<<",
        "two",
        "lines",
        ">>>",
        "oops",
        "as ada dm <<<",
        "never closed",
    ])
    commands, errors = parse_script(text)
    assert commands[0] == Dm("ada", 'Hi Dana,\n  a "quoted" line')
    assert commands[0].line == 2 and commands[0].source.splitlines()[-1] == ">>>"
    assert commands[1] == ModalAnswer("ada", (("draft", "two\nlines"),))
    assert [(e.line, e.message.split()[0]) for e in errors] == [(10, "unknown"), (11, "`<<<`")]


@pytest.mark.parametrize(("text", "delta"), [
    ("+7d", timedelta(days=7)), ("+1d12h", timedelta(days=1, hours=12)),
    ("+90m", timedelta(minutes=90)), ("+2w", timedelta(weeks=2)), ("+30s", timedelta(seconds=30)),
])
def test_durations(text: str, delta: timedelta) -> None:
    assert parse_duration(text) == delta


@pytest.mark.parametrize(("lines", "expected"), [
    # Text before `<<<` is the first line of the text, with no quotes added around the rest.
    (["as ada say #lessons Hello <<<", "line two", ">>>"],
     Say("ada", ChannelRef("channel", "lessons"), "Hello\nline two")),
    (["as ada say #lessons <<<", 'a "quoted" \\n line', "“curly”", ">>>"],
     Say("ada", ChannelRef("channel", "lessons"), 'a "quoted" \\n line\n“curly”')),
    (['as ben say thread "Outreach 1" Agreed, <<<', "and more", ">>>"],
     Say("ben", ChannelRef("thread", "Outreach 1"), "Agreed,\nand more")),
    (["as ada dm Hi Dana, <<<", "", "Priya suggested I reach out.", ">>>"],
     Dm("ada", "Hi Dana,\n\nPriya suggested I reach out.")),
    (["as ada upload dm draft.txt <<<", "Hi Dana", ">>>"],
     Upload("ada", ChannelRef("dm", None), "draft.txt", "Hi Dana")),
])
def test_a_heredoc_after_text_continues_that_text(lines: list[str], expected: object) -> None:
    commands, errors = parse_script("\n".join(lines))
    assert not errors and commands == [expected]


@pytest.mark.parametrize(("spec", "raw", "message"), [
    ({"type": 4, "min_value": 1}, "-1", "run: must be at least 1"),  # /export run:-1
    ({"type": 4, "max_value": 10}, "11", "run: must be at most 10"),
    ({"type": 4, "min_value": 1, "max_value": 10}, "0", "run: must be between 1 and 10"),
    ({"type": 3, "max_length": 3}, "four", "run: must be at most 3 characters"),
    ({"type": 3, "min_length": 2}, "x", "run: must be at least 2 characters"),
])
async def test_an_option_outside_its_bounds_names_only_the_bounds_it_has(
        spec: dict[str, object], raw: str, message: str) -> None:
    from localdiscord.script.names import CommandFailed
    from localdiscord.script.options import option_value

    with pytest.raises(CommandFailed) as refused:
        await option_value({**spec, "name": "run"}, raw, None, "mod")  # type: ignore[arg-type]
    assert str(refused.value) == message
    assert "None" not in str(refused.value)

"""`cohortbot sandbox`: the command language, scripts, the database option, the terminal."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config, ReviewSettings
from bot.demo.guild import CohortGuild
from bot.demo.terminal import run_script
from bot.demo.world import demo_config
from localdiscord import Sandbox
from localdiscord.script import render
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

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "docs" / "demo.sandbox"
THREAD = ChannelRef("thread", "Outreach 1 — critiques")
LESSONS = ChannelRef("channel", "lessons")

# --- the parser ---------------------------------------------------------------------------------


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


def test_render_markup_and_sizes() -> None:
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    names = render.Names(user=lambda i: {1: "ada"}.get(i, "?"), channel=lambda i: "#lessons",
                         role=lambda i: "Moderator", now=lambda: now)
    epoch = int((now + timedelta(hours=1)).timestamp())
    text = render.markup(f"<@1> in <#2> for <@&3>: again <t:{epoch}:R>, <t:{epoch}:D>", names)
    assert text == "@ada in #lessons for @Moderator: again in 1 hour, 05 January 2026"
    assert render.size(13_312) == "13.0 KB" and render.size(10) == "10 B"
    buttons = [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Revise", "custom_id": "x", "emoji": {"name": "✏️"}},
        {"type": 2, "style": 5, "label": "Docs", "url": "https://example.com"}]}]
    assert render.component_lines(buttons) == ["[✏️ Revise] [Docs → https://example.com]"]


def test_a_config_keeps_its_settings_but_takes_the_demo_ids(tmp_path: Path) -> None:
    guild = CohortGuild(Sandbox(validate=False))
    base = Config(review=ReviewSettings(rate_limit_per_hour=2))
    config = demo_config(guild, tmp_path, base=base, database=tmp_path / "kept.db")
    assert config.review.rate_limit_per_hour == 2
    assert config.discord.guild_ids == (guild.handle.id,)
    assert config.discord.lesson_channel_id == guild.lessons.id
    assert config.discord.moderator_role_ids == (guild.moderator_role.id,)
    assert config.storage.database == tmp_path / "kept.db"


# --- scripts, in-process --------------------------------------------------------------------------


async def test_the_demo_script_runs_green() -> None:
    out: list[str] = []
    code = await run_script(DEMO.read_text(encoding="utf-8"), write=out.append, name="demo")
    transcript = "\n".join(out)
    assert code == 0, transcript[-3000:]
    assert "✗" not in transcript
    for feature in ("rate_limit_per_hour=2", "Try again", "/lesson post", "/critique",
                    "react 👍", "/lesson summary share:true", "as ada dm", '"All findings"',
                    '"Revise"', '"I sent it"', "/review", "/forget-me", '"Delete everything"',
                    "/lesson close", "clock +"):
        assert feature in transcript, feature
    assert "only ada can see this" in transcript
    assert "📎 tally.png (" in transcript and "[✏️ Revise]" in transcript


async def test_a_failing_expectation_names_its_line() -> None:
    out: list[str] = []
    script = "as ada /help\n\n# the next line is wrong\nexpect reply contains \"No such words\"\n"
    code = await run_script(script, write=out.append, name="bad.sandbox")
    assert code == 1
    assert "✗ bad.sandbox:4: expectation failed" in out[-1]
    assert "No such words" in out[-1]


async def test_unknown_commands_fail_before_anything_runs() -> None:
    out: list[str] = []
    code = await run_script("as ada /help\nas ada juggle 3\n", write=out.append, name="s")
    assert code == 1
    assert out[0].startswith("✗ s:2: unknown action 'juggle'")
    assert not any("CohortBot in" in line for line in out)


@pytest.mark.parametrize(
    ("script", "why"),
    [
        ("as zed dm hi", "no member 'zed'"),
        ("as ada say #general hi", "no channel #general"),
        ('as ada click "Nope"', 'no button "Nope"'),
        ("as ada /lesson", "needs a subcommand"),
        ("as ada /dance", "no command /dance"),
        ("as ada modal works=x", "ada has no modal open"),
        ("as mod /lesson post\nas ada click Revise on #lessons:2", 'no button "Revise"'),
        ("as ben say #lessons hi\nas ada edit #lessons:ben:1 ho", "only their own"),
        ("restart review.rate_limit_per_hour=0", "review.rate_limit_per_hour"),
        ("restart discord.guild_ids=1", "[discord] is the sandbox's own"),
    ],
)
async def test_commands_that_cannot_run_fail_clearly(script: str, why: str) -> None:
    out: list[str] = []
    assert await run_script(script, write=out.append, name="s") == 1
    assert why in out[-1], out[-1]


async def test_db_option_keeps_the_run(tmp_path: Path) -> None:
    db = tmp_path / "kept" / "cohort.db"
    db.parent.mkdir()
    out: list[str] = []
    code = await run_script("as mod /lesson post\n", write=out.append, db=db)
    assert code == 0, out
    with sqlite3.connect(db) as conn:
        (runs,) = conn.execute("SELECT COUNT(*) FROM lesson_runs").fetchone()
    assert runs == 1


# --- the command line, in a subprocess -----------------------------------------------------------

def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}


def test_cli_runs_the_demo_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(DEMO)], cwd=ROOT,
        capture_output=True, text=True, timeout=180, env=_env(),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "expectation(s) held" in done.stdout


def test_cli_script_failure_exits_non_zero(tmp_path: Path) -> None:
    script = tmp_path / "bad.sandbox"
    script.write_text("as ada /help\nexpect public\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(script)], cwd=ROOT,
        capture_output=True, text=True, timeout=120, env=_env(),
    )
    assert done.returncode == 1
    assert f"{script}:2: expectation failed" in done.stdout


def test_interactive_mode_reads_stdin_until_eof(tmp_path: Path) -> None:
    typed = "\n".join([
        "help",
        "as ada /help",
        "dm <<<",
        "Hi Dana, Priya Shah suggested I reach out. Could I ask one question about your post?",
        ">>>",
        'click "All findings"',
        "nonsense here",
        "clock +2h",
        "show dm ada",
    ]) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--db", str(tmp_path / "i.db")], cwd=ROOT,
        input=typed, capture_output=True, text=True, timeout=120, env=_env(),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "Act as a member" in out  # help
    assert "only ada can see this" in out
    assert "All 3 findings" in out or "findings" in out
    assert "✗ unknown command 'nonsense'" in out
    assert "Mon 2026-01-05 11:00 UTC" in out
    assert out.rstrip().endswith("Bye.")
    assert (tmp_path / "i.db").exists()


def test_sigterm_ends_an_interactive_session_cleanly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox"], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        deadline = time.monotonic() + 60
        seen = ""
        while "Type `help`" not in seen and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
        assert "Type `help`" in seen, seen + (proc.stderr.read() if proc.stderr else "")
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
        assert time.monotonic() - started < 5
        assert code == 0
        assert "Bye." in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_show_restart_and_the_current_member() -> None:
    out: list[str] = []
    script = "\n".join([
        "as mod /lesson post",
        "show #lessons",
        "show members",
        "show channels",
        "show clock",
        "show violations",
        "show last",
        "as ada",
        "dm Hi Dana, Priya Shah suggested I reach out. Could I ask one question about your post?",
        "restart",
        'click "Revise" on dm:1',
        'expect reply contains "no longer hold"',
        "say #lessons hello",
        "as ben say #lessons hi ada",
        "as ada reply #lessons:ben:1 hi ben",
        "show #lessons",
        "delete #lessons:ada:1",
        "delete last",
        "expect #lessons has 5 messages",
    ])
    code = await run_script(script, write=out.append, name="s")
    text = "\n".join(out)
    assert code == 0, text[-2000:]
    assert "[#lessons:2]" in text and "mod: Moderator" in text
    assert "#critiques (forum)" in text and "no violations" in text
    assert "(the bot restarted" in text
    assert "ben in #lessons  [#lessons:ben:1]" in text


async def test_bot_errors_violations_and_not_settling_fail_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.demo.world import DemoBotSide, demo_world
    from localdiscord.control.client import Control
    from localdiscord.script.session import CommandFailed, Session
    from localdiscord.server import Violation

    out: list[str] = []
    async with demo_world(tmp_path, check_violations=False) as world:
        control = Control.in_process(world.sandbox.local)
        with Session(control, DemoBotSide(world), out.append) as session:
            await session.open()

            async def run(line: str) -> None:
                command = parse_line(line, 1)
                assert command is not None
                await session.execute(command)

            world.sandbox.violations.append(
                Violation("request", "POST", "/channels/1/messages", {}, {}, "bad body"))
            with pytest.raises(CommandFailed, match="OpenAPI spec rejects"):
                await run("as ada say #lessons hi")
            assert "✗ OpenAPI violation: request POST /channels/1/messages: bad body" in out

            # The cog module the bot loaded (extensions are loaded afresh per bot).
            help_cog = sys.modules[type(world.bot.get_cog("Help")).__module__]

            def broken(*args: object, **kwargs: object) -> None:
                raise RuntimeError("kaboom")

            monkeypatch.setattr(help_cog, "visible_commands", broken)
            with pytest.raises(CommandFailed, match="the bot logged an error"):
                await run("as ada /help")
            assert "error id" in "\n".join(out)  # what the member saw is still shown

            monkeypatch.undo()
            world.sandbox.settle_timeout = 0  # the bot cannot finish in no time
            with pytest.raises(CommandFailed, match="did not finish"):
                await run("as ada /help")
            world.sandbox.settle_timeout = 10
            await world.sandbox.settle()

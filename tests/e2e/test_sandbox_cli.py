"""`cohortbot sandbox`: scripts, the database option, the terminal (its command language is
tested in tests/demo/test_script.py)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.demo.terminal import run_script
from bot.demo.world import DemoBotSide
from localdiscord.script.language import parse_line
from localdiscord.script.names import CommandFailed
from localdiscord.snowflakes import WORKER_ENV
from tests.world import CohortWorld, post

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "docs" / "demo.sandbox"
# The sandbox validates every request against Discord's OpenAPI spec: load it once, up front.
pytestmark = pytest.mark.usefixtures("openapi_spec")


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


def doc_examples() -> list[tuple[str, list[str]]]:
    """docs/sandbox.md's transcripts: (the command typed at `NAME> `, the lines shown)."""
    text = (ROOT / "docs" / "sandbox.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```\n(\w+> .*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    return [(typed, shown) for typed, *shown in (b.rstrip("\n").split("\n") for b in blocks)]


async def test_the_docs_transcripts_are_what_the_sandbox_shows() -> None:
    examples = doc_examples()
    assert examples, "docs/sandbox.md shows no transcript"
    for typed, shown in examples:
        member, command = typed.split("> ", 1)
        out: list[str] = []
        code = await run_script(f"as {member} {command}\n", write=out.append, name="doc")
        lines = "\n".join(out).splitlines()
        assert code == 0, lines
        # Each documented line in order, `…` for any text (the volatile score and odds);
        # the output may have lines the doc leaves out.
        position = 0
        for doc_line in shown:
            pattern = re.compile(".*".join(map(re.escape, doc_line.split("…"))))
            found = next((i for i in range(position, len(lines))
                          if pattern.fullmatch(lines[i])), None)
            assert found is not None, (doc_line, lines)
            position = found + 1


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
    # A new sandbox world with the kept database: its commands work there too (run #1 is
    # still open there, so a second run of the lesson is asked for).
    code = await run_script("as mod /lesson post another:true\n", write=out.append, db=db)
    assert code == 0, out
    with sqlite3.connect(db) as conn:
        (runs,) = conn.execute("SELECT COUNT(*) FROM lesson_runs").fetchone()
    assert runs == 2


async def test_a_second_session_on_the_db_goes_on_with_the_first(tmp_path: Path) -> None:
    """Review 5's finding 23: every session built a world of new ids, so a second one on the
    same --db showed none of the first's data and its reminders went to no one."""
    db = tmp_path / "d1.db"
    first: list[str] = []
    code = await run_script('as ada /outreach log who:"Dana Lee" channel:email\n'
                            "as mod /lesson post\nclock +1d\n", write=first.append, db=db)
    assert code == 0, first
    second: list[str] = []
    code = await run_script(
        'as ada /outreach list\nexpect reply contains "Dana Lee"\n'
        'as mod /lesson summary\nexpect reply contains "Run #1"\n'
        'clock +7d\nexpect dm ada contains "Time for your one follow-up?"\n',
        write=second.append, db=db)
    said = "\n".join(second)
    assert code == 0, said
    assert "Clock: Tue 2026-01-06 09:00 UTC" in said  # where the first session stopped
    assert f"Going on with the world kept in {db}" in said
    assert "another world" not in said and "could not" not in said, said


async def test_a_db_holding_another_worlds_data_is_said_so(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    out: list[str] = []
    assert await run_script('as ada /outreach log who:"Dana Lee" channel:email\n',
                            write=out.append, db=db) == 0, out
    with sqlite3.connect(db) as conn:  # as a sandbox that kept no world left it
        conn.execute("DELETE FROM demo_world")
    out.clear()
    assert await run_script("as ada /outreach list\n", write=out.append, db=db) == 0, out
    said = "\n".join(out)
    assert f"⚠ {db} holds what another world made" in said
    assert "Give --db a new file to start clean" in said
    out.clear()  # and a new file has nothing to say
    assert await run_script("as ada /help\n", write=out.append, db=tmp_path / "new.db") == 0
    assert "another world" not in "\n".join(out) and "Going on" not in "\n".join(out)


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


def test_verbose_after_the_command_logs_the_bot_without_the_libraries_noise(
    tmp_path: Path,
) -> None:
    """`-v` after `sandbox` works as before it; the log is the bot's, not APScheduler's
    "Looking for jobs to run" at every wake-up nor discord.py's voice warnings."""
    script = tmp_path / "s.sandbox"
    script.write_text("as mod /lesson post\nclock +8d\nas ada /help\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(script), "-v"], cwd=ROOT,
        capture_output=True, text=True, timeout=120, env=_env(),
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " DEBUG " in done.stderr and "storage.db: applied migration" in done.stderr
    assert "Looking for jobs" not in done.stderr and "apscheduler" not in done.stderr
    assert "voice will NOT be supported" not in done.stderr


def test_a_kept_database_serves_a_new_process_s_world(tmp_path: Path) -> None:
    # Each process builds the demo world at the same world time; its ids must not be the
    # previous process's (the kept database holds those threads and messages). Each process
    # draws its snowflake worker at random; fixed here, two of them, so the test is certain.
    script = tmp_path / "post.sandbox"
    script.write_text('as mod /lesson post another:true\nexpect reply contains "Posted run"\n',
                      encoding="utf-8")
    for worker in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "bot", "sandbox", "--script", str(script),
             "--db", str(tmp_path / "kept.db")], cwd=ROOT, capture_output=True, text=True,
            timeout=180, env={**_env(), WORKER_ENV: worker},
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with sqlite3.connect(tmp_path / "kept.db") as conn:
        (runs,) = conn.execute("SELECT COUNT(*) FROM lesson_runs").fetchone()
    assert runs == 2


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
    assert "Task was destroyed" not in done.stderr, done.stderr[-2000:]  # nothing left pending
    assert (tmp_path / "i.db").exists()
    # The new database's migrations are not announced before the banner (nor after it).
    assert " INFO " not in done.stderr and "applied migration" not in out, done.stderr


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
        proc.send_signal(signal.SIGTERM)
        # A hang guard, not a timing check: a clean stop takes well under a second here.
        code = proc.wait(timeout=120)
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
            help_cog = world.bot.extensions["cogs.help"]

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


async def test_post_schedule_from_the_config_and_from_restart_posts_in_the_demo(
    tmp_path: Path,
) -> None:
    """The schedule's "needs a channel" rule is met by the demo's #lessons: a config file
    (`--config`) and `restart` may set post_schedule without a channel id of their own."""
    from bot.config import load_config

    config = tmp_path / "sched.toml"
    config.write_text(f'[lesson]\npost_schedule = "0 10 * * MON"\n'
                      f'directory = "{ROOT / "lessons"}"\n', encoding="utf-8")
    base = load_config(config, channel_supplied=True)
    out: list[str] = []
    script = "\n".join([
        "clock +1h5m",  # Monday 10:05: the config's schedule posted
        "expect #lessons has 3 threads",
        'restart lesson.post_schedule="0 9 * * TUE"',
        "as mod /lesson close",  # (a posting due while the run is open is skipped)
        "clock +1d",  # Tuesday 10:05: restart's schedule posted
        "expect #lessons has 6 threads",
    ])
    code = await run_script(script, write=out.append, base_config=base, name="s")
    assert code == 0, "\n".join(out)[-2000:]


@pytest.mark.parametrize(
    ("setting", "why"),
    [
        ("/nonexist", "key 'lesson.directory': /nonexist is not a folder"),
        ("nope", "key 'lesson.default': no lesson 'nope'"),
    ],
)
async def test_restart_checks_the_lessons_as_a_config_file_and_keeps_the_bot_as_it_was(
    world: CohortWorld, setting: str, why: str,
) -> None:
    """`restart lesson.directory=...` is checked as `cohortbot run` checks a config: the
    refusal in one line, and the bot goes on running on its old settings."""
    before = world.config
    key = "lesson.directory" if setting.startswith("/") else "lesson.default"
    with pytest.raises(CommandFailed) as refused:
        await DemoBotSide(world).restart(((key, setting),))
    assert why in str(refused.value) and "<config>" not in str(refused.value)
    assert world.running and world.config is before
    assert await post(world) == 1


async def test_a_clock_jump_shows_what_the_bot_did_at_each_stop_on_the_way() -> None:
    """A jump past both the reminder and the end of its window shows the reminder under its
    own time, then the window closing on it: not only the message's last state."""
    text = await green_transcript(
        "clock 2026-02-01T23:30",
        'as cy /outreach log who:"Feb" channel:email',
        "clock 2026-03-01T23:30",
        'expect reply contains "Time for your one follow-up?"',
        'expect reply contains "The window for a follow-up to Feb closed"',
    )
    reminder = text.index("🕒 Mon 2026-02-09 09:00 UTC")
    closed = text.index("🕒 Mon 2026-02-16 00:00 UTC")  # the hourly sweep after its end
    assert reminder < text.index("Time for your one follow-up?") < closed
    assert closed < text.index("closed】") < text.index("🕒 Sun 2026-03-01 23:30 UTC")


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("clock 9999-12-31T23:59", "the clock goes no further than 2084-09-05"),
        ("clock 2085-01-01T00:00", "a Discord id carries its time in 41 bits"),
        ("clock +999999999w", "further than a clock can go"),
    ],
)
async def test_a_clock_jump_past_what_dates_can_hold_is_refused_in_one_line(
    line: str, why: str,
) -> None:
    out: list[str] = []
    assert await run_script(line, write=out.append, name="s") == 1
    (refusal,) = [o for o in out if o.startswith("✗ s:1:")]
    assert why in refusal and "Error" not in refusal, out


async def test_a_jump_of_decades_costs_the_work_in_it_not_its_length() -> None:
    """`clock +3000w` with an outreach logged: the reminder and the window's end, then
    decades with nothing to do (it once stopped at every hourly sweep and never ended),
    and discord.py's gateway never falls behind ("Can't keep up")."""
    text = await green_transcript(
        'as ada /outreach log who:"X" channel:email',
        "clock +3000w",
        'expect reply contains "Time for your one follow-up?"',
        "clock 2084-09-04",
        'as ada /outreach log who:"Y" channel:email',
        "clock +1d",
    )
    assert "🕒 Mon 2083-07-05 09:00 UTC" in text
    assert "Can't keep up" not in text and "behind" not in text


async def test_the_bot_works_up_to_the_last_day_the_clock_reaches() -> None:
    """F14: from 2084-09 on, the world's ids passed 2**63 and every command that stored one
    failed (OverflowError in SQLite), though the clock went on to 9998. The clock now stops
    at the last day ids can carry, and everything works up to it."""
    text = await green_transcript(
        "clock 2084-01-01T00:00",
        "as mod /lesson post",
        'expect reply contains "Posted run #1"',
        "clock 2084-09-04T23:00",
        "as ada dm Hi Dana, I read your post on churn at Acme. Could I ask one question?",
        'as ada click "I sent it"',
        "as mod /lesson close",
        "as mod /lesson post",
        'expect reply contains "Posted run #2"',
    )
    assert "went wrong" not in text and "✗" not in text


async def green_transcript(*lines: str) -> str:
    """What the sandbox shows for a script whose every command and expectation holds."""
    out: list[str] = []
    assert await run_script("\n".join(lines), write=out.append, name="s") == 0, out
    return "\n".join(out)

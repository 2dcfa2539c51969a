"""The script runner (`cohortbot sandbox --script`) reports every problem it saw.

Its verdict is the transcript's last line: "no OpenAPI violations" must be true, violations
during the bot's start-up (command sync) count, an error the bot logs between two commands is
reported (not cleared), and what is left at shutdown makes the run fail (exit 1).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.demo import terminal
from bot.demo import world as demo
from localdiscord.script import session as session_module
from localdiscord.server import Violation


def fake_violation() -> Violation:
    return Violation("request", "POST", "/x", {}, {}, "bad request")


def capture_worlds(monkeypatch: pytest.MonkeyPatch) -> list[demo.DemoWorld]:
    """The demo worlds the runner opens (their banner is written with each)."""
    worlds: list[demo.DemoWorld] = []
    original = terminal.banner

    def banner(world: demo.DemoWorld, session: session_module.Session) -> str:
        worlds.append(world)
        return original(world, session)

    monkeypatch.setattr(terminal, "banner", banner)
    return worlds


async def run(script: str) -> tuple[int, str]:
    out: list[str] = []
    code = await terminal.run_script(script, write=out.append, name="s")
    return code, "\n".join(out)


async def test_a_clean_run_says_so() -> None:
    code, text = await run("show clock\nclock +1m\n")
    assert code == 0, text
    assert text.rstrip().endswith("no OpenAPI violations")


async def test_error_logged_between_commands_is_reported(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    original = session_module.Session.show

    async def show(self: session_module.Session, command: object) -> None:
        # Stands for a bot task that failed after settle() returned.
        logging.getLogger("discord.client").error("Ignoring exception in late_task")
        await original(self, command)  # type: ignore[arg-type]

    monkeypatch.setattr(session_module.Session, "show", show)
    code, text = await run("show clock\nclock +1m\n")
    assert code == 1
    assert "✗ s:2:" in text and "late_task" in text


async def test_leftovers_at_shutdown_fail_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    original = session_module.Session.show
    worlds = capture_worlds(monkeypatch)

    async def show(self: session_module.Session, command: object) -> None:
        worlds[-1].sandbox.server.violations.append(fake_violation())
        await original(self, command)  # type: ignore[arg-type]

    monkeypatch.setattr(session_module.Session, "show", show)
    code, text = await run("show clock\n")
    assert code == 1
    assert "after the last command" in text and "bad request" in text
    assert "no OpenAPI violations" not in text


async def test_violations_during_start_up_are_reported(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    original = terminal.banner

    def banner(world: demo.DemoWorld, session: session_module.Session) -> str:
        # Stands for a command sync the spec rejected before the first command.
        world.sandbox.server.violations.append(fake_violation())
        return original(world, session)

    monkeypatch.setattr(terminal, "banner", banner)
    code, text = await run("show clock\n")
    assert code == 1
    assert "start-up" in text and "bad request" in text


async def test_errors_logged_during_start_up_are_reported(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    original = demo.DemoWorld.start_bot

    async def start_bot(self: demo.DemoWorld, config: Any = None) -> Any:
        logging.getLogger("cogs.example").error("could not load the lessons")
        return await original(self, config)

    monkeypatch.setattr(demo.DemoWorld, "start_bot", start_bot)
    code, text = await run("show clock\n")
    assert code == 1
    assert "start-up" in text and "could not load the lessons" in text


async def test_without_the_spec_the_demo_runs_unvalidated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cohortbot sandbox` is for people: no spec, no validation, and the banner says so
    (while `Sandbox(validate=True)` would refuse to start)."""
    monkeypatch.setenv("COHORTBOT_OPENAPI_SPEC", str(tmp_path / "absent.json"))
    monkeypatch.delenv("COHORTBOT_SANDBOX_NO_SPEC", raising=False)
    code, text = await run("show clock\n")
    assert code == 0, text
    assert "requests are not validated" in text
    assert text.rstrip().endswith("requests not validated (no OpenAPI spec)")


DRAFT = "Hi Dana, Priya Shah suggested I reach out. Could I ask one question about your post?"


async def test_members_go_on_while_the_bot_is_stopped() -> None:
    code, text = await run("\n".join([
        "as mod /lesson post",
        "stop",
        'as ada say thread "Outreach 1 — critiques" Said while the bot was down.',
        "expect no reply",
        f"as ada dm {DRAFT}",
        "expect no reply",
        "expect dm ada has 1 message",
        "start",
        f"as ada dm {DRAFT}",
        'expect reply contains "Likely"',
        'expect thread "Outreach 1 — critiques" contains "Said while the bot was down."',
        'expect dm ada lacks "error id"',
    ]))
    assert code == 0, text
    assert "(the bot is stopped" in text and "(the bot started)" in text


async def test_stop_and_start_say_when_they_cannot() -> None:
    code, text = await run("start\n")
    assert code == 1 and "already running" in text
    code, text = await run("stop\nstop\n")
    assert code == 1 and "not running" in text


async def test_a_channel_that_should_lack_a_text_but_has_it() -> None:
    code, text = await run('as mod /lesson post\nexpect #lessons lacks "Outreach 1"\n')
    assert code == 1
    assert "expectation failed" in text and "message(s) in #lessons contain 'Outreach 1'" in text


async def test_a_moderator_deletes_another_s_message_as_discord_allows() -> None:
    """A moderator (Manage Messages) takes a critique down by deleting the bot's post of it;
    a member without it is refused, as Discord refuses; editing stays one's own."""
    code, text = await run("\n".join([
        "as mod /lesson post",
        'as ada click "Critique this example" on #lessons:2',
        'as ada modal works="SPAMTEXT buy now" likely=no',
        'as ada say thread "Outreach 1 — critiques" My own words.',
        'as mod delete thread "Outreach 1 — critiques":bot:1',
        'expect thread "Outreach 1 — critiques" lacks "SPAMTEXT"',
        'as ada click "Critique this example" on #lessons:2',
        'expect reply contains "A moderator took down your critique"',
        'as mod delete thread "Outreach 1 — critiques":ada:1',
        'expect thread "Outreach 1 — critiques" lacks "My own words."',
    ]))
    assert code == 0, text
    code, text = await run("\n".join([
        "as mod /lesson post",
        'as ada click "Critique this example" on #lessons:2',
        'as ada modal works="Kept" likely=no',
        'as ben delete thread "Outreach 1 — critiques":bot:1',
    ]))
    assert code == 1 and "Discord refused: Missing Permissions (50013)" in text, text
    code, text = await run("\n".join([
        "as mod /lesson post",
        'as ada say thread "Outreach 1 — critiques" Mine.',
        'as mod edit thread "Outreach 1 — critiques":ada:1 Not yours.',
    ]))
    assert code == 1, text
    assert "Discord lets a member edit only their own messages" in text, text


@pytest.mark.parametrize("between", [["restart"], ["stop", "start"]])
async def test_a_form_open_across_a_restart_is_sent_to_the_bot_that_came_back(
    between: list[str],
) -> None:
    code, text = await run("\n".join([
        "as ben /review",
        *between,
        f'as ben modal draft="{DRAFT}" channel=email attempt=1',
        'expect reply contains "Likely"',
    ]))
    assert code == 0, text

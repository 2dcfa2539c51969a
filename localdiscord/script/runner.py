"""Running a whole script: each command with its line number, then what the bot did; the
first command that fails (or an expectation that does not hold) ends the run with exit 1,
naming its line. Problems before the first command (the bot's start-up) and after the last
(its shutdown included) fail the run too."""

from __future__ import annotations

import logging

from localdiscord.script.language import Command
from localdiscord.script.names import CommandFailed
from localdiscord.script.session import QuitRequested, Session, Writer

log = logging.getLogger(__name__)


def echo(command: Command) -> str:
    lines = (command.source or type(command).__name__).splitlines()
    head = f"\n{command.line:>3}> {lines[0]}" if command.line else f"\n> {lines[0]}"
    return "\n".join([head, *(f"   | {line}" for line in lines[1:])])


async def run_commands(session: Session, commands: list[Command], *, write: Writer,
                       name: str) -> int:
    """0 when every command and expectation held, 1 at the first that did not."""
    # Start-up (login, command sync) is checked like a command.
    if problems := await session.problems():
        write(f"✗ {name}: the bot's start-up: {'; '.join(problems)}")
        return 1
    checks = 0
    for command in commands:
        write(echo(command))
        try:
            await session.execute(command)
        except QuitRequested:
            break
        except CommandFailed as exc:
            write(f"✗ {name}:{command.line}: {exc}")
            return 1
        except Exception as exc:  # a bug in the local Discord: still name the line
            log.debug("internal error", exc_info=True)
            write(f"✗ {name}:{command.line}: internal error: {type(exc).__name__}: {exc}")
            return 1
        checks += command.source.startswith("expect")
    # Shut the bot down while the session still watches its log, then report whatever is
    # left (errors after the last command, at close, violations).
    await session.bot.close()
    if problems := await session.problems():
        write(f"✗ {name}: after the last command: {'; '.join(problems)}")
        return 1
    count = len(await session.control.violations())
    if not session.validating:
        checked = "requests not validated (no OpenAPI spec)"
    elif count:
        checked = f"{count} OpenAPI violation(s)"
    else:
        checked = "no OpenAPI violations"
    write(f"\n✓ {name}: {len(commands)} command(s) ran, {checks} expectation(s) held, "
          f"{checked}")
    return 0

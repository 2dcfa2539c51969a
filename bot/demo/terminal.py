"""`cohortbot sandbox`: try the bot with no Discord account.

The demo cohort (bot/demo/world.py) with the real bot connected, and either an interactive
terminal where a person acts as any member, or `--script FILE` that runs the same commands
and prints the transcript (exit 1 at the first command that fails, naming its line). The
command language is localdiscord/script/ (docs/sandbox.md); its session is a client of the
local Discord's control API like any other, with this demo's bot as its `BotSide`.

The terminal reads with plain `input()` in the main thread (readline when available) while
the local Discord and the bot run on an event loop in a second thread, so Ctrl-C, Ctrl-D,
`quit` and SIGTERM all end the same way: bot closed (scheduler stopped, database closed),
exit 0.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from types import FrameType
from typing import Any

from bot.config import Config, load_config
from bot.demo.world import DemoBotSide, DemoWorld, demo_world
from bot.textfile import UnreadableFile, read_text
from localdiscord.control.client import Control
from localdiscord.openapi import spec_available
from localdiscord.script.language import (
    ParseError,
    join_heredoc,
    parse_line,
    parse_script,
)
from localdiscord.script.names import CommandFailed
from localdiscord.script.runner import run_commands
from localdiscord.script.session import QuitRequested, Session, startup_errors

Writer = Callable[[str], None]
SHUTDOWN_TIMEOUT = 30.0
MAX_SCRIPT_BYTES = 1024 * 1024


def main(script: Path | None = None, db: Path | None = None,
         config_path: Path | None = None) -> int:
    # The demo puts in its own ids, #lessons among them: a post_schedule needs no channel.
    base = load_config(config_path, channel_supplied=True) if config_path is not None else None
    with quiet_logging():
        if script is not None:
            try:
                text = read_text(script, limit=MAX_SCRIPT_BYTES)
            except UnreadableFile as exc:
                print(f"cohortbot sandbox: {script}: {exc}", file=sys.stderr)
                return 2
            # SIGTERM stops a script like Ctrl-C does: the bot is closed on the way out.
            previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
            try:
                return asyncio.run(run_script(text, write=_print, db=db, base_config=base,
                                              name=str(script)))
            except KeyboardInterrupt:
                print("\n(interrupted: the script did not finish)", file=sys.stderr)
                return 130
            except BrokenPipeError:  # the transcript's reader went away (e.g. `| head`)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return 1
            finally:
                signal.signal(signal.SIGTERM, previous)
        return Terminal(db=db, base_config=base).run()


def _print(text: str) -> None:
    print(text, flush=True)


@contextlib.contextmanager
def quiet_logging() -> Iterator[None]:
    """The session shows the bot's warnings and errors itself; keep stderr for -v runs."""
    root = logging.getLogger()
    if root.level <= logging.DEBUG:
        yield
        return
    saved = [(h, h.level) for h in root.handlers]
    for handler, _ in saved:
        handler.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for handler, level in saved:
            handler.setLevel(level)


def banner(world: DemoWorld, session: Session) -> str:
    g = world.guild
    return (
        f'Cohort sandbox: the guild "{g.handle.name}" with #{g.lessons.name} and a '
        f"#{g.critiques.name} forum; members mod (Moderator), ada, ben, cy; the bot "
        f"{world.sandbox.world.bot.username} is online.\n"
        f"{session.validation()}\n"
        f"Clock: {session.clock_text()}. Type `help` for the commands, `quit` to leave."
    )


async def open_demo_session(stack: AsyncExitStack, workdir: Path, write: Writer, *,
                            db: Path | None, base_config: Config | None) -> Session:
    """The demo world with the bot logged in, and a session on it (start-up errors kept
    for the session to report); all of it closes with `stack`. Writes the banner."""
    with startup_errors() as early:  # errors the bot logs while it starts
        world = await stack.enter_async_context(demo_world(
            workdir, base_config=base_config, database=db, check_violations=False,
            validate=spec_available(), keep_world=db is not None))
    control = Control.in_process(world.sandbox.local)
    stack.push_async_callback(control.close)
    session = stack.enter_context(Session(control, DemoBotSide(world), write, startup=early))
    await session.open()
    write(banner(world, session))
    if world.continued:
        write(f"Going on with the world kept in {db}: its members, channels and clock, and "
              "the bot's records. The channels' messages are not kept: they start empty.")
    if world.foreign_data:
        write(f"⚠ {db} holds what another world made (another sandbox's, or one from before "
              "the sandbox kept its world with its database): its members, channels and runs "
              "are not these, so this session shows none of it and its reminders cannot be "
              "delivered. Give --db a new file to start clean.")
    return session


async def run_script(text: str, *, write: Writer, db: Path | None = None,
                     base_config: Config | None = None, name: str = "script") -> int:
    """Run a script's commands in a fresh demo world; 0 when every command and expectation
    held, 1 at the first that did not (its line and why are written)."""
    commands, errors = parse_script(text)
    if errors:
        for error in errors:
            write(f"✗ {name}:{error.line}: {error.message}")
        write(f"✗ {len(errors)} line(s) of {name} are not commands; nothing was run")
        return 1
    with tempfile.TemporaryDirectory(prefix="cohortbot-sandbox-") as tmp:
        async with AsyncExitStack() as stack:
            session = await open_demo_session(stack, Path(tmp), write, db=db,
                                              base_config=base_config)
            code = await run_commands(session, commands, write=write, name=name)
    if db is not None and code == 0:
        write(f"The bot's database is kept at {db}")
    return code


class _Stop(Exception):
    """SIGTERM arrived."""


class Terminal:
    """The interactive loop: input() here, the sandbox on an event loop in another thread."""

    def __init__(self, *, db: Path | None, base_config: Config | None) -> None:
        self.db, self.base_config = db, base_config
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run_loop, name="sandbox-loop",
                                       daemon=True)
        self.stack = AsyncExitStack()
        self.session: Session | None = None
        self.pending: concurrent.futures.Future[Any] | None = None
        self.tty = sys.stdin.isatty()
        self._typed: list[str] = []
        # SIGTERM only sets `_stopping`; it raises _Stop itself only while the main thread
        # sits in input(), the one wait that cannot poll. Raised anywhere else (inside a
        # lock's acquire, a print, a future's bookkeeping) it could leave a lock held and
        # the shutdown waiting on it.
        self._stopping = False
        self._in_input = False

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True
        if self._in_input:
            raise _Stop

    def _call(self, coro: Any) -> Any:
        self.pending = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            while True:
                if self._stopping:
                    raise _Stop
                with contextlib.suppress(concurrent.futures.TimeoutError):
                    return self.pending.result(0.1)
        finally:
            self.pending = None

    async def _start(self, workdir: Path) -> Session:
        return await open_demo_session(self.stack, workdir, _print, db=self.db,
                                       base_config=self.base_config)

    def run(self) -> int:
        previous = signal.signal(signal.SIGTERM, self._on_sigterm)
        if self.tty:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401 - line editing and history for input()
        self.thread.start()
        code = 0
        with tempfile.TemporaryDirectory(prefix="cohortbot-sandbox-") as tmp:
            try:
                print("Starting the sandbox Discord and the bot…", flush=True)
                self.session = self._call(self._start(Path(tmp)))
                self._call(self.session.problems())  # start-up errors and violations
                self._loop_commands()
            except (KeyboardInterrupt, _Stop):
                print("\n(stopping)", flush=True)
            except Exception as exc:
                print(f"cohortbot sandbox: {type(exc).__name__}: {exc}", file=sys.stderr)
                code = 1
            finally:
                self._shutdown()
                signal.signal(signal.SIGTERM, previous)
        if self.db is not None and code == 0:
            print(f"The bot's database is kept at {self.db}")
        print("Bye.", flush=True)
        return code

    def _read(self, prompt: str) -> str:
        if self._stopping:
            raise _Stop
        self._in_input = True
        try:
            return input(prompt if self.tty else "")
        finally:
            self._in_input = False

    def _loop_commands(self) -> None:
        assert self.session is not None
        while True:
            member = self.session.current
            try:
                line = self._read(f"{member or 'sandbox'}> ")
            except EOFError:
                print("", flush=True)
                return
            self._typed = [line]
            try:
                joined = join_heredoc(line, self._more)
                command = parse_line(joined)
            except ParseError as exc:
                self._echo()
                print(f"✗ {exc}", flush=True)
                continue
            if command is None:
                continue
            self._echo()
            try:
                self._call(self.session.execute(command))
            except QuitRequested:
                return
            except CommandFailed as exc:
                print(f"✗ {exc}", flush=True)
            except (KeyboardInterrupt, _Stop):
                raise
            except Exception as exc:  # a sandbox bug must not end the session
                print(f"✗ internal error: {type(exc).__name__}: {exc}", flush=True)

    def _more(self) -> str | None:
        try:
            line = self._read("... ")
        except EOFError:
            return None
        self._typed.append(line)
        return line

    def _echo(self) -> None:
        """Without a terminal (input piped in), show each command before its output."""
        if not self.tty:
            head, *rest = self._typed
            print("\n".join([f"\n> {head}", *(f"| {x}" for x in rest)]), flush=True)

    async def _close(self) -> None:
        """Close the bot and the world, then end what is left on the loop (a view's timeout
        task, say), as asyncio.run would: closing a loop with tasks pending logs an ERROR."""
        try:
            await self.stack.aclose()
        finally:
            rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

    def _shutdown(self) -> None:
        # A second Ctrl-C or SIGTERM must not cut the clean-up short.
        old_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
        old_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            if self.pending is not None:
                self.pending.cancel()
            if self.thread.is_alive():
                with contextlib.suppress(Exception):
                    asyncio.run_coroutine_threadsafe(
                        self._close(), self.loop).result(SHUTDOWN_TIMEOUT)
                self.loop.call_soon_threadsafe(self.loop.stop)
                self.thread.join(SHUTDOWN_TIMEOUT)
            if not self.loop.is_running():
                self.loop.close()
        finally:
            signal.signal(signal.SIGINT, old_int)
            signal.signal(signal.SIGTERM, old_term)

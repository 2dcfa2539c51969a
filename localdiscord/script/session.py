"""Running commands of the language (script language.py) against a local Discord, and showing
what the bot did.

A `Session` is a client of the control API like any other: it acts as the members, waits for
the bot (`BotSide.settle`), and writes what changed (transcript.py): new and edited bot
messages (with a reference to use in later commands), deleted ones, threads, modals,
warnings from the bot's log, OpenAPI violations. A command that cannot run, or that the bot
fails (an error in its log, an unanswered interaction, a violation, not settling), raises
`CommandFailed` after its output is written. What the bot is (and how it stops, starts and
restarts with other settings) is the `BotSide`'s business.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from localdiscord import limits
from localdiscord.clock import move_target
from localdiscord.control.base import ControlError
from localdiscord.control.client import Control
from localdiscord.errors import DiscordError
from localdiscord.script import expectations, looking, render
from localdiscord.script.language import (
    Action,
    Click,
    Clock,
    Command,
    Delete,
    Dm,
    Edit,
    Expect,
    Help,
    Lifecycle,
    ModalAnswer,
    Quit,
    React,
    Restart,
    Say,
    Show,
    Slash,
    Upload,
    UseMember,
)
from localdiscord.script.names import CommandFailed, Lookup, viewer
from localdiscord.script.options import leaf_options, typed_options
from localdiscord.script.transcript import Reply, Shower, changes_since, visible
from localdiscord.settle import SettleTimeout

Writer = Callable[[str], None]

HELP = """\
Act as a member (`show members` lists them):
  as ada say #lessons Hello               post in a channel (or thread "Name")
  as ada reply #lessons:2 Nice one        reply to a message
  as ada dm Hi Dana, ...                  DM the bot (text <<< on the line, then lines, then >>>)
  as ada upload dm draft.txt Hi Dana...   send a file (its text after the name)
  as mod /lesson post                     a slash command; options name:value, quotes for spaces
  as mod /lesson summary share:true in #lessons
  as ada click "Revise"                   a button on the newest message shown that has it
  as ada click "Critique this example" on #lessons:2
  as ada modal works="Polite" likely=no   answer the open modal (fields by id or label)
  as ben react 👍 on thread "Outreach 1 — critiques":1     (unreact to take it back)
  as ada edit last New text | as ada delete last        your own messages (`delete` another's
                                                        too, with Manage Messages)
  as ada                                  switch to ada; commands without `as NAME` are
                                          done by the member named last
Messages: last (newest shown), #lessons:2 (the bot's 2nd there; -1 = newest), #lessons:ben:1
          (ben's 1st), thread "Outreach 1 — critiques":1, dm:1, msg:<id>; for edit and
          delete a position counts your own, #lessons:bot:1 the bot's.
Time: clock | clock +7d | clock +1d12h | clock 2026-01-12T10:00 (UTC)
Look: show #lessons | show thread "Outreach 1 — critiques" | show dm ada | show threads
      show members | show channels | show last | show clock | show violations
Check: expect reply contains "Likely" | expect reply lacks "x" | expect no reply
       expect ephemeral | expect public | expect modal "Critique" | expect button "Revise"
       expect file "tally.png" | expect thread "Outreach 1 — critiques" has 2 messages
       expect #lessons has 4 bot messages | expect #lessons has 3 threads
       expect #lessons contains "final summary" | expect #lessons lacks "error"
       expect thread "Outreach 1" is locked | expect no violations
The bot: stop (members go on posting while it is down) | start | restart (it forgets
       what it held in memory) | restart review.rate_limit_per_hour=2 (with settings changed)
Other: help | quit
"""

EMOJI_ALIASES = {":thumbsup:": "👍", ":+1:": "👍", "+1": "👍", ":thumbsdown:": "👎",
                 ":-1:": "👎", ":tada:": "🎉", ":heart:": "❤️", ":eyes:": "👀"}
LOADING = 128  # a deferred interaction's "thinking" message


class QuitRequested(Exception):
    """`quit` was typed."""


class BotSide(Protocol):
    """The bot the session watches: wait for it, stop it, start it."""

    async def settle(self) -> None: ...

    async def stop(self) -> None: ...

    async def start(self) -> None: ...

    async def restart(self, settings: tuple[tuple[str, str], ...]) -> None:
        """Stop, then start with these `section.key` settings changed (CommandFailed
        saying why if they are not valid)."""
        ...

    async def close(self) -> None:
        """The end of a session: stop the bot if it runs."""
        ...


class _LogCapture(logging.Handler):
    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def startup_errors() -> Iterator[list[logging.LogRecord]]:
    """Collect the ERROR records logged while the local Discord and the bot start (before a
    `Session` watches the log); hand them to `Session(startup=...)` to be reported."""
    capture = _LogCapture(logging.ERROR)
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        yield capture.records
    finally:
        root.removeHandler(capture)


class Session:
    def __init__(
        self, control: Control, bot: BotSide, write: Writer,
        startup: list[logging.LogRecord] | None = None,
    ) -> None:
        self.control = control
        self.bot = bot
        self.write = write
        self.current: str | None = None
        self.modals: dict[str, dict[str, Any]] = {}  # member -> the interaction with a modal
        self.sent: dict[str, list[int]] = {}  # member -> ids of messages they sent
        self.last_reply = Reply()
        self.lookup = Lookup(control)
        self._now = datetime.min.replace(tzinfo=UTC)  # read from the world at `open`
        # Where the reply of the command being run starts in the journal, and what a clock
        # move's stops showed on the way (`_clock`).
        self._moved_cursor = 0
        self._moved_text: list[str] = []
        self.names = render.Names(user=self.lookup.user_name, channel=self.lookup.label,
                                  role=self.lookup.role_name, now=lambda: self._now)
        self.shower = Shower(self.lookup, self.names)
        self.validating = False
        # 0, not the count at start-up: violations of the bot's start (command sync) are
        # reported by the first `problems()` like any other.
        self.violations_seen = 0
        self._log = _LogCapture()
        self._log.records.extend(startup or [])  # reported by the first `problems()`

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Session:
        logging.getLogger().addHandler(self._log)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self._log)

    async def open(self) -> None:
        """Read what the session shows before the first command."""
        self.validating = bool((await self.control.info())["openapi_validation"])
        await self._refresh()

    async def _refresh(self) -> None:
        await self.lookup.refresh()
        self._now = datetime.fromisoformat((await self.control.clock())["now"])

    def validation(self) -> str:
        if self.validating:
            return "Every request the bot sends is checked against Discord's OpenAPI spec."
        return ("Discord's OpenAPI spec was not found (../shared/discord-api-spec/openapi.json "
                "or $COHORTBOT_OPENAPI_SPEC): requests are not validated.")

    def clock_text(self) -> str:
        return self._now.strftime("%a %Y-%m-%d %H:%M UTC")

    # -- running a command -----------------------------------------------------------------
    async def execute(self, command: Command) -> None:
        await self._refresh()
        if isinstance(command, Help):
            self.write(HELP.rstrip())
            return
        if isinstance(command, Quit):
            raise QuitRequested
        if isinstance(command, UseMember):
            self.current = self.lookup.member(command.member)
            self.write(f"(acting as {self.current})")
            return
        if isinstance(command, Show):
            await self.show(command)
            return
        if isinstance(command, Expect):
            await self.expect(command)
            return
        await self._changing(command)

    async def _changing(self, command: Command) -> None:
        """A command that may make the bot act: run it, then show and check what changed."""
        cursor = (await self.control.status())["journal"]
        # Records logged since the last command (a bot task that failed after it settled)
        # stay: they are reported with this command's problems, never dropped.
        result: dict[str, Any] | None = None
        problems: list[str] = []
        self._moved_cursor, self._moved_text = cursor, []
        try:
            result = await self._run(command)
        except SettleTimeout as exc:
            problems.append(f"the bot did not finish: {exc}")
        except DiscordError as exc:
            raise CommandFailed(f"Discord refused: {exc.message} ({exc.code})") from None
        except ControlError as exc:
            raise CommandFailed(exc.message) from None
        await self._refresh()
        # After a clock move, what its stops showed is not shown again.
        reply = await changes_since(self.control, self._moved_cursor, command.line, self.lookup)
        if result is not None:
            answers = [m for m in (result["response"], *result["followups"]) if m is not None]
            reply.answer = answers[0] if answers else None
            if result["modal"] is not None:
                reply.modal = result["modal"]
                reply.modal_for = self.lookup.user_name(int(result["user_id"]))
                self.modals[reply.modal_for] = result
        shown = await self.shower.reply(reply)
        if visible(reply) or not self._moved_text:  # else the stops showed it all
            self.write(shown)
        reply.text = "\n".join([*self._moved_text, reply.text])  # `expect reply` sees it all
        self.last_reply = reply
        if result is not None:
            if result["failed"]:
                problems.append("the bot did not answer the interaction within 3 s (Discord "
                                "shows “The application did not respond”)")
            elif not result["acknowledged"]:
                problems.append("the bot did not answer the interaction (Discord shows "
                                "“This interaction failed”)")
        problems.extend(await self.problems())
        if problems:
            raise CommandFailed("; ".join(problems))

    async def _run(self, command: Command) -> dict[str, Any] | None:
        """Do it; the interaction it started (as the bot left it), if any."""
        if isinstance(command, Action):
            interaction = await self._act(command)
            await self.bot.settle()
            if interaction is None:
                return None
            return await self.control.interaction(interaction=interaction["id"])
        if isinstance(command, Clock):
            self._moved_cursor = await self._clock(command, self._moved_cursor)
        elif isinstance(command, Restart):
            # Forms open on members' screens stay open (they are the member's client's):
            # sent now, the restarted bot takes them.
            await self.bot.restart(command.settings)
            changed = ", ".join(f"{k} = {v}" for k, v in command.settings)
            self.write("(the bot restarted" + (f" with {changed}" if changed else "")
                       + ": drafts it held in memory are gone; forms open on members' "
                       "screens stay open)")
        elif isinstance(command, Lifecycle):
            if command.action == "stop":
                await self.bot.stop()
                self.write("(the bot is stopped: members go on posting; `start` brings it "
                           "back, and it catches up)")
            else:
                await self.bot.start()
                self.write("(the bot started)")
        else:
            raise CommandFailed(f"cannot run {type(command).__name__}")
        return None

    async def problems(self) -> list[str]:
        """Report (write) what went wrong since the last check: errors the bot logged and
        OpenAPI violations, e.g. during start-up, between commands or at shutdown."""
        return self._log_problems() + await self._new_violations()

    def _log_problems(self) -> list[str]:
        problems = []
        for record in self._log.records:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                text += f" ({type(exc).__name__}: {exc})"
            if record.levelno >= logging.ERROR:
                self.write(f"✗ bot error [{record.name}]: {text}")
                problems.append(f"the bot logged an error: {text}")
            else:
                self.write(f"⚠ log [{record.name}]: {text}")
        self._log.records.clear()
        return problems

    async def _new_violations(self) -> list[str]:
        violations = (await self.control.violations())[self.violations_seen:]
        self.violations_seen += len(violations)
        for v in violations:
            self.write(f"✗ OpenAPI violation: {v['kind']} {v['method']} {v['path']}: "
                       f"{v['error']}")
        return [f"{len(violations)} request(s) that Discord's OpenAPI spec rejects"
                ] if violations else []

    # -- actions -----------------------------------------------------------------------------
    async def _act(self, command: Action) -> dict[str, Any] | None:
        member = self.lookup.member(command.member or self.current)
        self.current = member  # later commands may leave out `as NAME`
        acts = self.control.member(member)
        if isinstance(command, Say | Upload):
            place = await self.lookup.place(command.channel, member)
            if place.is_forum:
                raise CommandFailed(f"{place.label} is a forum: post in one of its threads")
            if isinstance(command, Upload):
                files = [{"filename": command.filename, "content": command.text}]
                sent = await acts.say(place.ref, "", attachments=files)
            else:
                reply_to = (await self._message(command.reply_to, member))["id"] \
                    if command.reply_to else None
                sent = await acts.say(place.ref, command.text, reply_to=reply_to)
            self.sent.setdefault(member, []).append(int(sent["id"]))
            return None
        if isinstance(command, Dm):
            sent = await acts.dm(command.text)
            self.sent.setdefault(member, []).append(int(sent["id"]))
            return None
        if isinstance(command, Slash):
            return await self._slash(member, command)
        if isinstance(command, Click):
            return await self._click(member, command)
        if isinstance(command, ModalAnswer):
            return await self._modal(member, command)
        if isinstance(command, React):
            message = await self._message(command.on, member)
            emoji = EMOJI_ALIASES.get(command.emoji, command.emoji)
            await (acts.react if command.add else acts.unreact)(message, emoji)
            return None
        if isinstance(command, Edit):
            message = await self._message(command.ref, member, own=True)
            if message["author"]["username"] != member:  # even with Manage Messages
                raise CommandFailed(f"Discord lets a member edit only their own messages: "
                                    f"{command.ref} is {message['author']['username']}'s")
            await acts.edit(message, command.text)
            return None
        if isinstance(command, Delete):
            # Another's message too, where Discord allows it (Manage Messages, not in a DM):
            # the local Discord says when it does not.
            await acts.delete(await self._message(command.ref, member, own=True))
            return None
        raise CommandFailed(f"cannot run {type(command).__name__}")

    async def _message(self, ref: Any, member: str, *, own: bool = False) -> dict[str, Any]:
        return await self.lookup.message(ref, member, own=own, shown=self.shower.shown,
                                         sent=self.sent.get(member, []))

    async def _slash(self, member: str, command: Slash) -> dict[str, Any]:
        in_dm = command.channel is not None and command.channel.kind == "dm"
        place = None if command.channel is None or in_dm else await self.lookup.place(
            command.channel, member)
        definition = await self._definition(command.path[0], dm=in_dm)
        specs = leaf_options(definition, command.path)
        options = await typed_options(command.path, specs, command.options, self.lookup, member)
        return await self.control.member(member).slash(
            " ".join(command.path), options, channel=place.ref if place else None, dm=in_dm)

    async def _definition(self, name: str, *, dm: bool) -> dict[str, Any]:
        commands = await self.control.commands()
        guild_id = None if dm else self.lookup.guild.get("id")
        for scope in (guild_id, None):
            for cmd in commands:
                if cmd["name"] == name and cmd["guild_id"] == scope:
                    return dict(cmd)
        names = sorted({f"/{c['name']}" for c in commands if c["guild_id"] in (guild_id, None)})
        if dm:
            raise CommandFailed(
                f"no command /{name} in DMs: only global commands work there, and the bot "
                f"registered {', '.join(names) or 'none'} globally (its guild commands exist "
                "only in the server)")
        raise CommandFailed(f"no command /{name}; the bot's commands: {', '.join(names)}")

    async def _click(self, member: str, command: Click) -> dict[str, Any]:
        wanted = command.target.casefold()

        def find(message: dict[str, Any]) -> dict[str, Any] | None:
            comps = render.buttons(message)
            return next((c for c in comps if str(c.get("label", "")).casefold() == wanted),
                        None) or next((c for c in comps if c.get("custom_id") == command.target),
                                      None)

        if command.on is not None:
            message = await self._message(command.on, member)
            comp = find(message)
            if comp is None:
                labels = ", ".join(f'"{c.get("label") or c.get("custom_id")}"'
                                   for c in render.buttons(message)) or "none"
                raise CommandFailed(f'no button "{command.target}" on {command.on}; its '
                                    f"buttons: {labels}")
        else:
            found = await self._newest_shown_with(find, member)
            if found is None:
                raise CommandFailed(f'no button "{command.target}" on the messages shown to '
                                    f"{member}; name the message: click \"...\" on "
                                    "#lessons:2 (see `show #lessons`)")
            message, comp = found
        if comp.get("type") != 2:
            raise CommandFailed(f'"{command.target}" is a select menu, not a button')
        if comp.get("disabled"):
            raise CommandFailed(f'the button "{command.target}" is disabled')
        if comp.get("style") == render.LINK_STYLE:
            raise CommandFailed(f'"{command.target}" is a link: {comp.get("url")}')
        return await self.control.member(member).click(message, str(comp["custom_id"]))

    async def _newest_shown_with(
        self, find: Callable[[dict[str, Any]], dict[str, Any] | None], member: str,
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        member_id = self.lookup.member_id(member)
        for mid in reversed(self.shower.shown):
            try:
                candidate = await self.control.message(message=mid)
            except ControlError:
                continue
            if candidate.get("deleted") or not await self._visible(candidate, member_id):
                continue
            comp = find(candidate)
            if comp is not None:
                return candidate, comp
        return None

    async def _visible(self, msg: dict[str, Any], member_id: int) -> bool:
        if render.ephemeral(msg):
            seer = viewer(msg)
            return seer is None or seer == member_id
        place = await self.lookup.place_of(msg)
        return not place.ref.startswith("dm:") or self.lookup.member_id(place.name) == member_id

    async def _modal(self, member: str, command: ModalAnswer) -> dict[str, Any]:
        opened = self.modals.get(member)
        if opened is None:
            raise CommandFailed(f"{member} has no modal open (a button or command opens one)")
        inputs = render.modal_inputs(opened["modal"])
        # A select is answered with one of its options' values (`likely=no`); untouched, it
        # keeps the options the bot marked default, as a client shows them.
        values = {str(c.get("custom_id")): str(c.get("value") or "") if c.get("type") == 4
                  else (limits.preselected(c) or [""])[0] for c in inputs}
        for key, value in command.values:
            comp = _match_input(inputs, key)
            if comp is None:
                fields = ", ".join(f"{c.get('custom_id')} ({c.get('label')})" for c in inputs)
                raise CommandFailed(f"the modal has no field {key!r}; its fields: {fields}")
            values[str(comp["custom_id"])] = value
        for comp in inputs:
            value, label = values[str(comp["custom_id"])], comp.get("label")
            if comp.get("type") != 4:
                try:
                    limits.picked(comp, [value] if value else [])
                except ValueError:
                    options = ", ".join(str(o.get("value")) for o in comp.get("options") or [])
                    raise CommandFailed(f"Discord would not submit the modal: {label!r} is a "
                                        f"choice of {options}") from None
                continue
            try:
                limits.typed(comp, value)
            except ValueError as exc:
                raise CommandFailed(str(exc)) from None
        del self.modals[member]
        answers: dict[str, str | list[str]] = {}
        for comp in inputs:
            cid = str(comp["custom_id"])
            answers[cid] = values[cid] if comp.get("type") == 4 else [values[cid]] if values[
                cid] else []
        return await self.control.member(member).submit_modal(opened, answers)

    async def _clock(self, command: Clock, cursor: int) -> int:
        """Move the clock stop by stop: at each time on the way at which the bot has work,
        what it did there is shown under that time (a reminder, then the window closing on
        it, rather than the last state of one message). Returns the journal position after
        the last stop shown, for the reply of the move's end."""
        if command.when is not None and command.when < self._now:
            raise CommandFailed(f"time only moves forward; it is {self.clock_text()}")
        try:
            target = move_target(self._now, to=command.when, advance=None if command.delta
                                 is None else command.delta.total_seconds())
        except ValueError as exc:
            raise CommandFailed(str(exc)) from None
        while True:
            reached = datetime.fromisoformat((await self.control.move_clock(
                to=target.isoformat(), step=True))["now"])
            await self.bot.settle()
            if reached >= target:
                break
            self._now = reached
            stop = await changes_since(self.control, cursor, command.line, self.lookup)
            if visible(stop):
                self.write(f"🕒 {self.clock_text()}\n{await self.shower.reply(stop)}")
                self._moved_text.append(stop.text)
                cursor = (await self.control.status())["journal"]
        await self._refresh()
        self.write(f"🕒 {self.clock_text()}")
        return cursor

    # -- show --------------------------------------------------------------------------------
    async def show(self, command: Show) -> None:
        if command.what == "clock":
            self.write(f"🕒 {self.clock_text()}")
        elif command.what == "last":
            self.write(self.last_reply.text or "(nothing yet)")
        else:
            self.write(await looking.show(command, self.lookup, self.shower, self.current))

    # -- expect ------------------------------------------------------------------------------
    async def expect(self, command: Expect) -> None:
        ok, why = await expectations.check(command, self.last_reply, self.lookup, self.control,
                                           self.names, self.current)
        if not ok:
            raise CommandFailed(f"expectation failed: {command.source or command.kind}: {why}")
        if command.kind == "no-violations" and not self.validating:
            self.write("(the OpenAPI spec is absent: nothing was validated)")
        self.write("✓ holds")


def _match_input(inputs: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    for comp in inputs:
        if comp.get("custom_id") == key:
            return comp
    folded = key.casefold()
    for comp in inputs:
        if str(comp.get("label", "")).casefold() == folded:
            return comp
    starts = [c for c in inputs if str(c.get("label", "")).casefold().startswith(folded)]
    return starts[0] if len(starts) == 1 else None


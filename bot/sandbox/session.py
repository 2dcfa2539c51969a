"""Running sandbox commands (bot/sandbox/script.py) against the demo world, and showing what
the bot did.

A `Session` acts as the members, waits for the bot, and writes what changed: new and edited
bot messages (with a reference to use in later commands), deleted ones, threads, modals,
warnings from the bot's log, OpenAPI violations. A command that cannot run, or that the bot
fails (an error in its log, an unanswered interaction, a violation, not settling), raises
`CommandFailed` after its output is written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.config import Config, parse_config
from bot.errors import ConfigError
from bot.sandbox import limits, render
from bot.sandbox.demo import DemoWorld
from bot.sandbox.errors import DiscordError
from bot.sandbox.harness import SettleTimeout
from bot.sandbox.members import InteractionResult, MemberHandle
from bot.sandbox.script import (
    Action,
    ChannelRef,
    Click,
    Clock,
    Command,
    Delete,
    Dm,
    Edit,
    Expect,
    Help,
    MessageRef,
    ModalAnswer,
    ParseError,
    Quit,
    React,
    Restart,
    Say,
    Show,
    Slash,
    Upload,
    UseMember,
    _Scanner,
    parse_channel,
)
from bot.sandbox.state import DM, GUILD_FORUM, Channel, Message

Writer = Callable[[str], None]

HELP = """\
Act as a member (mod is a moderator; ada, ben and cy are members):
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
  as ada edit last New text | as ada delete last        your own messages
  as ada                                  switch to ada; commands without `as NAME` are
                                          done by the member named last
Messages: last (newest shown), #lessons:2 (the bot's 2nd there; -1 = newest), #lessons:ben:1
          (ben's 1st), thread "Outreach 1 — critiques":1, dm:1, msg:<id>.
Time: clock | clock +7d | clock +1d12h | clock 2026-01-12T10:00 (UTC)
Look: show #lessons | show thread "Outreach 1 — critiques" | show dm ada | show threads
      show members | show channels | show last | show clock | show violations
Check: expect reply contains "Likely" | expect reply lacks "x" | expect no reply
       expect ephemeral | expect public | expect modal "Critique" | expect button "Revise"
       expect file "tally.png" | expect thread "Outreach 1 — critiques" has 2 messages
       expect #lessons has 4 bot messages | expect #lessons has 3 threads
       expect #lessons contains "final summary" | expect thread "Outreach 1" is locked
       expect no violations
Other: restart (the bot restarts; drafts in memory are gone) | help | quit
       restart review.rate_limit_per_hour=2   (restart with settings changed, as in a config)
"""

EMOJI_ALIASES = {":thumbsup:": "👍", ":+1:": "👍", "+1": "👍", ":thumbsdown:": "👎",
                 ":-1:": "👎", ":tada:": "🎉", ":heart:": "❤️", ":eyes:": "👀"}
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class CommandFailed(Exception):
    """The command could not run, the bot failed at it, or an expectation does not hold."""


class QuitRequested(Exception):
    """`quit` was typed."""


@dataclass
class Reply:
    """What the bot did in answer to one command."""

    line: int = 0
    messages: list[Message] = field(default_factory=list)  # new or edited, oldest first
    edited: set[int] = field(default_factory=set)
    deleted: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    answer: Message | None = None  # an interaction's own answer (response or first followup)
    events: list[str] = field(default_factory=list)  # threads created, locked, archived
    text: str = ""  # everything shown, for `expect reply contains`


class _LogCapture(logging.Handler):
    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def startup_errors() -> Iterator[list[logging.LogRecord]]:
    """Collect the ERROR records logged while the sandbox and the bot start (before a
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
        self, world: DemoWorld, write: Writer,
        startup: list[logging.LogRecord] | None = None,
    ) -> None:
        self.world = world
        self.write = write
        self.current: str | None = None
        self.modals: dict[str, InteractionResult] = {}
        self.shown: list[int] = []  # ids of the messages shown, in order
        self.own: dict[str, list[int]] = {}  # member -> ids of messages they sent
        self.last_reply = Reply()
        # 0, not the count at start-up: violations of the bot's start (command sync) are
        # reported by the first `problems()` like any other.
        self.violations_seen = 0
        self._log = _LogCapture()
        self._log.records.extend(startup or [])  # reported by the first `problems()`
        self.names = render.Names(user=self._user_name, channel=self._channel_label_by_id,
                                  role=self._role_name, now=world.clock.now)

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Session:
        logging.getLogger().addHandler(self._log)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self._log)

    @property
    def sandbox(self) -> Any:
        return self.world.sandbox

    def banner(self) -> str:
        g = self.world.guild
        return (
            f'Cohort sandbox: the guild "{g.handle.name}" with #{g.lessons.name} and a '
            f"#{g.critiques.name} forum; members mod (Moderator), ada, ben, cy; the bot "
            f"{self.sandbox.world.bot.username} is online.\n"
            f"{self._validation()}\n"
            f"Clock: {self._now()}. Type `help` for the commands, `quit` to leave."
        )

    @property
    def validating(self) -> bool:
        """Whether REST requests are checked against Discord's OpenAPI spec."""
        validator = getattr(self.sandbox.server, "validator", None)
        return bool(validator is not None and getattr(validator, "enabled", False))

    def _validation(self) -> str:
        if self.validating:
            return "Every request the bot sends is checked against Discord's OpenAPI spec."
        return ("Discord's OpenAPI spec was not found (../shared/discord-api-spec/openapi.json "
                "or $COHORTBOT_OPENAPI_SPEC): requests are not validated.")

    # -- running a command -----------------------------------------------------------------
    async def execute(self, command: Command) -> None:
        if isinstance(command, Help):
            self.write(HELP.rstrip())
            return
        if isinstance(command, Quit):
            raise QuitRequested
        if isinstance(command, UseMember):
            self.current = self.member(command.member).name
            self.write(f"(acting as {self.current})")
            return
        if isinstance(command, Show):
            self.show(command)
            return
        if isinstance(command, Expect):
            self.expect(command)
            return
        await self._changing(command)

    async def _changing(self, command: Command) -> None:
        """A command that may make the bot act: run it, then show and check what changed."""
        before = self._snapshot()
        # Records logged since the last command (a bot task that failed after it settled)
        # stay: they are reported with this command's problems, never dropped.
        result: InteractionResult | None = None
        problems: list[str] = []
        try:
            if isinstance(command, Action):
                result = await self._act(command)
            elif isinstance(command, Clock):
                await self._clock(command)
            elif isinstance(command, Restart):
                config = with_settings(self.world.config, command.settings)
                await self.world.restart(config)
                self.modals.clear()
                changed = ", ".join(f"{k} = {v}" for k, v in command.settings)
                self.write("(the bot restarted" + (f" with {changed}" if changed else "")
                           + ": drafts it held in memory are gone)")
            else:
                raise CommandFailed(f"cannot run {type(command).__name__}")
        except SettleTimeout as exc:
            problems.append(f"the bot did not finish: {exc}")
        except DiscordError as exc:
            raise CommandFailed(f"Discord refused: {exc.message} ({exc.code})") from None
        reply = self._diff(before, command.line)
        if result is not None:
            answers = [m for m in (result.response, *result.followups) if m is not None]
            reply.answer = answers[0] if answers else None
        if result is not None and result.modal is not None:
            reply.modal = result.modal
            member = self.member(getattr(command, "member", None))
            self.modals[member.name] = result
        self._render_reply(reply, result)
        self.last_reply = reply
        if result is not None:
            if result.failed:
                problems.append("the bot did not answer the interaction within 3 s (Discord "
                                "shows “The application did not respond”)")
            elif not result.acknowledged:
                problems.append("the bot did not answer the interaction (Discord shows "
                                "“This interaction failed”)")
        problems.extend(self._log_problems())
        problems.extend(self._new_violations())
        if problems:
            raise CommandFailed("; ".join(problems))

    def problems(self) -> list[str]:
        """Report (write) what went wrong since the last check: errors the bot logged and
        OpenAPI violations, e.g. during start-up, between commands or at shutdown."""
        return self._log_problems() + self._new_violations()

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

    def _new_violations(self) -> list[str]:
        violations = self.sandbox.violations[self.violations_seen:]
        self.violations_seen = len(self.sandbox.violations)
        for violation in violations:
            self.write(f"✗ OpenAPI violation: {violation}")
        return [f"{len(violations)} request(s) that Discord's OpenAPI spec rejects"
                ] if violations else []

    # -- actions -----------------------------------------------------------------------------
    async def _act(self, command: Action) -> InteractionResult | None:
        member = self.member(command.member)
        self.current = member.name  # later commands may leave out `as NAME`
        if isinstance(command, Say):
            channel = self.channel(command.channel, member)
            if channel.type == GUILD_FORUM:
                raise CommandFailed(f"#{channel.name} is a forum: post in one of its threads")
            reply_to = self.message(command.reply_to, member) if command.reply_to else None
            msg = await member.say(channel, command.text, reply_to=reply_to)
            self.own.setdefault(member.name, []).append(msg.id)
            return None
        if isinstance(command, Dm):
            msg = await member.dm(command.text)
            self.own.setdefault(member.name, []).append(msg.id)
            return None
        if isinstance(command, Upload):
            channel = self.channel(command.channel, member)
            msg = await member.say(channel, "",
                                   attachments=[(command.filename, command.text.encode())])
            self.own.setdefault(member.name, []).append(msg.id)
            return None
        if isinstance(command, Slash):
            return await self._slash(member, command)
        if isinstance(command, Click):
            return await self._click(member, command)
        if isinstance(command, ModalAnswer):
            return await self._modal(member, command)
        if isinstance(command, React):
            message = self.message(command.on, member)
            emoji = EMOJI_ALIASES.get(command.emoji, command.emoji)
            if command.add:
                await member.react(message, emoji)
            else:
                await member.unreact(message, emoji)
            return None
        if isinstance(command, Edit):
            message = self.message(command.ref, member, own=True)
            await member.edit(message, command.text)
            return None
        if isinstance(command, Delete):
            message = self.message(command.ref, member, own=True)
            await member.delete(message)
            return None
        raise CommandFailed(f"cannot run {type(command).__name__}")

    async def _slash(self, member: MemberHandle, command: Slash) -> InteractionResult:
        in_dm = command.channel is not None and command.channel.kind == "dm"
        channel = None if command.channel is None or in_dm else self.channel(command.channel,
                                                                             member)
        guild_id = None if in_dm else (channel.guild_id if channel else member.guild.id
                                       if member.guild else None)
        definition = self._definition(command.path[0], guild_id)
        specs = _leaf_options(definition, command.path)
        options: dict[str, Any] = {}
        for key, raw in command.options:
            spec = next((o for o in specs if o.get("name") == key), None)
            if spec is None:
                known = ", ".join(o["name"] for o in specs) or "none"
                raise CommandFailed(f"/{' '.join(command.path)} has no option {key!r}; "
                                    f"its options: {known}")
            options[key] = self._option_value(spec, raw, member)
        missing = [o["name"] for o in specs if o.get("required") and o["name"] not in options]
        if missing:
            raise CommandFailed(f"/{' '.join(command.path)} needs {', '.join(missing)}")
        return await member.slash(" ".join(command.path), options, channel=channel, dm=in_dm)

    def _definition(self, name: str, guild_id: int | None) -> dict[str, Any]:
        commands = self.sandbox.world.commands.values()
        for scope in (guild_id, None):
            for cmd in commands:
                if cmd.name == name and cmd.guild_id == scope:
                    return dict(cmd.payload)
        names = sorted({f"/{c.name}" for c in commands if c.guild_id in (guild_id, None)})
        if guild_id is None:
            raise CommandFailed(
                f"no command /{name} in DMs: only global commands work there, and the bot "
                f"registered {', '.join(names) or 'none'} globally (its guild commands exist "
                "only in the server)")
        raise CommandFailed(f"no command /{name}; the bot's commands: {', '.join(names)}")

    def _option_value(self, spec: dict[str, Any], raw: str, member: MemberHandle) -> Any:
        type_, name = int(spec.get("type", 3)), spec.get("name")
        choices = spec.get("choices") or []
        if choices:
            for choice in choices:
                if raw in (str(choice.get("value")), choice.get("name")):
                    return choice["value"]
            raise CommandFailed(f"{name}: choose one of "
                                + ", ".join(str(c.get("value")) for c in choices))
        value: Any
        try:
            if type_ == 4:
                value = int(raw)
            elif type_ == 10:
                value = float(raw)
            elif type_ == 5:
                if raw.lower() not in _TRUE | _FALSE:
                    raise ValueError
                value = raw.lower() in _TRUE
            elif type_ == 6:
                value = self.member(raw.lstrip("@"))
            elif type_ == 7:
                value = self.channel(_channel_ref(raw), member)
            elif type_ == 8:
                value = self.world.guild.handle.role(raw.lstrip("@"))
            elif type_ == 11:
                path = Path(raw)
                value = (path.name, path.read_bytes())
            else:
                value = raw
        except (ValueError, KeyError, OSError, ParseError) as exc:
            kinds = {4: "a whole number", 10: "a number", 5: "true or false", 6: "a member",
                     7: "a channel", 8: "a role", 11: "a file path"}
            raise CommandFailed(f"{name}: expected {kinds.get(type_, 'a value')}, found "
                                f"{raw!r} ({exc})") from None
        low, high = spec.get("min_value"), spec.get("max_value")
        if isinstance(value, int | float) and not isinstance(value, bool) and (
                (low is not None and value < low) or (high is not None and value > high)):
            raise CommandFailed(f"{name}: must be between {low} and {high}")
        if isinstance(value, str) and spec.get("max_length") and len(value) > spec["max_length"]:
            raise CommandFailed(f"{name}: at most {spec['max_length']} characters")
        return value

    async def _click(self, member: MemberHandle, command: Click) -> InteractionResult:
        wanted = command.target.casefold()

        def find(message: Message) -> dict[str, Any] | None:
            comps = render.buttons(message)
            return next((c for c in comps if str(c.get("label", "")).casefold() == wanted),
                        None) or next((c for c in comps if c.get("custom_id") == command.target),
                                      None)

        if command.on is not None:
            message = self.message(command.on, member)
            comp = find(message)
            if comp is None:
                labels = ", ".join(f'"{c.get("label") or c.get("custom_id")}"'
                                   for c in render.buttons(message)) or "none"
                raise CommandFailed(f'no button "{command.target}" on {command.on}; its '
                                    f"buttons: {labels}")
        else:
            for mid in reversed(self.shown):
                candidate = self.sandbox.world.messages.get(mid)
                if candidate is None or candidate.deleted or not self._visible(candidate,
                                                                               member):
                    continue
                comp = find(candidate)
                if comp is not None:
                    message = candidate
                    break
            else:
                raise CommandFailed(f'no button "{command.target}" on the messages shown to '
                                    f"{member.name}; name the message: click \"...\" on "
                                    "#lessons:2 (see `show #lessons`)")
        if comp.get("type") != 2:
            raise CommandFailed(f'"{command.target}" is a select menu, not a button')
        if comp.get("disabled"):
            raise CommandFailed(f'the button "{command.target}" is disabled')
        if comp.get("style") == render.LINK_STYLE:
            raise CommandFailed(f'"{command.target}" is a link: {comp.get("url")}')
        return await member.click(message, str(comp["custom_id"]))

    async def _modal(self, member: MemberHandle, command: ModalAnswer) -> InteractionResult:
        opened = self.modals.get(member.name)
        if opened is None or opened.modal is None:
            raise CommandFailed(f"{member.name} has no modal open (a button or command opens "
                                "one)")
        inputs = render.modal_inputs(opened.modal)
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
            if comp.get("required", True) and not value.strip():
                raise CommandFailed(f"Discord would not submit the modal: {label!r} "
                                    "is required")
            if comp.get("max_length") and len(value) > comp["max_length"]:
                raise CommandFailed(f"Discord would not submit the modal: {label!r} takes "
                                    f"at most {comp['max_length']} characters ({len(value)})")
            if value and comp.get("min_length") and len(value) < comp["min_length"]:
                raise CommandFailed(f"Discord would not submit the modal: {label!r} needs "
                                    f"at least {comp['min_length']} characters")
        del self.modals[member.name]
        answers: dict[str, str | list[str]] = {}
        for comp in inputs:
            cid = str(comp["custom_id"])
            answers[cid] = values[cid] if comp.get("type") == 4 else [values[cid]] if values[
                cid] else []
        return await member.submit_modal(opened, answers)

    async def _clock(self, command: Clock) -> None:
        clock = self.world.clock
        if command.delta is not None:
            await clock.advance(command.delta)
        elif command.when is not None:
            if command.when < clock.now():
                raise CommandFailed(f"time only moves forward; it is {self._now()}")
            await clock.set(command.when)
        self.write(f"🕒 {self._now()}")
        await self.sandbox.settle()

    # -- what changed ------------------------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        world = self.sandbox.world
        return {
            "messages": {mid: _fingerprint(m) for mid, m in world.messages.items()},
            "threads": {c.id: (c.name, c.locked, c.archived) for c in world.channels.values()
                        if c.is_thread},
        }

    def _diff(self, before: dict[str, Any], line: int) -> Reply:
        world = self.sandbox.world
        old: dict[int, tuple[Any, ...]] = before["messages"]
        reply = Reply(line=line)
        for mid in sorted(world.messages):
            msg = world.messages[mid]
            if msg.author_id != world.bot.id:
                continue
            if mid not in old:
                if not msg.deleted:
                    reply.messages.append(msg)
            elif _fingerprint(msg) != old[mid]:
                if msg.deleted and not old[mid][-1]:
                    reply.deleted.append(msg)
                elif not msg.deleted:
                    reply.messages.append(msg)
                    reply.edited.add(mid)
        threads: dict[int, tuple[str, bool, bool]] = before["threads"]
        events = reply.events
        for channel in world.channels.values():
            if not channel.is_thread:
                continue
            label = self._channel_label(channel)
            if channel.id not in threads:
                events.append(f"🧵 {label} created in {self._parent_label(channel)}")
                continue
            _, locked, archived = threads[channel.id]
            if channel.locked and not locked:
                events.append(f"🔒 {label} locked")
            if channel.archived and not archived:
                events.append(f"🗄 {label} archived")
        return reply

    def _render_reply(self, reply: Reply, result: InteractionResult | None) -> None:
        lines: list[str] = []
        for msg in reply.messages:
            lines.extend(self.render_message(msg, edited=msg.id in reply.edited))
        for msg in reply.deleted:
            first = (msg.content or "".join(str(e.get("title", "")) for e in msg.embeds))
            gist = first.splitlines()[0][:80] if first else ""
            lines.append(f"🗑 deleted: {self._header(msg)}: {gist}")
        lines.extend(reply.events)
        if reply.modal is not None:
            member = self._user_name(result.record.user_id) if result is not None else "?"
            lines.extend(render.modal_lines(reply.modal, member))
        if not lines:
            lines.append("(the bot did nothing visible)")
        reply.text = "\n".join(lines)
        self.write("\n".join(lines))

    def render_message(self, msg: Message, *, edited: bool = False) -> list[str]:
        self.shown.append(msg.id)
        header = self._header(msg) + (" (edited)" if edited else "")
        body = render.message_lines(msg, self.names)
        original = self.sandbox.world.messages.get(msg.reference_id or 0)
        if original is not None:
            gist = "(deleted)" if original.deleted else (
                original.content.splitlines() or ["…"])[0][:60]
            body.insert(0, f"↪ replying to {self._user_name(original.author_id)}: {gist}")
        return render.boxed(header, body)

    def _header(self, msg: Message) -> str:
        world = self.sandbox.world
        channel = world.channels[msg.channel_id]
        author = self._user_name(msg.author_id)
        where = self._channel_label(channel)
        if msg.ephemeral:
            viewer = _viewer(msg)
            who = self._user_name(viewer) if viewer else "the member who asked"
            return f"{author} in {where} · only {who} can see this"
        ref = self._ref(msg)
        return f"{author} in {where}" + (f"  [{ref}]" if ref else "")

    def _ref(self, msg: Message) -> str | None:
        """How to name this message in a command: #lessons:2, thread "X":1, dm:1."""
        world = self.sandbox.world
        channel = world.channels[msg.channel_id]
        if msg.author_id == world.bot.id:
            mine, author = self._bot_messages(channel), ""
        else:
            mine = [m for m in self.sandbox.messages(channel, ephemeral=False)
                    if m.author_id == msg.author_id]
            author = f"{self._user_name(msg.author_id)}:"
        if msg not in mine:
            return None
        position = mine.index(msg) + 1
        if channel.type == DM:
            return f"dm:{author}{position}"
        return f"{self._channel_label(channel)}:{author}{position}"

    def _bot_messages(self, channel: Channel) -> list[Message]:
        bot_id = self.sandbox.world.bot.id
        return [m for m in self.sandbox.messages(channel, ephemeral=False)
                if m.author_id == bot_id]

    # -- show ----------------------------------------------------------------------------------
    def show(self, command: Show) -> None:
        world = self.sandbox.world
        if command.what == "clock":
            self.write(f"🕒 {self._now()}")
        elif command.what == "violations":
            self.write("\n".join(str(v) for v in self.sandbox.violations) or "no violations")
        elif command.what == "last":
            self.write(self.last_reply.text or "(nothing yet)")
        elif command.what == "members":
            guild = self.world.guild.handle.guild
            lines = []
            for uid, role_ids in guild.members.items():
                user = world.users[uid]
                roles = [guild.roles[r].name for r in role_ids if r in guild.roles]
                kind = " (bot)" if user.bot else " (server owner)" if uid == guild.owner_id \
                    else ""
                lines.append(f"{user.username}{kind}" + (f": {', '.join(roles)}"
                                                         if roles else ""))
            self.write("\n".join(lines))
        elif command.what == "channels":
            guild = self.world.guild.handle.guild
            lines = []
            for cid in guild.channel_ids:
                channel = world.channels[cid]
                if channel.is_thread:
                    continue
                kind = "forum" if channel.type == GUILD_FORUM else "text"
                count = len(self.sandbox.messages(channel, ephemeral=False))
                lines.append(f"#{channel.name} ({kind}): {count} message(s), "
                             f"{len(world.threads_of(channel))} thread(s)")
            self.write("\n".join(lines))
        elif command.what == "threads":
            self.write(self._threads_text(command.channel))
        else:
            assert command.channel is not None
            channel = self.channel(command.channel, self._maybe_current())
            messages = self.sandbox.messages(channel, ephemeral=False)
            lines = [f"{self._channel_label(channel)}: {len(messages)} message(s)"]
            for msg in messages:
                lines.extend(self.render_message(
                    msg, edited=msg.edited_at is not None and msg.webhook_id is None))
            threads = world.threads_of(channel) if not channel.is_thread else []
            if threads:
                lines.append(self._threads_text(command.channel))
            self.write("\n".join(lines))

    def _threads_text(self, ref: ChannelRef | None) -> str:
        world = self.sandbox.world
        parents = [self.channel(ref, self._maybe_current())] if ref else [
            world.channels[c] for c in self.world.guild.handle.guild.channel_ids
            if not world.channels[c].is_thread]
        lines = []
        for parent in parents:
            for thread in world.threads_of(parent):
                flags = [f for f, on in (("locked", thread.locked), ("archived", thread.archived))
                         if on]
                count = len(self.sandbox.messages(thread, ephemeral=False))
                lines.append(f"🧵 {self._channel_label(thread)} in #{parent.name}: {count} "
                             f"message(s)" + (f" ({', '.join(flags)})" if flags else ""))
        return "\n".join(lines) or "no threads"

    # -- expect ----------------------------------------------------------------------------------
    def expect(self, command: Expect) -> None:
        ok, why = self._check(command)
        if not ok:
            raise CommandFailed(f"expectation failed: {command.source or command.kind}: {why}")
        self.write("✓ holds")

    def _check(self, command: Expect) -> tuple[bool, str]:
        reply, kind, text = self.last_reply, command.kind, command.text
        about = f"the reply to line {reply.line}" if reply.line else "the last reply"
        if kind == "reply-contains":
            return text in reply.text, f"{about} does not contain {text!r}"
        if kind == "reply-lacks":
            return text not in reply.text, f"{about} contains {text!r}"
        if kind == "no-reply":
            empty = not reply.messages and not reply.deleted and reply.modal is None
            return empty, f"the bot answered: {reply.text[:200]!r}"
        if kind in ("ephemeral", "public"):
            shown = [reply.answer] if reply.answer is not None else reply.messages
            if not shown:
                return False, f"{about} has no message"
            private = [m.ephemeral for m in shown]
            if kind == "ephemeral":
                return all(private), f"{about} has a message everyone can see"
            return not any(private), f"{about} is only visible to the member who asked"
        if kind == "modal":
            if reply.modal is None:
                return False, f"{about} opened no modal"
            title = str(reply.modal.get("title", ""))
            return text in title, f"the modal is titled {title!r}"
        if kind == "button":
            labels = [str(c.get("label")) for m in reply.messages for c in render.buttons(m)]
            return text in labels, f"{about} has the buttons {labels}"
        if kind == "file":
            files = [a.filename for m in reply.messages for a in m.attachments]
            return text in files, f"{about} has the files {files}"
        if kind == "no-violations":
            count = len(self.sandbox.violations)
            if count == 0 and not self.validating:
                self.write("(the OpenAPI spec is absent: nothing was validated)")
            return count == 0, f"{count} OpenAPI violation(s); `show violations` lists them"
        assert command.channel is not None
        channel = self.channel(command.channel, self._maybe_current())
        label = self._channel_label(channel)
        if kind in ("messages", "bot-messages"):
            messages = self.sandbox.messages(channel, ephemeral=False)
            if kind == "bot-messages":
                messages = self._bot_messages(channel)
            return len(messages) == command.number, f"{label} has {len(messages)}"
        if kind == "threads":
            threads = self.sandbox.world.threads_of(channel)
            return len(threads) == command.number, f"{label} has {len(threads)}"
        if kind == "channel-contains":
            texts = ["\n".join(render.message_lines(m, self.names))
                     for m in self.sandbox.messages(channel, ephemeral=False)]
            return any(text in t for t in texts), f"no message in {label} contains {text!r}"
        if kind in ("locked", "archived"):
            return bool(getattr(channel, kind)), f"{label} is not {kind}"
        raise CommandFailed(f"unknown expectation {kind}")

    # -- look-ups ----------------------------------------------------------------------------
    def member(self, name: str | None) -> MemberHandle:
        name = name or self.current
        if name is None:
            raise CommandFailed("who acts? Start with `as ada ...` (members: "
                                f"{', '.join(self.member_names())})")
        try:
            return self.world.guild.handle.member(name)
        except KeyError:
            raise CommandFailed(f"no member {name!r}; members: "
                                f"{', '.join(self.member_names())}") from None

    def member_names(self) -> list[str]:
        world = self.sandbox.world
        guild = self.world.guild.handle.guild
        return [world.users[u].username for u in guild.members
                if not world.users[u].bot and u != guild.owner_id]

    def _maybe_current(self) -> MemberHandle | None:
        return self.member(self.current) if self.current else None

    def channel(self, ref: ChannelRef, member: MemberHandle | None) -> Channel:
        world = self.sandbox.world
        if ref.kind == "dm":
            who = self.member(ref.name) if ref.name else member
            if who is None:
                raise CommandFailed("whose DM? Say `dm ada`")
            return world.dm_channel(who.id)
        guild = self.world.guild.handle.guild
        channels = [world.channels[c] for c in guild.channel_ids]
        if ref.kind == "channel":
            found = [c for c in channels if c.name == ref.name and not c.is_thread]
            if not found:
                names = ", ".join(f"#{c.name}" for c in channels if not c.is_thread)
                raise CommandFailed(f"no channel #{ref.name}; channels: {names}")
            return found[0]
        threads = [c for c in channels if c.is_thread]
        exact = [c for c in threads if c.name == ref.name]
        if exact:
            return exact[-1]
        prefix = [c for c in threads if ref.name and c.name.startswith(ref.name)]
        if len(prefix) == 1:
            return prefix[0]
        names = ", ".join(f'"{c.name}"' for c in threads) or "none yet"
        what = "is ambiguous" if prefix else "does not exist"
        raise CommandFailed(f'thread "{ref.name}" {what}; threads: {names}')

    def message(self, ref: MessageRef, member: MemberHandle, *, own: bool = False) -> Message:
        world = self.sandbox.world
        if ref.message_id is not None:
            msg = world.messages.get(ref.message_id)
            if msg is None or msg.deleted:
                raise CommandFailed(f"no message {ref.message_id}")
            return msg
        if ref.channel is None:
            ids = self.own.get(member.name, []) if own else self.shown
            for mid in reversed(ids):
                msg = world.messages.get(mid)
                if msg is not None and not msg.deleted:
                    return msg
            raise CommandFailed(f"{member.name} has sent no message yet" if own
                                else "no message shown yet")
        channel = self.channel(ref.channel, member)
        author = self.member(ref.author) if ref.author else member if own else None
        if author is not None:
            if own and author.id != member.id:
                raise CommandFailed(f"{member.name} can edit and delete only their own "
                                    f"messages, not {author.name}'s")
            pool = [m for m in self.sandbox.messages(channel, ephemeral=False)
                    if m.author_id == author.id]
            whose = f"{author.name}'s messages"
        else:
            pool = self._bot_messages(channel)
            whose = "the bot's messages"
        position = ref.index - 1 if ref.index > 0 else len(pool) + ref.index
        if not 0 <= position < len(pool):
            raise CommandFailed(f"{ref}: {self._channel_label(channel)} has {len(pool)} of "
                                f"{whose}")
        return pool[position]

    def _visible(self, msg: Message, member: MemberHandle) -> bool:
        channel = self.sandbox.world.channels[msg.channel_id]
        if msg.ephemeral:
            viewer = _viewer(msg)
            return viewer is None or viewer == member.id
        if channel.type == DM:
            return channel.recipients == [member.id]
        return True

    # -- names -------------------------------------------------------------------------------
    def _now(self) -> str:
        return self.world.clock.now().strftime("%a %Y-%m-%d %H:%M UTC")

    def _user_name(self, user_id: int) -> str:
        user = self.sandbox.world.users.get(user_id)
        return user.username if user else f"user {user_id}"

    def _role_name(self, role_id: int) -> str:
        role = self.world.guild.handle.guild.roles.get(role_id)
        return role.name if role else f"role {role_id}"

    def _channel_label_by_id(self, channel_id: int) -> str:
        channel = self.sandbox.world.channels.get(channel_id)
        return self._channel_label(channel) if channel else f"#unknown-{channel_id}"

    def _channel_label(self, channel: Channel) -> str:
        if channel.type == DM:
            return f"dm {self._user_name(channel.recipients[0])}" if channel.recipients else "dm"
        if channel.is_thread:
            return f'thread "{channel.name}"'
        return f"#{channel.name}"

    def _parent_label(self, channel: Channel) -> str:
        parent = self.sandbox.world.channels.get(channel.parent_id or 0)
        return self._channel_label(parent) if parent else "?"


# --- helpers -----------------------------------------------------------------------------------

FIXED_SECTIONS = ("discord", "storage")


def with_settings(config: Config, settings: tuple[tuple[str, str], ...]) -> Config:
    """`config` with `section.key` values changed, checked like a config file's."""
    if not settings:
        return config
    table: dict[str, dict[str, Any]] = {}
    for dotted, raw in settings:
        section, _, key = dotted.partition(".")
        if section in FIXED_SECTIONS:
            raise CommandFailed(f"[{section}] is the sandbox's own (the demo's ids and "
                                "database); change another section")
        table.setdefault(section, {})[key] = _toml_value(raw)
    try:
        parsed = parse_config(table)
    except ConfigError as exc:
        raise CommandFailed(str(exc).replace("<config>: ", "")) from None
    changes = {section: replace(getattr(config, section),
                                **{k: getattr(getattr(parsed, section), k) for k in keys})
               for section, keys in table.items()}
    return replace(config, **changes)


def _toml_value(raw: str) -> Any:
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if raw in ("true", "false"):
        return raw == "true"
    return raw


def _fingerprint(msg: Message) -> tuple[Any, ...]:
    return (msg.content, repr(msg.embeds), repr(msg.components),
            tuple(a.filename for a in msg.attachments), msg.flags, msg.deleted)


def _viewer(msg: Message) -> int | None:
    """Who sees an ephemeral message: the member whose interaction it answers."""
    meta = getattr(msg, "interaction", None)
    if isinstance(meta, dict):
        user = meta.get("user") or {}
        if user.get("id"):
            return int(user["id"])
        if meta.get("user_id"):
            return int(meta["user_id"])
    return None


def _leaf_options(definition: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The option specs of `/a b c`, following subcommand groups and subcommands."""
    options: list[dict[str, Any]] = list(definition.get("options") or [])
    for name in path[1:]:
        node = next((o for o in options if o.get("name") == name and o.get("type") in (1, 2)),
                    None)
        if node is None:
            subs = [o["name"] for o in options if o.get("type") in (1, 2)]
            raise CommandFailed(f"/{' '.join(path)}: no subcommand {name!r}"
                                + (f"; choose one of {', '.join(subs)}" if subs else ""))
        options = list(node.get("options") or [])
    subs = [o["name"] for o in options if o.get("type") in (1, 2)]
    if subs:
        raise CommandFailed(f"/{' '.join(path)} needs a subcommand: {', '.join(subs)}")
    return options


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


def _channel_ref(raw: str) -> ChannelRef:
    text = raw if not re.fullmatch(r"[\w-]+", raw) else f"#{raw}"
    ref, _ = parse_channel(_Scanner(text))
    return ref

"""The local Discord's command language: one line -> one command (pure: no Discord, no I/O).

    as ada say #lessons Hello          as mod /lesson summary share:true
    as ada click "Revise"              as ada modal works="Short" likely=no
    as ben react 👍 on thread "Outreach 1 — critiques":1
    clock +7d                          expect reply contains "Likely"
    stop                               start

The full language is in docs/sandbox.md. `parse_script` turns a file into commands (with
their line numbers, heredocs joined); `parse_line` parses one line for the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from localdiscord.clock import LATEST, WHY_LATEST

HEREDOC_START = "<<<"
HEREDOC_END = ">>>"
# A `<<<` block's text is put in the line between these two private-use characters, a quote
# of its own: the free text before it on the line is its first line (`say #lessons Hello <<<`),
# where the ordinary quotes around it would be read as part of the text.
_BLOCK_OPEN, _BLOCK_CLOSE = "\ue000", "\ue001"
_QUOTES = {'"': '"', "“": "”", _BLOCK_OPEN: _BLOCK_CLOSE}
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "”": "”", _BLOCK_CLOSE: _BLOCK_CLOSE}


class ParseError(ValueError):
    """A line that is not a command; the message says what was expected."""


# --- references ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelRef:
    """`#name`, `thread "Name"` (exact name or unique prefix), or `dm` / `dm ada`."""

    kind: str  # "channel", "thread" or "dm"
    name: str | None = None  # None for `dm`: the acting member's DM

    def __str__(self) -> str:
        if self.kind == "channel":
            return f"#{self.name}"
        if self.kind == "thread":
            return f'thread "{self.name}"'
        return f"dm {self.name}" if self.name else "dm"


@dataclass(frozen=True)
class MessageRef:
    """`last`, `msg:<id>`, or a channel with a position: `#lessons:2` (1 = first, -1 = last)
    among the bot's messages there, or `#lessons:ben:1` among ben's."""

    channel: ChannelRef | None = None  # None: `last` or `msg:<id>`
    index: int = -1
    message_id: int | None = None
    author: str | None = None  # None: the bot's messages (for edit/delete: your own)

    def __str__(self) -> str:
        if self.message_id is not None:
            return f"msg:{self.message_id}"
        if self.channel is None:
            return "last"
        return f"{self.channel}:{self.author + ':' if self.author else ''}{self.index}"


# --- commands ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    line: int = field(default=0, compare=False, kw_only=True)
    source: str = field(default="", compare=False, kw_only=True)


@dataclass(frozen=True)
class Action(Command):
    """Something a member does; `member` None means the current member (set by `as NAME`)."""

    member: str | None


@dataclass(frozen=True)
class UseMember(Command):
    member: str


@dataclass(frozen=True)
class Say(Action):
    channel: ChannelRef
    text: str
    reply_to: MessageRef | None = None


@dataclass(frozen=True)
class Dm(Action):
    text: str


@dataclass(frozen=True)
class Upload(Action):
    channel: ChannelRef  # kind "dm" for the member's DM with the bot
    filename: str
    text: str


@dataclass(frozen=True)
class Slash(Action):
    path: tuple[str, ...]
    options: tuple[tuple[str, str], ...] = ()
    channel: ChannelRef | None = None


@dataclass(frozen=True)
class Click(Action):
    target: str  # a button's label or custom_id
    on: MessageRef | None = None  # None: the newest message shown that has such a button


@dataclass(frozen=True)
class ModalAnswer(Action):
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class React(Action):
    emoji: str
    on: MessageRef
    add: bool = True


@dataclass(frozen=True)
class Edit(Action):
    ref: MessageRef
    text: str


@dataclass(frozen=True)
class Delete(Action):
    ref: MessageRef


@dataclass(frozen=True)
class Clock(Command):
    delta: timedelta | None = None
    when: datetime | None = None


@dataclass(frozen=True)
class Show(Command):
    what: str  # "channel", "threads", "members", "channels", "last", "clock", "violations"
    channel: ChannelRef | None = None


@dataclass(frozen=True)
class Expect(Command):
    """What must hold; `kind` is one of EXPECTATIONS."""

    kind: str
    text: str = ""
    number: int = 0
    channel: ChannelRef | None = None


@dataclass(frozen=True)
class Restart(Command):
    """Restart the bot, optionally with settings changed: `restart review.rate_limit_per_hour=2`."""

    settings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Lifecycle(Command):
    """`stop` or `start` the bot; members go on acting while it is down."""

    action: str  # "stop" or "start"


@dataclass(frozen=True)
class Help(Command):
    pass


@dataclass(frozen=True)
class Quit(Command):
    pass


EXPECTATIONS = (
    "reply-contains", "reply-lacks", "no-reply", "ephemeral", "public", "modal", "button",
    "file", "messages", "bot-messages", "threads", "channel-contains", "channel-lacks",
    "locked", "archived", "no-violations",
)

# --- the scanner -----------------------------------------------------------------------------


class _Scanner:
    """Whitespace-separated tokens; a double-quoted part ("…" or “…”) may hold spaces."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        self._skip_space()
        return self.pos >= len(self.text)

    def peek(self) -> str | None:
        saved = self.pos
        token = self.next()
        self.pos = saved
        return token

    def next(self) -> str | None:
        """The next raw token (quotes kept), or None at the end of the line."""
        self._skip_space()
        if self.pos >= len(self.text):
            return None
        start = self.pos
        text = self.text
        while self.pos < len(text) and not text[self.pos].isspace():
            close = _QUOTES.get(text[self.pos])
            if close is not None:
                self.pos = _end_of_quote(text, self.pos, close)
            self.pos += 1
        return text[start:self.pos]

    def expect(self, what: str) -> str:
        token = self.next()
        if token is None:
            raise ParseError(f"expected {what}")
        return token

    def rest(self) -> str:
        self._skip_space()
        out = self.text[self.pos:].rstrip()
        self.pos = len(self.text)
        return out


def _end_of_quote(text: str, start: int, close: str) -> int:
    """Index of the closing quote of the quote opened at `start`."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] == close:
            return i
        i += 1
    raise ParseError(f"unclosed quote starting at {text[start:start + 20]!r}")


def unquote(raw: str) -> str:
    """`"a \\"b\\""` -> `a "b"`; a token without quotes is returned as is."""
    if raw[:1] in _QUOTES and raw.endswith(_QUOTES[raw[0]]) and len(raw) >= 2:
        end = _end_of_quote(raw, 0, _QUOTES[raw[0]])
        if end == len(raw) - 1:
            return _unescape(raw[1:-1])
    return raw


def _unescape(body: str) -> str:
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], "\\" + body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def _text(raw: str) -> str:
    """Free text (rest of a line): unquoted when the whole of it is one quoted string; text
    before a `<<<` block is the block's first line."""
    start = raw.find(_BLOCK_OPEN)
    try:
        if start > 0 and (block := unquote(raw[start:])) != raw[start:]:
            return raw[:start].rstrip() + "\n" + block
        return unquote(raw)
    except ParseError:
        return raw


_KEY_VALUE = re.compile(r'^(?P<key>"(?:[^"\\]|\\.)*"|“[^”]*”|[\w.-]+)\s*[=:](?P<value>.*)$',
                        re.DOTALL)


def key_value(raw: str) -> tuple[str, str]:
    match = _KEY_VALUE.match(raw)
    if match is None:
        raise ParseError(f"expected name=value, found {raw!r}")
    return unquote(match["key"]), unquote(match["value"])


# --- references -----------------------------------------------------------------------------

_INDEXED = re.compile(
    r"^(?P<base>.*?)(?::(?P<author>(?!last$|first$)[A-Za-z][\w.-]*))?:(?P<index>-?\d+|last|first)$",
    re.DOTALL)


def _split_index(raw: str) -> tuple[str, str | None, int | None]:
    """`#lessons:2` -> ("#lessons", None, 2); `"Name":ben:-1` -> ('"Name"', "ben", -1)."""
    match = _INDEXED.match(raw)
    if match is None or (match["base"].count('"') % 2):
        return raw, None, None
    index = match["index"]
    number = {"last": -1, "first": 1}.get(index)
    value = number if number is not None else int(index)
    if value == 0:
        raise ParseError(f"positions count from 1 (or -1 for the last): {raw!r}")
    return match["base"], match["author"], value


def parse_channel(scan: _Scanner, *, allow_index: bool = False) -> tuple[ChannelRef, int | None]:
    """A channel reference, and the `:N` after it when `allow_index`."""
    ref, _, index = _channel(scan, allow_index)
    return ref, index


def _channel(scan: _Scanner, allow_index: bool) -> tuple[ChannelRef, str | None, int | None]:
    raw = scan.expect("a channel: #name, thread \"Name\" or dm")
    base, author, index = _split_index(raw) if allow_index else (raw, None, None)
    if base.startswith("#") and len(base) > 1:
        return ChannelRef("channel", base[1:]), author, index
    if base.startswith("thread:"):
        return ChannelRef("thread", unquote(base[len("thread:"):])), author, index
    if base == "thread":
        name_raw = scan.expect('a thread name in quotes: thread "Outreach 1 — critiques"')
        name, author, index = (_split_index(name_raw) if allow_index
                               else (name_raw, None, None))
        return ChannelRef("thread", unquote(name)), author, index
    if base == "dm":
        return ChannelRef("dm"), author, index
    if base.startswith("dm:") and len(base) > 3:
        return ChannelRef("dm", base[3:]), author, index
    raise ParseError(f'expected a channel (#name, thread "Name", dm), found {raw!r}')


def parse_channel_with_member(scan: _Scanner) -> ChannelRef:
    """Like parse_channel, and `dm ada` names a member's DM (show, expect)."""
    ref, _ = parse_channel(scan)
    if ref.kind == "dm" and ref.name is None:
        nxt = scan.peek()
        if nxt is not None and re.fullmatch(r"[\w.-]+", nxt) and nxt not in (
                "has", "contains", "lacks", "is"):
            scan.next()
            return ChannelRef("dm", nxt)
    return ref


def parse_message_ref(scan: _Scanner) -> MessageRef:
    token = scan.peek()
    if token is None:
        raise ParseError("expected a message: last, #channel:N, thread \"Name\":N or dm:N")
    if token == "last":
        scan.next()
        return MessageRef()
    if token.startswith("msg:") and token[4:].isdigit():
        scan.next()
        return MessageRef(message_id=int(token[4:]))
    channel, author, index = _channel(scan, True)
    return MessageRef(channel, -1 if index is None else index, author=author)


# --- time ------------------------------------------------------------------------------------

_DURATION = re.compile(r"(\d+)\s*(w|d|h|m|s)")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """`+7d`, `+1d12h`, `+90m`, `+2w` -> a timedelta."""
    body = text[1:] if text.startswith("+") else text
    if not body or _DURATION.sub("", body).strip():
        raise ParseError(f"expected a duration like +7d, +2h, +30m or +1d12h, found {text!r}")
    delta = timedelta()
    try:
        for number, unit in _DURATION.findall(body):
            delta += timedelta(**{_UNITS[unit]: int(number)})
    except OverflowError:
        raise ParseError(f"{text} is further than a clock can go (the latest time is "
                         f"{LATEST:%Y-%m-%d}: {WHY_LATEST})") from None
    return delta


def parse_when(text: str) -> datetime:
    """`2026-01-12T10:00`, `2026-01-12 10:00`, `2026-01-12` (UTC unless an offset is given)."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(f"expected a time like 2026-01-12T10:00 (UTC), found {text!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# --- lines -----------------------------------------------------------------------------------

_MEMBER_NAME = re.compile(r"[\w.-]+")
ACTIONS = ("say", "reply", "dm", "upload", "click", "modal", "react", "unreact", "edit",
           "delete")
TOP_LEVEL = ("as", "clock", "show", "expect", "restart", "stop", "start", "help", "quit",
             "exit")


def parse_line(text: str, line: int = 0) -> Command | None:
    """One command (heredoc text already joined in place of `<<<`); None for blank/comment."""
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return None
    scan = _Scanner(stripped)
    word = scan.expect("a command")
    meta: dict[str, Any] = {"line": line, "source": stripped}
    if word == "as":
        member = scan.expect("a member name after `as`")
        if not _MEMBER_NAME.fullmatch(member):
            raise ParseError(f"not a member name: {member!r}")
        if scan.at_end():
            return UseMember(member, **meta)
        return _action(scan, member, meta)
    if word in ACTIONS or word.startswith("/"):
        scan.pos = 0
        return _action(scan, None, meta)
    if word == "clock":
        arg = scan.rest()
        if not arg:
            return Clock(**meta)
        if arg.startswith("+"):
            return Clock(delta=parse_duration(arg), **meta)
        return Clock(when=parse_when(arg), **meta)
    if word == "show":
        return _show(scan, meta)
    if word == "expect":
        return _expect(scan, meta)
    if word == "restart":
        settings = []
        while not scan.at_end():
            key, value = key_value(scan.expect("section.key=value"))
            if "." not in key:
                raise ParseError(f"expected section.key=value, e.g. "
                                 f"review.rate_limit_per_hour=2, found {key!r}")
            settings.append((key, value))
        return Restart(settings=tuple(settings), **meta)
    if word in ("help", "quit", "exit", "stop", "start"):
        if not scan.at_end():
            raise ParseError(f"`{word}` takes nothing after it")
        if word in ("stop", "start"):
            return Lifecycle(word, **meta)
        return Help(**meta) if word == "help" else Quit(**meta)
    raise ParseError(f"unknown command {word!r}; commands: {', '.join(TOP_LEVEL)}, or an "
                     f"action ({', '.join(ACTIONS)}, /command) after `as NAME`. Try `help`.")


def _action(scan: _Scanner, member: str | None, meta: dict[str, Any]) -> Action:
    verb = scan.expect("an action: say, dm, /command, click, modal, react, ...")
    m: dict[str, Any] = {"member": member, **meta}
    if verb.startswith("/"):
        return _slash(scan, verb, m)
    if verb == "say":
        channel, _ = parse_channel(scan)
        return Say(channel=channel, text=_need_text(scan, "say"), **m)
    if verb == "reply":
        ref = parse_message_ref(scan)
        if ref.channel is None and ref.message_id is None:
            raise ParseError("reply needs a message in a channel, e.g. reply #lessons:-1 text")
        channel = ref.channel or ChannelRef("dm")
        return Say(channel=channel, text=_need_text(scan, "reply"), reply_to=ref,
                   **m)
    if verb == "dm":
        return Dm(text=_need_text(scan, "dm"), **m)
    if verb == "upload":
        channel, _ = parse_channel(scan)
        filename = unquote(scan.expect("a file name, e.g. upload dm draft.txt <text>"))
        return Upload(channel=channel, filename=filename, text=_text(scan.rest()),
                      **m)
    if verb == "click":
        target = unquote(scan.expect('a button label or custom_id, e.g. click "Revise"'))
        on = None
        if not scan.at_end():
            if scan.next() != "on":
                raise ParseError('expected `on <message>` after the button, e.g. on last')
            on = parse_message_ref(scan)
        _done(scan)
        return Click(target=target, on=on, **m)
    if verb == "modal":
        values = []
        while not scan.at_end():
            values.append(key_value(scan.expect("name=value")))
        return ModalAnswer(values=tuple(values), **m)
    if verb in ("react", "unreact"):
        emoji = unquote(scan.expect("an emoji, e.g. react 👍 on last"))
        on = MessageRef()
        if not scan.at_end():
            if scan.next() != "on":
                raise ParseError("expected `on <message>` after the emoji")
            on = parse_message_ref(scan)
        _done(scan)
        return React(emoji=emoji, on=on, add=verb == "react", **m)
    if verb == "edit":
        ref = parse_message_ref(scan)
        return Edit(ref=ref, text=_need_text(scan, "edit"), **m)
    if verb == "delete":
        ref = parse_message_ref(scan)
        _done(scan)
        return Delete(ref=ref, **m)
    raise ParseError(f"unknown action {verb!r}; actions: {', '.join(ACTIONS)}, /command")


def _slash(scan: _Scanner, verb: str, m: dict[str, Any]) -> Slash:
    path = [verb[1:]] if verb != "/" else []
    options: list[tuple[str, str]] = []
    channel = None
    while not scan.at_end():
        token = scan.peek()
        assert token is not None
        if token == "in":
            scan.next()
            channel, _ = parse_channel(scan)
        elif _KEY_VALUE.match(token) and not token.startswith(("#", "thread:")):
            options.append(key_value(scan.expect("an option")))
        elif not options and re.fullmatch(r"[\w-]+", token):
            path.append(scan.expect("a subcommand"))
        else:
            raise ParseError(f"expected option:value or `in <channel>`, found {token!r}")
    if not path or not path[0]:
        raise ParseError("expected a command name after /, e.g. /help")
    return Slash(path=tuple(path), options=tuple(options), channel=channel,
                 **m)


def _need_text(scan: _Scanner, verb: str) -> str:
    text = _text(scan.rest())
    if not text:
        raise ParseError(f"`{verb}` needs text (or <<< for several lines)")
    return text


def _done(scan: _Scanner) -> None:
    if not scan.at_end():
        raise ParseError(f"unexpected {scan.rest()!r} at the end")


def _show(scan: _Scanner, meta: dict[str, Any]) -> Show:
    token = scan.peek()
    if token in ("threads", "members", "channels", "last", "clock", "violations"):
        scan.next()
        channel = None
        if token == "threads" and not scan.at_end():
            channel, _ = parse_channel(scan)
        _done(scan)
        return Show(what=token, channel=channel, **meta)
    if token is None:
        raise ParseError("show what? #channel, thread \"Name\", dm NAME, threads, members, "
                         "channels, last, clock or violations")
    channel = parse_channel_with_member(scan)
    _done(scan)
    return Show(what="channel", channel=channel, **meta)


def _expect(scan: _Scanner, meta: dict[str, Any]) -> Expect:
    token = scan.peek()
    if token is None:
        raise ParseError("expect what? See `help expect`.")

    def made(kind: str, **kw: Any) -> Expect:
        return Expect(kind=kind, **kw, **meta)

    if token == "reply":
        scan.next()
        how = scan.expect("contains or lacks")
        if how not in ("contains", "lacks"):
            raise ParseError(f"expected `reply contains TEXT` or `reply lacks TEXT`, found {how!r}")
        return made(f"reply-{how}", text=_need_text(scan, f"expect reply {how}"))
    if token == "no":
        scan.next()
        what = scan.expect("reply or violations")
        _done(scan)
        if what not in ("reply", "violations"):
            raise ParseError("expected `expect no reply` or `expect no violations`")
        return made(f"no-{what}")
    if token in ("ephemeral", "public"):
        scan.next()
        _done(scan)
        return made(token)
    if token in ("modal", "button", "file"):
        scan.next()
        text = _text(scan.rest())
        if token != "modal" and not text:
            raise ParseError(f"`expect {token}` needs a name, e.g. expect {token} \"...\"")
        return made(token, text=text)
    channel = parse_channel_with_member(scan)
    verb = scan.expect("has, contains, lacks or is")
    if verb in ("contains", "lacks"):
        return made(f"channel-{verb}", channel=channel,
                    text=_need_text(scan, f"expect ... {verb}"))
    if verb == "is":
        state = scan.expect("locked or archived")
        _done(scan)
        if state not in ("locked", "archived"):
            raise ParseError(f"expected `is locked` or `is archived`, found {state!r}")
        return made(state, channel=channel)
    if verb == "has":
        number = scan.expect("a number")
        if not number.isdigit():
            raise ParseError(f"expected a number after `has`, found {number!r}")
        words = scan.rest().split()
        kinds = {("messages",): "messages", ("message",): "messages",
                 ("bot", "messages"): "bot-messages", ("bot", "message"): "bot-messages",
                 ("threads",): "threads", ("thread",): "threads"}
        kind = kinds.get(tuple(words))
        if kind is None:
            raise ParseError("expected `has N messages`, `has N bot messages` or `has N threads`")
        return made(kind, channel=channel, number=int(number))
    raise ParseError(f"expected has, contains, lacks or is after {channel}, found {verb!r}")


# --- scripts ---------------------------------------------------------------------------------

def join_heredoc(first: str, more: Callable[[], str | None]) -> str:
    """A line ending in `<<<` takes the following lines up to `>>>` as its text.

    `more` returns the next line, or None at the end of input (an error: unclosed).
    The text replaces `<<<`, quoted (`_BLOCK_OPEN`) so that `name=<<<` works in a modal and
    text before it is its first line.
    """
    head = first.rstrip()
    if not head.endswith(HEREDOC_START):
        return first
    body: list[str] = []
    while True:
        line = more()
        if line is None:
            raise ParseError(f"`{HEREDOC_START}` is not closed by a line `{HEREDOC_END}`")
        if line.strip() == HEREDOC_END:
            break
        body.append(line.rstrip("\n"))
    text = "\n".join(body)
    quoted = (_BLOCK_OPEN + text.replace("\\", "\\\\").replace(_BLOCK_CLOSE, "\\" + _BLOCK_CLOSE)
              + _BLOCK_CLOSE)
    return head[: -len(HEREDOC_START)] + quoted


@dataclass(frozen=True)
class ScriptError:
    line: int
    message: str


def parse_script(text: str) -> tuple[list[Command], list[ScriptError]]:
    """Every command of a script, and every line that does not parse (with its number)."""
    lines = text.splitlines()
    commands: list[Command] = []
    errors: list[ScriptError] = []
    i = 0
    while i < len(lines):
        number = i + 1
        raw = lines[i]
        i += 1

        def more() -> str | None:
            nonlocal i
            if i >= len(lines):
                return None
            i += 1
            return lines[i - 1]

        try:
            joined = join_heredoc(raw, more)
            command = parse_line(joined, number)
        except ParseError as exc:
            errors.append(ScriptError(number, str(exc)))
            continue
        if command is not None:
            original = "\n".join(lines[number - 1:i])
            commands.append(replace(command, source=original.strip()))
    return commands, errors

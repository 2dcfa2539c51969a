"""The bad-input scenario's checks of what came out: every message the bot sent (pings,
echoes, drafts where they must not be), the exports in every format (through Discord and the
CLI), the command line over hostile arguments and files, and the bot's log."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp

from bot.demo.processes import ROOT
from bot.display import member_text
from tests.markdown import displayed, markup_in

from .cohort import Cohort
from .fuzzing import SAID, Fuzzer
from .hostile import DATES, ZONES

SECRET = re.compile(r"secret-\d+x")
EPHEMERAL = 64
FORMATS = ["csv", "json", "markdown", "html"]
CLI_WITHIN = 120  # seconds a CLI run may take on a loaded machine before it counts as hung


@dataclass
class Found:
    checked: int = 0
    echoes: int = 0
    problems: list[str] = field(default_factory=list)


# --- what the bot sent ----------------------------------------------------------------------


async def check_messages(cohort: Cohort, fuzzer: Fuzzer) -> Found:
    """Every message the bot sent, as it stands now (edited ones as edited): it pings no
    one; member text it echoes displays as typed; a draft shows only in its member's DMs or
    ephemeral answers."""
    control = cohort.control
    bot_id = cohort.discord.info["bot"]["id"]
    dms = {(await control.channel(channel=f"dm:{m}"))["id"] for m in [*fuzzer.members, "mod"]}
    found = Found()
    for message in (await control.changes(since=0))["messages"].values():
        if message["author"]["id"] != bot_id:
            continue
        found.checked += 1
        where = f"the bot's message {message['content'][:120]!r}"
        if message["pings"]:
            found.problems.append(f"{where} would ping {message['pings']}")
        public = message["channel_id"] not in dms and not message["flags"] & EPHEMERAL
        for surface in _markdown_surfaces(message):
            if public and (leak := SECRET.search(surface)):
                found.problems.append(f"{where} shows DM draft text ({leak[0]}) in a channel")
            for marker in SAID.findall(surface):
                sent = fuzzer.typed.get(marker)
                if sent is not None:
                    found.echoes += 1
                    if (wrong := _echo_problem(surface, marker, sent.text)) is not None:
                        found.problems.append(f"{where} echoes {sent.where} {sent.text[-200:]!r}"
                                              f" {wrong}")
    return found


def _markdown_surfaces(message: dict[str, Any]) -> list[str]:
    """The parts of a message Discord renders as Markdown."""
    out = [message["content"]]
    for embed in message["embeds"]:
        out.append(embed.get("description") or "")
        out += [f.get("value", "") for f in embed.get("fields", [])]
    return out


def _echo_problem(surface: str, marker: str, typed: str) -> str | None:
    """Why the member text ending in `marker` does not display as typed in `surface` (up to
    80 characters before the marker: a long text is shown cut), or None."""
    shown, live = _squeezed(*displayed(_as_sent(surface)))
    end = shown.find(marker) + len(marker)
    # The bot may trim a name and put it on one line.
    expected = _squeezed(*[member_text(_as_sent(typed)).strip("\u2068\u2069").strip()] * 2)[0]
    width = min(len(expected), 80)
    if shown[end - width:end] != expected[-width:]:
        return f"as {shown[max(0, end - width):end]!r}"
    if markup := markup_in(live[end - width:end]):
        return f"rendered as Markdown ({', '.join(markup)})"
    return None


def _as_sent(text: str) -> str:
    """`text` as JSON carries it: two halves of a UTF-16 pair side by side are the one
    character they make; a lone half shows (and is stored) as U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _squeezed(shown: str, live: str) -> tuple[str, str]:
    """`shown` and `live` (aligned) with each run of white space one space."""
    out: list[tuple[str, str]] = []
    for seen, read in zip(shown, live, strict=True):
        if seen.isspace():
            if out and out[-1][0] == " ":
                continue
            seen = read = " "
        out.append((seen, read))
    return "".join(s for s, _ in out), "".join(r for _, r in out)


# --- exports --------------------------------------------------------------------------------


async def check_exports(cohort: Cohort, fuzzer: Fuzzer) -> Found:
    """Each format through /export (as the moderator: the latest run) and through
    `cohortbot export` (every run, the ones /export's autocomplete offers)."""
    found = Found()
    offered = await cohort.control.member("mod").autocomplete("export", "run",
                                                              channel="lessons")
    runs = [word for c in offered["choices"] or [] for word in ("--run", str(c["value"]))]
    async with aiohttp.ClientSession() as http:
        for fmt in FORMATS:
            asked = await cohort.control.member("mod").slash("export", {"format": fmt},
                                                             channel="lessons")
            final = await cohort.control.interaction(interaction=asked["id"], wait="final",
                                                     within=60)
            files = [a for m in (final["response"], *final["followups"]) if m
                     for a in m["attachments"]]
            if not files:
                said = (final["response"] or {}).get("content", "")
                found.problems.append(f"/export format={fmt} sent no file: {said[:300]!r}")
            for attachment in files:
                async with http.get(attachment["url"]) as got:
                    data = await got.read()
                found.checked += 1
                found.problems += _export_problems(f"/export {fmt}", attachment["filename"],
                                                   data)
    for fmt in FORMATS:
        name = f"export.{'zip' if fmt == 'csv' else fmt}"  # the CSV tables come zipped
        out = cohort.workdir / f"cli-{name}"
        ran = await _cli("export", "--config", str(cohort.bot.config), "--format", fmt,
                         "--out", str(out), "--include-bot-messages", *runs)
        if ran.returncode != 0:
            found.problems.append(f"cohortbot export --format {fmt} {' '.join(runs)}: exit "
                                  f"{ran.returncode}: {ran.stderr[-500:]}")
            continue
        found.checked += 1
        found.problems += _export_problems(f"cohortbot export {fmt}", name, out.read_bytes())
    return found


def _export_problems(what: str, name: str, data: bytes) -> list[str]:
    """Why an export file is not a valid file of its kind, or holds a DM draft."""
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [p for inner in archive.namelist()
                    for p in _export_problems(what, inner, archive.read(inner))]
    text = data.decode("utf-8-sig", errors="replace")
    problems = [f"{what}: {name} holds DM draft text ({leak[0]})"
                for leak in [SECRET.search(text)] if leak]
    try:
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(text, newline="")))
            widths = {len(r) for r in rows}
            if not rows or len(widths) != 1:
                problems.append(f"{what}: {name} rows of {sorted(widths)} columns")
        elif name.endswith(".json"):
            json.loads(text)
        elif name.endswith(".html"):
            problems += [f"{what}: {name}: {p}" for p in html_problems(text)]
    except (ValueError, csv.Error) as exc:
        problems.append(f"{what}: {name} does not parse: {exc}")
    return problems


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "rect"}  # (rect: an SVG element, self-closed)
KNOWN = VOID | {"html", "head", "title", "style", "body", "header", "nav", "main", "footer",
                "section", "article", "h1", "h2", "h3", "h4", "p", "div", "span", "a", "ul",
                "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
                "blockquote", "code", "pre", "strong", "em", "time", "svg", "text", "figure",
                "figcaption", "small", "details", "summary", "caption", "g"}


class _Structure(HTMLParser):
    """Elements opened and closed in order; unknown ones (member text let through as
    markup would be) and stray ones noted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KNOWN:
            self.problems.append(f"unknown element <{tag}> at line {self.getpos()[0]}")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KNOWN:
            self.problems.append(f"unknown element <{tag}/> at line {self.getpos()[0]}")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else ''}> at "
                                 f"line {self.getpos()[0]}")
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]
            return
        self.open.pop()


def html_problems(text: str) -> list[str]:
    parser = _Structure()
    parser.feed(text)
    parser.close()
    return parser.problems + ([f"left open: {parser.open}"] if parser.open else [])


# --- the command line -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    argv: list[str]
    returncode: int
    stderr: str
    stdout: str


async def _cli(*argv: str, stdin: bytes = b"") -> Ran:
    """`cohortbot ARGV` as its own process, as an operator runs it."""
    def run() -> Ran:
        done = subprocess.run([sys.executable, "-m", "bot", *argv], cwd=ROOT, input=stdin,
                              capture_output=True, timeout=CLI_WITHIN)
        return Ran(list(argv), done.returncode, done.stderr.decode(errors="replace"),
                   done.stdout.decode(errors="replace"))

    return await asyncio.to_thread(run)


async def fuzz_cli(cohort: Cohort, fuzzer: Fuzzer, runs: int) -> Found:
    """`runs` CLI commands with hostile arguments and files, beside the running bot: each
    ends 0 (done), 1 (a failure of its own) or 2 (the operator must change something), says
    why on stderr in a line when it is not 0, and never shows a traceback."""
    found = Found()
    files = _CliFiles(cohort, fuzzer)
    for _ in range(runs):
        argv, stdin = files.argv()
        ran = await _cli(*argv, stdin=stdin)
        found.checked += 1
        said = ran.stderr + ran.stdout
        named = f"cohortbot {' '.join(argv)[:400]!r}"
        if ran.returncode not in (0, 1, 2):
            found.problems.append(f"{named}: exit {ran.returncode}: {ran.stderr[-800:]}")
        elif "Traceback" in said:
            found.problems.append(f"{named}: a traceback: {ran.stderr[-800:]}")
        elif ran.returncode and not ran.stderr.strip():
            found.problems.append(f"{named}: exit {ran.returncode} and nothing on stderr")
        elif ran.returncode and _more_than_its_reason(ran.stderr):
            found.problems.append(f"{named}: more than a line for one reason: {ran.stderr[-800:]}")
    return found


def _more_than_its_reason(stderr: str) -> bool:
    """A usage block, or a usage error on more than one line. (A config error lists each of
    its problems on a line of its own under "config error:".)"""
    lines = stderr.strip().splitlines()
    return "usage:" in stderr or (": error: " in stderr and len(lines) > 1)


class _CliFiles:
    """Arguments and the files they name, in a scratch folder beside the cohort's."""

    def __init__(self, cohort: Cohort, fuzzer: Fuzzer) -> None:
        self.cohort = cohort
        self.hostile = fuzzer.hostile
        self.rng = fuzzer.rng
        self.root = cohort.workdir / "cli"
        self.root.mkdir()
        (self.root / "plain").write_bytes(b"x")
        self._n = 0

    def _path(self, content: bytes | None = None) -> str:
        """A fresh path of a hostile kind: a file holding `content`, missing, a folder,
        under a file, with characters that break URIs, too long."""
        self._n += 1
        kind = self.rng.choice(["file", "file", "missing", "folder", "under-a-file", "odd",
                                "long"])
        if kind == "missing":
            return str(self.root / "absent" / f"f{self._n}")
        if kind == "folder":
            return str(self.root)
        if kind == "under-a-file":
            return str(self.root / "plain" / f"f{self._n}")
        if kind == "long":
            return str(self.root / ("n" * 300))
        path = self.root / (f"f{self._n}#odd?%41 \u202e" if kind == "odd" else f"f{self._n}")
        path.write_bytes(content if content is not None else self.hostile.toml().encode(
            "utf-8", "surrogatepass"))
        return str(path)

    def _database(self) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return str(self.cohort.database)  # the bot's own, in use
        if roll < 0.6:
            broken = self.cohort.database.read_bytes()[: self.rng.randrange(0, 8192)]
            return self._path(broken)
        return self._path(bytes(self.rng.randrange(256) for _ in range(300)))

    def _config(self) -> str:
        return str(self.cohort.bot.config) if self.rng.random() < 0.4 else self._path()

    def _word(self) -> str:
        return self.rng.choice([self.hostile.text()[:200], "-", "--", "-x", "--nope",
                                "\x7f", "0", "-1", "9" * 40, *DATES[:4], *ZONES[:4]])

    def argv(self) -> tuple[list[str], bytes]:
        rng = self.rng
        command = rng.choice(["review", "check-config", "backup", "export", "export",
                              "nonsense"])
        args: list[str]
        if command == "review":
            args = rng.sample(["--json", "--followup", "--channel", rng.choice(
                ["email", "linkedin_note", "fax", ""]), "--attempt", rng.choice(
                ["0", "1", "2", "x", "-5"])], rng.randrange(0, 4))
            args.append(rng.choice(["-", self._path(self.hostile.draft().encode(
                "utf-8", "surrogatepass"))]))
        elif command == "check-config":
            args = [self._config()]
        elif command == "backup":
            dest = self._path(b"an older backup")
            args = [dest + rng.choice(["", "/", ""]), *rng.choice(
                [[], ["--force"]]), *rng.choice([["--database", self._database()],
                                                 ["--config", self._config()]])]
        elif command == "export":
            args = ["--format", rng.choice([*FORMATS, "xml", ""]),
                    "--out", rng.choice(["-", self._path(b"an older export")]),
                    *rng.choice([["--db", self._database()], ["--config", self._config()]])]
            for flag, values in [("--run", ["1", "2", "0", "-1", "x", "9" * 30]),
                                 ("--example", ["1", "3", "11", "0"]), ("--since", DATES),
                                 ("--until", DATES), ("--timezone", ZONES),
                                 ("--table", ["messages", "critiques", "nope"]),
                                 ("--lessons", [str(self.cohort.bot.workdir / "lessons"),
                                                self._path(b"")])]:
                if rng.random() < 0.3:
                    args += [flag, rng.choice(values)]
        else:
            command = self._word()
            args = []
        if rng.random() < 0.2:  # a stray word or flag, or a flag's value left off
            args.insert(rng.randrange(len(args) + 1), self._word())
        stdin = self.hostile.draft().encode("utf-8", "surrogatepass")
        return [command, *args], stdin


# --- the log --------------------------------------------------------------------------------


def check_log(cohort: Cohort, fuzzer: Fuzzer) -> list[str]:
    """The bot's log, once it stopped: no sign of a bug after the last act (each act's part
    was read as it ran), and no member text anywhere in it."""
    fuzzer.read_log("the exports, the last checks and the shutdown")
    logged = cohort.bot.logged()
    return [f"the bot's log holds member text ({leak})"
            for leak in sorted({*SECRET.findall(logged), *SAID.findall(logged)})]

"""The export service: a run's whole discussion, from storage, as one file or a few that fit.

`write` streams an export to any binary stream (the CLI's file or stdout); `export_files`
writes it into a directory and makes it fit Discord's upload limit: the file itself if it
fits, else zipped, else the zip cut into numbered parts (`.zip.001`, `.002`, ...) that each
fit, which `cat` or 7-Zip puts back together. Everything runs in a worker thread over a
read-only snapshot (storage/export.py), so a big export never blocks the bot.
"""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from bot.clock import Clock, to_ms
from bot.critiques import VOTE_EMOJI, Tally
from bot.display import file_size
from bot.errors import UserError
from bot.export import csv, render
from bot.export.mentions import Names, readable_critique, readable_message
from bot.export.model import (
    Critique,
    Document,
    ExampleSection,
    Format,
    Message,
    Reaction,
    Reactor,
    RunSection,
    Scope,
    Table,
    critique_post_text,
)
from bot.export.participation import name_of, participants
from bot.export.times import Calendar, short_local, snowflake_ms
from bot.export.verdicts import reviewer_view
from bot.lessons import LessonCatalog
from bot.runs import as_posted
from storage.export import ExampleRecord, ExportReader, RunRecord, ThreadStats

# Parts beyond this are refused: each is one more message in the moderator's DM-like answer,
# and a 15-minute interaction token does not last for hundreds of uploads.
MAX_PARTS = 10
_WRITE_CHUNK = 1 << 16
_COPY_BLOCK = 1 << 20


@dataclass(frozen=True)
class ExportRequest:
    format: Format
    runs: tuple[int, ...] = ()  # empty: the latest run
    guild_id: int | None = None  # only runs of this server (the bot); None: any (the CLI)
    example: int | None = None
    since_ms: int | None = None
    until_ms: int | None = None
    include_bot_messages: bool = False
    table: Table | None = None  # CSV: one table alone instead of all of them in a zip
    # Display names from the server, for voters who never wrote anything the bot stored and
    # for mentions; the server's roles and channels by name, for mentions of them.
    names: Mapping[int, str] = field(default_factory=dict)
    roles: Mapping[int, str] = field(default_factory=dict)
    channels: Mapping[int, str] = field(default_factory=dict)
    bot_author: tuple[int | None, str] = (None, "cohortbot")

    def __post_init__(self) -> None:
        # A run named twice (`--run 1 --run 1`) is exported once, where it was first named.
        object.__setattr__(self, "runs", tuple(dict.fromkeys(self.runs)))
        # Here, not in each entry point: an empty range is a mistake from /export and the CLI.
        if (self.since_ms is not None and self.until_ms is not None
                and self.since_ms >= self.until_ms):
            raise UserError("`since` must come before `until`: nothing falls in that range.")


@dataclass(frozen=True)
class ExportResult:
    run_ids: tuple[int, ...]
    # A lone CSV table, which does not count them (the counts below are then 0); None when
    # the export holds everything and the counts are its own.
    table: Table | None
    messages: int
    critiques: int
    participants: int
    # Lessons of the exported runs that the catalog lacks: their prompt and examples' text
    # are missing from the export.
    missing_lessons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportFiles:
    paths: tuple[Path, ...]
    result: ExportResult
    size: int  # bytes of the export as written, before any zipping to fit
    zipped_to_fit: bool
    split: bool


class ExportService:
    """Exports from the database file at `database` (the bot's own, or a backup).

    `lessons` gives the lesson catalog (the prompt, the examples' text): the bot's loaded one,
    or the lesson directory read by the command line. `verify`: check every page of the file
    before each export, as the command line does with whatever file it is handed (the bot
    checked its own at start)."""

    def __init__(self, database: Path, *, timezone: ZoneInfo,
                 lessons: Callable[[], LessonCatalog], clock: Clock,
                 verify: bool = False) -> None:
        self.database = database
        self.timezone = timezone
        self.lessons = lessons
        self.clock = clock
        self.verify = verify

    # --- choosing a run -------------------------------------------------------------------

    async def run_choices(self, guild_id: int, zone: ZoneInfo,
                          limit: int = 25) -> list[tuple[int, str]]:
        """(run id, label) of the server's runs, newest first, for autocomplete:
        "#3 · Networking with Professionals · posted 2026-01-05 10:00 · closed". A choice is
        plain text (Discord renders no timestamp there), so the time is in `zone`, the
        moderator's own (`/settings timezone`)."""
        def read() -> list[RunRecord]:
            with ExportReader.open(self.database) as reader:
                return reader.runs(guild_id=guild_id, limit=limit)

        catalog = self.lessons()
        calendar = Calendar(zone)
        return [
            (run.id, f"#{run.id} · {self._title(run, catalog)} · posted "
                     f"{short_local(calendar.local(run.created_at))} · {run.status}")
            for run in await asyncio.to_thread(read)
        ]

    @staticmethod
    def _title(run: RunRecord, catalog: LessonCatalog) -> str:
        """The lesson's title as the run posted it."""
        posted = as_posted(run.lesson_title, run.prompt, {}, catalog.get(run.lesson_key))
        return posted.title or run.lesson_key

    # --- writing --------------------------------------------------------------------------

    def write(self, request: ExportRequest, out: IO[bytes]) -> ExportResult:
        """Stream the export to `out`: one document, one CSV table, or a zip of all tables."""
        with ExportReader.open(self.database, verify=self.verify) as reader:
            doc = self._document(reader, request)
            if request.format is not Format.CSV:
                _write_text(render(doc, request.format), out)
            elif request.table is not None:
                _write_text(_csv_table(doc, request.table), out)
            else:
                with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                    for table in Table:
                        with archive.open(f"{table}.csv", "w") as member:
                            _write_text(_csv_table(doc, table), member)
            counts = [run.counts for run in doc.runs]
            return ExportResult(
                tuple(run.id for run in doc.runs),
                request.table if request.format is Format.CSV else None,
                sum(c.messages for c in counts), sum(c.critiques for c in counts),
                sum(c.participants for c in counts),
                tuple(dict.fromkeys(r.lesson_key for r in doc.runs if r.lesson_title is None)))

    async def export_files(self, request: ExportRequest, *, limit: int,
                           workdir: Path) -> ExportFiles:
        """Write the export under `workdir` as files of at most `limit` bytes each."""
        return await asyncio.to_thread(self._export_files, request, limit, workdir)

    def _export_files(self, request: ExportRequest, limit: int, workdir: Path) -> ExportFiles:
        written = workdir / "export.partial"
        with written.open("wb") as out:
            result = self.write(request, out)
        path = written.rename(workdir / self.file_name(request, result.run_ids))
        size = path.stat().st_size
        if size <= limit:
            return ExportFiles((path,), result, size, zipped_to_fit=False, split=False)
        zipped = path.suffix != ".zip"  # the CSV tables come zipped already
        if zipped:
            archive = path.with_name(path.name + ".zip")
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
                z.write(path, path.name)
            path.unlink()
            path = archive
        zip_size = path.stat().st_size
        if zip_size <= limit:
            return ExportFiles((path,), result, size, zipped, split=False)
        parts = -(-zip_size // limit)
        if parts > MAX_PARTS:
            raise UserError(
                f"This export is {file_size(zip_size)} zipped: {parts} parts of "
                f"{file_size(limit)}, more than the {MAX_PARTS} I send. Narrow it (an "
                "example, `since`/`until`), or "
                "run `cohortbot export` where the bot runs for the whole file."
            )
        return ExportFiles(tuple(_split(path, limit)), result, size, zipped, split=True)

    @staticmethod
    def file_name(request: ExportRequest, run_ids: Iterable[int]) -> str:
        stem = "cohort-run-" + "-".join(str(i) for i in run_ids)
        if request.example is not None:
            stem += f"-example-{request.example}"
        if request.format is not Format.CSV:
            return f"{stem}.{request.format.extension}"
        return f"{stem}-{request.table}.csv" if request.table else f"{stem}-csv.zip"

    # --- the document ---------------------------------------------------------------------

    def _document(self, reader: ExportReader, request: ExportRequest) -> Document:
        runs = self._runs(reader, request)
        scope = Scope(tuple(r.id for r in runs), request.example, request.since_ms,
                      request.until_ms, request.include_bot_messages)
        catalog = self.lessons()
        calendar = Calendar(self.timezone)
        mentioned = _mention_names(reader, request, calendar)
        sections = tuple(
            self._run_section(reader, run, scope, catalog, calendar, request, mentioned)
            for run in runs)
        return Document(to_ms(self.clock.now()), calendar, scope, sections)

    def _runs(self, reader: ExportReader, request: ExportRequest) -> list[RunRecord]:
        if not request.runs:
            latest = reader.runs(guild_id=request.guild_id, limit=1)
            if not latest:
                raise UserError("No lesson has been posted yet, so there is nothing to export.")
            return latest
        found = []
        for run_id in request.runs:
            rows = reader.runs(guild_id=request.guild_id, run_id=run_id, limit=1)
            if not rows:
                raise UserError(f"There is no run #{run_id}"
                                + (" in this server." if request.guild_id else "."))
            found.append(rows[0])
        return found

    def _run_section(
        self, reader: ExportReader, run: RunRecord, scope: Scope, catalog: LessonCatalog,
        calendar: Calendar, request: ExportRequest, mentioned: Names,
    ) -> RunSection:
        every = reader.examples(run.id)
        posted = as_posted(run.lesson_title, run.prompt, {e.number: e.text for e in every},
                           catalog.get(run.lesson_key))
        examples = [e for e in every if scope.example is None or e.number == scope.example]
        if scope.example is not None and not examples:
            raise UserError(f"Run #{run.id} has no example {scope.example}.")
        critiques = [readable_critique(c, mentioned) for c in reader.critiques(run.id, scope)]
        # Counting messages and people reads every message of the run: skipped for a lone CSV
        # table that shows neither (the messages table is the export's hot path).
        tables = set(Table) if request.format is not Format.CSV or request.table is None else {
            request.table}
        stats = {e.number: reader.thread_stats(e.thread_id, scope)
                 if Table.EXAMPLES in tables else ThreadStats(0, 0, 0) for e in examples}
        members = reader.run_members(run.id) if Table.PARTICIPATION in tables else []
        people = participants(
            reader.message_activity([e.thread_id for e in examples if e.thread_id], scope),
            critiques, {**dict(members), **request.names},
            [m for m, _ in members]) if Table.PARTICIPATION in tables else ()
        # Who voted, by name (the votes are the 👍 on the bot's posts of the critiques).
        names = {**request.names, **{c.author_id: c.author_name for c in critiques},
                 **{p.member_id: p.name for p in people}}
        critiques = [replace(c, voter_names=tuple(name_of(v, names) for v in c.voter_ids))
                     for c in critiques]
        sections = []
        for example in examples:
            sections.append(self._example_section(
                reader, example, stats[example.number], posted.texts.get(example.number),
                [c for c in critiques if c.example_no == example.number], scope, request,
                names, mentioned))
        return RunSection(
            run.id, run.guild_id, run.channel_id, run.lesson_key,
            posted.title, posted.prompt, run.status,
            run.created_at, run.closed_at, tuple(sections), people, bool(members),
            partial(self._csv_message_lines, reader, run, examples, critiques, scope, calendar,
                    request, names, mentioned),
        )

    def _example_section(
        self, reader: ExportReader, example: ExampleRecord, stats: ThreadStats,
        text: str | None, critiques: list[Critique], scope: Scope, request: ExportRequest,
        names: Mapping[int, str], mentioned: Names,
    ) -> ExampleSection:
        posts = (self._bot_posts(critiques, request, names) if scope.include_bot_messages
                 else [])
        return ExampleSection(
            example.number, example.title, text, example.thread_id,
            stats.messages, stats.attachments, stats.reactions, len(posts), tuple(critiques),
            Tally.of(c.likely for c in critiques), reviewer_view(text) if text else None,
            lambda: (readable_message(m, mentioned)
                     for m in reader.messages(example.thread_id, scope, posts)),
        )

    @staticmethod
    def _bot_posts(critiques: Iterable[Critique], request: ExportRequest,
                   names: Mapping[int, str]) -> list[Message]:
        """The bot's post of each critique, as a message of its thread (posted when its id
        says; edited when the critique was), its votes as its 👍."""
        author_id, author_name = request.bot_author
        return sorted(
            (Message(c.message_id, "bot", author_id, author_name, critique_post_text(c),
                     snowflake_ms(c.message_id),
                     c.updated_ms if c.updated_ms != c.created_ms else None,
                     None, reactions=(Reaction(VOTE_EMOJI, c.votes, users=tuple(
                         Reactor(v, name_of(v, names)) for v in c.voter_ids)),)
                     if c.votes else (),
                     critique_id=c.id)
             for c in critiques if c.message_id is not None),
            key=lambda m: m.message_id)

    def _csv_message_lines(
        self, reader: ExportReader, run: RunRecord, examples: list[ExampleRecord],
        critiques: list[Critique], scope: Scope, calendar: Calendar, request: ExportRequest,
        names: Mapping[int, str], mentioned: Names,
    ) -> Iterator[bytes]:
        for example in examples:
            posts = self._bot_posts([c for c in critiques if c.example_no == example.number],
                                    request, names) if scope.include_bot_messages else []
            bot_lines = [(m.message_id, csv.message_line(run.id, example.number,
                                                         example.thread_id, m, calendar))
                         for m in posts]
            yield from reader.csv_message_lines(
                run.id, example.number, example.thread_id, scope, calendar,
                partial(_readable_line, partial(csv.message_line, run.id, example.number,
                                                example.thread_id, cal=calendar), mentioned),
                bot_lines)


def _readable_line(line: Callable[[Message], str], mentioned: Names, m: Message) -> str:
    """A CSV row that Python builds (SQLite cannot show mentions as words)."""
    return line(readable_message(m, mentioned))


def _mention_names(reader: ExportReader, request: ExportRequest, calendar: Calendar) -> Names:
    """Who a mention names: the server's display names (from Discord), the bot, else the
    latest name stored for that member, looked up once per id mentioned."""
    known: dict[int, str | None] = dict(request.names)
    bot_id, bot_name = request.bot_author
    if bot_id is not None:
        known.setdefault(bot_id, bot_name)

    def member(member_id: int) -> str | None:
        if member_id not in known:
            known[member_id] = reader.member_name(member_id)
        return known[member_id]

    return Names(calendar, member, request.roles, request.channels)


def _csv_table(doc: Document, table: Table) -> Iterator[str | bytes]:
    rows = {
        Table.MESSAGES: lambda run: run.csv_message_lines(),
        Table.CRITIQUES: lambda run: csv.critique_lines(doc, run),
        Table.PARTICIPATION: lambda run: csv.participation_lines(doc, run),
        Table.EXAMPLES: lambda run: csv.example_lines(doc, run),
    }[table]
    return csv.table(table, (line for run in doc.runs for line in rows(run)))


def _write_text(chunks: Iterable[str | bytes], out: IO[bytes]) -> None:
    """Write text as UTF-8 in blocks of about 64 KiB (a write per small chunk is slow); bytes
    (CSV lines that SQLite built already encoded) go through as they are."""
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        if isinstance(chunk, bytes):
            out.write("".join(pending).encode("utf-8"))
            pending.clear()
            size = 0
            out.write(chunk)
            continue
        pending.append(chunk)
        size += len(chunk)
        if size >= _WRITE_CHUNK:
            out.write("".join(pending).encode("utf-8"))
            pending.clear()
            size = 0
    if pending:
        out.write("".join(pending).encode("utf-8"))


def _split(path: Path, limit: int) -> list[Path]:
    """`path` cut into `<name>.001`, `<name>.002`, ... of `limit` bytes (the last smaller),
    copied a block at a time: the limit can be hundreds of megabytes."""
    parts = []
    with path.open("rb") as source:
        for number in range(1, -(-path.stat().st_size // limit) + 1):
            part = path.with_name(f"{path.name}.{number:03d}")
            with part.open("wb") as out:
                left = limit
                while left and (block := source.read(min(left, _COPY_BLOCK))):
                    out.write(block)
                    left -= len(block)
            parts.append(part)
    path.unlink()
    return parts

"""Read queries for exports, over one read-only snapshot of the database, streamed.

An export opens its own read-only connection (the stdlib's sqlite3, run in a worker thread)
rather than using the bot's aiosqlite connection:
- in WAL mode it reads a consistent snapshot while the bot keeps writing, and never holds the
  bot's connection for the seconds a big export takes;
- the same code exports a database file or a backup offline (`cohortbot export --db`).
One read transaction spans the whole export, so its counts, tables and threads agree.

What is never read: DM content (outreaches, follow-ups, review usage are not touched), deleted
messages (`deleted_at IS NOT NULL`), and members who used /forget-me (their rows are gone).

The CSV messages table is built by SQLite itself, line by line (`csv_message_lines`): Python
per row was four times slower than `sqlite3 -csv` on the same rows. The cell rules are
`bot/export/csv.py`'s, turned into SQL by `csv_cell_sql`; times go through the export's
`Calendar` quarters, loaded into a temporary table.
"""

from __future__ import annotations

import heapq
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.critiques import Likely
from bot.errors import StorageError
from bot.export.csv import FORMULA_STARTS, LINE_END, NEUTRALIZER
from bot.export.model import Attachment, Critique, Message, Reaction, Reactor, ReplyTo, Scope
from bot.export.participation import MessageActivity
from bot.export.text import URL_KEPT
from bot.export.times import MINUTE_MS, QUARTER_MS, Calendar, Quarter
from storage.db import SCHEMA_VERSION, path_kind, require_database_path, unusable
from storage.readonly import ReadOnlyDatabase

_FETCH = 2048
_NEVER, _FOREVER = -(2**63), 2**63 - 1
_EXCERPT = 200  # characters of a replied-to message kept for the "↪ Ada: ..." line
_SEED_SPAN_MS = 366 * 24 * 3600 * 1000  # a thread's calendar is loaded whole up to a year


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    guild_id: int
    channel_id: int
    lesson_key: str
    status: str
    created_at: int
    closed_at: int | None
    lesson_title: str | None  # as posted; None before the bot kept it (bot/runs.py: as_posted)
    prompt: str | None


@dataclass(frozen=True, slots=True)
class ExampleRecord:
    run_id: int
    number: int
    title: str
    thread_id: int | None
    text: str | None  # as posted; None before the bot kept it


@dataclass(frozen=True, slots=True)
class ThreadStats:
    messages: int
    attachments: int
    reactions: int


def _bounds(scope: Scope) -> tuple[int, int]:
    since = scope.since_ms if scope.since_ms is not None else _NEVER
    until = scope.until_ms if scope.until_ms is not None else _FOREVER
    return since, until


def _neutralizer_sql(expr: str) -> str:
    """`'` when `expr` starts like a formula, else '' (bot/export/csv.py: FORMULA_STARTS)."""
    codes = ", ".join(str(ord(c)) for c in FORMULA_STARTS)
    quoted = "'" + NEUTRALIZER.replace("'", "''") + "'"
    return f"CASE WHEN unicode({expr}) IN ({codes}) THEN {quoted} ELSE '' END"


def csv_cell_sql(expr: str) -> tuple[str, list[str]]:
    """A quoted, neutralized CSV text cell as a printf format piece and its arguments.

    printf's `%w` doubles double quotes: exactly RFC 4180's escaping inside a quoted field. It
    would also stop at a NUL, which no SQL function can replace (`char(0)` is the empty
    string): a row whose text holds one is built by Python (`_csv_message_select`), with
    bot/export/csv.py's NUL_STANDIN.
    """
    return '"%s%w"', [_neutralizer_sql(expr), expr]


def _time_sql(quarter: str, ms: str) -> tuple[str, list[str]]:
    """UTC and local ISO-8601 cells for `ms`, from its calendar quarter (bot/export/times)."""
    minute = f"{ms} % {QUARTER_MS} / {MINUTE_MS}"
    second, milli = f"{ms} % {MINUTE_MS} / 1000", f"{ms} % 1000"
    return ('"%s%02d:%02d.%03dZ","%s%02d:%02d.%03d%s"',
            [f"{quarter}.utc_prefix", f"{quarter}.utc_minute + {minute}", second, milli,
             f"{quarter}.local_prefix", f"{quarter}.local_minute + {minute}", second, milli,
             f"{quarter}.suffix"])


# A message's reactions in emoji order (the table's own: no sort), each with the members known to
# have reacted in id order: the JSON and the CSV paths read them alike, so SQLite's CSV cell and
# Python's (Reaction.describe) agree. `m.reactions` (the message's total) and `r.named` are
# running counts the database keeps (storage/migrations/0008_discussion_reactions.sql), so
# the many messages without a reaction, and reactions nobody is named for, cost no look-up. A
# custom emoji is stored by its id, which differs from its name. None of it in a database
# from before reactions.
_HAS_REACTIONS = "m.reactions > 0"
_REACTIONS = (
    "(SELECT * FROM discussion_reactions r WHERE r.message_id = m.message_id ORDER BY r.emoji) r"
)
# A reactor whose name was not stored is "member <id>" (bot/export/participation.py: name_of).
_REACTORS = (
    "(SELECT u.user_id, coalesce(u.user_name, 'member ' || u.user_id) AS name"
    " FROM discussion_reactors u WHERE u.message_id = r.message_id AND u.emoji = r.emoji"
    " ORDER BY u.user_id) u"
)
_REACTIONS_JSON = (
    f"CASE WHEN {_HAS_REACTIONS} THEN (SELECT json_group_array(json_array("
    " CASE WHEN r.emoji <> r.name THEN r.emoji END, r.name, r.count,"
    " CASE WHEN r.named THEN json((SELECT json_group_array(json_array(u.user_id, u.name))"
    f" FROM {_REACTORS})) ELSE json_array() END)) FROM {_REACTIONS}) END"
)
# Reaction.describe, one per line: "👍 3 (Ada, Ben and 1 more)". It starts with an emoji or a
# custom one's ':' (never like a formula) and Discord's names hold no NUL: a CSV cell needs
# only the quoting (`%w`).
_REACTIONS_CELL = (
    f"CASE WHEN {_HAS_REACTIONS} THEN (SELECT printf('\"%w\"', group_concat("
    "CASE WHEN r.emoji <> r.name THEN ':' || r.name || ':' ELSE r.name END || ' ' || r.count"
    " || CASE WHEN r.named THEN ' (' || (SELECT group_concat(u.name, ', ') FROM"
    f" {_REACTORS}) || CASE WHEN r.count > r.named THEN ' and ' || (r.count - r.named)"
    " || ' more' ELSE '' END || ')' ELSE '' END, char(10))) FROM"
    f" {_REACTIONS}) END"
)


def _csv_message_select(run_id: int, example_no: int, *, with_id: bool = False,
                        reactions: bool = True) -> tuple[str, str]:
    """A SELECT of a thread's rows of the CSV messages table (bot/export/csv.COLUMNS), and the
    printf format of a row. `reactions`: whether the database has them (one written before
    reactions were captured has not).

    A row is its line as UTF-8 bytes (a BLOB: no decoding into Python text and back), or the
    message id, an integer, when SQLite cannot build it: a time outside the loaded calendar,
    a NUL in the text (printf would stop there), or Discord's markup to show as words.
    `with_id` puts the message id first."""
    author, author_args = csv_cell_sql("m.author_name")
    content, content_args = csv_cell_sql("m.content")
    created, created_args = _time_sql("cq", "m.created_at")
    edited, edited_args = _time_sql("eq", "m.edited_at")
    files, files_args = csv_cell_sql("group_concat(printf('%s (%d bytes) %s', a.filename,"
                                     " a.size, a.url), char(10))")
    line = (f"{run_id},{example_no},%d,%d,\"member\",%d,{author},%s,{created},%s,{content},%s,"
            "%s" + LINE_END)
    files_of = "FROM discussion_attachments a WHERE a.message_id = m.message_id"
    args = ["m.thread_id", "m.message_id", "m.author_id", *author_args,
            f"CASE WHEN m.reply_to_id IS NOT NULL AND ({_REPLY_STORED}) THEN m.reply_to_id END",
            *created_args,
            f"CASE WHEN m.edited_at IS NULL THEN ',' ELSE printf('{edited}', "
            f"{', '.join(edited_args)}) END",
            *content_args,
            # Most messages have no file: the cheap EXISTS spares them the aggregate.
            f"CASE WHEN EXISTS (SELECT 1 {files_of}) THEN (SELECT printf('{files}',"
            f" {', '.join(files_args)}) {files_of}) END",
            _REACTIONS_CELL if reactions else "NULL"]
    # (File and member names are not checked for a NUL: Discord's never hold one, and a
    # second look-up per message would cost a tenth of the export.)
    python_builds = (
        "cq.id IS NULL OR (m.edited_at IS NOT NULL AND eq.id IS NULL)"
        " OR instr(CAST(m.content AS BLOB), x'00') OR instr(CAST(m.author_name AS BLOB), x'00')"
        # Discord's markup (a mention, an emoji, a time) is shown as words by Python
        # (bot/export/mentions.py); a `<` is what every piece of it starts with.
        " OR instr(m.content, '<')"
        f" OR {_URL_REWRITTEN}"
    )
    return (
        f"SELECT {'m.message_id, ' if with_id else ''}CASE WHEN {python_builds}"
        f" THEN m.message_id ELSE CAST(printf(:line, {', '.join(args)}) AS BLOB) END"
        " FROM discussion_messages m"
        f" LEFT JOIN temp.export_quarters cq ON cq.id = m.created_at / {QUARTER_MS}"
        f" LEFT JOIN temp.export_quarters eq ON eq.id = m.edited_at / {QUARTER_MS}"
        f" {_THREAD_WHERE} ORDER BY m.message_id"
    ), line


# Whether one of the message's files has a URL that `safe_url` would change (another scheme, a
# character to percent-encode): Python writes that row. Discord's CDN URLs never do, so SQLite
# writes every ordinary row; the look-up is an index probe like the files cell's (no change
# measured in the CSV export of 50,000 messages).
_URL_KEPT_GLOB = "[^" + "".join(sorted(URL_KEPT - {"-"})) + "-]"
_URL_REWRITTEN = (
    "EXISTS (SELECT 1 FROM discussion_attachments a WHERE a.message_id = m.message_id AND"
    " (NOT (a.url GLOB 'https://*' OR a.url GLOB 'http://*')"
    f" OR a.url GLOB '*{_URL_KEPT_GLOB}*'))"
)


# Whether a replied-to message is still stored: a member message not deleted, or a critique's
# post. A reply to anything else (deleted, or its author used /forget-me) keeps no id.
_REPLY_STORED = (
    "EXISTS (SELECT 1 FROM discussion_messages p WHERE p.message_id = m.reply_to_id"
    " AND p.deleted_at IS NULL)"
    " OR EXISTS (SELECT 1 FROM critiques rc WHERE rc.message_id = m.reply_to_id)"
)
_THREAD_WHERE = (
    "WHERE m.thread_id = :thread AND m.deleted_at IS NULL"
    " AND m.created_at >= :since AND m.created_at < :until"
)


def _reactions(packed: str) -> tuple[Reaction, ...]:
    """The JSON `_REACTIONS_JSON` builds: [custom id or null, name, count, [[id, name]...]]."""
    return tuple(
        Reaction(name, total, int(custom) if custom is not None else None,
                 tuple(Reactor(*u) for u in users))
        for custom, name, total, users in json.loads(packed))


class ExportReader:
    """A read-only snapshot: `with ExportReader.open(path) as reader: ...`. SQLite's errors
    from any read in the block (a damaged page the checks did not reach) leave it as the
    `StorageError` that says what is wrong with the file."""

    def __init__(self, source: ReadOnlyDatabase) -> None:
        self._source = source
        self._conn = conn = source.conn
        self.path = source.path
        self._calendar_ready = False
        # A backup from before reactions were captured, or run members kept (an older
        # schema), has none to read.
        self._reactions, self._members = (conn.execute(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?",
            (table,)).fetchone()[0] == 1 for table in ("discussion_reactions", "run_members"))
        # Nor one from before runs kept what they posted (migration 0011): NULL, as in a run
        # posted before it.
        kept = conn.execute("SELECT count(*) FROM pragma_table_info('run_examples')"
                            " WHERE name = 'text'").fetchone()[0] == 1
        self._kept = ("lesson_title, prompt", "text") if kept else (
            "NULL AS lesson_title, NULL AS prompt", "NULL AS text")

    @classmethod
    def open(cls, path: Path | str, *, verify: bool = False) -> ExportReader:
        """The snapshot of the database at `path` (storage/readonly.py: a read-only folder
        will do). `verify`: check every page first (`quick_check`, as the bot does at start),
        which costs a read of the whole file; the bot's own export has checked at start."""
        path = Path(path)
        if path_kind(path) != "file":  # (a name too long says so: an is_file() raised)
            require_database_path(path)  # (a folder, a device: said as what it is)
            raise StorageError(f"{path}: no database there")
        source = ReadOnlyDatabase.open(path)
        try:
            version = source.conn.execute("PRAGMA user_version").fetchone()[0]
            if not 1 <= version <= SCHEMA_VERSION:
                raise StorageError(
                    f"{path}: the database is at schema version {version}; this bot reads "
                    f"1 to {SCHEMA_VERSION}. "
                    + ("Export it with the newer cohortbot that wrote it." if version
                       else "It holds no cohortbot data yet.")
                )
            # One snapshot for the whole export, the check's too: the first read fixes it.
            source.conn.execute("BEGIN")
            if verify:
                source.verify()
            source.conn.execute("SELECT 1 FROM lesson_runs LIMIT 1").fetchall()
            return cls(source)
        except BaseException as exc:
            source.close()
            if isinstance(exc, sqlite3.DatabaseError):
                raise unusable(path, exc) from None
            raise

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> ExportReader:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, trace: object) -> None:
        self.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise unusable(self.path, exc) from None

    def _rows(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        cur = self._conn.execute(sql, params)
        cur.row_factory = sqlite3.Row
        return cur.fetchall()

    # --- runs and examples ----------------------------------------------------------------

    def runs(self, *, guild_id: int | None = None, run_id: int | None = None,
             limit: int = 25) -> list[RunRecord]:
        """Posted runs (not half-posted ones), newest first; in one guild, or one run."""
        where = ["status != 'posting'"]
        params: list[Any] = []
        if guild_id is not None:
            where.append("guild_id = ?")
            params.append(guild_id)
        if run_id is not None:
            where.append("id = ?")
            params.append(run_id)
        rows = self._rows(
            "SELECT id, guild_id, channel_id, lesson_key, status, created_at, closed_at,"
            f" {self._kept[0]} FROM lesson_runs WHERE {' AND '.join(where)}"
            " ORDER BY id DESC LIMIT ?",
            [*params, limit],
        )
        return [RunRecord(*r) for r in rows]

    def examples(self, run_id: int) -> list[ExampleRecord]:
        rows = self._rows(
            f"SELECT run_id, example_no, title, thread_id, {self._kept[1]} FROM run_examples"
            " WHERE run_id = ? ORDER BY example_no", (run_id,))
        return [ExampleRecord(*r) for r in rows]

    # --- sizes and participation ----------------------------------------------------------

    def thread_stats(self, thread_id: int | None, scope: Scope) -> ThreadStats:
        """How many messages, files and reactions of the thread are exported (reads them
        all)."""
        if thread_id is None:
            return ThreadStats(0, 0, 0)
        since, until = _bounds(scope)
        params = {"thread": thread_id, "since": since, "until": until}
        count, reactions = self._conn.execute(
            f"SELECT count(*), {'sum(m.reactions)' if self._reactions else 0}"
            f" FROM discussion_messages m {_THREAD_WHERE}", params).fetchone()
        files = self._conn.execute(
            "SELECT count(*) FROM discussion_attachments a JOIN discussion_messages m"
            f" ON m.message_id = a.message_id {_THREAD_WHERE}", params).fetchone()[0]
        return ThreadStats(count, files, reactions or 0)

    def run_members(self, run_id: int) -> list[tuple[int, str]]:
        """(id, name) of the cohort the run was posted to (migration 0012_run_members); none
        for a run posted before the bot kept them, or a database from before."""
        if not self._members:
            return []
        return [(r[0], r[1]) for r in self._conn.execute(
            "SELECT member_id, member_name FROM run_members WHERE run_id = ?", (run_id,))]

    def message_activity(self, thread_ids: Iterable[int], scope: Scope) -> list[MessageActivity]:
        """Per author in these threads: the count, first and last activity, latest name."""
        ids = list(thread_ids)
        if not ids:
            return []
        since, until = _bounds(scope)
        rows = self._conn.execute(
            "SELECT m.author_id, count(*), min(m.created_at),"
            " max(coalesce(m.edited_at, m.created_at)), max(m.message_id)"
            f" FROM discussion_messages m WHERE m.thread_id IN ({', '.join('?' * len(ids))})"
            " AND m.deleted_at IS NULL AND m.created_at >= ? AND m.created_at < ?"
            " GROUP BY m.author_id", [*ids, since, until]).fetchall()
        names = self._names([r[4] for r in rows])
        return [MessageActivity(author, names[latest], count, first, last)
                for author, count, first, last, latest in rows]

    def member_name(self, member_id: int) -> str | None:
        """The latest name stored for a member (a message, a critique, a reaction), for a
        mention of them; None when nothing of theirs is stored (they used /forget-me, or never
        wrote where the bot reads)."""
        queries = [
            "SELECT author_name FROM discussion_messages WHERE author_id = ?"
            " AND deleted_at IS NULL ORDER BY message_id DESC LIMIT 1",
            "SELECT author_name FROM critiques WHERE author_id = ? ORDER BY updated_at DESC"
            " LIMIT 1",
        ]
        if self._reactions:
            queries.append("SELECT user_name FROM discussion_reactors WHERE user_id = ?"
                           " AND user_name IS NOT NULL LIMIT 1")
        for sql in queries:
            row = self._conn.execute(sql, (member_id,)).fetchone()
            if row is not None:
                return str(row[0])
        return None

    def _names(self, message_ids: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for start in range(0, len(message_ids), 500):
            chunk = message_ids[start:start + 500]
            found.update(self._conn.execute(
                "SELECT message_id, author_name FROM discussion_messages WHERE message_id IN"
                f" ({', '.join('?' * len(chunk))})", chunk).fetchall())
        return found

    # --- critiques ------------------------------------------------------------------------

    def critiques(self, run_id: int, scope: Scope) -> list[Critique]:
        since, until = _bounds(scope)
        rows = self._conn.execute(
            "SELECT c.id, c.example_no, c.author_id, c.author_name, c.works, c.doesnt,"
            " c.likely, c.message_id, c.created_at, c.updated_at,"
            " (SELECT group_concat(v.voter_id) FROM critique_votes v WHERE v.critique_id = c.id)"
            " FROM critiques c WHERE c.run_id = ? AND (? IS NULL OR c.example_no = ?)"
            " AND c.created_at >= ? AND c.created_at < ?"
            " ORDER BY c.example_no, c.created_at, c.id",
            (run_id, scope.example, scope.example, since, until)).fetchall()
        return [
            Critique(id_, example_no, author_id, author_name, works, doesnt, Likely(likely),
                     tuple(sorted(int(v) for v in voters.split(","))) if voters else (),
                     message_id, created, updated)
            for (id_, example_no, author_id, author_name, works, doesnt, likely, message_id,
                 created, updated, voters) in rows
        ]

    # --- messages -------------------------------------------------------------------------

    def messages(self, thread_id: int | None, scope: Scope,
                 bot_posts: Iterable[Message] = ()) -> Iterator[Message]:
        """A thread's messages in order, with `bot_posts` merged in by id."""
        if thread_id is None:
            yield from bot_posts
            return
        yield from heapq.merge(self._member_messages(thread_id, scope), bot_posts,
                               key=lambda m: m.message_id)

    def _member_messages(self, thread_id: int, scope: Scope,
                         only: int | None = None) -> Iterator[Message]:
        since, until = _bounds(scope)
        cur = self._conn.execute(
            "SELECT m.message_id, m.author_id, m.author_name, m.content, m.created_at,"
            f" m.edited_at, m.reply_to_id, p.author_name, substr(p.content, 1, {_EXCERPT}),"
            " p.thread_id = m.thread_id AND p.created_at >= :since AND p.created_at < :until,"
            f" rc.author_name, substr(coalesce(nullif(rc.works, ''), rc.doesnt), 1, {_EXCERPT}),"
            " (SELECT json_group_array(json_array(a.attachment_id, a.filename, a.size, a.url))"
            "  FROM discussion_attachments a WHERE a.message_id = m.message_id),"
            f" {_REACTIONS_JSON if self._reactions else 'NULL'}"
            " FROM discussion_messages m"
            " LEFT JOIN discussion_messages p ON p.message_id = m.reply_to_id"
            " AND p.deleted_at IS NULL"
            " LEFT JOIN critiques rc ON rc.message_id = m.reply_to_id"
            f" {_THREAD_WHERE}{'' if only is None else ' AND m.message_id = :only'}"
            " ORDER BY m.message_id",
            {"thread": thread_id, "since": since, "until": until, "only": only})
        while rows := cur.fetchmany(_FETCH):
            for (message_id, author_id, name, content, created, edited, reply_id, p_name,
                 p_text, p_here, c_name, c_text, files, reactions) in rows:
                reply = None
                if p_name is not None:
                    reply = ReplyTo(reply_id, p_name, p_text or "", bool(p_here))
                elif c_name is not None:
                    reply = ReplyTo(reply_id, f"critique by {c_name}", c_text or "",
                                    scope.include_bot_messages)
                yield Message(
                    message_id, "member", author_id, name, content or "", created, edited,
                    reply, reply_id is not None and reply is None,
                    tuple(Attachment(*a) for a in json.loads(files)) if files != "[]" else (),
                    _reactions(reactions) if reactions is not None else (),
                )

    def csv_message_lines(self, run_id: int, example_no: int, thread_id: int | None,
                          scope: Scope, calendar: Calendar,
                          python_line: Callable[[Message], str],
                          bot_lines: Iterable[tuple[int, str]] = ()) -> Iterator[bytes]:
        """The thread's rows of the CSV messages table as UTF-8, built by SQLite, with
        `bot_lines` ((message id, line) of the bot's posts) merged in by id. This is the
        export's hot path: without bot lines, a few thousand rows come out as one block.

        The calendar's quarters from the thread's first message to its last go into a
        temporary table (two index lookups: a scan for the exact span would cost a third of
        the export). A row SQLite cannot build (an edit after that span, a NUL) is built by
        `python_line`, which applies the same rules (bot/export/csv.py), and the quarters it
        needed are loaded for the rows after it."""
        extra = sorted((mid, text.encode()) for mid, text in bot_lines)
        if thread_id is None:
            yield b"".join(text for _, text in extra)
            return
        self._seed_quarters(thread_id, calendar)
        since, until = _bounds(scope)
        select, line = _csv_message_select(run_id, example_no, with_id=bool(extra),
                                           reactions=self._reactions)
        cur = self._conn.execute(select, {"line": line, "thread": thread_id, "since": since,
                                          "until": until})

        def built(value: bytes | int) -> bytes:
            if isinstance(value, bytes):
                return value
            (message,) = self._member_messages(thread_id, scope, only=value)
            # Edits cluster after the last message: the next rows find their quarter loaded.
            late = [message.created_ms, *([message.edited_ms] if message.edited_ms else [])]
            self._load_quarters(q for ms in late for q in calendar.quarters(ms, ms))
            return python_line(message).encode()

        if not extra:
            while batch := cur.fetchmany(_FETCH * 4):
                try:
                    yield b"".join([row[0] for row in batch])
                except TypeError:  # a message id among the lines: Python builds that one
                    yield b"".join([built(row[0]) for row in batch])
            return
        rows = ((mid, built(value)) for batch in iter(lambda: cur.fetchmany(_FETCH * 4), [])
                for mid, value in batch)
        for _, text in heapq.merge(rows, extra):
            yield text

    def _seed_quarters(self, thread_id: int, calendar: Calendar) -> None:
        self._load_quarters(())  # the table exists even for a thread with no message
        first, last = self._conn.execute(
            "SELECT (SELECT created_at FROM discussion_messages WHERE message_id ="
            " (SELECT min(message_id) FROM discussion_messages WHERE thread_id = :t)),"
            " (SELECT created_at FROM discussion_messages WHERE message_id ="
            " (SELECT max(message_id) FROM discussion_messages WHERE thread_id = :t))",
            {"t": thread_id}).fetchone()
        if first is not None and last is not None and 0 <= last - first <= _SEED_SPAN_MS:
            self._load_quarters(calendar.quarters(first, last))

    def _load_quarters(self, quarters: Iterable[Quarter]) -> None:
        """Put calendar quarters (bot/export/times.py) where the CSV query can join them."""
        if not self._calendar_ready:
            self._conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS export_quarters (id INTEGER PRIMARY KEY,"
                " utc_prefix TEXT NOT NULL, utc_minute INTEGER NOT NULL,"
                " local_prefix TEXT NOT NULL, local_minute INTEGER NOT NULL,"
                " suffix TEXT NOT NULL)")
            self._calendar_ready = True
        self._conn.executemany(
            "INSERT OR IGNORE INTO temp.export_quarters VALUES (?, ?, ?, ?, ?, ?)",
            ((q.id, q.utc_prefix, q.utc_minute, q.local_prefix, q.local_minute, q.suffix)
             for q in quarters))

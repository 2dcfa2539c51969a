"""CSV: RFC 4180 lines, UTF-8 with a BOM, and cells that no spreadsheet runs as a formula.

- Every text cell is quoted and its quotes doubled (RFC 4180 allows quoting any field, and a
  quoted field may hold commas and line breaks); numbers are bare; lines end in CRLF.
- A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
  (OWASP's advice against CSV injection): Excel, LibreOffice and Google Sheets then show the
  text instead of evaluating it.
- The file starts with a UTF-8 byte-order mark, without which Excel reads UTF-8 as ANSI.
- A NUL character, where a spreadsheet would cut the text, becomes U+FFFD.

The messages table is the big one, and its lines are built by SQLite from these same rules
(`storage/export.py: csv_cell_sql`); the tests hold the two to each other. The other tables are
a few rows per member and are written here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from bot.export.model import Document, Message, RunSection, Table
from bot.export.text import safe_url
from bot.export.times import Calendar
from bot.export.verdicts import comparison_line

BOM = "\ufeff"
LINE_END = "\r\n"
# The first characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALIZER = "'"
# A NUL ends the text for many spreadsheets (and for SQLite's printf): it is shown as U+FFFD.
NUL_STANDIN = "\ufffd"

Cell = str | int | None

COLUMNS: dict[Table, tuple[str, ...]] = {
    Table.MESSAGES: (
        "run_id", "example_no", "thread_id", "message_id", "kind", "author_id", "author_name",
        "reply_to_id", "created_at_utc", "created_at_local", "edited_at_utc", "edited_at_local",
        "content", "attachments", "reactions",
    ),
    Table.CRITIQUES: (
        "run_id", "example_no", "example_title", "critique_id", "message_id", "author_id",
        "author_name", "works", "doesnt", "likely", "votes", "voter_ids", "created_at_utc",
        "created_at_local", "updated_at_utc", "updated_at_local",
    ),
    Table.PARTICIPATION: (
        "run_id", "member_id", "member_name", "critiques", "thread_messages", "votes_given",
        "votes_received", "first_activity_utc", "first_activity_local", "last_activity_utc",
        "last_activity_local",
    ),
    Table.EXAMPLES: (
        "run_id", "example_no", "title", "thread_id", "thread_messages", "critiques", "yes", "no",
        "unsure", "reviewer_score", "reviewer_verdict", "comparison",
    ),
}


def cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if value.startswith(FORMULA_STARTS):
        value = NEUTRALIZER + value
    return '"' + value.replace('"', '""').replace("\x00", NUL_STANDIN) + '"'


def line(values: Iterable[Cell]) -> str:
    return ",".join(cell(v) for v in values) + LINE_END


def table(name: Table, lines: Iterable[str | bytes]) -> Iterator[str | bytes]:
    """A whole CSV file: the BOM, the header, then `lines` (each already ending in CRLF;
    bytes are UTF-8)."""
    yield BOM + line(COLUMNS[name])
    yield from lines


def attachments_cell(items: Iterable[tuple[str, int, str]]) -> str:
    """(filename, size, url) as one cell: "name (123 bytes) url", one per line; the URL as
    `safe_url` writes it, left out when it is not an http(s) link."""
    return "\n".join(f"{name} ({size} bytes) {url}" if (url := safe_url(raw)) else
                     f"{name} ({size} bytes)" for name, size, raw in items)


def message_line(run_id: int, example_no: int, thread_id: int | None, m: Message,
                 cal: Calendar) -> str:
    """A row of the messages table; SQLite builds the same rows for member messages
    (storage/export.py), this one is for the bot's posts and is what the tests hold SQLite to."""
    edited = (cal.utc(m.edited_ms), cal.local(m.edited_ms)) if m.edited_ms is not None else (
        None, None)
    files = attachments_cell((a.filename, a.size, a.url) for a in m.attachments)
    reactions = "\n".join(r.describe() for r in m.reactions)
    return line((
        run_id, example_no, thread_id, m.message_id, m.kind, m.author_id, m.author_name,
        m.reply_to.message_id if m.reply_to else None, cal.utc(m.created_ms),
        cal.local(m.created_ms), *edited, m.content, files or None, reactions or None,
    ))


def critique_lines(doc: Document, run: RunSection) -> Iterator[str]:
    cal = doc.calendar
    for example in run.examples:
        for c in example.critiques:
            yield line((
                run.id, example.number, example.title, c.id, c.message_id, c.author_id,
                c.author_name, c.works, c.doesnt, str(c.likely), c.votes,
                " ".join(str(v) for v in c.voter_ids), cal.utc(c.created_ms),
                cal.local(c.created_ms), cal.utc(c.updated_ms), cal.local(c.updated_ms),
            ))


def participation_lines(doc: Document, run: RunSection) -> Iterator[str]:
    cal = doc.calendar
    for p in run.participants:
        first = (cal.utc(p.first_ms), cal.local(p.first_ms)) if p.first_ms is not None else (
            None, None)
        last = (cal.utc(p.last_ms), cal.local(p.last_ms)) if p.last_ms is not None else (
            None, None)
        yield line((run.id, p.member_id, p.name, p.critiques, p.messages, p.votes_given,
                    p.votes_received, *first, *last))


def example_lines(doc: Document, run: RunSection) -> Iterator[str]:
    for e in run.examples:
        reviewer: Sequence[Cell] = (
            (e.reviewer.score, e.reviewer.verdict) if e.reviewer else (None, None))
        yield line((run.id, e.number, e.title, e.thread_id, e.message_count, len(e.critiques),
                    e.tally.yes, e.tally.no, e.tally.unsure, *reviewer,
                    comparison_line(e.tally, e.reviewer)))

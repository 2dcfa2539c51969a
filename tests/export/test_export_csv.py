"""CSV: SQLite builds the messages table from the same rules as bot/export/csv.py, and the two
agree on any text and any time, in any timezone; what a spreadsheet reads back is what was
said, with formulas neutralized."""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.export import csv as export_csv
from bot.export.model import Format, Message, Scope, Table
from bot.export.text import safe_url
from bot.export.times import QUARTER_MS, Calendar
from bot.services.export import ExportRequest
from storage.export import ExportReader, csv_cell_sql
from tests.export.data import Said, service, store_run

ZONES = ("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe",
         "Pacific/Chatham", "America/Los_Angeles")
# Discord's lifetime: every message a snowflake can carry.
TIMES = st.integers(min_value=1_420_070_400_000, max_value=4_102_444_800_000)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
# A reaction: (key, name) of a unicode or custom emoji, its count, and the members known
# (Discord's names never hold a NUL: storage/export.py does not look for one).
REACTED = st.builds(
    lambda emoji, total, users: (*emoji, max(total, len(users)), users),
    st.sampled_from([("👍", "👍"), ("1️⃣", "1️⃣"), ("880000000000000001", "party_blob")]),
    st.integers(1, 4),
    st.lists(st.tuples(st.integers(1, 5), TEXT.filter(lambda v: "\x00" not in v)),
             max_size=3, unique_by=lambda u: u[0]),
)

# Discord's CDN links, which SQLite writes itself, and others `safe_url` rewrites (Python's row).
URLS = st.just("https://cdn.example/a?ex=1&is=2") | st.builds(
    lambda scheme, rest: scheme + rest, st.sampled_from(["https://cdn.example/", "ftp://"]),
    TEXT.filter(lambda v: "\x00" not in v))


def sql_cell(value: str) -> str:
    piece, args = csv_cell_sql("?")
    with sqlite3.connect(":memory:") as conn:
        return str(conn.execute(f"SELECT printf('{piece}', {', '.join(args)})",
                                (value,) * len(args)).fetchone()[0])


@given(TEXT.filter(lambda v: "\x00" not in v))  # with a NUL, Python builds the line
def test_sqlite_quotes_and_neutralizes_a_cell_like_the_rules(value: str) -> None:
    assert sql_cell(value) == export_csv.cell(value)


@given(TEXT)
def test_a_spreadsheet_reads_back_the_text_with_formulas_defused(value: str) -> None:
    (row,) = csv.reader(io.StringIO(export_csv.line([value, 7]), newline=""))
    expected = ("'" + value) if value.startswith(export_csv.FORMULA_STARTS) else value
    assert row == [expected.replace("\x00", export_csv.NUL_STANDIN), "7"]


@given(TIMES, st.sampled_from(ZONES))
def test_calendar_times_are_isoformat_exactly(ms: int, zone: str) -> None:
    cal = Calendar(ZoneInfo(zone))
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    assert cal.utc(ms) == moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert cal.local(ms) == moment.astimezone(ZoneInfo(zone)).isoformat(timespec="milliseconds")


MESSAGES = st.lists(
    st.builds(
        Said, author_id=st.integers(1, 5), author_name=TEXT, content=TEXT,
        after_ms=st.integers(0, 90 * 24 * 3600 * 1000), example=st.integers(1, 3),
        edited_after_ms=st.none() | st.integers(0, 2 * 365 * 24 * 3600 * 1000),
        deleted=st.booleans(),
        # Discord's upload names never hold a NUL (storage/export.py does not look for one).
        files=st.lists(st.tuples(TEXT.filter(lambda v: v and "\x00" not in v),
                                 st.integers(0, 10**9),
                                 URLS), max_size=2),
        reactions=st.lists(REACTED, max_size=3, unique_by=lambda r: r[0]),
    ),
    min_size=1, max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MESSAGES, st.sampled_from(ZONES), st.data())
async def test_the_sqlite_rows_equal_the_rules_applied_to_each_message(
    said: list[Said], zone: str, data: st.DataObject,
) -> None:
    # Replies point back at earlier messages (some deleted, so their id must not show).
    for i, s in enumerate(said):
        s.reply_to = data.draw(st.none() | st.integers(0, i - 1)) if i else None
        s.after_ms = max(s.after_ms, said[i - 1].after_ms + 1) if i else s.after_ms
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.db"
        run_id, _ = await store_run(path, said)
        cal = Calendar(ZoneInfo(zone))
        scope = Scope((run_id,))
        with ExportReader.open(path) as reader:
            for example in reader.examples(run_id):
                messages = list(reader.messages(example.thread_id, scope))

                by_python: list[Message] = []

                def rules(m: Message, number: int = example.number,
                          thread: int | None = example.thread_id,
                          seen: list[Message] = by_python) -> str:
                    seen.append(m)
                    return export_csv.message_line(run_id, number, thread, m, cal)

                built = b"".join(reader.csv_message_lines(
                    run_id, example.number, example.thread_id, scope, cal, rules)).decode()
                assert built == "".join(
                    export_csv.message_line(run_id, example.number, example.thread_id, m, cal)
                    for m in messages)
                # SQLite built all the others: Python only where it cannot (a NUL, an edit
                # outside the calendar quarters of the thread's messages, a URL to rewrite,
                # a `<` that may open Discord's markup, shown as words).
                span = (range(messages[0].created_ms // QUARTER_MS,
                              messages[-1].created_ms // QUARTER_MS + 1) if messages else None)
                for m in by_python:
                    assert "\x00" in m.content + m.author_name or (
                        span and m.edited_ms is not None
                        and m.edited_ms // QUARTER_MS not in span) or any(
                        safe_url(a.url) != a.url for a in m.attachments) or "<" in m.content


async def test_the_table_parses_back_to_what_was_said(tmp_path: Path) -> None:
    said = [
        Said(1, "=cmd|' /C calc'!A0", "+1 a plus", after_ms=10),
        Said(2, "Ben", 'He said "hi", then\r\nleft', after_ms=20, edited_after_ms=999_000),
        Said(3, "Cy", "@everyone", after_ms=30, reply_to=0,
             files=[("-report.pdf", 1234, "https://cdn.example/r.pdf")]),
        Said(1, "Ada", "\tindented", after_ms=40, deleted=True),
    ]
    await store_run(tmp_path / "c.db", said)
    out = io.BytesIO()
    service(tmp_path / "c.db").write(ExportRequest(Format.CSV, table=Table.MESSAGES), out)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["author_name"] for r in rows] == ["'=cmd|' /C calc'!A0", "Ben", "Cy"]
    assert [r["content"] for r in rows] == ["'+1 a plus", 'He said "hi", then\r\nleft',
                                            "'@everyone"]
    assert rows[1]["edited_at_local"] == "2026-01-05T10:16:39.000+01:00"
    assert rows[2]["reply_to_id"] == rows[0]["message_id"]
    assert rows[2]["attachments"] == "'-report.pdf (1234 bytes) https://cdn.example/r.pdf"
    assert len(rows) == 3  # the deleted message is not there at all


async def test_an_edit_long_after_the_last_message_still_gets_its_time(tmp_path: Path) -> None:
    year = 400 * 24 * 3600 * 1000  # beyond the calendar loaded up front
    await store_run(tmp_path / "c.db", [Said(1, "Ada", "first", edited_after_ms=year),
                                        Said(2, "Ben", "second", after_ms=5)])
    out = io.BytesIO()
    service(tmp_path / "c.db").write(ExportRequest(Format.CSV, table=Table.MESSAGES), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))
    assert rows[0]["edited_at_utc"] == "2027-02-09T09:00:00.000Z"
    assert rows[1]["edited_at_utc"] == ""

"""The export's storage: a read-only snapshot that never writes, works on a backup, refuses
what it cannot read, and reads one consistent moment while the bot keeps writing."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from bot.errors import StorageError, UserError
from bot.export.model import Format, Scope, Table
from bot.services.export import ExportRequest
from storage import SCHEMA_VERSION, Database
from storage.db import backup_file
from storage.export import ExportReader
from tests.export.data import BEFORE_REACTIONS, THREADS, Said, service, store_run


def export_json(path: Path, **request: object) -> dict:  # type: ignore[type-arg]
    out = io.BytesIO()
    service(path).write(ExportRequest(Format.JSON, **request), out)  # type: ignore[arg-type]
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


async def test_a_backup_exports_and_stays_untouched(tmp_path: Path) -> None:
    await store_run(tmp_path / "live.db", [Said(1, "Ada", "kept in the backup")])
    folder = tmp_path / "backups"
    await backup_file(tmp_path / "live.db", folder / "b.db")
    before = (folder / "b.db").read_bytes()
    doc = export_json(folder / "b.db")
    assert doc["runs"][0]["examples"][0]["messages"][0]["content"] == "kept in the backup"
    assert (folder / "b.db").read_bytes() == before
    # Reading a WAL database makes SQLite create its companions; nothing is written there.
    wal = folder / "b.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


async def test_a_backup_from_before_reactions_exports_without_them(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await store_run(path, [Said(1, "Ada", "said before reactions were kept")],
                    schema=BEFORE_REACTIONS)
    (run,) = export_json(path)["runs"]
    assert run["counts"]["reactions"] == 0
    (message,) = run["examples"][0]["messages"]
    assert message["content"] == "said before reactions were kept"
    assert message["reactions"] == []
    out = io.BytesIO()
    service(path).write(ExportRequest(Format.CSV, table=Table.MESSAGES), out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline=""))
    assert row["content"] == "said before reactions were kept" and row["reactions"] == ""


async def test_the_export_never_writes_the_database(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await store_run(path, [Said(1, "Ada", "hello")])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()
    export_json(path)
    out = io.BytesIO()
    service(path).write(ExportRequest(Format.CSV), out)  # the CSV path makes a temp table
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0


async def test_one_snapshot_while_the_bot_keeps_writing(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    await store_run(path, [Said(1, "Ada", "before the export")])
    bot = await Database.open(path)
    try:
        with ExportReader.open(path) as reader:
            scope = Scope((1,))
            assert reader.thread_stats(THREADS[0], scope).messages == 1
            await bot.execute(
                "INSERT INTO discussion_messages (message_id, thread_id, author_id,"
                " author_name, content, created_at) VALUES (99, ?, 2, 'Ben', 'during', 1)",
                (THREADS[0],))
            assert [m.content for m in reader.messages(THREADS[0], scope)] == [
                "before the export"]
        assert len(export_json(path)["runs"][0]["examples"][0]["messages"]) == 2
    finally:
        await bot.close()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "no database there"),
        (lambda p: p.write_bytes(b"not a database, just text" * 100), "not a usable"),
        (lambda p: sqlite3.connect(p).execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}"),
         "newer cohortbot"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE x (y)"), "holds no cohortbot data"),
    ],
)
def test_what_it_cannot_read_is_refused_clearly(
    tmp_path: Path, make: object, expected: str,
) -> None:
    path = tmp_path / "c.db"
    make(path)  # type: ignore[operator]
    with pytest.raises(StorageError, match=expected):
        service(path).write(ExportRequest(Format.JSON), io.BytesIO())


async def test_no_run_and_an_unknown_run_are_user_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    db = await Database.open(path)
    await db.close()
    with pytest.raises(UserError, match="nothing to export"):
        export_json(path)
    await store_run(path, [])
    with pytest.raises(UserError, match="There is no run #7"):
        export_json(path, runs=(7,))
    with pytest.raises(UserError, match="There is no run #1 in this server"):
        export_json(path, runs=(1,), guild_id=12345)


class FullDisk(io.BytesIO):
    """A stream that takes a first block, then fails as a full disk does."""

    def write(self, data: object) -> int:
        if self.tell():
            raise OSError(28, "No space left on device")
        return super().write(data)  # type: ignore[arg-type]


@pytest.mark.parametrize("table", [Table.MESSAGES, None])  # one table; every table, zipped
async def test_a_write_that_fails_stops_the_export_with_its_error(
    tmp_path: Path, table: Table | None,
) -> None:
    # A full disk mid-export is the caller's error to report (the CLI says it), not swallowed.
    path = tmp_path / "d.db"
    await store_run(path, [Said(1, "Ada", f"message {n} " + "x" * 500, after_ms=n,
                                example=n % 3 + 1) for n in range(3000)])
    with pytest.raises(OSError, match="No space left"):
        service(path).write(ExportRequest(Format.CSV, table=table), FullDisk())

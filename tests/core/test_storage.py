"""Storage: pragmas, migrations (fresh, upgrade, newer refused), corrupt files, backup."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import StorageError
from storage import SCHEMA_VERSION, Database
from storage.db import backup_file
from storage.privacy import forget_member
from tests.files import read_only


async def test_fresh_database_gets_every_migration_and_pragmas(db: Database) -> None:
    assert await db.user_version() == SCHEMA_VERSION
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA synchronous") == 2  # FULL
    assert await db.fetchval("PRAGMA busy_timeout") == 5000
    tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
    assert {"lesson_runs", "critiques", "outreaches", "followups"} <= tables


async def test_upgrade_keeps_data_from_an_older_version(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = await Database.open(path, migrate=False)
    assert await db.migrate(target=1) == [1]
    await db.execute(
        "INSERT INTO lesson_runs (guild_id, channel_id, lesson_key, created_at) VALUES (?,?,?,?)",
        (1, 2, "networking-with-professionals", 1000),
    )
    await db.close()

    db = await Database.open(path)
    try:
        assert await db.user_version() == SCHEMA_VERSION
        assert await db.fetchval("SELECT lesson_key FROM lesson_runs") == (
            "networking-with-professionals"
        )
        assert await db.migrate() == []  # idempotent
    finally:
        await db.close()


async def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
        conn.execute("CREATE TABLE future (x)")
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer than this bot"):
        await Database.open(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "new.db-wal").exists()


async def test_a_corrupt_file_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all, just some text" * 100)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        await Database.open(path)


async def test_a_failed_migration_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.db as dbmod

    broken = [*dbmod.MIGRATIONS, (SCHEMA_VERSION + 1, "9999_broken.sql", "CREATE TABLE x(;")]
    monkeypatch.setattr(dbmod, "MIGRATIONS", broken)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StorageError, match=r"9999_broken\.sql"):
        await Database.open(tmp_path / "c.db")
    monkeypatch.undo()
    db = await Database.open(tmp_path / "c.db")
    try:
        assert await db.user_version() == SCHEMA_VERSION
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO outreaches (user_id, recipient, channel, sent_at, created_at) "
                "VALUES (1, 'x', 'email', 1, 1)"
            )
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM outreaches") == 0


async def test_a_write_through_the_database_inside_a_transaction_fails_at_once(
    db: Database,
) -> None:
    insert = ("INSERT INTO outreaches (user_id, recipient, channel, sent_at, created_at) "
              "VALUES (1, 'x', 'email', 1, 1)")
    async with db.transaction() as tx:
        # Without the guard these would wait for ever for the lock this code holds (also
        # from a task it waits on: wait_for runs its own); the timeout only keeps such a
        # regression from hanging the suite.
        with pytest.raises(RuntimeError, match="nested transaction"):
            await asyncio.wait_for(db.execute(insert), timeout=30)
        with pytest.raises(RuntimeError, match="nested transaction"):
            await db.execute(insert)
        with pytest.raises(RuntimeError, match="nested transaction"):
            await db.execute_alone(insert)
        with pytest.raises(RuntimeError, match="nested transaction"):
            async with db.transaction():
                pass
        await tx.execute(insert)  # the transaction itself carries on
    assert await db.fetchval("SELECT COUNT(*) FROM outreaches") == 1
    await db.execute(insert)  # and once it has ended, the database writes again
    await db.execute_alone(insert)  # (committed: the reading connection sees it)
    assert await db.fetchval("SELECT COUNT(*) FROM outreaches") == 3


async def test_concurrent_transactions_do_not_interleave(db: Database) -> None:
    async def log_outreach(i: int) -> None:
        async with db.transaction() as tx:
            oid = await tx.insert(
                "INSERT INTO outreaches (user_id, recipient, channel, sent_at, created_at) "
                "VALUES (?, 'x', 'email', 1, 1)",
                (i,),
            )
            await asyncio.sleep(0)  # give another coroutine the chance to interleave
            await tx.execute(
                "INSERT INTO followups (outreach_id, user_id, due_at) VALUES (?,?,?)",
                (oid, i, 5),
            )

    await asyncio.gather(*(log_outreach(i) for i in range(50)))
    assert await db.fetchval("SELECT COUNT(*) FROM followups") == 50


async def test_backup_while_writing(db: Database, tmp_path: Path) -> None:
    stop = asyncio.Event()
    warmed_up = asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            await db.execute(
                "INSERT INTO review_usage (user_id, reviewed_at) VALUES (?, ?)", (written, written)
            )
            written += 1
            if written == 200:
                warmed_up.set()

    task = asyncio.create_task(writer())
    try:
        await warmed_up.wait()
        await db.backup(tmp_path / "copy.db")
    finally:
        stop.set()
        await task
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = copy.execute("SELECT COUNT(*) FROM review_usage").fetchone()[0]
    assert 200 <= rows <= written


async def test_backup_refuses_to_overwrite_its_source(db: Database) -> None:
    with pytest.raises(StorageError, match="the database itself"):
        await db.backup(db.path)


# --- hostile files: a clear StorageError saying what is wrong and what to do ----------------


@pytest.mark.parametrize("name", ["we#ird.db", "what?.db", "100%.db", "a%23b.db", "sp ace.db"])
async def test_backup_copies_a_database_whose_path_needs_escaping(tmp_path: Path,
                                                                   name: str) -> None:
    folder = tmp_path / "odd#folder?"
    folder.mkdir()
    source = folder / name
    db = await Database.open(source)
    await db.execute("INSERT INTO review_usage (user_id, reviewed_at) VALUES (7, 1)")
    await db.close()
    await backup_file(source, tmp_path / "copy.db")
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT user_id FROM review_usage").fetchall() == [(7,)]
    # SQLite cut an unescaped URI at the '#' and created an empty database there.
    assert not (tmp_path / "odd").exists()


async def test_backup_into_a_folder_writes_the_copy_inside_it(db: Database,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    await db.backup(folder)
    assert [p.name for p in folder.iterdir()] == [db.path.name]
    with sqlite3.connect(folder / db.path.name) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


async def test_a_backup_that_cannot_be_written_leaves_nothing_behind(db: Database,
                                                                    tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder), pytest.raises(StorageError, match="cannot write the backup"):
        await db.backup(folder / "copy.db")
    assert list(folder.iterdir()) == []


async def test_a_backup_of_something_that_is_no_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"\0" * 3000)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        await backup_file(tmp_path / "junk.db", tmp_path / "copy.db")
    assert not list(tmp_path.glob("copy.db*"))


async def test_a_read_only_database_is_refused_at_open(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    await (await Database.open(path)).close()
    with read_only(path), pytest.raises(StorageError, match="read-only") as refused:
        await Database.open(path)
    assert "write permission" in str(refused.value)


async def test_a_read_only_folder_is_named_and_the_file_not_blamed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    await (await Database.open(folder / "cohort.db")).close()
    with read_only(folder), pytest.raises(StorageError) as refused:
        await Database.open(folder / "cohort.db")
    message = str(refused.value)
    assert "folder" in message and str(folder) in message
    assert "not a usable" not in message and "damaged" not in message


async def test_a_new_database_in_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    with read_only(tmp_path), pytest.raises(StorageError, match="folder"):
        await Database.open(tmp_path / "new.db")


async def test_a_database_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a folder"):
        await Database.open(tmp_path)


async def test_a_database_path_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(StorageError, match="not a folder"):
        await Database.open(tmp_path / "plain" / "cohort.db")


async def test_a_truncated_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    await (await Database.open(path)).close()
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(StorageError, match=r"the database is damaged .* Restore it from a backup"):
        await Database.open(path)


async def test_corrupt_pages_are_found_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    db = await Database.open(path)
    async with db.transaction() as tx:
        for i in range(2000):
            await tx.execute("INSERT INTO review_usage (user_id, reviewed_at) VALUES (?, ?)",
                             (i, i))
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # everything in the main file
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='review_usage'"
                            ).fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start:start + page_size] = b"\xff" * page_size  # the table's root page, garbled
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="damaged") as refused:
        await Database.open(path)
    assert "backup" in str(refused.value)
    assert path.read_bytes() == bytes(data)


async def test_forgotten_member_text_does_not_linger_in_the_files(tmp_path: Path) -> None:
    """SQLite leaves deleted rows in free pages unless secure_delete is on, and old page
    versions in the WAL until it is reset: /forget-me must leave neither."""
    marker = "zebra-umbrella-critique-7f3a"
    path = tmp_path / "c.db"
    db = await Database.open(path)
    try:
        await db.execute("INSERT INTO lesson_runs (id, guild_id, channel_id, lesson_key,"
                         " created_at) VALUES (1, 1, 2, 'x', 1)")
        await db.execute("INSERT INTO run_examples (run_id, example_no, title) VALUES (1, 1, 't')")
        for author in (5, 6):  # the other member's critique keeps the page in use
            await db.execute(
                "INSERT INTO critiques (run_id, example_no, author_id, author_name, works,"
                " doesnt, likely, created_at, updated_at) VALUES (1, 1, ?, 'ada', ?, '',"
                " 'yes', 1, 1)", (author, f"{marker}-{author}" * 10))
        await db.checkpoint()  # the text is in the main file now, not only in the WAL
        assert f"{marker}-5".encode() in path.read_bytes()
        await forget_member(db, 5)
        assert await db.fetchval("SELECT COUNT(*) FROM critiques") == 1
        # While the bot still runs: neither the database file nor its WAL holds the text.
        for file in tmp_path.iterdir():
            assert f"{marker}-5".encode() not in file.read_bytes(), file.name
        assert f"{marker}-6".encode() in path.read_bytes()
    finally:
        await db.close()


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5000) | st.sampled_from(["truncated", "garbled", "newer"]),
       cut=st.integers(min_value=0, max_value=20000))
def test_any_file_opens_as_a_database_or_is_a_storage_error(data: bytes | str,
                                                            cut: int) -> None:
    import tempfile

    async def attempt(path: Path) -> None:
        try:
            db = await Database.open(path)
        except StorageError as refused:
            assert str(path) in str(refused)
            return
        try:
            assert await db.user_version() == SCHEMA_VERSION
            await db.execute("INSERT INTO review_usage (user_id, reviewed_at) VALUES (1, 1)")
        finally:
            await db.close()

    async def main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cohort.db"
            if isinstance(data, str):
                await (await Database.open(path)).close()
                whole = path.read_bytes()
                if data == "truncated":
                    path.write_bytes(whole[:cut % len(whole)])
                elif data == "garbled":
                    start = cut % len(whole)
                    path.write_bytes(whole[:start] + b"\xa5" * 512 + whole[start + 512:])
                else:
                    with sqlite3.connect(path) as conn:
                        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1 + cut}")
            else:
                path.write_bytes(data)
            await attempt(path)

    asyncio.run(main())


def test_a_lock_file_the_bot_cannot_write_is_a_storage_error(tmp_path: Path) -> None:
    from storage.lock import DatabaseLock

    (tmp_path / "cohort.db.lock").write_text("")
    with read_only(tmp_path / "cohort.db.lock"), pytest.raises(StorageError, match="lock file"):
        DatabaseLock.acquire(tmp_path / "cohort.db")


def test_two_names_for_one_database_are_one_lock(tmp_path: Path) -> None:
    from storage.lock import DatabaseInUse, DatabaseLock

    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "cohort.db"
    (tmp_path / "link.db").symlink_to(real)
    held = DatabaseLock.acquire(real)
    assert held is not None
    for other in (tmp_path / "link.db", tmp_path / "data" / ".." / "data" / "cohort.db"):
        with pytest.raises(DatabaseInUse):
            DatabaseLock.acquire(other)
    held.release()


# Half of a UTF-16 pair on its own: what Discord delivers where a client cut an emoji in two.
HALVES = st.lists(st.sampled_from(["a", "é", "😀", " ", "\ud83d", "\ude00", "\udfff"]),
                  max_size=10).map("".join)


def replaced(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


@settings(max_examples=30, deadline=None)
@given(text=HALVES)
def test_text_with_a_lone_surrogate_is_stored_with_the_replacement_character(
    text: str,
) -> None:
    """SQLite stores UTF-8, which has no lone surrogate: a bound one failed the write (a
    critique lost, an error logged), and one inside a JSON parameter was stored as bytes
    that every later read failed on (the thread's messages, its export)."""
    import tempfile

    from bot.discussion import DiscussionRow
    from storage import discussion as discussion_store
    from storage import runs as runs_store
    from storage.runs import RunExample

    async def main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            db = await Database.open(Path(tmp) / "cohort.db")
            try:
                assert await db.fetchval("SELECT ?", (text,)) == replaced(text)
                run = await runs_store.create_run(db, guild_id=1, channel_id=2, lesson_key=text,
                                                  lesson_title=text, prompt=text, posted_by=1,
                                                  now_ms=0)
                assert run is not None
                await runs_store.record_posting(db, run, 5, [RunExample(run, 1, text, 6, 7,
                                                                        text)])
                (posted,) = await runs_store.run_examples(db, run)
                kept = await runs_store.get_run(db, run)
                assert kept is not None and kept.prompt == posted.text == replaced(text)
                await discussion_store.save_group(db, [DiscussionRow(
                    8, 7, 1, text, text, None, 9)])  # captured through json_each(?)
                assert await discussion_store.edit_message(db, 8, text + "!", 10)
                (row,) = await discussion_store.thread_messages(db, 7)
                assert (row.author_name, row.content) == (replaced(text), replaced(text) + "!")
            finally:
                await db.close()

    asyncio.run(main())

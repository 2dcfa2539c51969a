"""Every command that opens a database, handed a damaged one or one it may not write.

Damaged: whichever page is hurt (a table's root, an index, a leaf the export reads, a table it
never reads, the header), each command says the one "damaged … restore it from a backup"
line and exits with status 2, in every export format, leaving no file behind.

Read-only (findings of review 4): a database or backup that cannot be written (its folder or
the file) is read all the same by the commands that only read it, whatever SQLite keeps
beside it, and what cannot be done says what is read-only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.core.test_cli import ROOT, cohortbot
from tests.export.data import Said, store_run
from tests.files import Outcome, as_ordinary_user, run_cli

# --- damaged ------------------------------------------------------------------------------------

MESSAGES = 400  # enough rows that the messages table and its indexes span many pages


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run with long threads, critiques, votes and reactions, checkpointed into one file."""
    path = tmp_path_factory.mktemp("healthy") / "cohort.db"
    said = [Said(10 + i % 7, f"Member {i % 7}", f"message {i} " + "words " * 40,
                 after_ms=60_000 * i, example=1 + i % 3,
                 reactions=(("👍", "👍", 2, ((10, "Member 0"),)),) if i % 5 == 0 else ())
            for i in range(MESSAGES)]
    critiques = [(1 + n % 3, 20 + n, f"Critic {n}", "the ask", "too long", "no", (10, 11))
                 for n in range(6)]
    asyncio.run(store_run(path, said, critiques=critiques))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # every page in the one file
    return path


def _page(path: Path, number: int) -> tuple[int, int]:
    """(offset, size) of page `number` (1-based)."""
    with sqlite3.connect(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    return (number - 1) * size, size


def _root(path: Path, name: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?",
                                (name,)).fetchone()[0])


def _root_of(name: str) -> Callable[[Path], int]:
    return lambda path: _root(path, name)


def _leaf(path: Path, table: str) -> int:
    """A leaf page of `table` below its root: the root's right-most child."""
    offset, size = _page(path, _root(path, table))
    page = path.read_bytes()[offset:offset + size]
    assert page[0] == 0x05, "the table fits in its root page: store more rows"
    return int.from_bytes(page[8:12], "big")


def _garble(page: Callable[[Path], int]) -> Callable[[Path], None]:
    """Overwrite a page as the reviewer did: a leaf's type byte, then garbage."""
    def damage(path: Path) -> None:
        offset, size = _page(path, page(path))
        with path.open("r+b") as f:
            f.seek(offset)
            f.write(b"\x0d" + b"\xee" * (size - 1))
    return damage


def _overwrite(offset: int, data: bytes) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        with path.open("r+b") as f:
            f.seek(offset)
            f.write(data)
    return damage


DAMAGE: dict[str, Callable[[Path], None]] = {
    **{f"root of {table}": _garble(_root_of(table))
       for table in ("lesson_runs", "run_examples", "discussion_messages", "critiques",
                     "critique_votes", "discussion_reactions",
                     # tables no export reads: it used to export "fine" from such a file
                     "review_usage", "outreaches")},
    "index discussion_messages_thread": _garble(_root_of("discussion_messages_thread")),
    "a leaf of discussion_messages": _garble(lambda p: _leaf(p, "discussion_messages")),
    "the schema page": _overwrite(100, b"\xee" * 400),
    "the header's magic": _overwrite(0, b"SQLite format 0\x00"),
    "the header's page size": _overwrite(16, b"\x00\x03"),
}

OUTPUTS = [["--format", "json", "--out", "{out}/run.json"],
           ["--format", "markdown", "--out", "{out}/run.md"],
           ["--format", "html", "--out", "{out}/run.html"],
           ["--format", "csv", "--out", "{out}/run.zip"],
           ["--format", "csv", "--table", "messages", "--out", "{out}/messages.csv"]]


def assert_damaged_said(outcome: Outcome) -> None:
    assert outcome.code == 2, outcome
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr, outcome
    assert "damaged" in outcome.stderr and "Restore it from a backup" in outcome.stderr, outcome
    assert "`cohortbot restore BACKUP`, with the bot stopped" in outcome.stderr, outcome
    assert outcome.stdout == "", outcome


@pytest.mark.parametrize("where", DAMAGE)
def test_a_damaged_database_is_said_in_one_line_by_every_command(
    healthy: Path, tmp_path: Path, where: str,
) -> None:
    db = tmp_path / "data" / "cohort.db"
    db.parent.mkdir()
    shutil.copyfile(healthy, db)
    DAMAGE[where](db)
    damaged = db.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    for output in OUTPUTS:
        argv = [word.format(out=out) for word in output]
        outcome = run_cli("export", "--db", str(db), "--timezone", "UTC", *argv)
        assert_damaged_said(outcome)
        assert list(out.iterdir()) == [], (where, argv)  # no export, no .partial
    # To standard output (a real process: run_cli's stdout has no bytes): not a byte on it.
    piped = cohortbot("export", "--db", str(db), "--format", "json", "--out", "-")
    assert_damaged_said(Outcome(piped.returncode, piped.stdout, piped.stderr))
    assert_damaged_said(run_cli("backup", "--db", str(db), str(out / "copy.db")))
    assert list(out.iterdir()) == []
    assert_damaged_said(run_cli("sandbox", "--db", str(db)))
    # Handed to restore as the backup: refused as a backup to restore (pick another; not
    # "restore it from a backup"), and the database it would replace untouched.
    kept = tmp_path / "kept.db"
    shutil.copyfile(healthy, kept)
    restored = run_cli("restore", str(db), "--db", str(kept))
    assert restored.code == 2 and restored.stderr.count("\n") == 1, restored
    assert "Restore it from a backup" not in restored.stderr, restored
    assert "the database was not touched" in restored.stderr, restored
    assert ("this backup is damaged" in restored.stderr
            or "not a usable SQLite database, so not a backup" in restored.stderr), restored
    assert kept.read_bytes() == healthy.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "kept.db", "kept.db.lock",
                                                          "out"]
    assert db.read_bytes() == damaged  # nothing wrote to it, not even a header


def test_the_healthy_database_exports_in_every_format(healthy: Path, tmp_path: Path) -> None:
    """The control: the same file undamaged goes through every command above."""
    out = tmp_path / "out"
    out.mkdir()
    for output in OUTPUTS:
        argv = [word.format(out=out) for word in output]
        outcome = run_cli("export", "--db", str(healthy), "--timezone", "UTC", *argv)
        assert outcome.code == 0, outcome
    assert sorted(p.name for p in out.iterdir()) == ["messages.csv", "run.html", "run.json",
                                                     "run.md", "run.zip"]
    doc = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert sum(len(e["messages"]) for e in doc["runs"][0]["examples"]) == MESSAGES
    assert run_cli("backup", "--db", str(healthy), str(out / "copy.db")).code == 0


# --- read-only ----------------------------------------------------------------------------------

COMMITTED, IN_THE_WAL = "as committed", "only in the wal"


async def _committed(folder: Path) -> Path:
    """A database as a stopped bot leaves it (WAL mode, nothing beside it), one message."""
    db = folder / "cohort.db"
    await store_run(db, [Said(1, "Ada", COMMITTED)])
    return db


def _with_companions(db: Path, keep: tuple[str, ...], change: bool = True) -> None:
    """`db` with a committed change the main file lacks (in its `-wal`) when `change`, and
    only the companions in `keep` beside it: copies of the files a live connection has."""
    live_folder = db.parent.parent / "live"
    live_folder.mkdir()
    live = live_folder / db.name
    shutil.move(db, live)
    conn = sqlite3.connect(live)
    try:
        conn.execute("PRAGMA wal_autocheckpoint=0")
        if change:
            conn.execute("UPDATE discussion_messages SET content = ?", (IN_THE_WAL,))
            conn.commit()
        conn.execute("SELECT count(*) FROM lesson_runs").fetchone()  # (the -shm is there)
        for suffix in ("", *keep):
            shutil.copyfile(f"{live}{suffix}", f"{db}{suffix}")
    finally:
        conn.close()


def _rollback_journal(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")


def _hot_journal(db: Path) -> None:
    """A rollback-journal database whose writer died mid-transaction: the main file holds
    half of it, the journal what it replaced. Read as it is, the file is torn."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("UPDATE discussion_messages SET content = ? || content",
                     ("x" * 300_000,))  # pages enough to spill from a small cache
    committed = db.read_bytes()
    live = db.parent.parent / "live.db"
    shutil.copyfile(db, live)
    conn = sqlite3.connect(live, isolation_level=None)
    try:
        conn.execute("PRAGMA cache_size=5")
        conn.execute("BEGIN")
        conn.execute("UPDATE discussion_messages SET content = 'torn'")
        shutil.copyfile(live, db)
        shutil.copyfile(f"{live}-journal", f"{db}-journal")
    finally:
        conn.close()
    assert db.read_bytes() != committed, "the transaction did not spill: nothing is torn"


LAYOUTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a backup alone (WAL, nothing beside it)": (lambda db: None, COMMITTED),
    "WAL with its -wal and -shm": (lambda db: _with_companions(db, ("-wal", "-shm")),
                                   IN_THE_WAL),
    "WAL with a -wal and no -shm": (lambda db: _with_companions(db, ("-wal",)), IN_THE_WAL),
    "WAL with a -shm and no -wal": (lambda db: _with_companions(db, ("-shm",), change=False),
                                    COMMITTED),
    "a rollback journal": (_rollback_journal, COMMITTED),
    "a hot rollback journal": (_hot_journal, COMMITTED),
}


@contextlib.contextmanager
def frozen(folder: Path, *, files: bool = True,
           folder_too: bool = True) -> Iterator[dict[str, bytes]]:
    """Every file in `folder` read-only (mode 444), and the folder too (555); what it held."""
    held = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    for p in sorted(folder.iterdir()) if files else ():
        p.chmod(0o444)
    if folder_too:
        folder.chmod(0o555)
    try:
        yield held
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.chmod(0o644)


def run_as(prefix: list[str], tmp: Path, *args: str) -> Outcome:
    done = subprocess.run([*prefix, sys.executable, "-m", "bot", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, env={**os.environ, "TMPDIR": str(tmp)})
    return Outcome(done.returncode, done.stdout, done.stderr)


def _first_message(export: str) -> str:
    doc = json.loads(export)
    return str(doc["runs"][0]["examples"][0]["messages"][0]["content"])


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(the database's folder, a writable folder for what is written, the temporary folder)."""
    folders = tuple(tmp_path / name for name in ("data", "out", "tmp"))
    for folder in folders:
        folder.mkdir()
    return folders  # type: ignore[return-value]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("what", ["the folder", "the file"])
async def test_a_database_that_cannot_be_written_is_exported_and_backed_up(
    places: tuple[Path, Path, Path], layout: str, what: str,
) -> None:
    data, out, tmp = places
    db = await _committed(data)
    prepare, expected = LAYOUTS[layout]
    prepare(db)
    prefix = as_ordinary_user(_read_only_folder(tmp.parent))
    # A read-only file in a writable folder: SQLite's companions may go beside it.
    with frozen(data, folder_too=what == "the folder") as held:
        exported = run_as(prefix, tmp, "export", "--db", str(db), "--format", "json",
                          "--out", "-")
        assert exported.code == 0, exported
        assert _first_message(exported.stdout).endswith(expected)
        backed = run_as(prefix, tmp, "backup", "--db", str(db), str(out / "copy.db"))
        assert backed.code == 0, backed
        if what == "the folder":  # (in a writable one SQLite may leave an empty -wal)
            assert {p.name: p.read_bytes() for p in data.iterdir()} == held
        else:
            assert db.read_bytes() == held[db.name]
    copy = run_cli("export", "--db", str(out / "copy.db"), "--format", "json",
                   "--out", str(out / "copy.json"))
    assert copy.code == 0, copy
    assert _first_message((out / "copy.json").read_text(encoding="utf-8")).endswith(expected)
    assert list(tmp.iterdir()) == []  # a temporary copy read is removed


def _read_only_folder(parent: Path) -> Path:
    """A folder of mode 555 to probe with (as_ordinary_user)."""
    probe = parent / "probe"
    probe.mkdir(exist_ok=True)
    probe.chmod(0o555)
    return probe


async def test_what_cannot_be_read_or_written_says_what_is_read_only(
    places: tuple[Path, Path, Path],
) -> None:
    data, out, tmp = places
    db = await _committed(data)
    prefix = as_ordinary_user(_read_only_folder(tmp.parent))

    def refused(*args: str) -> str:
        outcome = run_as(prefix, tmp, *args)
        assert outcome.code == 2 and outcome.stderr.count("\n") == 1, outcome
        assert "Traceback" not in outcome.stderr and outcome.stdout == "", outcome
        assert "damaged" not in outcome.stderr and "not a usable" not in outcome.stderr
        return outcome.stderr

    # The bot (and the sandbox) write to their database: the folder, or the file, is named.
    with frozen(data, files=False):
        said = refused("sandbox", "--db", str(db))
        assert f"the folder {data} is read-only to this user" in said
        assert "write permission" in said
    with frozen(data, folder_too=False):
        said = refused("sandbox", "--db", str(db))
        assert "the file cohort.db is read-only to this user" in said
    # A backup into a folder the user may not write.
    with frozen(out):
        said = refused("backup", "--db", str(db), f"{out}/")
        assert f"the folder {out} is read-only to this user" in said
        assert "pick a folder you may write to" in said
    # A file the user may not read at all.
    with frozen(data):
        db.chmod(0o000)
        for command in (["export", "--format", "json", "--out", "-"], ["backup", f"{out}/"]):
            said = refused(*command, "--db", str(db))
            assert "I may not read this file" in said and "read permission" in said
    # Another user's live database: a -shm this user cannot open. A copy could be torn.
    _with_companions(db, ("-wal", "-shm"))
    with frozen(data):
        Path(f"{db}-shm").chmod(0o000)
        for command in (["export", "--format", "json", "--out", "-"], ["backup", f"{out}/"]):
            said = refused(*command, "--db", str(db))
            assert "cohort.db-shm` is not open to you" in said
            assert "as the user the bot runs as" in said
    assert list(out.iterdir()) == [] and list(tmp.iterdir()) == []

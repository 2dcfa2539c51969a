"""Every command that writes a file (`export --out`, `backup DEST`, `sandbox --serve --info`)
never writes over what it reads, and never replaces what is not a plain file
(bot/outfile.py): the database under any name (a symbolic or hard link, its `-wal`, `-shm`,
`-journal`, `.lock`), the config, a lesson file, another SQLite database are refused in one
line and left as they were; a device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is
written into and stays what it was; a folder or a socket is refused."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.test_cli import ROOT
from tests.export.data import Said, store_run
from tests.files import Outcome, run_cli

LESSONS = ROOT / "lessons"


def export_to(db: Path, out: Path, *extra: str) -> Outcome:
    return run_cli("export", "--db", str(db), "--format", "json", "--out", str(out), *extra)


def backup_to(db: Path, out: Path, *extra: str) -> Outcome:
    return run_cli("backup", "--db", str(db), str(out), "--force", *extra)


WRITERS: dict[str, Callable[..., Outcome]] = {"export": export_to, "backup": backup_to}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_refusal(outcome: Outcome, *words: str) -> None:
    assert outcome.code == 2, outcome
    assert "Traceback" not in outcome.stderr and len(outcome.stderr.strip().splitlines()) == 1, (
        outcome)
    for word in words:
        assert word in outcome.stderr, outcome


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.db"
    await store_run(path, [Said(1, "Ada", "first", after_ms=0)])
    return path


def open_wal(db: Path) -> sqlite3.Connection:
    """A connection holding the database open in WAL mode, as the running bot does: its
    `-wal` and `-shm` are there while it lives."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    conn.commit()
    return conn


@pytest.mark.parametrize("command", sorted(WRITERS))
@pytest.mark.parametrize("name", ["database", "symlink", "hardlink", "-wal", "-shm",
                                  "-journal", ".lock", "config", "lesson"])
def test_an_output_that_is_an_input_is_refused_and_left_alone(
    db: Path, tmp_path: Path, command: str, name: str,
) -> None:
    conn = open_wal(db)
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\ndatabase = "{db}"\n[lesson]\ndirectory = "{LESSONS}"\n')
    lesson = next(LESSONS.glob("*.toml"))
    try:
        out = {"database": db, "-wal": Path(f"{db}-wal"), "-shm": Path(f"{db}-shm"),
               "-journal": Path(f"{db}-journal"), ".lock": Path(f"{db}.lock"),
               "config": config, "lesson": lesson,
               "symlink": tmp_path / "out.json", "hardlink": tmp_path / "hard.json"}[name]
        if name == "symlink":
            out.symlink_to(db)
        if name == "hardlink":
            os.link(db, out)
        before = digest(out) if out.exists() else None
        os.chdir(tmp_path)  # (the config.toml that `export` and `backup` read by default)
        outcome = WRITERS[command](db, out, "--config", str(config))
        assert_one_line_refusal(outcome, "would destroy it")
        assert (digest(out) if out.exists() else None) == before
        assert conn.execute("SELECT count(*) FROM probe").fetchone() == (0,)
    finally:
        conn.close()
        os.chdir(ROOT)


def test_an_export_never_writes_over_another_database(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    asyncio.run(store_run(other, [Said(1, "Ben", "second", after_ms=0)]))
    before = digest(other)
    assert_one_line_refusal(export_to(db, other), "is an SQLite database")
    assert digest(other) == before
    # ... while a backup replaces an older backup, with --force: that is what it is for.
    assert backup_to(db, other).code == 0
    assert digest(other) != before and other.read_bytes()[:16] == b"SQLite format 3\0"


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_device_is_written_into_never_replaced(db: Path, command: str) -> None:
    outcome = WRITERS[command](db, Path("/dev/null"))
    assert outcome.code == 0, outcome
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_device_made_by_root_stays_a_device(db: Path, tmp_path: Path, command: str) -> None:
    """As root, what the finding met: a copy of /dev/null renamed over would be a plain file."""
    null = tmp_path / "mynull"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert WRITERS[command](db, null).code == 0
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_full_device_is_said_as_a_full_disk(db: Path, command: str) -> None:
    assert_one_line_refusal(WRITERS[command](db, Path("/dev/full")), "is full")


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_fifo_is_written_into_when_read_and_refused_when_not(
    db: Path, tmp_path: Path, command: str,
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert_one_line_refusal(WRITERS[command](db, fifo), "nothing reading from it")
    got: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as stream:
            got.append(stream.read())

    reader = threading.Thread(target=read)
    reader.start()
    # (the reader's open waits for a writer; the command's open finds it once it is there)
    for _ in range(200):
        outcome = WRITERS[command](db, fifo)
        if outcome.code == 0:
            break
    reader.join(timeout=30)
    assert outcome.code == 0, outcome
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    head = got[0][:16]
    assert head == b"SQLite format 3\0" if command == "backup" else head.startswith(b"{")


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_standard_output_by_name_is_the_pipe_it_names(db: Path, command: str) -> None:
    args = (["export", "--db", str(db), "--format", "json", "--out", "/dev/stdout"]
            if command == "export" else ["backup", "--db", str(db), "/dev/stdout", "--force"])
    done = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = b"SQLite format 3\0" if command == "backup" else b"{"
    assert done.stdout.startswith(expected)
    assert os.path.islink("/dev/stdout")


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_symbolic_link_is_followed_and_stays(db: Path, tmp_path: Path, command: str) -> None:
    target, link = tmp_path / "real.out", tmp_path / "link.out"
    link.symlink_to(target)
    assert WRITERS[command](db, link).code == 0
    assert link.is_symlink() and target.is_file() and target.stat().st_size > 0


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_socket_is_refused(db: Path, tmp_path: Path, command: str) -> None:
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert_one_line_refusal(WRITERS[command](db, path), "socket")
        assert stat.S_ISSOCK(path.stat().st_mode)
    finally:
        server.close()


@pytest.mark.parametrize("info", ["/dev/null", "spec", "database"])
def test_the_sandbox_info_file_is_never_a_device_or_an_input(
    db: Path, tmp_path: Path, info: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text('{"openapi": "3.1.0", "paths": {}}')
    monkeypatch.setenv("COHORTBOT_OPENAPI_SPEC", str(spec))
    path = {"/dev/null": Path("/dev/null"), "spec": spec, "database": db}[info]
    before = None if info == "/dev/null" else digest(path)
    outcome = run_cli("sandbox", "--serve", "--info", str(path))
    assert_one_line_refusal(outcome, "--info")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if before is not None:
        assert digest(path) == before


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_the_lock_beside_a_linked_database_is_refused(
    db: Path, tmp_path: Path, command: str,
) -> None:
    """`--db` a symbolic link: the lock (and SQLite's files) sit beside the file it names."""
    link = tmp_path / "linked" / "c.db"
    link.parent.mkdir()
    link.symlink_to(db)
    lock = Path(f"{db}.lock")
    lock.write_text("4242\n")
    assert_one_line_refusal(WRITERS[command](link, lock), "would destroy it")
    assert lock.read_text() == "4242\n"


@pytest.mark.parametrize("command", ["run", "sandbox", "backup", "export"])
def test_a_pipe_as_the_database_is_refused_and_nothing_made_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str,
) -> None:
    """SQLite on a device or a pipe would write its journal beside it (in /dev, for
    /dev/null), and the bot its lock: the database is a plain file or nothing yet."""
    pipe = tmp_path / "db"
    os.mkfifo(pipe)
    config = tmp_path / "bot.toml"
    config.write_text(f'[storage]\ndatabase = "{pipe}"\n[lesson]\ndirectory = "{LESSONS}"\n')
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi")
    outcome = run_cli(*{
        "run": ["run", "--config", str(config)],
        "sandbox": ["sandbox", "--db", str(pipe)],
        "backup": ["backup", "--db", str(pipe), str(tmp_path / "b.db")],
        "export": ["export", "--db", str(pipe), "--format", "json", "--out",
                   str(tmp_path / "o.json")],
    }[command])
    assert_one_line_refusal(outcome, "not a plain file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.toml", "db"]

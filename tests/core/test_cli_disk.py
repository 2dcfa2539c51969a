"""Whatever the operating system answers a start-up step (a full disk, a read-only file
system, a missing permission, a failing disk, a name too long), every command says it in one
line and exits with status 2, never a traceback; and a full disk is said as a full disk,
never as damage to restore from a backup (which would lose everything since that backup).

The full disk is a real one where the test may make it (a tiny tmpfs, as root), and
otherwise the operating system's own answer at the step that meets it (the lock file's
write, as on a new volume's first start)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from tests.core.test_cli import ROOT
from tests.files import Outcome, run_cli

LESSONS = ROOT / "lessons"
SAID = {errno.ENOSPC: "is full", errno.EDQUOT: "is full", errno.EROFS: "read-only",
        errno.EACCES: "permission denied", errno.EIO: "input/output error",
        errno.ENAMETOOLONG: "too long"}


def assert_one_line(outcome: Outcome, *words: str) -> None:
    assert outcome.code == 2, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in outcome.stderr, outcome
    for word in words:
        assert word in outcome.stderr, outcome


def start(command: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """`run` (stopped at its start-up checks, before Discord) or `sandbox --db`."""
    if command == "sandbox":
        return run_cli("sandbox", "--db", str(db), "--script", str(db.with_suffix(".missing")))
    # (beside the database, unless that is the test's small disk: the config must fit)
    config = (db.parent.parent if db.parent.is_mount() else db.parent) / "bot.toml"
    config.write_text(f'[storage]\ndatabase = "{db}"\n[lesson]\ndirectory = "{LESSONS}"\n')
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def.ghi")
    return run_cli("run", "--config", str(config))


@pytest.mark.parametrize("command", ["run", "sandbox"])
@pytest.mark.parametrize("step", ["open", "ftruncate", "pwrite"])
@pytest.mark.parametrize("code", sorted(SAID))
def test_the_lock_file_refused_by_the_os_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, step: str, code: int,
) -> None:
    real = getattr(os, step)

    def refused(*args: object, **kwargs: object) -> object:
        if step != "open" or str(args[0]).endswith(".lock"):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    with mock.patch(f"storage.lock.os.{step}", refused):
        outcome = start(command, tmp_path / "cohort.db", monkeypatch)
    assert_one_line(outcome, "lock file", SAID[code])
    assert "restore" not in outcome.stderr


@pytest.mark.parametrize("command", ["run", "sandbox", "backup", "export", "check-config",
                                     "review", "serve"])
def test_a_name_too_long_is_one_line_in_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str,
) -> None:
    long = tmp_path / ("n" * 300)
    monkeypatch.chdir(tmp_path)
    args = {
        "sandbox": ["sandbox", "--db", f"{long}/c.db"],
        "backup": ["backup", "--db", f"{long}.db", "x.db"],
        "export": ["export", "--db", f"{long}.db", "--format", "json", "--out", "o.json"],
        "check-config": ["check-config", f"{long}.toml"],
        "review": ["review", f"{long}.txt"],
        "serve": ["sandbox", "--serve", "--info", f"{long}.json"],
    }.get(command)
    outcome = start("run", long.with_suffix(".db"), monkeypatch) if args is None else run_cli(
        *args)
    assert outcome.code == 2 and "Traceback" not in outcome.stderr, outcome
    assert "too long" in outcome.stderr or "no such" in outcome.stderr.lower(), outcome


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 600 KB file system (tmpfs: root only), unmounted after the test."""
    mount = shutil.which("mount")
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or mount is None or subprocess.run(
            [mount, "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(folder)],
            capture_output=True).returncode != 0:
        pytest.skip("a real full disk needs root to mount a tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.mark.parametrize("command", ["run", "sandbox"])
def test_a_new_database_on_a_small_disk_is_said_full(
    tiny_disk: Path, monkeypatch: pytest.MonkeyPatch, command: str,
) -> None:
    # A new database's migrations and write-ahead log fill 600 KB; then the lock file's pid
    # finds no room (the sandbox's first start; `run` on the same files after it).
    outcome = start("sandbox", tiny_disk / "c.db", monkeypatch)
    if command == "run":
        outcome = start("run", tiny_disk / "c.db", monkeypatch)
    assert_one_line(outcome, "is full", str(tiny_disk))
    assert "restore" not in outcome.stderr


@pytest.mark.parametrize("command", ["run", "sandbox", "backup", "export"])
def test_a_disk_filled_under_a_database_is_said_full_not_damaged(
    tiny_disk: Path, monkeypatch: pytest.MonkeyPatch, command: str,
) -> None:
    db = tiny_disk / "c.db"
    shrink = subprocess.run(["mount", "-o", "remount,size=3m", str(tiny_disk)])
    assert shrink.returncode == 0
    made = start("sandbox", db, monkeypatch)
    assert made.code == 2 and "no such file" in made.stderr  # (the database made; no script)
    with (tiny_disk / "fill").open("wb") as fill, pytest.raises(OSError):
        while True:
            fill.write(b"\0" * 65536)
            fill.flush()
    if command in ("run", "sandbox"):
        outcome = start(command, db, monkeypatch)
    elif command == "backup":
        outcome = run_cli("backup", "--db", str(db), str(tiny_disk / "b.db"))
    else:  # it only reads, and writes nothing beside the database: a full disk is no matter
        outcome = run_cli("export", "--db", str(db), "--format", "json", "--out",
                          str(tiny_disk / "o.json"))
        assert_one_line(outcome, "nothing to export")  # (it read the file: no run posted)
        assert sorted(p.name for p in tiny_disk.iterdir()) == ["c.db", "c.db.lock", "fill"]
        return
    assert_one_line(outcome, "is full")
    assert "restore" not in outcome.stderr and "damaged" not in outcome.stderr

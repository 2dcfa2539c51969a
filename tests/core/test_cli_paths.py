"""Every command's paths, run as the operator runs them (a subprocess): a file named in a
folder that is not there is refused in one line and makes no folder (a typo must not
"work" somewhere else: review 6's finding 1, `restore --db /nonexist/x.db` said "restored"),
and a file a command only reads (the backup restored, the database backed up or exported)
is read without writing into its folder (finding 2: SQLite left `-wal` and `-shm` there)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import Database

ROOT = Path(__file__).resolve().parents[2]


def cohortbot(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_TOKEN")}
    return subprocess.run([sys.executable, "-m", "bot", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2 and result.stdout == "", result
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result
    assert all(w in result.stderr for w in words), result


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A database the bot made and closed (no `-wal` or `-shm` beside it), and a backup of it
    in a folder of its own (WAL mode, as every backup is)."""

    async def make() -> None:
        db = await Database.open(tmp_path / "data" / "cohort.db")
        try:
            await db.execute("INSERT INTO member_settings VALUES (1, 'Asia/Tokyo', 0)")
            await db.backup(tmp_path / "backups" / "b.db")
        finally:
            await db.close()

    asyncio.run(make())
    return tmp_path


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("where", ["typo/x.db", "typo/deeper/x.db"])
def test_a_restore_into_a_folder_that_is_not_there_is_refused_and_makes_none(
    live: Path, where: str,
) -> None:
    target = live / where
    refused(cohortbot("restore", live / "backups" / "b.db", "--db", target),
            f"there is no folder {target.parent}", "Nothing was changed")
    assert not (live / "typo").exists()


def test_a_restore_onto_a_path_with_no_database_is_refused_unless_it_is_new(
    live: Path,
) -> None:
    """A mistyped `--db data/cohrt.db` in a folder that is there: the bot would go on
    running on the old database while the operator was told "restored"."""
    backup, typo = live / "backups" / "b.db", live / "data" / "cohrt.db"
    refused(cohortbot("restore", backup, "--db", typo),
            f"{typo}: there is no database there, so nothing to replace", "add --new")
    assert _names(live / "data") == {"cohort.db"}
    done = cohortbot("restore", backup, "--db", typo, "--new")
    assert done.returncode == 0 and "a new database" in done.stdout, done
    assert typo.exists()
    # --new where there is one already: it would be replaced, which --new did not ask for.
    refused(cohortbot("restore", backup, "--db", live / "data" / "cohort.db", "--new"),
            "there is a database there already", "leave --new out")


def _damaged(path: Path) -> None:
    with path.open("r+b") as file:
        file.seek(4096 * 3)
        file.write(b"\xff" * 4096)


def _newer(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[60:64] = (999).to_bytes(4, "big")  # the header's user_version
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("spoil", "words"), [
    (Path.unlink, "no such file; give the backup's file"),
    (_newer, "a backup at schema version 999, newer than this bot"),
    (_damaged, "this backup is damaged"),
])
def test_a_backup_restore_refuses_is_said_as_a_backup_to_restore(
    live: Path, spoil: object, words: str,
) -> None:
    """Not "give the database file to back up", "back it up with the newer cohortbot" or
    "restore it from a backup": the backup is what will not do, the database is untouched."""
    backup, database = live / "backups" / "b.db", live / "data" / "cohort.db"
    spoil(backup)  # type: ignore[operator]
    before = database.read_bytes()
    result = cohortbot("restore", backup, "--db", database)
    refused(result, words, "the database was not touched")
    for advice in ("to back up", "back it up", "Restore it from a backup", "start afresh"):
        assert advice not in result.stderr, result
    assert database.read_bytes() == before


def test_what_a_command_only_reads_is_read_without_writing_beside_it(live: Path) -> None:
    """The restore's backup, the backup's database and the export's backup: their folders
    are as they were afterwards."""
    backups, data = live / "backups", live / "data"
    assert _names(backups) == {"b.db"} and _names(data) == {"cohort.db"}
    out = live / "out"
    out.mkdir()
    assert cohortbot("backup", out / "copy.db", "--db", data / "cohort.db").returncode == 0
    assert _names(data) == {"cohort.db"}
    exported = cohortbot("export", "--db", backups / "b.db", "--format", "json",
                         "--out", out / "x.json")
    assert "nothing to export" in exported.stderr, exported  # (no run posted: it read it)
    restored = cohortbot("restore", backups / "b.db", "--db", data / "cohort.db")
    assert restored.returncode == 0, restored
    assert _names(backups) == {"b.db"}


def test_a_file_named_in_a_missing_folder_is_refused_by_every_command(live: Path) -> None:
    database = live / "data" / "cohort.db"
    for argv in (("sandbox", "--db", live / "typo" / "x.db"),
                 ("sandbox", "--serve", "--info", live / "typo" / "ld.json"),
                 ("export", "--db", database, "--format", "json", "--out",
                  live / "typo" / "x.json"),
                 ("backup", live / "typo" / "deeper" / "b.db", "--db", database)):
        refused(cohortbot(*argv), "there is no folder", "create it first")
        assert not (live / "typo").exists()
    # The backups' own folder is made, as the README's `backup backups/cohort-DATE.db` needs.
    made = cohortbot("backup", live / "new" / "b.db", "--db", database)
    assert made.returncode == 0 and (live / "new" / "b.db").exists(), made


def test_check_config_says_when_the_database_is_not_there(live: Path) -> None:
    """A typo in `[storage] database` would start the bot on a new, empty database: the
    check says the file is not there (and the folder it would make), and nothing when it is."""
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config = live / "config.toml"
    config.write_text(example.replace('database = "data/cohort.db"', 'database = "dta/c.db"')
                      .replace('directory = "lessons"', f'directory = "{ROOT / "lessons"}"'),
                      encoding="utf-8")
    checked = cohortbot("check-config", config)
    assert checked.returncode == 0 and "config OK" in checked.stdout, checked
    assert (f"database not there yet: the bot creates it and its folder {live / 'dta'}"
            in checked.stdout), checked
    assert not (live / "dta").exists()
    config.write_text(example.replace('directory = "lessons"', f'directory = "{ROOT / "lessons"}"'),
                      encoding="utf-8")  # data/cohort.db: the fixture's database
    assert "not there" not in cohortbot("check-config", config).stdout

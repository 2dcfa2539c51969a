"""`cohortbot export`, run as a real subprocess like an operator would."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from storage.db import backup_file
from tests.core.test_cli import ROOT, cohortbot
from tests.export.data import BEFORE_REACTIONS, Said, store_run


async def test_exports_to_a_file_and_to_standard_output(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first", after_ms=0),
                         Said(2, "Ben", "second, the next day", after_ms=86_400_000)])
    done = cohortbot("export", "--db", str(db), "--format", "csv", "--out",
                     str(tmp_path / "run.zip"), "--timezone", "Asia/Kathmandu")
    assert done.returncode == 0, done.stderr
    assert "exported run #1" in done.stderr
    with zipfile.ZipFile(tmp_path / "run.zip") as archive:
        assert sorted(archive.namelist()) == ["critiques.csv", "examples.csv", "messages.csv",
                                              "participation.csv"]
        assert "+05:45" in archive.read("messages.csv").decode("utf-8-sig")
    assert not (tmp_path / "run.zip.partial").exists()

    day = cohortbot("export", "--db", str(db), "--format", "json", "--out", "-",
                    "--until", "2026-01-05", "--timezone", "UTC")
    assert day.returncode == 0, day.stderr
    doc = json.loads(day.stdout)
    assert [m["content"] for m in doc["runs"][0]["examples"][0]["messages"]] == ["first"]

    table = cohortbot("export", "--db", str(db), "--format", "csv", "--table", "messages",
                      "--out", "-")
    assert table.returncode == 0 and table.stdout.startswith("\ufeff\"run_id\"")


async def test_mistakes_are_explained_and_leave_no_file(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first")])
    out = tmp_path / "x.html"
    cases = [
        (["--run", "9"], "There is no run #9"),
        (["--since", "yesterday"], "must be a date like"),
        (["--table", "messages"], "--table is for --format csv"),
        (["--timezone", "Mars/Olympus"], "--timezone: `Mars/Olympus` is not a timezone I know"),
    ]
    for extra, expected in cases:
        done = cohortbot("export", "--db", str(db), "--format", "html", "--out", str(out),
                         *extra)
        assert done.returncode == 2, (extra, done.stderr)
        assert expected in done.stderr and "Traceback" not in done.stderr
        assert not out.exists()
    stdout_zip = cohortbot("export", "--db", str(db), "--format", "csv", "--out", "-")
    assert stdout_zip.returncode == 2 and "needs --table" in stdout_zip.stderr
    missing = cohortbot("export", "--db", str(tmp_path / "none.db"), "--format", "json",
                        "--out", "-")
    assert missing.returncode == 2 and "no database there" in missing.stderr
    assert io.StringIO(missing.stdout).read() == ""
    # A name longer than the file system takes: its is_file() raised, a traceback.
    too_long = cohortbot("export", "--db", str(tmp_path / ("n" * 300)), "--format", "json",
                         "--out", "-")
    assert too_long.returncode == 2 and too_long.stderr.count("\n") == 1, too_long.stderr
    assert "File name too long" in too_long.stderr


def read_only(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cohortbot *args` with `folder` read-only to it: as the reviewer did, a read-only bind
    mount (root ignores file modes) or, for any other user, the folder's mode."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return cohortbot(*args)
        finally:
            folder.chmod(0o755)
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: no way to make a folder read-only")
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), sys.executable,
                           "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip(f"cannot make a read-only mount here: {done.stderr.strip()}")
    return done


async def test_a_backup_in_a_read_only_folder_exports(tmp_path: Path) -> None:
    await store_run(tmp_path / "live.db", [Said(1, "Ada", "kept in the backup")])
    folder = tmp_path / "backups"
    await backup_file(tmp_path / "live.db", folder / "b.db")  # WAL mode, as backups are
    done = read_only(folder, "export", "--db", str(folder / "b.db"), "--format", "json",
                     "--out", str(tmp_path / "out.json"))
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert doc["runs"][0]["examples"][0]["messages"][0]["content"] == "kept in the backup"
    assert sorted(p.name for p in folder.iterdir()) == ["b.db"]


async def test_changes_only_in_the_wal_are_read_from_a_read_only_mount(tmp_path: Path) -> None:
    """A copy of a live database with its `-wal` but no `-shm`: the file alone lacks the
    latest changes, which SQLite applies by writing; they are read from a temporary copy, and
    the mount is left as it was (tests/core/test_cli_databases.py: the same in a folder the
    user may not write)."""
    await store_run(tmp_path / "live.db", [Said(1, "Ada", "only in the wal")])
    folder = tmp_path / "copy"
    folder.mkdir()
    with sqlite3.connect(tmp_path / "live.db") as live:  # open: the wal is not checkpointed
        live.execute("PRAGMA wal_autocheckpoint=0")
        live.execute("UPDATE discussion_messages SET content = 'changed'")
        live.commit()
        for name in ("live.db", "live.db-wal"):
            shutil.copyfile(tmp_path / name, folder / name)
    assert (folder / "live.db-wal").stat().st_size > 0
    done = read_only(folder, "export", "--db", str(folder / "live.db"), "--format", "json",
                     "--out", "-")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["runs"][0]["examples"][0]["messages"][0]["content"] == "changed"
    assert sorted(p.name for p in folder.iterdir()) == ["live.db", "live.db-wal"]


def cohortbot_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cohortbot *args` run from `folder`, outside the checkout (no config.toml, no lessons)."""
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=folder, timeout=60)


async def test_lessons_come_from_the_config_and_their_absence_is_said(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first")])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    bare = cohortbot_in(elsewhere, "export", "--db", str(db), "--format", "json", "--out", "-")
    assert bare.returncode == 0, bare.stderr
    assert json.loads(bare.stdout)["runs"][0]["lesson"]["prompt"] is None
    assert "no lesson `networking-with-professionals`" in bare.stderr
    assert f"{elsewhere / 'lessons'} (no such folder)" in bare.stderr
    assert "--config" in bare.stderr and "--lessons DIR" in bare.stderr

    # The config's lesson.directory is relative to the config file, as the bot reads it.
    deployed = tmp_path / "deployed"
    shutil.copytree(ROOT / "lessons", deployed / "content")
    (deployed / "bot.toml").write_text('[lesson]\ndirectory = "content"\n', encoding="utf-8")
    lessons = {}
    for option in (["--config", str(deployed / "bot.toml")],
                   ["--lessons", str(deployed / "content")]):
        done = cohortbot_in(elsewhere, "export", "--db", str(db), "--format", "json",
                            "--out", "-", *option)
        assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
        (run,) = json.loads(done.stdout)["runs"]
        assert run["lesson"]["title"] == "Networking with Professionals"
        assert run["lesson"]["prompt"] and run["examples"][0]["text"]
        lessons[option[0]] = run["lesson"]
    assert lessons["--config"] == lessons["--lessons"]


async def test_a_missing_out_folder_is_refused_not_made(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first")])
    out = tmp_path / "typo" / "dir" / "x.html"
    done = cohortbot("export", "--db", str(db), "--format", "html", "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"there is no folder {out.parent}; create it first" in done.stderr
    assert not (tmp_path / "typo").exists()


async def test_a_closed_run_says_closed_once_with_its_time(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    run_id, _ = await store_run(db, [Said(1, "Ada", "first")])
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE lesson_runs SET status = 'closed', closed_at = created_at"
                     " + 3600000 WHERE id = ?", (run_id,))
    heads = {}
    for fmt in ("markdown", "html"):
        done = cohortbot("export", "--db", str(db), "--format", fmt, "--out", "-",
                         "--timezone", "UTC")
        assert done.returncode == 0, done.stderr
        heads[fmt] = re.sub("<[^>]+>", "", next(  # the HTML's text, without its tags
            line for line in done.stdout.splitlines()
            if line.startswith(("Exported ", '<p class="meta">Posted'))))
    assert "· closed 2026-01-05 10:00 ·" in heads["html"] and heads["html"].count("closed") == 1
    assert heads["markdown"].count("closed") == 1
    assert heads["markdown"].rstrip().endswith("· closed 2026-01-05 10:00")


def documented_exit_statuses() -> dict[str, int]:
    """docs/export.md's table of exit statuses: {when: status}."""
    doc = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    table = doc.split("| When | Exit status |\n| --- | --- |\n", 1)[1].split("\n\n", 1)[0]
    rows = (line.strip("|").rsplit("|", 1) for line in table.splitlines())
    return {when.strip(): int(status) for when, status in rows}


async def test_every_exit_status_is_the_documented_one(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first")])
    garbage, newer = tmp_path / "garbage.db", tmp_path / "newer.db"
    garbage.write_bytes(b"not a database at all " * 300)
    shutil.copyfile(db, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 999")
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(db, damaged)
    with sqlite3.connect(damaged) as conn:  # a table the export never reads
        root, size = conn.execute("SELECT rootpage, (SELECT page_size FROM pragma_page_size)"
                                  " FROM sqlite_schema WHERE name = 'review_usage'").fetchone()
    with damaged.open("r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\x0d" + b"\xee" * (size - 1))
    lessons = ["--lessons", str(ROOT / "lessons")]
    cases = {
        "the export is written": [*lessons],
        "the export is written, but a lesson is missing from it (a warning says which)": [
            "--lessons", str(tmp_path)],
        "there is no database at `--db`": ["--db", str(tmp_path / "none.db")],
        "`--db` is not a cohortbot database": ["--db", str(garbage)],
        "`--db` is damaged (SQLite's `quick_check` of every page), even where the export "
        "does not read": ["--db", str(damaged)],
        "the database is from a newer cohortbot": ["--db", str(newer)],
        "an unknown `--run` or `--example`": ["--run", "4"],
        "a `--since` or `--until` that is not a date": ["--until", "soon"],
        "an unknown option, or a missing `--format` or `--out`": ["--colour"],
        "`--out` is in a folder that does not exist": [
            "--out", str(tmp_path / "missing" / "x.json")],
        "`--out` ends in another format's ending (`run.csv` for the zip of every table, "
        "`x.html` for JSON)": ["--out", str(tmp_path / "x.html")],
    }
    documented = documented_exit_statuses()
    assert documented.keys() == cases.keys()
    for when, extra in cases.items():
        out = tmp_path / "x.json"
        out.unlink(missing_ok=True)
        # The last --db / --out given is the one argparse keeps.
        done = cohortbot("export", "--db", str(db), "--format", "json", "--out", str(out),
                         *extra)
        assert done.returncode == documented[when], (when, done.stderr)
        assert "Traceback" not in done.stderr
        if done.returncode:
            assert len(done.stderr.strip().splitlines()) == 1, (when, done.stderr)
            assert not out.exists()
        else:
            assert json.loads(out.read_text(encoding="utf-8"))["runs"]
            assert ("warning" in done.stderr) == ("missing" in when), (when, done.stderr)


async def test_an_older_database_is_read_as_it_is_never_upgraded(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    db = folder / "c.db"
    await store_run(db, [Said(1, "Ada", "from an older bot")], schema=BEFORE_REACTIONS)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # one file, to compare byte for byte
    before = db.read_bytes()
    done = read_only(folder, "export", "--db", str(db), "--format", "json", "--out", "-")
    assert done.returncode == 0, done.stderr
    (message,) = json.loads(done.stdout)["runs"][0]["examples"][0]["messages"]
    assert message["content"] == "from an older bot"
    assert db.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == ["c.db"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == BEFORE_REACTIONS


async def test_an_out_name_that_contradicts_the_format_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first")])
    contradictions = [
        (["--format", "csv"], "run.csv", "--table"),  # all four tables are a zip
        (["--format", "csv", "--table", "messages"], "run.zip", ".csv"),
        (["--format", "json"], "x.html", ".json"),
        (["--format", "html"], "x.md", ".html"),
        (["--format", "markdown"], "x.JSON", ".md"),
    ]
    for options, name, hint in contradictions:
        out = tmp_path / name
        done = cohortbot("export", "--db", str(db), *options, "--out", str(out))
        assert done.returncode == 2, (options, name, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and hint in done.stderr, done.stderr
        assert not out.exists()
    agreeing = [(["--format", "csv"], "run.zip"), (["--format", "csv", "--table", "examples"],
                "examples.csv"), (["--format", "markdown"], "x.markdown"),
                (["--format", "html"], "x.htm"), (["--format", "json"], "export")]
    for options, name in agreeing:
        done = cohortbot("export", "--db", str(db), *options, "--out", str(tmp_path / name))
        assert done.returncode == 0, (options, name, done.stderr)
    assert zipfile.is_zipfile(tmp_path / "run.zip")
    assert not zipfile.is_zipfile(tmp_path / "examples.csv")


async def test_a_repeated_run_is_exported_once(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first")])
    done = cohortbot("export", "--db", str(db), "--format", "json", "--out", "-",
                     "--run", "1", "--run", "1")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [run["id"] for run in doc["runs"]] == [1] and doc["scope"]["runs"] == [1]
    html = cohortbot("export", "--db", str(db), "--format", "html", "--out", "-",
                     "--run", "1", "--run", "1")
    assert html.stdout.count('id="run-1"') == 1

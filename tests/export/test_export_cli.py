"""`cohortbot export`, run as a real subprocess like an operator would."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.core.test_cli import cohortbot
from tests.export.data import Said, store_run


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

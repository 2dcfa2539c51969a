"""Every environment variable the project reads, with a value it cannot use, is one line
naming the variable and what it takes, exit status 2 (bot/environment.py), never a traceback
from deep inside the command, and never silently ignored (a spec named explicitly and
missing would run the sandbox unchecked)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_cli import ROOT
from tests.export.data import Said, store_run
from tests.files import Outcome, run_cli

# Read where they are used, and checked there in words (bot/config.py, bot/demo/connect.py).
CHECKED_WHERE_READ = {"DISCORD_TOKEN", "DISCORD_TOKEN_FILE", "COHORTBOT_LOCAL_DISCORD"}
SOURCES = ("bot", "cogs", "storage", "localdiscord")
NAME = re.compile(r"[\"']((?:COHORTBOT|DISCORD|SOURCE)_[A-Z_]+)[\"']")


def read_names() -> set[str]:
    """Every environment variable named in the project's code."""
    found: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "environ" in text or "getenv" in text or "_ENV" in text:
                found.update(NAME.findall(text))
    return found


def assert_one_line(outcome: Outcome, name: str) -> None:
    assert outcome.code == 2, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in outcome.stderr, outcome
    assert name in lines[0], outcome


def test_every_variable_the_project_reads_is_checked() -> None:
    checked = set(NAME.findall((ROOT / "bot" / "environment.py").read_text(encoding="utf-8")))
    assert read_names() - checked - CHECKED_WHERE_READ == set()
    tested = {name for name, _ in SANDBOX_CASES} | {"SOURCE_DATE_EPOCH"}
    assert checked - tested == set()


@pytest.mark.parametrize("value", ["abc", "99999999999999", "-1", "1.5", "１２３", " 12 3"])
async def test_a_bad_source_date_epoch_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str,
) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first", after_ms=0)])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    outcome = run_cli("export", "--db", str(db), "--format", "json", "--out",
                      str(tmp_path / "o.json"))
    assert_one_line(outcome, "SOURCE_DATE_EPOCH")
    assert not (tmp_path / "o.json").exists()


async def test_a_good_source_date_epoch_fixes_the_export_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "c.db"
    await store_run(db, [Said(1, "Ada", "first", after_ms=0)])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / "o.json"
    assert run_cli("export", "--db", str(db), "--format", "json", "--out", str(out)).code == 0
    assert json.loads(out.read_text())["generated_at"]["utc"] == "2026-01-01T00:00:00.000Z"


def _spec(tmp_path: Path, content: str | bytes | None) -> str:
    path = tmp_path / "spec.json"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    return str(path)


SANDBOX_CASES = [
    ("COHORTBOT_OPENAPI_SPEC", None),  # named, and not there
    ("COHORTBOT_OPENAPI_SPEC", "<html>"),
    ("COHORTBOT_OPENAPI_SPEC", "{}"),
    ("COHORTBOT_OPENAPI_SPEC", '{"openapi": "2.0", "paths": {}}'),
    ("COHORTBOT_OPENAPI_SPEC", b"\x89PNG\r\n\x1a\n\0\0"),
    ("COHORTBOT_OPENAPI_SPEC", "[" * 100_000),
    ("COHORTBOT_SANDBOX_NO_SPEC", "yes"),
    ("COHORTBOT_SANDBOX_SNOWFLAKE_WORKER", "x"),
    ("COHORTBOT_SANDBOX_SNOWFLAKE_WORKER", "1024"),
    ("COHORTBOT_SANDBOX_REQUEST_LOG", "folder"),
    ("COHORTBOT_SANDBOX_REQUEST_LOG", "missing/log.jsonl"),
    ("COHORTBOT_SANDBOX_REQUEST_LOG", "database"),
]


@pytest.mark.parametrize(("name", "value"), SANDBOX_CASES)
@pytest.mark.parametrize("serve", [False, True])
async def test_a_bad_sandbox_variable_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str | bytes | None,
    serve: bool,
) -> None:
    if name == "COHORTBOT_OPENAPI_SPEC":
        setting = _spec(tmp_path, value)
    elif value == "folder":
        setting = str(tmp_path)
    elif value == "database":
        await store_run(tmp_path / "c.db", [])
        setting = str(tmp_path / "c.db")
    elif value == "missing/log.jsonl":
        setting = str(tmp_path / value)
    else:
        assert isinstance(value, str)
        setting = value
    monkeypatch.setenv(name, setting)
    script = tmp_path / "one.sandbox"
    script.write_text("show clock\n")
    args = ["--serve"] if serve else ["--script", str(script)]
    assert_one_line(run_cli("sandbox", *args), name)


def test_a_token_file_that_is_a_pipe_nothing_writes_to_is_refused_not_waited_on(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "token"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", "none.toml"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "DISCORD_TOKEN_FILE": str(fifo)})
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "DISCORD_TOKEN_FILE" in done.stderr and "nothing writing to it" in done.stderr


def test_a_token_file_that_is_a_pipe_with_a_writer_is_read() -> None:
    """`DISCORD_TOKEN_FILE=<(pass show bot-token)`: bash's process substitution, a pipe whose
    writer is there from the start."""
    read = ("from bot.config import load_token; print(load_token())")
    done = subprocess.run(["bash", "-c", f"DISCORD_TOKEN_FILE=<(echo abc.def.ghi) "
                           f"{sys.executable} -c '{read}'"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "abc.def.ghi"

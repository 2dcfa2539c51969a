"""Every command-line entry point over hostile input: the only outcomes are success or one
clear message on stderr with exit status 2, never a traceback (an exception escaping `main`
fails the test with its own).

Each property builds its files in a fresh temporary folder per example: files as they are
found in the wild (binary, truncated, saved with a BOM, nested beyond reason, huge numbers),
paths that are folders, sit under a file, or hold the characters that break URIs.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from storage import Database
from tests.files import assert_clear_refusal, run_cli

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# --- hostile content ----------------------------------------------------------------------------

SECTIONS = ["discord", "cohort", "storage", "followups", "review", "lesson", "token", "x"]
KEYS = ["guild_ids", "lesson_channel_id", "moderator_role_ids", "timezone", "database",
        "window_days", "max_chars", "rate_limit_per_hour", "linkedin_note_limit", "directory",
        "default", "post_schedule", "token", "friendly_hours", "nope"]
ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from([
    "America", "Etc", "Europe/", "a" * 300, "x/" * 100, "UTC", "Factory",
    "0 9 * * MON#1", "0 9 * * MON-", "0 9 30 2 *", "0 9 * * MON", "@weekly", "\u202eevil",
    "lessons", "data/c#1?.db", "",
]).filter(lambda t: not t.startswith(("/", "~")) and ".." not in t)  # no files outside the test


def toml_value(depth: int = 3) -> st.SearchStrategy[str]:
    scalar = st.one_of(
        st.integers().map(str),
        st.integers(min_value=4000, max_value=6000).map(lambda n: "9" * n),
        st.integers(min_value=1000, max_value=6000).map(lambda n: "0x" + "f" * n),
        st.sampled_from(["true", "false", "nan", "inf", "-0.0", "1979-05-27T07:32:00Z"]),
        ODD_TEXT.map(json.dumps),
        st.integers(min_value=100, max_value=5000).map(lambda n: "[" * n + "]" * n),
    )
    if depth == 0:
        return scalar
    inner = toml_value(depth - 1)
    return scalar | st.lists(inner, max_size=4).map(lambda xs: f"[{', '.join(xs)}]")


@st.composite
def toml_documents(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"[{draw(st.sampled_from(SECTIONS))}]")
        for _ in range(draw(st.integers(0, 4))):
            lines.append(f"{draw(st.sampled_from(KEYS))} = {draw(toml_value())}")
    text = "\n".join(lines)
    encoded = text.encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"])) + encoded


HOSTILE_BYTES = st.one_of(st.binary(max_size=600), toml_documents(),
                          st.text(max_size=200).map(lambda t: t.encode("utf-8", "replace")))
PLACES = st.sampled_from(["file", "missing", "folder", "under-a-file", "odd#name?%", "long"])


LESSONS = Path(__file__).resolve().parents[2] / "lessons"


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder with the shipped lessons where a config looks for them by default."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        shutil.copytree(LESSONS, Path(tmp) / "lessons")
        yield Path(tmp)


def place(root: Path, kind: str, content: bytes, name: str = "f") -> Path:
    """A path of the given kind; `file` and `odd#name?%` hold `content`."""
    root.mkdir(parents=True, exist_ok=True)
    if kind == "missing":
        return root / "absent" / name
    if kind == "folder":
        (root / name).mkdir(exist_ok=True)
        return root / name
    if kind == "under-a-file":
        (root / "plain").write_bytes(b"x")
        return root / "plain" / name
    if kind == "long":
        return root / ("n" * 300)
    path = root / (f"{name}#odd?%41" if kind.startswith("odd") else name)
    path.write_bytes(content)
    return path


def valid_database(path: Path) -> None:
    async def make() -> None:
        await (await Database.open(path)).close()

    asyncio.run(make())


# --- check-config -------------------------------------------------------------------------------


@PROPERTY
@given(content=HOSTILE_BYTES, kind=PLACES)
def test_check_config_over_hostile_files(content: bytes, kind: str) -> None:
    with scratch() as root:
        outcome = run_cli("check-config", str(place(root, kind, content)))
        event(f"exit {outcome.code}")
        assert_clear_refusal(outcome)


# --- backup -------------------------------------------------------------------------------------


DATABASE_BYTES = st.one_of(
    st.binary(max_size=600),
    st.sampled_from(["valid", "truncated", "header-only", "pages-garbled"]),
)


def database_at(root: Path, kind: str, content: bytes | str) -> Path:
    path = place(root, kind, b"" if isinstance(content, str) else content, "cohort.db")
    if isinstance(content, str) and kind in ("file", "odd#name?%"):
        valid_database(path)
        data = path.read_bytes()
        cut = {"valid": data, "truncated": data[:50], "header-only": data[:100],
               "pages-garbled": data[:4096] + b"\xff" * (len(data) - 4096)}[content]
        path.write_bytes(cut)
    return path


@PROPERTY
@given(source=DATABASE_BYTES, source_kind=PLACES, dest_kind=PLACES)
def test_backup_over_hostile_databases_and_destinations(source: bytes | str, source_kind: str,
                                                        dest_kind: str) -> None:
    with scratch() as root:
        database = database_at(root, source_kind, source)
        dest = place(root / "out", dest_kind, b"old backup", "copy.db") if dest_kind != "file" \
            else root / "copy.db"
        outcome = run_cli("backup", str(dest), "--database", str(database))
        event(f"exit {outcome.code}")
        assert_clear_refusal(outcome)
        if outcome.code == 0:
            copy = dest / database.name if dest.is_dir() else dest
            with sqlite3.connect(copy) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not list(root.rglob("*.partial"))


@PROPERTY
@given(backup=DATABASE_BYTES, backup_kind=PLACES, database=DATABASE_BYTES, database_kind=PLACES)
def test_restore_over_hostile_backups_and_databases(backup: bytes | str, backup_kind: str,
                                                    database: bytes | str,
                                                    database_kind: str) -> None:
    """Whatever the backup and the database it replaces: restored, or one line and nothing
    changed; never a file deleted (what it replaced is beside it, moved aside)."""
    with scratch() as root:
        source = database_at(root / "backups", backup_kind, backup)
        target = database_at(root / "data", database_kind, database)
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        outcome = run_cli("restore", str(source), "--db", str(target))
        event(f"exit {outcome.code}")
        assert_clear_refusal(outcome)
        after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        if outcome.code == 0:
            with sqlite3.connect(target) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert Counter(before.values()) <= Counter(after.values())  # moved, not deleted
        else:  # nor a -wal or -shm beside the backup it read (it used to leave them)
            assert {p: b for p, b in after.items() if p.suffix != ".lock"} == before
        assert {p for p in after if root / "backups" in p.parents} == {
            p for p in before if root / "backups" in p.parents}
        assert not list(root.rglob("*.restoring*"))


# --- run ----------------------------------------------------------------------------------------


@PROPERTY
@given(config=HOSTILE_BYTES | st.just(b""), config_kind=PLACES,
       token=st.binary(max_size=80) | st.sampled_from([b"abc.DEF-123_x\n", b"", b"\xef\xbb\xbft"]),
       token_kind=PLACES, database=DATABASE_BYTES, database_kind=PLACES)
def test_run_over_hostile_config_token_and_database(
    config: bytes, config_kind: str, token: bytes, token_kind: str, database: bytes | str,
    database_kind: str,
) -> None:
    """Everything `run` reads before it connects; connecting itself is the end-to-end tests'
    (a run that gets this far is a success here)."""
    with scratch() as root:
        db = database_at(root / "data", database_kind, database)
        config_path = place(root, config_kind, config, "config.toml")
        if config_kind == "file" and not config:
            config_path.write_text(f"[storage]\ndatabase = {json.dumps(str(db))}\n")
        token_path = place(root / "secrets", token_kind, token, "token")
        reached: list[Any] = []

        async def serve(*args: Any) -> int:
            reached.append(args)
            return 0

        env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_TOKEN")}
        with mock.patch.dict(os.environ, {**env, "DISCORD_TOKEN_FILE": str(token_path)},
                             clear=True), mock.patch("bot.__main__._serve", serve):
            outcome = run_cli("run", "--config", str(config_path))
        event(f"exit {outcome.code}")
        assert_clear_refusal(outcome)
        assert (outcome.code == 0) == bool(reached)


# --- review -------------------------------------------------------------------------------------


@PROPERTY
@given(content=HOSTILE_BYTES, kind=PLACES,
       flags=st.lists(st.sampled_from(["--json", "--followup", "--channel", "email", "fax",
                                       "--attempt", "0", "2", "x", "-"]), max_size=4))
def test_review_over_hostile_drafts_and_flags(content: bytes, kind: str,
                                              flags: list[str]) -> None:
    with scratch() as root:
        outcome = run_cli("review", *flags, str(place(root, kind, content)))
        event(f"exit {outcome.code}")
        assert_clear_refusal(outcome)


# --- sandbox ------------------------------------------------------------------------------------


SCRIPTS = st.one_of(
    st.binary(min_size=1, max_size=300),
    st.text(min_size=1, max_size=120).map(lambda t: ("as ada " + t).encode("utf-8", "replace")),
    st.sampled_from([b"\xef\xbb\xbfas ada juggle\n", b"as ada /help\x00\n", b"dm <<<\nno end"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=SCRIPTS, script_kind=PLACES, database=DATABASE_BYTES, database_kind=PLACES)
def test_sandbox_over_hostile_scripts_and_databases(script: bytes, script_kind: str,
                                                    database: bytes | str,
                                                    database_kind: str) -> None:
    with scratch() as root:
        db = database_at(root / "data", database_kind, database)
        path = place(root, script_kind, script, "s.sandbox")
        outcome = run_cli("sandbox", "--script", str(path), "--db", str(db))
        event(f"exit {outcome.code}")
        # A script that parses and runs may fail its own commands (exit 1, named in the
        # transcript); what it may not do is crash or leave the operator guessing.
        if outcome.code == 1:
            assert "✗" in outcome.stdout and "Traceback" not in outcome.stdout + outcome.stderr
            return
        assert_clear_refusal(outcome)


# --- export -------------------------------------------------------------------------------------


@PROPERTY
@given(database=DATABASE_BYTES, database_kind=PLACES, out_kind=PLACES,
       fmt=st.sampled_from(["csv", "json", "markdown", "html"]),
       flags=st.lists(st.sampled_from([
           ["--since", "2026-13-40"], ["--until", "yesterday"], ["--since", "2026-11-01"],
           ["--run", "0"], ["--run", "99999999999999999999"], ["--example", "-3"],
           ["--timezone", "America"], ["--timezone", "a" * 300], ["--timezone", "Europe/Oslo"],
           ["--table", "messages"], ["--include-bot-messages"]]), max_size=3))
def test_export_over_hostile_databases_outputs_and_options(
    database: bytes | str, database_kind: str, out_kind: str, fmt: str, flags: list[list[str]],
) -> None:
    with scratch() as root:
        db = database_at(root / "data", database_kind, database)
        out = place(root / "exports", out_kind, b"an older export", "run.out")
        argv = ["export", "--db", str(db), "--format", fmt, "--out", str(out)]
        outcome = run_cli(*argv, *(word for flag in flags for word in flag))
        event(f"exit {outcome.code}")
        assert_clear_refusal(outcome)
        assert not list(root.rglob("*.partial"))

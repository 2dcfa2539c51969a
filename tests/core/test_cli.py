"""The command line, run as a real subprocess like an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cohortbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**base, **(env or {})},
        timeout=60,
    )


def test_run_without_token_exits_at_once_with_one_line() -> None:
    started = time.monotonic()
    result = cohortbot("run", "--config", "config.example.toml")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert "make demo" in lines[0]
    assert time.monotonic() - started < 30  # generous: a subprocess on a busy machine


def test_check_config_accepts_the_example() -> None:
    result = cohortbot("check-config", "config.example.toml")
    assert result.returncode == 0, result.stderr
    assert "config OK" in result.stdout
    assert "follow-up window: 7 days" in result.stdout


def test_check_config_refuses_bad_files_with_status_2(tmp_path: Path) -> None:
    cases = {
        "wrong_type.toml": ('[followups]\nwindow_days = "two weeks"\n', "followups.window_days"),
        "unknown.toml": ("[discord]\nguild = 1\n", "discord.guild"),
        "range.toml": ("[followups]\nwindow_days = 30\n", "followups.window_days"),
    }
    for name, (text, key) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        result = cohortbot("check-config", str(path))
        assert result.returncode == 2, name
        assert key in result.stderr and name in result.stderr


def test_backup_of_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = cohortbot("backup", str(tmp_path / "b.db"), "--database", str(tmp_path / "no.db"))
    assert result.returncode == 1
    assert "no database there" in result.stderr


def test_backup_command_copies_the_database(tmp_path: Path) -> None:
    import asyncio

    from storage import Database

    async def make() -> None:
        db = await Database.open(tmp_path / "live.db")
        await db.close()

    asyncio.run(make())
    result = cohortbot("backup", str(tmp_path / "copy.db"), "--database", str(tmp_path / "live.db"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "copy.db").stat().st_size > 0

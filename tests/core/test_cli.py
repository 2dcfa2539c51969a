"""The command line, run as a real subprocess like an operator would."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from storage import Database
from tests.files import read_only, run_cli

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


def new_database(path: Path) -> None:
    """A database as the bot creates it (migrated), closed."""

    async def create() -> None:
        await (await Database.open(path)).close()

    asyncio.run(create())


def test_run_without_token_exits_at_once_with_one_line() -> None:
    result = cohortbot("run", "--config", "config.example.toml")  # no connection tried
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert "make demo" in lines[0]


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
    assert result.returncode == 2
    assert "no database there" in result.stderr


def test_backup_command_copies_the_database(tmp_path: Path) -> None:
    new_database(tmp_path / "live.db")
    result = cohortbot("backup", str(tmp_path / "copy.db"), "--database", str(tmp_path / "live.db"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "copy.db").stat().st_size > 0


def test_check_config_refuses_a_missing_lesson_folder_or_default_lesson(tmp_path: Path) -> None:
    (tmp_path / "no-folder.toml").write_text('[lesson]\ndirectory = "nowhere"\n')
    outcome = run_cli("check-config", str(tmp_path / "no-folder.toml"))
    assert outcome.code == 2, outcome
    assert "lesson.directory" in outcome.stderr and "nowhere" in outcome.stderr
    assert "config OK" not in outcome.stdout
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "other.toml").write_text((ROOT / "lessons" / (
        "networking-with-professionals.toml")).read_text().replace(
        'key = "networking-with-professionals"', 'key = "other"'))
    (tmp_path / "no-default.toml").write_text('[lesson]\ndirectory = "lessons"\n')
    outcome = run_cli("check-config", str(tmp_path / "no-default.toml"))
    assert outcome.code == 2, outcome
    assert "lesson.default" in outcome.stderr and "networking-with-professionals" in outcome.stderr
    assert "other" in outcome.stderr  # the lessons it does have


def test_a_default_lesson_whose_file_is_broken_is_refused_with_the_files_reason(
    tmp_path: Path,
) -> None:
    (tmp_path / "lessons").mkdir()
    text = (ROOT / "lessons" / "networking-with-professionals.toml").read_text()
    (tmp_path / "lessons" / "networking-with-professionals.toml").write_text(text[:200])
    (tmp_path / "c.toml").write_text('[lesson]\ndirectory = "lessons"\n')
    outcome = run_cli("check-config", str(tmp_path / "c.toml"))
    assert outcome.code == 2, outcome
    assert "lesson.default" in outcome.stderr
    assert "skipped: " in outcome.stderr and "networking-with-professionals.toml" in (
        outcome.stderr.split("skipped: ", 1)[1])  # why that file did not load


def test_check_config_names_lesson_files_the_bot_would_skip(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    (tmp_path / "lessons" / "broken.toml").write_text("key = 3\n")
    (tmp_path / "config.toml").write_text('[lesson]\ndirectory = "lessons"\n')
    outcome = run_cli("check-config", str(tmp_path / "config.toml"))
    assert outcome.code == 0, outcome
    assert "broken.toml" in outcome.stdout and "skipped" in outcome.stdout
    assert "config OK" in outcome.stdout


def test_storage_problems_exit_with_status_2_and_one_message(tmp_path: Path) -> None:
    (tmp_path / "folder.db").mkdir()
    for argv in (("backup", str(tmp_path / "b.db"), "--database", str(tmp_path / "no.db")),
                 ("backup", str(tmp_path / "b.db"), "--database", str(tmp_path / "folder.db"))):
        outcome = run_cli(*argv)
        assert outcome.code == 2, outcome
        assert len(outcome.stderr.strip().splitlines()) == 1, outcome


def test_sandbox_refuses_a_binary_script_and_a_folder_as_database(tmp_path: Path) -> None:
    script = tmp_path / "s.sandbox"
    script.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    outcome = run_cli("sandbox", "--script", str(script))
    assert outcome.code == 2 and "binary" in outcome.stderr and str(script) in outcome.stderr
    script.write_text("as ada /help\n")
    outcome = run_cli("sandbox", "--script", str(script), "--db", str(tmp_path))
    assert outcome.code == 2 and "is a folder" in outcome.stderr, outcome
    script.write_text("as ada juggle 3\n")
    outcome = run_cli("sandbox", "--script", str(script))
    assert outcome.code == 2 and f"{script}:1: unknown action 'juggle'" in outcome.stderr


def test_sandbox_serve_refuses_an_info_path_and_a_port_it_cannot_use(tmp_path: Path) -> None:
    outcome = run_cli("sandbox", "--serve", "--info", str(tmp_path))
    assert outcome.code == 2 and "is a folder" in outcome.stderr, outcome
    assert outcome.stderr.startswith("cohortbot sandbox: --info ")
    outcome = run_cli("sandbox", "--serve", "--info", str(tmp_path / "none" / "info.json"))
    assert outcome.code == 2 and "there is no folder" in outcome.stderr, outcome
    outcome = run_cli("sandbox", "--serve", "--port", "65536")
    assert outcome.code == 2 and "is not a port" in outcome.stderr, outcome


def test_a_region_as_timezone_is_refused_by_every_command(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[cohort]\ntimezone = "America"\n')
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    for argv in (("check-config", str(config)),
                 ("sandbox", "--config", str(config), "--script", str(config)),
                 ("export", "--config", str(config), "--format", "json", "--out", "-"),
                 ("export", "--timezone", "America", "--format", "json", "--out", "-",
                  "--db", str(tmp_path / "c.db"))):
        outcome = run_cli(*argv)
        assert outcome.code == 2, (argv, outcome)
        assert "region, not a timezone" in outcome.stderr, (argv, outcome)


def test_sandbox_on_a_database_another_bot_holds_is_refused_at_once(tmp_path: Path) -> None:
    from storage.lock import DatabaseLock

    script = tmp_path / "one.sandbox"
    script.write_text("show clock\n")
    database = tmp_path / "cohort.db"
    held = DatabaseLock.acquire(database)  # a second open file: flock conflicts in-process too
    assert held is not None
    try:
        outcome = run_cli("sandbox", "--db", str(database), "--script", str(script))
    finally:
        held.release()
    assert outcome.code == 2, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome  # the words `cohortbot run` uses, and no world started
    assert str(database) in lines[0] and f"(pid {os.getpid()})" in lines[0], outcome
    assert outcome.stdout == ""


def test_run_and_sandbox_refuse_a_config_whose_lessons_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/localdiscord.md's recipe once wrote a config without [lesson] directory: the bot
    started with no lessons, and the moderator met it only at /lesson post."""
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")  # refused before any connection
    config = tmp_path / "bot.toml"
    config.write_text(f'[storage]\ndatabase = "{tmp_path / "cohort.db"}"\n')
    script = tmp_path / "one.sandbox"
    script.write_text("show clock\n")
    for argv in (("run", "--config", str(config)),
                 ("sandbox", "--config", str(config), "--script", str(script))):
        outcome = run_cli(*argv)
        assert outcome.code == 2, (argv, outcome)
        assert "lesson.directory" in outcome.stderr and str(tmp_path / "lessons") in outcome.stderr
        assert '[lesson] directory = "/path/to/lessons"' in outcome.stderr  # the fix
    assert not (tmp_path / "cohort.db").exists()  # refused before the database was touched


def test_backup_names_the_file_it_wrote_and_replaces_one_only_with_force(
    tmp_path: Path,
) -> None:
    new_database(tmp_path / "live.db")
    folder = tmp_path / "backups"
    folder.mkdir()
    argv = ("backup", str(folder), "--database", str(tmp_path / "live.db"))
    outcome = run_cli(*argv)
    assert outcome.code == 0, outcome
    assert outcome.stdout.strip().endswith(f"-> {folder / 'live.db'}")  # the file, not the folder
    (folder / "live.db").write_bytes(b"the only good backup")
    for refused in (argv, ("backup", str(folder / "live.db"), "--database",
                           str(tmp_path / "live.db"))):
        outcome = run_cli(*refused)
        assert outcome.code == 2, outcome
        assert "already there" in outcome.stderr and "--force" in outcome.stderr, outcome
        assert (folder / "live.db").read_bytes() == b"the only good backup"
    outcome = run_cli(*argv, "--force")
    assert outcome.code == 0, outcome
    assert (folder / "live.db").read_bytes().startswith(b"SQLite format 3")


def test_backup_to_a_name_ending_in_a_slash_is_a_folder_made_for_it(tmp_path: Path) -> None:
    new_database(tmp_path / "live.db")
    (tmp_path / "new").mkdir()
    outcome = run_cli("backup", f"{tmp_path / 'new' / 'backups'}/", "--database",
                      str(tmp_path / "live.db"))
    assert outcome.code == 0, outcome
    written = tmp_path / "new" / "backups" / "live.db"
    assert outcome.stdout.strip().endswith(f"-> {written}")
    assert written.read_bytes().startswith(b"SQLite format 3")


def test_export_with_since_after_until_is_refused(tmp_path: Path) -> None:
    new_database(tmp_path / "c.db")
    outcome = run_cli("export", "--db", str(tmp_path / "c.db"), "--format", "markdown",
                      "--since", "2026-02-01", "--until", "2026-01-01", "--out", "-")
    assert outcome.code == 2, outcome
    assert "`since` must come before `until`" in outcome.stderr, outcome
    assert outcome.stdout == ""  # no empty export


def test_export_into_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "typo" / "run.html"
    outcome = run_cli("export", "--db", str(tmp_path / "c.db"), "--format", "html",
                      "--out", str(out))
    assert outcome.code == 2, outcome
    assert f"there is no folder {tmp_path / 'typo'}" in outcome.stderr, outcome
    assert not (tmp_path / "typo").exists()


def test_a_read_only_database_given_relative_names_its_real_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    new_database(tmp_path / "ro.db")
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "one.sandbox"
    script.write_text("show clock\n")
    with read_only(tmp_path / "ro.db"):
        outcome = run_cli("sandbox", "--db", "ro.db", "--script", str(script))
    assert outcome.code == 2, outcome
    assert "read-only" in outcome.stderr and f"its folder {tmp_path} " in outcome.stderr, outcome


def test_a_schedule_without_a_channel_is_refused_outside_the_sandbox(tmp_path: Path) -> None:
    """The sandbox supplies its #lessons (tests/e2e/test_sandbox_cli.py); a real config must
    name the channel the schedule posts in."""
    config = tmp_path / "sched.toml"
    config.write_text(f'[lesson]\npost_schedule = "0 10 * * MON"\n'
                      f'directory = "{ROOT / "lessons"}"\n')
    outcome = run_cli("check-config", str(config))
    assert outcome.code == 2, outcome
    assert "lesson.post_schedule" in outcome.stderr and "lesson_channel_id" in outcome.stderr


def test_an_unknown_timezone_is_said_in_one_sentence(tmp_path: Path) -> None:
    config = tmp_path / "tz.toml"
    config.write_text('[cohort]\ntimezone = "Mars/Base"\n')
    outcome = run_cli("check-config", str(config))
    assert outcome.code == 2, outcome
    line = outcome.stderr.strip().splitlines()[-1]
    assert line.startswith(f"{config.resolve()}: key 'cohort.timezone': expected an IANA "
                           'timezone name such as "'), line
    assert line.endswith("found str 'Mars/Base'"), line
    assert "I know" not in line  # the member-facing refusal is not pasted into the pattern


def test_every_command_that_takes_a_database_spells_it_db_and_database(tmp_path: Path) -> None:
    from bot.__main__ import _parser

    parser = _parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    spelled = {name: sorted(o for a in command._actions for o in a.option_strings
                            if a.dest == "db")
               for name, command in sub.choices.items()}
    takes = {name for name, options in spelled.items() if options}
    assert takes >= {"backup", "export", "sandbox"}
    assert all(spelled[name] == ["--database", "--db"] for name in takes), spelled
    new_database(tmp_path / "live.db")
    for option in ("--db", "--database"):
        copy = tmp_path / f"copy{option}.db"
        result = cohortbot("backup", option, str(tmp_path / "live.db"), str(copy))
        assert result.returncode == 0, result.stderr
        assert copy.stat().st_size > 0


def test_sandbox_refuses_a_database_in_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    script = tmp_path / "s.sandbox"
    script.write_text("show clock\n")
    database = tmp_path / "typo" / "dir" / "x.db"
    outcome = run_cli("sandbox", "--db", str(database), "--script", str(script))
    assert outcome.code == 2, outcome
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome
    assert f"there is no folder {database.parent}" in outcome.stderr, outcome
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("argv", [
    ["nonsense"], ["export", "--format", "xml", "--out", "-"], ["export", "--run", "0"],
    ["backup"], ["backup", "x.db", "--nope"], ["check-config", "a", "b"],
    ["review", "--attempt"], ["run", "--config"], ["backup", "a", "b\n```\nc"],
    ["export", "--format", "json", "--out", "-", "--since", "two\nlines"],
    ["backup", "--database", "missing\n.db", "x.db"],
])
def test_a_usage_error_or_a_refusal_is_one_line(argv: list[str]) -> None:
    """argparse printed the whole usage block first (seven lines for `export`), and the
    reason came last; now the reason is the line, as for every other refusal, and a newline
    in what it quotes is shown as `\\n`."""
    outcome = run_cli(*argv)
    assert outcome.code == 2
    (line,) = outcome.stderr.splitlines()
    if ": error: " in line:  # argparse's: it says where the usage is
        assert line.startswith("cohortbot") and line.endswith("--help` shows the usage)")


def test_check_config_names_a_lesson_image_over_the_upload_limit(tmp_path: Path) -> None:
    """Review 5's finding 26: the file passed, then `/lesson post` met Discord's 413."""
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    (tmp_path / "lessons" / "images").mkdir()
    (tmp_path / "lessons" / "images" / "big.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + b"\0" * 12_000_000)
    (tmp_path / "lessons" / "img.toml").write_text(
        'key = "img"\ntitle = "Image lesson"\nprompt = "Evaluate."\nrecap = "Short."\n'
        '[[examples]]\ntitle = "Outreach 1"\ntext = "Hi Dana."\nimage = "images/big.png"\n')
    (tmp_path / "config.toml").write_text('[lesson]\ndirectory = "lessons"\n')
    outcome = run_cli("check-config", str(tmp_path / "config.toml"))
    assert outcome.code == 0, outcome  # the default lesson still loads: the bot would start
    (line,) = [x for x in outcome.stdout.splitlines() if "img.toml" in x]
    assert "examples[1].image: big.png is 11.4 MB" in line and "at most 8 MiB" in line, line
    assert "(1 lesson file skipped)" in outcome.stdout

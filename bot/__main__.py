"""`cohortbot` / `python -m bot`: run, sandbox, review, export, check-config, backup, restore.

Whatever the operator hands in (arguments, the config, the token file, the database, a
sandbox script) is checked before anything starts: exit 0, or one message on stderr and exit
status 2 (exit 1 is a run that failed on its own: Discord refused the token, a script's
expectation did not hold).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.arguments import OneLineParser, one_line
from bot.config import (
    Config,
    config_zone,
    load_config,
    load_token,
    require_lessons,
    summary,
)
from bot.display import plural
from bot.environment import check as check_environment
from bot.environment import source_date
from bot.errors import ConfigError, StorageError, UserError
from bot.logs import configure as configure_logging
from bot.oserrors import describe, reason
from bot.outfile import database_files, folder_files, refuse_inputs, require_folder, written
from bot.textfile import UnreadableFile, read_text
from storage.db import SCHEMA_VERSION, backup_file, check_database
from storage.lock import DatabaseInUse, DatabaseLock

if TYPE_CHECKING:
    from bot.clock import ManualClock
    from bot.demo.connect import LocalDiscordTarget
    from bot.services.export import ExportRequest, ExportResult, ExportService

DEFAULT_CONFIG = Path("config.toml")
EXIT_USAGE = 2  # bad config, arguments or files: the operator must change something


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="cohortbot",
        description="A Discord bot for learning cohorts (lesson critiques, draft reviews, "
        "follow-up reminders).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # -v is accepted after the command too (`cohortbot sandbox -v`); SUPPRESS keeps a
    # command without it from resetting the one given before.
    verbose = OneLineParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="debug logging")
    command = partial(sub.add_parser, parents=[verbose])

    run = command("run", help="run the bot on Discord (needs DISCORD_TOKEN), or on a "
                  "local Discord named by $COHORTBOT_LOCAL_DISCORD")
    run.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="default: config.toml")

    sandbox = command(
        "sandbox", help="run the bot against a local sandbox Discord (no account needed)"
    )
    sandbox.add_argument("--script", type=Path, help="run commands from FILE, print a transcript")
    _database_option(sandbox, "keep the bot's database here")
    sandbox.add_argument("--config", type=Path, help="bot config to use (ids come from the demo)")
    sandbox.add_argument("--serve", action="store_true",
                         help="run only the demo's local Discord, as its own process")
    sandbox.add_argument("--port", type=_port, default=0, help="with --serve: default any free")
    sandbox.add_argument("--info", type=Path,
                         help="with --serve: write the info JSON (URLs, token, ids) to FILE")
    sandbox.add_argument("--no-validate", action="store_true",
                         help="with --serve: do not check requests against Discord's OpenAPI "
                              "spec (benchmarks: they measure the bot, not the checks)")

    review = sub.add_parser("review", help="review an outreach draft offline", add_help=False)
    review.add_argument("args", nargs=argparse.REMAINDER)

    check = command("check-config", help="validate a config file and summarize it")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_CONFIG)

    backup = command("backup", help="copy the database safely, even while the bot runs")
    # A string, not a Path: Path drops the trailing slash that says "a folder" (backups/).
    backup.add_argument("dest", help="the backup's file, or a folder to put it in (a name "
                        "ending in / is a folder, made if missing)")
    backup.add_argument("--force", action="store_true", help="replace a file already there")
    backup.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    _database_option(backup, "the database file (overrides the config)")
    restore = command("restore", help="put a backup back as the database (stop the bot "
                      "first); the database it replaces is moved aside, never deleted")
    restore.add_argument("backup", type=Path, help="the backup's file (cohortbot backup)")
    restore.add_argument("--new", action="store_true", help="there is no database yet (a new "
                         "machine, a lost file): create it from the backup")
    restore.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    _database_option(restore, "the database file to replace (overrides the config)")
    _export_parser(command)
    return parser


def _database_option(command: argparse.ArgumentParser, help: str) -> None:
    """The database file, spelled alike in every command: `--db`, or `--database` (which
    `backup` took first)."""
    command.add_argument("--db", "--database", dest="db", type=Path, metavar="PATH", help=help)


def _port(text: str) -> int:
    from localdiscord.process import port_number  # only when --port is given: it is heavy

    return port_number(text)


def _export_parser(command: Callable[..., argparse.ArgumentParser]) -> None:
    from bot.export.model import Format, Table

    export = command(
        "export", help="export a lesson run's discussion as CSV, JSON, Markdown or HTML",
        description="Export a lesson run from the database (or a backup of it), even while "
        "the bot runs. Dates are in the cohort's timezone; --until includes that whole day.")
    _database_option(export, "database file or backup (default: the config's)")
    export.add_argument("--format", required=True, choices=[f.value for f in Format])
    export.add_argument("--out", required=True, help="file to write, or - for standard output")
    export.add_argument("--run", type=_number, action="append", metavar="ID",
                        help="run number; repeat for several (default: the latest run)")
    export.add_argument("--example", type=_number, metavar="N", help="only this example")
    export.add_argument("--since", metavar="DATE", help="from this date (YYYY-MM-DD) or time")
    export.add_argument("--until", metavar="DATE", help="up to and including this date")
    export.add_argument("--include-bot-messages", action="store_true",
                        help="put the bot's posts of the critiques in the conversations")
    export.add_argument("--table", choices=[t.value for t in Table],
                        help="CSV: this table alone (default: all tables in a zip)")
    export.add_argument("--config", type=Path,
                        help="config for the timezone, lessons and database (default: "
                        "config.toml if there is one)")
    export.add_argument("--timezone", help="IANA timezone (default: the config's cohort one)")
    export.add_argument("--lessons", type=Path, metavar="DIR",
                        help="lesson folder, for the prompt and the examples' text (default: "
                        "the config's lesson.directory)")


def _number(text: str) -> int:
    """A run or example number: what SQLite can hold, so a typo is a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{text} is not a run or example number (1 or more)")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `review` passes everything after it to the reviewer's own parser (it has its own --help).
    if argv[:1] == ["review"]:
        from bot.review.cli import main as review_main

        return review_main(argv[1:])
    args = _parser().parse_args(argv)
    configure_logging(verbose=args.verbose)
    try:
        check_environment(args.command)
        if args.command == "check-config":
            return _check_config(args.path)
        if args.command == "run":
            return _run(args.config)
        if args.command == "backup":
            return _backup(args)
        if args.command == "restore":
            return _restore(args)
        if args.command == "export":
            return _export(args)
        if args.command == "sandbox" and args.serve:
            from bot.demo.serve import main as serve_main

            return serve_main(port=args.port, info=args.info, validate=not args.no_validate)
        if args.command == "sandbox":
            return _sandbox(args)
    except ConfigError as exc:
        print(f"config error:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseInUse as exc:
        print(one_line(f"cohortbot: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except StorageError as exc:
        print(one_line(f"database error: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except UserError as exc:
        print(one_line(f"cohortbot {args.command}: {exc.message}"), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a file the steps above did not word themselves: the OS's reason
        print(one_line(f"cohortbot {args.command}: {describe(exc)}"), file=sys.stderr)
        return EXIT_USAGE
    raise AssertionError(f"unhandled command {args.command}")  # argparse guarantees one


def _check_config(path: Path) -> int:
    config = load_config(path)
    skipped = require_lessons(config)
    print(summary(config))
    database = Path(config.storage.database)
    if not database.exists():  # a first start, or a typo that would start an empty database
        made = "" if database.parent.is_dir() else f" and its folder {database.parent}"
        print(f"database not there yet: the bot creates it{made} at its first start (if it "
              "should be there, check [storage] database)")
    for problem in skipped:
        print(f"lesson file skipped (the bot starts without it): {problem}")
    print("config OK" + (f" ({plural(len(skipped), 'lesson file')} skipped)" if skipped else ""))
    return 0


def _run(config_path: Path) -> int:
    from bot.demo.connect import target_from_env

    local = target_from_env(dict(os.environ))
    token = local.token if local is not None else load_token()
    if not token:
        print(
            "cohortbot: no bot token: set DISCORD_TOKEN (or DISCORD_TOKEN_FILE) to run on "
            "Discord, or try the bot locally with `make demo`.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    config = load_config(config_path)
    require_lessons(config)
    if local is not None:
        config = local.configure(config)
    # The lock first: a second process on this database says which process holds it, and
    # touches nothing (its checks below would probe a file in use, and could wait on the
    # other's writes). Then, before logging in, a database the bot cannot use is said at
    # once, in words, rather than after connecting to Discord.
    lock = DatabaseLock.acquire(config.storage.database)
    try:
        asyncio.run(check_database(config.storage.database))
        return asyncio.run(_serve(config, token, local, lock))
    finally:
        if lock is not None:
            lock.release()  # the bot released it at close already; a no-op then


def _sandbox(args: argparse.Namespace) -> int:
    """Check what the sandbox is handed before it starts a world (that takes seconds)."""
    from bot.demo.terminal import MAX_SCRIPT_BYTES, quiet_logging
    from bot.demo.terminal import main as sandbox_main
    from localdiscord.script.language import parse_script

    if args.config is not None:
        require_lessons(load_config(args.config, channel_supplied=True))  # the demo's ids
    if args.db is not None:
        require_folder("--db", args.db)
        with quiet_logging():  # a new database's migrations are no news before the banner
            asyncio.run(check_database(args.db))
        _check_free(args.db)
    if args.script is not None:
        try:
            text = read_text(args.script, limit=MAX_SCRIPT_BYTES)
        except UnreadableFile as exc:
            print(f"cohortbot sandbox: {args.script}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        _, errors = parse_script(text)
        for error in errors:
            print(f"✗ {args.script}:{error.line}: {error.message}", file=sys.stderr)
        if errors:
            return EXIT_USAGE
    return sandbox_main(script=args.script, db=args.db, config_path=args.config)


def _check_free(database: Path) -> None:
    """DatabaseInUse now if another process holds the database: the sandbox's bot would
    only find out at login, after the world started, as a timeout."""
    lock = DatabaseLock.acquire(database)
    if lock is not None:
        lock.release()  # the sandbox's bot takes it again when it logs in


async def _serve(config: Config, token: str, local: LocalDiscordTarget | None = None,
                 lock: DatabaseLock | None = None) -> int:
    import aiohttp
    import discord

    from bot.client import CohortBot
    from bot.demo.connect import ENV as LOCAL_ENV

    clock: ManualClock | None = None
    follower: asyncio.Task[None] | None = None
    options: dict[str, Any] = {}
    if local is not None:
        try:
            clock, follower, options = await local.attach()
        except (OSError, aiohttp.ClientError) as exc:
            print(f"cohortbot: cannot reach the local Discord at {local.info['control_url']} "
                  f"({exc}); start it, or unset {LOCAL_ENV} to run on Discord.",
                  file=sys.stderr)
            return 1
    bot = CohortBot(config, clock=clock, lock=lock, **options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.create_task(bot.start(token), name="bot-run")
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)  # a second Ctrl-C during shutdown ends it the hard way
    await bot.close()
    if follower is not None:
        follower.cancel()
    if not runner.done():
        runner.cancel()
    try:
        await runner
    except asyncio.CancelledError:
        pass
    except discord.LoginFailure:
        print("cohortbot: Discord rejected the token in DISCORD_TOKEN; reset it in the "
              "Developer Portal (Bot -> Reset Token).", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print("cohortbot: enable the Message Content and Server Members intents in the "
              "Developer Portal (Bot -> Privileged Gateway Intents).", file=sys.stderr)
        return 1
    except (OSError, aiohttp.ClientError) as exc:
        if isinstance(exc, OSError) and exc.filename:  # a file, not the network: main says it
            raise
        print(f"cohortbot: cannot reach Discord ({exc}); check the network and try again.",
              file=sys.stderr)
        return 1
    return 0


def _backup(args: argparse.Namespace) -> int:
    database = args.db or load_config(args.config).storage.database
    dest = Path(args.dest)
    if args.dest.endswith(("/", os.sep)):  # a folder, maybe not there yet: the copy goes in it
        dest /= Path(database).name
    # The backups' folder is made on the first backup, but not a chain of them: a typo
    # further up the path is refused.
    require_folder("backup destination", dest, make=True)
    config = args.config if args.config.exists() else None
    lessons = None
    if config is not None:  # (its lesson files are the cohort's too; a broken config, no matter)
        with contextlib.suppress(ConfigError):
            lessons = load_config(config).lesson.directory
    target = dest / Path(database).name if dest.is_dir() else dest
    # (over an older backup, an SQLite database, with --force: that is what it is for)
    refuse_inputs(target, _inputs(database, config, lessons), "backup destination",
                  databases=False)
    copy = asyncio.run(backup_file(Path(database), dest, overwrite=args.force))
    print(f"backed up {database} -> {copy}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from storage.restore import restore_backup

    database = Path(args.db or load_config(args.config).storage.database)
    done = asyncio.run(restore_backup(args.backup, database, SystemClock().now(),
                                      new=args.new))
    older = (f"; the bot brings it from schema version {done.version} up to date when it "
             "starts" if done.version < SCHEMA_VERSION else "")
    fresh = "a new database, " if args.new else ""
    print(f"restored {args.backup} -> {database} ({fresh}integrity checked{older})")
    if done.moved_aside:
        print("the database it replaced is kept, not deleted: "
              + ", ".join(str(p) for p in done.moved_aside)
              + " (delete them once the restored database serves you well)")
    return 0


def _export(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from bot.clock import ManualClock, SystemClock
    from bot.export.model import Format, Table, contradicting_suffix
    from bot.export.times import parse_bound
    from bot.lessons import load_lessons
    from bot.services.export import ExportRequest, ExportService

    config_path = args.config or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    config = load_config(config_path) if config_path else Config()
    try:
        tz = ZoneInfo(config_zone(args.timezone)) if args.timezone else config.cohort.tz
    except UserError as exc:
        raise UserError(f"--timezone: {exc.message}") from None
    fmt, table = Format(args.format), Table(args.table) if args.table else None
    if table is not None and fmt is not Format.CSV:
        raise UserError("--table is for --format csv.")
    if args.out == "-" and fmt is Format.CSV and table is None:
        raise UserError("CSV to standard output needs --table (messages, critiques, "
                        "participation or examples); a file gets all tables in a zip.")
    if args.out != "-" and (lie := contradicting_suffix(Path(args.out).name, fmt, table)):
        raise UserError(f"--out {args.out}: {lie}")
    request = ExportRequest(
        fmt, runs=tuple(args.run or ()), example=args.example,
        since_ms=parse_bound(args.since, tz, end=False, name="--since") if args.since else None,
        until_ms=parse_bound(args.until, tz, end=True, name="--until") if args.until else None,
        include_bot_messages=args.include_bot_messages, table=table,
    )
    # SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes the "exported at" time, so
    # the example in docs/ is regenerated byte for byte.
    epoch = source_date()
    clock = ManualClock(epoch) if epoch is not None else SystemClock()
    lessons = args.lessons or config.lesson.directory
    database = args.db or config.storage.database
    service = ExportService(database, timezone=tz,
                            lessons=partial(load_lessons, lessons), clock=clock, verify=True)
    if args.out == "-":
        result = service.write(request, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        refuse_inputs(Path(args.out), _inputs(database, config_path, Path(lessons)), "--out")
        result = _export_to_file(service, request, Path(args.out))
    if result.missing_lessons:
        keys = ", ".join(f"`{key}`" for key in result.missing_lessons)
        where = f"{lessons.absolute()}" + ("" if lessons.is_dir() else " (no such folder)")
        print(f"warning: no lesson {keys} in {where}, so the export lacks its prompt and the "
              "examples' text: give --config with the bot's config, or --lessons DIR.",
              file=sys.stderr)
    return 0


def _inputs(database: Path | str, config: Path | None,
            lessons: Path | None) -> list[tuple[str, Path]]:
    """What a command that writes a file reads or serves with, and so may not write over
    (bot/outfile.py): the database's files, the config, the lesson files."""
    named = [("the database" if path == Path(database) else "a file of the database", path)
             for path in database_files(Path(database))]
    if config is not None:
        named.append(("the config file", config))
    return named + [("a lesson file", path) for path in folder_files(lessons or Path("lessons"))]


def _export_to_file(service: ExportService, request: ExportRequest, out: Path) -> ExportResult:
    try:
        with contextlib.suppress(OSError):
            if out.is_dir():
                raise UserError(f"--out {out} is a directory; give a file name.")
        require_folder("--out", out)
        with written(out, "--out") as stream:
            result = service.write(request, stream)
    except OSError as exc:
        raise UserError(f"--out {out}: cannot write the export there "
                        f"({reason(exc, out)}); pick another path.") from None
    runs = ", ".join(f"#{r}" for r in result.run_ids)
    print(f"exported run {runs} to {out}", file=sys.stderr)
    return result


if __name__ == "__main__":
    sys.exit(main())

"""The environment variables the command line reads, each checked before the command starts:
a bad value is one line naming the variable, what it holds and what it takes (the caller
turns `UserError` into exit status 2), never a traceback from deep inside the command.

Every variable the project reads is here, or checked where it is read in words already:
`DISCORD_TOKEN` / `DISCORD_TOKEN_FILE` (bot/config.py: load_token) and
`COHORTBOT_LOCAL_DISCORD` (bot/demo/connect.py), both for `run`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import UserError
from bot.outfile import refuse_inputs
from bot.textfile import UnreadableFile, read_text

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"  # `export`: the "exported at" time (reproducible files)
OPENAPI_SPEC = "COHORTBOT_OPENAPI_SPEC"  # `sandbox`: Discord's OpenAPI spec, to check requests
NO_SPEC = "COHORTBOT_SANDBOX_NO_SPEC"  # `sandbox`: 1 = run unvalidated on purpose
SNOWFLAKE_WORKER = "COHORTBOT_SANDBOX_SNOWFLAKE_WORKER"  # `sandbox`: the ids' worker, 0..1023
REQUEST_LOG = "COHORTBOT_SANDBOX_REQUEST_LOG"  # `sandbox`: a file each REST request is added to

MAX_SPEC_BYTES = 64 * 1024 * 1024
WORKERS = 1024  # (localdiscord/snowflakes.py: WORKERS; the local Discord imports nothing of bot)


def check(command: str, environ: Mapping[str, str] | None = None) -> None:
    """`UserError` for the first variable `command` reads whose value it cannot use."""
    env = os.environ if environ is None else environ
    if command == "export":
        source_date(env)
    if command == "sandbox":
        _check_spec(env)
        _check_flag(env, NO_SPEC)
        _check_worker(env)
        _check_log(env)


def source_date(environ: Mapping[str, str] | None = None) -> datetime | None:
    """`SOURCE_DATE_EPOCH` as a time (None when unset): whole seconds since 1970, as the
    reproducible-builds convention has it."""
    env = os.environ if environ is None else environ
    value = env.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return None
    wrong = UserError(f"{SOURCE_DATE_EPOCH}={value!r}: takes a whole number of seconds since "
                        "1970-01-01 UTC (e.g. 1767225600), up to the year 9999; or unset it")
    if not value.isascii() or not value.isdigit():
        raise wrong
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, ValueError):
        raise wrong from None


def _check_spec(env: Mapping[str, str]) -> None:
    """A spec asked for by name must be there and be an OpenAPI document: running unchecked
    because of a typo would pass what Discord refuses."""
    value = env.get(OPENAPI_SPEC, "")
    if not value:
        return
    where = f"{OPENAPI_SPEC}={value}"
    try:
        text = read_text(value, limit=MAX_SPEC_BYTES)
    except UnreadableFile as exc:
        raise UserError(f"{where}: {exc}; point it at Discord's openapi.json, or unset it "
                          f"(set {NO_SPEC}=1 to run without checking requests)") from None
    try:
        spec = json.loads(text)
    except (ValueError, RecursionError):
        spec = None
    version = spec.get("openapi") if isinstance(spec, dict) else None
    if not (isinstance(version, str) and version.startswith("3.")
            and isinstance(spec, dict) and isinstance(spec.get("paths"), dict)):
        raise UserError(f"{where}: not an OpenAPI 3 document (JSON with \"openapi\": \"3.x\" "
                          "and \"paths\"); point it at Discord's openapi.json")


def _check_flag(env: Mapping[str, str], name: str) -> None:
    value = env.get(name)
    if value not in (None, "", "0", "1"):
        raise UserError(f"{name}={value!r}: takes 1 (yes) or 0 (no)")


def _check_worker(env: Mapping[str, str]) -> None:
    value = env.get(SNOWFLAKE_WORKER, "").strip()
    if value and not (value.isascii() and value.isdigit() and int(value) < WORKERS):
        raise UserError(f"{SNOWFLAKE_WORKER}={value!r}: takes a snowflake worker, a whole "
                          f"number from 0 to {WORKERS - 1}")


def _check_log(env: Mapping[str, str]) -> None:
    """The request log is appended to: a file, or a new one in a folder that is there."""
    value = env.get(REQUEST_LOG, "")
    if not value:
        return
    path = Path(value)
    try:
        if path.is_dir():
            problem = "is a folder; give a file name"
        elif not path.parent.is_dir():
            problem = f"there is no folder {path.parent}"
        elif path.exists() and not os.access(path, os.W_OK):
            problem = "this user may not write it"
        else:
            refuse_inputs(path, [], REQUEST_LOG)  # (an SQLite database: never written over)
            return
    except OSError as exc:
        problem = exc.strerror or str(exc)
    raise UserError(f"{REQUEST_LOG}={value}: {problem}")

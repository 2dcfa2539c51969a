"""Hostile files for the tests: a file or folder made read-only (for root too), and running the
command line in this process with its output captured."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.logs import CONTENT_LOGGERS


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) cannot be written while the block runs.

    File modes do not stop root, which runs these tests in containers; the immutable
    attribute does. Without either, the test is skipped rather than passing vacuously.
    """
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(path)],
                                            capture_output=True).returncode != 0:
            pytest.skip("running as root without chattr +i: cannot make a file read-only")
        try:
            yield
        finally:
            subprocess.run([chattr, "-i", str(path)], check=True)
        return
    mode = path.stat().st_mode
    path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        path.chmod(mode)


# The capabilities that let root ignore file modes; without them it is refused like any user.
_OVERRIDES = "--bounding-set=-dac_override,-dac_read_search,-fowner"


def as_ordinary_user(probe: Path) -> list[str]:
    """The words to put before a command so that file modes hold for it: nothing for an
    ordinary user, `setpriv` dropping root's overrides (the reviewer's way) for root. `probe`
    is a folder the test made read-only (mode 555): writing in it must fail, or the test is
    skipped saying why rather than passing vacuously."""
    if os.geteuid() != 0:
        prefix: list[str] = []
    elif (setpriv := shutil.which("setpriv")) is None:
        pytest.skip("running as root without setpriv: root ignores file modes, so nothing "
                    "is read-only to it (util-linux has setpriv)")
    else:
        prefix = [setpriv, _OVERRIDES]
        refused = subprocess.run([*prefix, "true"], capture_output=True, text=True)
        if refused.returncode != 0:
            pytest.skip(f"setpriv cannot drop root's overrides here: {refused.stderr.strip()}")
    tried = subprocess.run([*prefix, "touch", str(probe / ".probe")], capture_output=True,
                           text=True)
    if tried.returncode == 0:
        (probe / ".probe").unlink()
        pytest.skip(f"{probe} stayed writable with {prefix or 'file modes'}: the tests of "
                    "read-only files need a user that file modes bind")
    return prefix


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_cli(*argv: str) -> Outcome:
    """`cohortbot ARGV` in this process (fast enough for property tests); an exception
    escaping `main` (other than argparse's exit) fails the test with its traceback, which is
    the point."""
    from bot.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _logging_as_it_was():
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse's usage error: its line, then exit 2
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Outcome(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _logging_as_it_was() -> Iterator[None]:
    """`main` configures logging for a process (a root handler, discord.py's level); the
    tests after this one must find it as they left it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in (*CONTENT_LOGGERS, "apscheduler")}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)


def assert_clear_refusal(outcome: Outcome) -> None:
    """Success, or one clear message on stderr with exit status 2 (never a traceback)."""
    if outcome.code == 0:
        return
    assert outcome.code == 2, outcome
    assert outcome.stderr.strip(), outcome
    assert "Traceback" not in outcome.stderr, outcome

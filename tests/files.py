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

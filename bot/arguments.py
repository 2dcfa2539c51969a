"""The command line's argument parser and its one-line refusals: argparse, but a usage error
is one line on stderr (which command, what is wrong) and exit status 2, not the whole usage
block before it, so the reason is the line an operator reads (and a script's log keeps).
`--help` still prints the usage in full."""

from __future__ import annotations

import argparse
import re
from typing import NoReturn

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(message: str) -> str:
    """`message` on one line whatever it quotes: a newline or another control character in
    an argument (a path, a date) is shown escaped, as Python writes it (`\\n`)."""
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], message)


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} "
                     f"(`{self.prog} --help` shows the usage)\n")

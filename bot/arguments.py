"""The command line's argument parser: argparse, but a usage error is one line on stderr
(which command, what is wrong) and exit status 2, not the whole usage block before it, so
the reason is the line an operator reads (and a script's log keeps). `--help` still prints
the usage in full."""

from __future__ import annotations

import argparse
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (`{self.prog} --help` shows the usage)\n")

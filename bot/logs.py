"""Logging that never holds member content: /forget-me can delete rows, not log files.

The bot's own log lines name ids and counts only. Two libraries write content at DEBUG:
aiosqlite logs every SQL call with its parameters (critiques, thread posts, kept drafts,
recipients), and discord.py logs request bodies and gateway events (every message the bot
reads or sends). Their DEBUG is never let through, whatever the root level (`-v` sets DEBUG).
"""

from __future__ import annotations

import logging

# Logger -> the lowest level it may log at: the first level whose lines carry no content.
CONTENT_LOGGERS = {"aiosqlite": logging.INFO, "discord": logging.INFO}


def keep_member_content_out() -> None:
    """Set the content-bearing loggers' own level to their floor, so that no root level set
    later (`-v`, a test's capture) reaches them; a stricter level set on purpose stays."""
    for name, floor in CONTENT_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level < floor:  # NOTSET (0) too: it would follow the root down
            logger.setLevel(floor)


def configure(*, verbose: bool) -> None:
    """The command line's logging: INFO (DEBUG with -v) for the bot, WARNING for discord.py
    unless verbose, WARNING for APScheduler, and never a library's content-bearing DEBUG
    lines."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    logging.getLogger("discord").setLevel(logging.INFO if verbose else logging.WARNING)
    # APScheduler's DEBUG is "Looking for jobs to run" at every wake-up (most of a -v log),
    # its INFO "Added/Running job Scheduler._wrap.<locals>.run" for each of the bot's jobs,
    # which names none of them (the bot logs its own); a failing job is its ERROR.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    keep_member_content_out()

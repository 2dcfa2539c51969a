"""What a port says when Discord would not do something: the two answers every service must
handle, in words of its own, so no service needs discord's exceptions.

A port is a small Protocol a service declares for what Discord must do for it (post, delete,
lock, read a thread's history); its implementation lives in the feature's `cogs/<feature>/
_port.py`. These exceptions are the whole vocabulary of its failures; anything else is a bug.
"""

from __future__ import annotations


class Gone(Exception):
    """The channel, thread or message no longer exists (Discord's 404)."""


class Refused(Exception):
    """Discord refused the request (a missing permission, a limit); `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooLarge(Refused):
    """Discord refused an upload as too large (its 413): `reason` names what was too large,
    `example` the lesson example whose image it was."""

    def __init__(self, reason: str, example: int) -> None:
        super().__init__(reason)
        self.example = example

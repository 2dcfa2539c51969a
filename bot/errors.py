"""The one exception type for refusals a member should read.

Raise `UserError("what went wrong and what to do")` anywhere below a command; the single
app-command error handler renders it as an ephemeral message. Anything else is a bug: it is
logged with an error id and the member sees a short apology quoting that id.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal or problem the member can act on. The message is shown to them verbatim.

    `final`: nothing the member could change in what they sent would make it go through (a
    critique for a run closed since, a reminder gone): a refused form then offers no "Edit
    and send again", only what they typed, given back."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.message, self.final = message, final


class ConfigError(Exception):
    """A configuration problem; the message names the file, the key, expected and found."""


class StorageError(Exception):
    """The database cannot be used (newer schema, corrupt file, ...). Message is for humans."""


class NotSaved(StorageError):
    """The database could not take a write just now: its disk is full or failing. A known
    condition, not a bug: the member is told their action was not saved and given back what
    they sent, and the log gets one line naming the disk (never the member's content)."""

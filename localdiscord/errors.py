"""Discord's JSON error format, so discord.py raises the same exceptions it would in production.

Discord answers `{"code": <int>, "message": <str>, "errors"?: {...}}`; discord.py reads `code`
and `message` into `HTTPException.code` / `.text`.
"""

from __future__ import annotations

from typing import Any


class DiscordError(Exception):
    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            out["errors"] = self.errors
        return out


def invalid_form(field_errors: dict[str, tuple[str, str]]) -> DiscordError:
    """50035 with Discord's nested `errors` shape: {"a": {"b": {"_errors": [{code, message}]}}}.

    Keys are dotted paths ("embeds.0.title").
    """
    tree: dict[str, Any] = {}
    for path, (code, message) in field_errors.items():
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    return DiscordError(400, 50035, "Invalid Form Body", tree)


def unknown_channel() -> DiscordError:
    return DiscordError(404, 10003, "Unknown Channel")


def unknown_message() -> DiscordError:
    return DiscordError(404, 10008, "Unknown Message")


def unknown_interaction() -> DiscordError:
    return DiscordError(404, 10062, "Unknown interaction")


def unknown_webhook() -> DiscordError:
    return DiscordError(404, 10015, "Unknown Webhook")


def missing_permissions() -> DiscordError:
    return DiscordError(403, 50013, "Missing Permissions")


def cannot_dm() -> DiscordError:
    return DiscordError(403, 50007, "Cannot send messages to this user")


def already_acknowledged() -> DiscordError:
    return DiscordError(400, 40060, "Interaction has already been acknowledged.")


def empty_message() -> DiscordError:
    return DiscordError(400, 50006, "Cannot send an empty message")


def too_large() -> DiscordError:
    return DiscordError(413, 40005, "Request entity too large")


def missing_access() -> DiscordError:
    return DiscordError(403, 50001, "Missing Access")


def cannot_act_on_dm() -> DiscordError:
    return DiscordError(403, 50003, "Cannot execute action on a DM channel")


def wrong_channel_type() -> DiscordError:
    return DiscordError(400, 50024, "Cannot execute action on this channel type")


def archived_thread() -> DiscordError:
    return DiscordError(400, 50083, "Thread is archived")


def thread_locked() -> DiscordError:
    return DiscordError(403, 160005, "Thread is locked")


def invalid_webhook_token() -> DiscordError:
    return DiscordError(401, 50027, "Invalid Webhook Token")

"""Reading reminders in the sandbox and pressing their buttons."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.world import CohortWorld


def reminders(world: CohortWorld, member: Any) -> list[Any]:
    """The reminder DMs the member received, oldest first, decided or not (each delivery is
    sent with its nonce, "fu<id>.<delivery>")."""
    return [m for m in world.sandbox.dm_messages(member)
            if m.embeds and re.fullmatch(r"fu\d+\.\d+", str(m.nonce or ""))]


async def log_dana(world: CohortWorld) -> str:
    result = await world.ada.slash("outreach log", {"who": "Dana Lee", "channel": "email"})
    assert result.ephemeral
    return text_of(result)


async def a_week_later(world: CohortWorld) -> Any:
    """ada logs her email to Dana; a week later, the reminder."""
    await log_dana(world)
    await world.clock.advance(timedelta(days=7))
    (reminder,) = reminders(world, world.ada)
    return reminder


def labels(message: Any) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


def stamp(when: datetime, style: str = "F") -> str:
    """A Discord timestamp as the bot writes it."""
    return f"<t:{int(when.astimezone(UTC).timestamp())}:{style}>"


def text_of(result: Any) -> str:
    """Everything the bot answered to an interaction: response and followups."""
    messages = [m for m in (result.response, *result.followups) if m is not None]
    return "\n".join(m.content + "".join(str(e) for e in m.embeds) for m in messages)


class Crash(BaseException):
    """The bot process dies here: nothing in the bot catches a BaseException."""


class CrashingPort:
    """The bot's real Discord port, dying before or after Discord takes the reminder."""

    def __init__(self, real: Any, *, when: str) -> None:
        self.real, self.when = real, when

    async def history_floor(self, user_id: int) -> int:
        return int(await self.real.history_floor(user_id))

    async def send(self, user_id: int, message: Any) -> int:
        if self.when == "before":
            raise Crash
        message_id = int(await self.real.send(user_id, message))
        raise Crash(f"after Discord accepted message {message_id}")

    async def find(self, user_id: int, followup_id: int, delivery: int,
                   after: int) -> int | None:
        found = await self.real.find(user_id, followup_id, delivery, after)
        return None if found is None else int(found)

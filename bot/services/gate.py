"""/forget-me against the member's own writes, so that nothing they sent outlives it.

A member's content comes in by many doors (a critique form, /outreach log, "I sent it",
/settings, a 👍, a DM draft, a thread message) and /forget-me deletes it all in one
transaction. A write racing it (sent from a second device a few milliseconds after "Delete
everything") must not land after that transaction and survive it. So every write of member
content runs inside `MemberGate.writing(member)` and the forget inside `forgetting(member)`:

- the forget waits for the member's writes already under way, whose rows it then deletes
  with the rest;
- a write is refused (`UserError`) if a forget of its member began after the member acted,
  or was running when they acted (sent "during" the forget: it must not outlive the answer
  "I keep nothing else" either). When they acted is the write's *ticket*,
  taken where the act comes in (`arrived`: the start of a command or an event, the opening
  of a form) and carried to the write in a context variable, because between the two lie
  awaits (a deferral, a read of Discord) that a forget can run in. A write with no ticket
  takes one where it starts.

A ticket is the count of the member's forgets so far: comparing counts, not clock times, is
exact whatever the clock does (the tests' clock stands still).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from bot.errors import UserError

FORGOTTEN = ("You used /forget-me while this was on its way, so I did not take it: I keep "
             "nothing you sent before the forget. Send it again if you want it kept now.")


@dataclass(frozen=True)
class Ticket:
    """The member's forget count when they acted, and whether one was running then."""

    user_id: int
    forgets: int
    during: bool = False


@dataclass
class _Member:
    forgets: int = 0
    forgetting: int = 0  # forgets of the member under way (a double click makes two)
    writes: int = 0  # under way


_ticket: ContextVar[Ticket | None] = ContextVar("member_ticket", default=None)


class MemberGate:
    def __init__(self) -> None:
        self._members: dict[int, _Member] = {}
        self._changed = asyncio.Condition()

    def _member(self, user_id: int) -> _Member:
        return self._members.setdefault(user_id, _Member())

    def ticket(self, user_id: int) -> Ticket:
        """When the member acts, as a ticket to carry (a form keeps the one of its opening)."""
        member = self._member(user_id)
        return Ticket(user_id, member.forgets, member.forgetting > 0)

    def arrived(self, user_id: int, ticket: Ticket | None = None) -> None:
        """The member acts now (or at `ticket`): the writes this task makes for them carry
        it. Called where a command, event or form submission comes in, before any await."""
        _ticket.set(ticket or self.ticket(user_id))

    def forgetting_now(self, user_id: int) -> bool:
        """Whether a forget of the member runs right now (capture drops what comes in)."""
        member = self._members.get(user_id)
        return member is not None and member.forgetting > 0

    async def forgotten(self, user_id: int) -> None:
        """Until no forget of the member runs (a DM sent before would go with their DMs)."""
        member = self._member(user_id)
        async with self._changed:
            await self._changed.wait_for(lambda: member.forgetting == 0)

    @asynccontextmanager
    async def writing(self, user_id: int) -> AsyncIterator[None]:
        """Write the member's content; `UserError` if a forget of them began since they
        acted, or was running when they did."""
        carried = _ticket.get()
        ticket = (carried if carried is not None and carried.user_id == user_id
                  else self.ticket(user_id))
        member = self._member(user_id)
        # Refused at once, never waiting: a write nested in one under way must not wait for
        # a forget that waits for it.
        if ticket.during or member.forgets != ticket.forgets:
            raise UserError(FORGOTTEN)
        member.writes += 1  # with no await since the check: a forget now waits for it
        try:
            yield
        finally:
            async with self._changed:
                member.writes -= 1
                self._changed.notify_all()

    @asynccontextmanager
    async def forgetting(self, user_id: int) -> AsyncIterator[None]:
        """Forget the member: every write of theirs under way has ended when this enters,
        and none starts until it leaves; writes of acts made before it are refused."""
        member = self._member(user_id)
        member.forgets += 1  # at once, before any await: acts from now on carry the new count
        member.forgetting += 1
        try:
            async with self._changed:
                await self._changed.wait_for(lambda: member.writes == 0)
            yield
        finally:
            async with self._changed:
                member.forgetting -= 1
                self._changed.notify_all()

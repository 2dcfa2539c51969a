"""MemberGate (bot/services/gate.py) on its own: a forget waits for the member's writes under
way, refuses writes of acts made before or during it, never waits on a write nested in one
it waits for, and leaves other members alone."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import UserError
from bot.services.gate import MemberGate

ADA, BEN = 1, 2


async def test_a_forget_waits_for_a_write_under_way() -> None:
    gate = MemberGate()
    order: list[str] = []
    written = asyncio.Event()

    async def write() -> None:
        async with gate.writing(ADA):
            order.append("write begins")
            await written.wait()
            order.append("write ends")

    async def forget() -> None:
        async with gate.forgetting(ADA):
            order.append("forget")

    writer = asyncio.create_task(write())
    await asyncio.sleep(0)  # the writer's first step
    forgetter = asyncio.create_task(forget())
    await asyncio.sleep(0)
    assert order == ["write begins"] and gate.forgetting_now(ADA)
    written.set()
    await asyncio.gather(writer, forgetter)
    assert order == ["write begins", "write ends", "forget"]


async def test_acts_before_or_during_a_forget_are_refused_and_later_ones_taken() -> None:
    gate = MemberGate()
    before = gate.ticket(ADA)
    async with gate.forgetting(ADA):
        during = gate.ticket(ADA)
        async with gate.writing(BEN):  # another member: untouched
            pass
    for ticket in (before, during):
        gate.arrived(ADA, ticket)
        with pytest.raises(UserError, match="/forget-me"):
            async with gate.writing(ADA):
                pass
    gate.arrived(ADA)  # acting again afterwards
    async with gate.writing(ADA):
        pass


async def test_a_write_nested_in_one_under_way_is_refused_not_deadlocked() -> None:
    gate = MemberGate()
    gate.arrived(ADA)
    nested: list[BaseException] = []
    go_on = asyncio.Event()

    async def write() -> None:
        async with gate.writing(ADA):
            await go_on.wait()
            try:
                async with gate.writing(ADA):
                    pass
            except UserError as exc:
                nested.append(exc)

    writer = asyncio.create_task(write())
    await asyncio.sleep(0)

    async def forget() -> None:
        async with gate.forgetting(ADA):
            pass

    forgetter = asyncio.create_task(forget())
    await asyncio.sleep(0)
    go_on.set()
    await asyncio.gather(writer, forgetter)  # (a deadlock would never get here)
    assert len(nested) == 1

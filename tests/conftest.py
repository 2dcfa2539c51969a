"""Fixtures for every test: a database, a manual clock, and the end-to-end world (the real
CohortBot logged into the sandbox Discord, with a temporary database and a copy of the
lessons). The world's type and the members' common actions are in tests/world.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.demo.world import demo_world
from localdiscord.openapi import load_spec
from storage import Database
from tests.world import CohortWorld


@pytest.fixture(scope="session")
def openapi_spec() -> object:
    return load_spec()  # under a second to load, but once per session (cached per process)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated database file, closed after the test."""
    database = await Database.open(tmp_path / "cohort.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def world(tmp_path: Path, clock: ManualClock,
                openapi_spec: object) -> AsyncIterator[CohortWorld]:
    """Fails the test on any request Discord's OpenAPI spec rejects and on any error
    discord.py logs."""
    async with demo_world(tmp_path, clock=clock, fail_on_bot_errors=True) as w:
        yield w

"""Fixtures for the sandbox conformance suite: the plain test bot in the demo cohort guild."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.demo.guild import CohortGuild
from localdiscord import Sandbox
from localdiscord.openapi import load_spec

from .plain_bot import PlainBot


@pytest.fixture(scope="session", autouse=True)
def openapi_spec() -> object:
    """Load Discord's OpenAPI spec once per session (it takes seconds); cached per process."""
    return load_spec()


@pytest.fixture
def setup() -> tuple[Sandbox, CohortGuild]:
    """A sandbox (not started yet) with the demo cohort guild built in it."""
    sb = Sandbox(PlainBot)
    return sb, CohortGuild(sb)


@pytest.fixture
async def sandbox(setup: tuple[Sandbox, CohortGuild]) -> AsyncIterator[Sandbox]:
    sb, _ = setup
    async with sb:
        yield sb


@pytest.fixture
def cohort(setup: tuple[Sandbox, CohortGuild], sandbox: Sandbox) -> CohortGuild:
    return setup[1]

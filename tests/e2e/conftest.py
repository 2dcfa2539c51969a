"""End-to-end fixtures: the real CohortBot, logged into the sandbox Discord, with a temporary
database, a copy of the lessons and a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Config
from bot.demo.guild import CohortGuild
from bot.demo.world import DemoWorld, demo_config, demo_world
from localdiscord.openapi import load_spec

ROOT = Path(__file__).resolve().parents[2]

# The world the tests act in is the one `cohortbot sandbox` shows (bot/demo/world.py).
CohortWorld = DemoWorld


@pytest.fixture(scope="session", autouse=True)
def openapi_spec() -> object:
    return load_spec()  # seconds to load: once per session (cached per process)


def cohort_config(guild: CohortGuild, tmp_path: Path) -> Config:
    return demo_config(guild, tmp_path)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def world(tmp_path: Path, clock: ManualClock) -> AsyncIterator[CohortWorld]:
    async with demo_world(tmp_path, clock=clock, fail_on_bot_errors=True) as w:
        yield w


def with_changes(config: Config, **sections: object) -> Config:
    return replace(config, **sections)  # type: ignore[arg-type]

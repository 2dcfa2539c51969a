"""The demo world's bot config (bot/demo/world.py): a given config keeps its settings and takes
the demo's ids."""

from __future__ import annotations

from pathlib import Path

from bot.config import Config, ReviewLimits
from bot.demo.guild import CohortGuild
from bot.demo.world import demo_config
from localdiscord import Sandbox


def test_a_config_keeps_its_settings_but_takes_the_demo_ids(tmp_path: Path) -> None:
    guild = CohortGuild(Sandbox(validate=False))
    base = Config(review=ReviewLimits(rate_limit_per_hour=2))
    config = demo_config(guild, tmp_path, base=base, database=tmp_path / "kept.db")
    assert config.review.rate_limit_per_hour == 2
    assert config.discord.guild_ids == (guild.handle.id,)
    assert config.discord.lesson_channel_id == guild.lessons.id
    assert config.discord.moderator_role_ids == (guild.moderator_role.id,)
    assert config.storage.database == tmp_path / "kept.db"

"""`cohortbot run` pointed at a local Discord (COHORTBOT_LOCAL_DISCORD): the variable is read
as documented, and the bot's own error paths that only Discord can trigger are reachable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import _serve
from bot.config import Config, DiscordSettings
from bot.demo.connect import ENV, LocalDiscordTarget, target_from_env
from bot.demo.guild import CohortGuild
from bot.demo.world import demo_config
from bot.errors import ConfigError
from localdiscord import Sandbox
from localdiscord.connect import restore_discord


def test_without_the_variable_the_bot_goes_to_discord() -> None:
    assert target_from_env({}) is None
    assert target_from_env({ENV: "  "}) is None


def test_an_unreadable_info_says_what_is_wrong(tmp_path: Path) -> None:
    naps: list[float] = []
    with pytest.raises(ConfigError, match=r"cannot read the local Discord's info.*start it"):
        LocalDiscordTarget.from_value(str(tmp_path / "absent.json"), wait=2, sleep=naps.append)
    assert sum(naps) == pytest.approx(2)  # waited for it to appear, then gave up
    naps.clear()
    with pytest.raises(ConfigError, match="start it"):  # nothing listens on port 9
        LocalDiscordTarget.from_value("http://127.0.0.1:9/control", wait=1, sleep=naps.append)
    assert sum(naps) == pytest.approx(1)
    half = tmp_path / "half.json"
    half.write_text(json.dumps({"api_url": "http://x"}), encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks gateway_url, control_url, token"):
        target_from_env({ENV: str(half)})


def test_an_info_file_written_a_moment_later_is_waited_for(tmp_path: Path) -> None:
    """`cohortbot sandbox --serve --info FILE &` then `cohortbot run` at once: the info file
    comes seconds later, when the local Discord listens."""
    path = tmp_path / "info.json"
    info = {"api_url": "http://a", "gateway_url": "ws://g", "control_url": "http://c",
            "token": "t"}
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 3:
            path.write_text(json.dumps(info), encoding="utf-8")

    assert LocalDiscordTarget.from_value(str(path), sleep=nap).info == info
    assert len(naps) == 3


async def test_the_info_is_read_from_a_file_or_the_control_api(tmp_path: Path) -> None:
    sandbox = Sandbox(validate=False)
    guild = CohortGuild(sandbox)
    async with sandbox:
        info = sandbox.local.info()
        path = tmp_path / "info.json"
        path.write_text(json.dumps(info), encoding="utf-8")
        from_file = target_from_env({ENV: str(path)})
        assert from_file is not None and from_file.token == sandbox.world.token
    # A config that names no guild takes the local world's ids; one that does keeps its own.
    filled = LocalDiscordTarget(info).configure(Config())
    assert filled.discord == DiscordSettings(
        guild_ids=(guild.handle.id,), lesson_channel_id=guild.lessons.id,
        moderator_role_ids=(guild.moderator_role.id,))
    own = Config(discord=DiscordSettings(guild_ids=(1,)))
    assert LocalDiscordTarget(info).configure(own) is own


async def test_privileged_intents_switched_off_stop_the_bot_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Discord closes the gateway with 4014 when the portal's switches are off; the bot says
    which switches to turn on and exits 1."""
    sandbox = Sandbox()
    config = demo_config(CohortGuild(sandbox), tmp_path)
    sandbox.world.privileged_intents.discard("message_content")
    async with sandbox:
        assert await _serve(config, sandbox.world.token) == 1
    assert "Privileged Gateway Intents" in capsys.readouterr().err


async def test_a_local_discord_that_is_gone_is_said_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox = Sandbox(validate=False)
    config = demo_config(CohortGuild(sandbox), tmp_path)
    async with sandbox:
        info = sandbox.local.info()
    # The info names a local Discord that has stopped: nothing listens at its URLs.
    target = LocalDiscordTarget(info)
    try:
        assert await _serve(config, target.token, target) == 1
    finally:
        restore_discord()  # attaching pointed discord.py at it
    err = capsys.readouterr().err
    assert "cannot reach the local Discord" in err and info["control_url"] in err
    assert "Traceback" not in err

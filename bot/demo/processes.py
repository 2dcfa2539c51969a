"""The cohort bot and the demo's local Discord as two real processes.

`DemoDiscord` is `cohortbot sandbox --serve` (the demo cohort guild, no bot); `BotProcess` is
`cohortbot run`, pointed at it by COHORTBOT_LOCAL_DISCORD. Whoever starts them (the process
tests, the reliability scenarios, the ack benchmark) drives them through the control API
only, as an outside tester would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from localdiscord.control.client import Control

ROOT = Path(__file__).resolve().parents[2]
STARTUP = 60.0  # seconds a process has to come up on a loaded machine


class DemoDiscord:
    def __init__(self, workdir: Path, *, validate: bool = True) -> None:
        """`validate`: check every request against Discord's spec (off: benchmarks)."""
        self.info_path = workdir / "localdiscord.json"
        self.log = workdir / "localdiscord.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox", "--serve", "--info", str(self.info_path),
             *(() if validate else ("--no-validate",))],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.log.open("wb"), text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # the info JSON, once it listens
        if not line:
            raise RuntimeError("the local Discord did not start: " + self.log.read_text()[-3000:])
        self.info: dict[str, Any] = json.loads(line)
        self.control = Control.connect(self.info["control_url"])

    def ids(self) -> dict[str, Any]:
        return self.info["guilds"][0]

    async def stop(self) -> None:
        await self.control.close()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)


class BotProcess:
    """`cohortbot run` on the local Discord, with its own database and lessons."""

    def __init__(self, workdir: Path, discord: DemoDiscord, *, lesson: str = "",
                 ids: bool = False, name: str = "bot",
                 program: tuple[str, ...] = ("-m", "bot")) -> None:
        """`lesson`: more [lesson] settings; `ids`: name the demo's ids in the config (else
        it names none and the bot takes the local world's, bot/demo/connect.py); `name`:
        its log's; `program`: what Python runs, given `run --config ...` (`-m bot`)."""
        self.workdir = workdir
        self.program = program
        self.log = workdir / f"{name}.log"
        lessons = workdir / "lessons"
        if not lessons.exists():
            shutil.copytree(ROOT / "lessons", lessons)
        self.config = workdir / "config.toml"
        guild = discord.ids()
        section = (f"[discord]\nguild_ids = [{guild['id']}]\n"
                   f"lesson_channel_id = {guild['channels']['lessons']}\n"
                   f"moderator_role_ids = [{guild['roles']['Moderator']}]\n") if ids else ""
        self.config.write_text(
            f'{section}[storage]\ndatabase = "{workdir / "cohort.db"}"\n'
            f'[lesson]\ndirectory = "{lessons}"\n{lesson}', encoding="utf-8")
        self.env = {**os.environ, "PYTHONPATH": str(ROOT),
                    "COHORTBOT_LOCAL_DISCORD": str(discord.info_path)}
        self.env.pop("DISCORD_TOKEN", None)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, *self.program, "run", "--config", str(self.config)],
                cwd=ROOT, stdout=log, stderr=log, env=self.env,
            )

    def kill(self) -> None:
        """kill -9: no shutdown, no clean-up, the answer to whatever was in flight is lost."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; its exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


async def bot_connected(discord: DemoDiscord, bot: BotProcess) -> bool:
    """Wait until the bot has a gateway session (it synced its commands before connecting);
    False if its process ended first."""
    control = discord.control

    async def connected_or_gone() -> bool:
        if bot.proc is None or bot.proc.poll() is not None:
            return True
        sessions = (await control.status())["gateway"]["sessions"]
        return any(s["connected"] and s["seq"] >= 2 for s in sessions)  # READY, GUILD_CREATE

    connected = await control.wait_until(connected_or_gone, within=STARTUP)
    return connected and bot.proc is not None and bot.proc.poll() is None


async def bot_ready(discord: DemoDiscord, bot: BotProcess) -> bool:
    """Wait until the bot is connected and has gone quiet after it (its on_ready work:
    catch-ups, schedules); False if its process ended first."""
    return (await bot_connected(discord, bot)
            and await discord.control.quiet(period=1.0, within=STARTUP))

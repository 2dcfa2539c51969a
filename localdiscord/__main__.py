"""`localdiscord` / `python -m localdiscord`: a local Discord as its own process.

    localdiscord --port 8765 --info /tmp/localdiscord.json [--world world.json]

Any Discord client library connects to it (REST at `api_url`, the gateway at `gateway_url`,
the bot token `token` from the info); tests and people drive it through the control API at
`control_url` (docs/localdiscord.md). `--world` builds guilds, channels, roles and members
from a JSON file before anyone connects:

    {"bot": "MyBot", "guilds": [{"name": "Guild",
      "channels": [{"name": "general"}, {"name": "ideas", "type": "forum"}],
      "roles": [{"name": "Moderator", "permissions": 8192}],
      "members": [{"name": "ada"}, {"name": "mod", "roles": ["Moderator"]}]}]}
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from localdiscord.app import LocalDiscord
from localdiscord.clock import DEFAULT_START, WorldClock
from localdiscord.control.base import ControlError
from localdiscord.openapi import spec_available
from localdiscord.process import CannotServe, port_number, serve
from localdiscord.ratelimits import RateLimits

WORLD_LISTS = ("roles", "channels", "members")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="localdiscord", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=port_number, default=0, help="default: any free port")
    parser.add_argument("--info", type=Path, help="write the info JSON to FILE too")
    parser.add_argument("--world", type=Path, help="build the world from a JSON file")
    parser.add_argument("--clock", type=datetime.fromisoformat, default=DEFAULT_START,
                        help="the world clock's start (ISO, UTC); default 2026-01-05T09:00")
    parser.add_argument("--no-validate", action="store_true",
                        help="do not check requests against Discord's OpenAPI spec")
    parser.add_argument("--rate-limit-scale", type=float, default=1.0,
                        help="shorten the rate-limit windows (0.01: 100 times shorter)")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


async def build_world(local: LocalDiscord, spec: dict[str, Any], source: Path) -> None:
    """Guilds, channels, roles and members, through the control API's own operations; what
    the file `source` gets wrong (a missing name, an unknown role or type) is CannotServe."""
    try:
        await _build(local, spec)
    except (ControlError, LookupError, ValueError, TypeError) as exc:
        raise CannotServe(f"--world {source}: {exc}") from None


async def _build(local: LocalDiscord, spec: dict[str, Any]) -> None:
    api = local.control
    for guild in spec.get("guilds") or []:
        await api.add_guild(guild["name"])
        for role in guild.get("roles") or []:
            await api.add_role(guild["name"], role["name"], role.get("permissions", 0))
        for channel in guild.get("channels") or []:
            await api.add_channel(guild["name"], channel["name"], channel.get("type", "text"))
        for member in guild.get("members") or []:
            await api.add_member(guild["name"], member["name"], member.get("roles") or [],
                                 member.get("bot", False), member.get("dms_closed", False))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                        stream=sys.stderr)
    try:
        return _run(args)
    except CannotServe as exc:  # said in one line, exit 2: the person must change something
        print(f"localdiscord: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    spec = read_world(args.world) if args.world else {}
    start_time = args.clock if args.clock.tzinfo else args.clock.replace(
        tzinfo=DEFAULT_START.tzinfo)
    local = LocalDiscord(
        clock=WorldClock(start_time), bot_name=spec.get("bot", "LocalBot"),
        validate=not args.no_validate and spec_available(),
        rate_limits=RateLimits(scale=args.rate_limit_scale),
    )

    async def start() -> LocalDiscord:
        await local.start(args.host, args.port)
        if args.world:
            await build_world(local, spec, args.world)
        return local

    return serve(start, local.stop, info=args.info)


def read_world(path: Path) -> dict[str, Any]:
    """The --world file: a JSON object, its guilds a list of objects holding lists of objects
    (what each object must hold, building the world says)."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CannotServe(f"--world {path}: cannot read it ({exc.strerror or exc})") from None
    except ValueError as exc:  # not UTF-8, or not JSON
        raise CannotServe(f"--world {path}: not a JSON file ({exc})") from None
    if not _world_shaped(spec):
        raise CannotServe(f"--world {path}: expected {{\"bot\": \"Name\", \"guilds\": "
                          "[{\"name\": ..., \"channels\": [{...}], \"roles\": [...], "
                          "\"members\": [...]}]} (docs/localdiscord.md)")
    return spec


def _world_shaped(spec: Any) -> bool:
    if not isinstance(spec, dict) or not isinstance(spec.get("bot", ""), str):
        return False
    guilds = spec.get("guilds") or []
    return isinstance(guilds, list) and all(
        isinstance(g, dict) and all(isinstance(g.get(key) or [], list) and all(
            isinstance(item, dict) for item in g.get(key) or []) for key in WORLD_LISTS)
        for g in guilds)


if __name__ == "__main__":
    sys.exit(main())

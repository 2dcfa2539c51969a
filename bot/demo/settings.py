"""`restart review.rate_limit_per_hour=2`: the demo bot's config with settings changed, each
checked as in a config file."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.config import Config, parse_config
from bot.errors import ConfigError
from localdiscord.script.names import CommandFailed

FIXED_SECTIONS = ("discord", "storage")  # the demo's ids and database


def with_settings(config: Config, settings: tuple[tuple[str, str], ...]) -> Config:
    """`config` with `section.key` values changed, checked like a config file's."""
    if not settings:
        return config
    table: dict[str, dict[str, Any]] = {}
    for dotted, raw in settings:
        section, _, key = dotted.partition(".")
        if section in FIXED_SECTIONS:
            raise CommandFailed(f"[{section}] is the sandbox's own (the demo's ids and "
                                "database); change another section")
        table.setdefault(section, {})[key] = _toml_value(raw)
    try:
        parsed = parse_config(table, channel_supplied=True)  # the demo's #lessons
    except ConfigError as exc:
        raise CommandFailed(str(exc).replace("<config>: ", "")) from None
    changes = {section: replace(getattr(config, section),
                                **{k: getattr(getattr(parsed, section), k) for k in keys})
               for section, keys in table.items()}
    return replace(config, **changes)


def _toml_value(raw: str) -> Any:
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if raw in ("true", "false"):
        return raw == "true"
    return raw

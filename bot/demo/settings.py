"""`restart review.rate_limit_per_hour=2`: the demo bot's config with settings changed, each
checked as in a config file."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.config import Config, parse_config, require_lessons
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
        raise CommandFailed(_in_sandbox(exc)) from None
    changes = {section: replace(getattr(config, section),
                                **{k: getattr(getattr(parsed, section), k) for k in keys})
               for section, keys in table.items()}
    changed = replace(config, **changes)
    try:
        # What a config file is checked for beyond its values: the lessons folder is one
        # and holds the default lesson. Refused here, the bot runs on as it was.
        require_lessons(replace(changed, source=None))
    except ConfigError as exc:
        raise CommandFailed(_in_sandbox(exc)) from None
    return changed


def _in_sandbox(exc: ConfigError) -> str:
    """A config error about `restart`'s settings, which come from no file."""
    return str(exc).replace("<config>: ", "")


def _toml_value(raw: str) -> Any:
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if raw in ("true", "false"):
        return raw == "true"
    return raw

"""A slash command's options, checked against the command as this bot defines it before it
runs (the tree's `interaction_check`, set in bot/client.py).

Discord delivers only what the command it has registered allows, but what it has may not be
what this process runs: commands synced by an older or newer version of the bot (a choice
renamed, a bound changed, an option added) until the next sync. discord.py would hand such a
value to the command as it came (only a choice it does not know raises, as an "unexpected
error"), so each is refused here in one line that names the option and what it takes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord
from discord import AppCommandOptionType as Kind
from discord import app_commands

from bot.errors import UserError

_GROUPS = (Kind.subcommand.value, Kind.subcommand_group.value)
_SNOWFLAKES = {Kind.user, Kind.channel, Kind.role, Kind.mentionable, Kind.attachment}


async def check_options(interaction: discord.Interaction) -> bool:
    """Raise the refusal (to the one error handler) for an option this bot cannot take."""
    if interaction.type is not discord.InteractionType.application_command:
        return True
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return True
    data: Mapping[str, Any] = interaction.data or {}
    options: Sequence[Mapping[str, Any]] = data.get("options") or []
    while options and options[0].get("type") in _GROUPS:  # down to the subcommand's own
        options = options[0].get("options") or []
    refused = refusal(command, options, data.get("resolved") or {})
    if refused is not None:
        # The one handler shows the UserError inside (cogs/_ui.py: explain).
        raise app_commands.CommandInvokeError(command, UserError(refused))
    return True


def refusal(command: app_commands.Command[Any, ..., Any],
            options: Sequence[Mapping[str, Any]], resolved: Mapping[str, Any]) -> str | None:
    """Why these options cannot run the command, in one line; None when they can."""
    params = {param.name: param for param in command.parameters}
    given = {str(option.get("name")): option.get("value") for option in options}
    name = f"`/{command.qualified_name}`"
    for key in given:
        if key not in params:
            return f"{name} has no option `{key}`; its options: {_listed(params)}."
    for param in params.values():
        if param.name in given:
            wrong = _wrong_value(param, given[param.name], resolved)
            if wrong is not None:
                return f"`{param.display_name}` {wrong}."
        elif param.required:
            return f"{name} needs `{param.display_name}`."
    return None


def _wrong_value(param: app_commands.Parameter, value: Any,
                 resolved: Mapping[str, Any]) -> str | None:
    kind = param.type
    if param.choices:
        values = [choice.value for choice in param.choices]
        if value not in values or isinstance(value, bool):
            return "must be one of: " + ", ".join(
                f"`{choice.value}` ({choice.name})" for choice in param.choices)
        return None
    if kind is Kind.string:
        if not isinstance(value, str):
            return "must be text"
        return _outside(len(value), param, "characters")
    if kind in (Kind.integer, Kind.number):
        whole = kind is Kind.integer
        if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
            return "must be a whole number" if whole else "must be a number"
        return _outside(value, param, "")
    if kind is Kind.boolean:
        return None if isinstance(value, bool) else "must be true or false"
    if kind in _SNOWFLAKES and not str(value).isdigit():
        return f"must be a {kind.name}"
    if kind is Kind.channel and param.channel_types:
        found = resolved.get("channels", {}).get(str(value), {}).get("type")
        if found not in [t.value for t in param.channel_types]:
            return "must be a channel of these kinds: " + ", ".join(
                str(t) for t in param.channel_types)
    return None


def _outside(value: float, param: app_commands.Parameter, unit: str) -> str | None:
    low, high = param.min_value, param.max_value
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    what = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"must be {low} to {high}{what}" if unit else f"must be from {low} to {high}"
    return f"must be at least {low}{what}" if low is not None else f"must be at most {high}{what}"


def _listed(params: Mapping[str, app_commands.Parameter]) -> str:
    return ", ".join(f"`{param.display_name}`" for param in params.values()) or "none"

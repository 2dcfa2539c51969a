"""Discord's checks of a slash command's options against the command the bot registered.

A Discord client never sends what the registered command does not allow, and Discord never
delivers it: a subcommand that does not exist (or none where one is needed), an option the
command does not have, a required option left out, a value of the wrong type, one that is
not among the option's choices, a number outside its minimum and maximum, text outside its
lengths, a channel of a type the option does not take. The local Discord refuses them the
same way, before anything reaches the bot (`InvalidOption`, a `ValueError`: the control API
answers 400). An autocomplete is looser, as on Discord: the option being typed is partial
text, and required options may still be missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, NUMBER = 3, 4, 5, 10
CHANNEL = 7
MAX_SAFE_INTEGER = 2**53  # Discord's bound on INTEGER and NUMBER values, either way

_TYPES: dict[int, tuple[str, tuple[type, ...]]] = {
    STRING: ("text", (str,)), INTEGER: ("a whole number", (int,)),
    BOOLEAN: ("true or false", (bool,)), NUMBER: ("a number", (int, float)),
}


class InvalidOption(ValueError):
    """An option Discord's client would not send (its message says which, and why)."""


def leaf_specs(definition: Mapping[str, Any], path: list[str]) -> list[dict[str, Any]]:
    """The option specs of the subcommand `path` names ("group sub"), checked: every name
    must be one of the command's subcommands, and a command with subcommands needs one."""
    specs: list[dict[str, Any]] = list(definition.get("options") or [])
    where = [str(definition.get("name", ""))]
    for name in path:
        subs = [o for o in specs if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        node = next((o for o in subs if o.get("name") == name), None)
        if node is None:
            raise InvalidOption(f"/{' '.join(where)} has no subcommand {name!r}; "
                                f"its subcommands: {_names(subs)}")
        where.append(name)
        specs = list(node.get("options") or [])
    subs = [o for o in specs if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if subs:
        raise InvalidOption(f"/{' '.join(where)} needs a subcommand: {_names(subs)}")
    return specs


def check_options(command: str, specs: list[dict[str, Any]], given: Mapping[str, Any], *,
                  focused: str | None = None) -> None:
    """`given`: option name -> its value as sent (a snowflake as digits for members,
    channels, roles and files). `InvalidOption` for the first one Discord would refuse."""
    for name in given:
        if not any(spec.get("name") == name for spec in specs):
            raise InvalidOption(f"/{command} has no option {name!r}; its options: "
                                f"{_names(specs) or 'none'}")
    for spec in specs:
        name = str(spec.get("name"))
        if name not in given:
            if spec.get("required") and focused is None:
                raise InvalidOption(f"/{command} needs {name}")
            continue
        if name != focused:
            check_value(spec, given[name])


def check_value(spec: Mapping[str, Any], value: Any) -> None:
    """One option's value against its spec: type, choices, bounds."""
    type_, name = int(spec.get("type", STRING)), str(spec.get("name"))
    kind, types = _TYPES.get(type_, ("a snowflake", (str, int)))
    if not isinstance(value, types) or (isinstance(value, bool) and type_ != BOOLEAN):
        raise InvalidOption(f"{name}: expected {kind}, found {value!r}")
    choices = spec.get("choices") or []
    if choices and value not in [choice.get("value") for choice in choices]:
        raise InvalidOption(f"{name}: choose one of "
                            + ", ".join(str(choice.get("value")) for choice in choices))
    if type_ in (INTEGER, NUMBER) and isinstance(value, int | float):
        number = float(value)
        if not (math.isfinite(number) and abs(number) <= MAX_SAFE_INTEGER):
            raise InvalidOption(f"{name}: {value!r} is out of Discord's range (±2^53)")
        within(name, number, spec.get("min_value"), spec.get("max_value"), "")
    elif type_ == STRING:
        within(name, len(str(value)), spec.get("min_length"), spec.get("max_length"),
               " characters")


def check_channel_type(spec: Mapping[str, Any], channel_type: int) -> None:
    allowed = spec.get("channel_types")
    if allowed and channel_type not in allowed:
        raise InvalidOption(f"{spec.get('name')}: that channel's type ({channel_type}) is not "
                            f"one this option takes ({', '.join(map(str, allowed))})")


def within(name: str, value: float, low: float | None, high: float | None,
           unit: str) -> None:
    """Discord's client refuses a value outside the option's bounds; either may be absent
    (`run: Range[int, 1]` has a minimum only), and the message names only those there are."""
    if (low is None or value >= low) and (high is None or value <= high):
        return
    if low is not None and high is not None:
        raise InvalidOption(f"{name}: must be between {low} and {high}{unit}")
    raise InvalidOption(f"{name}: must be at least {low}{unit}" if low is not None
                        else f"{name}: must be at most {high}{unit}")


def _names(specs: list[dict[str, Any]]) -> str:
    return ", ".join(str(spec.get("name")) for spec in specs)

"""Typing slash-command options as a person writes them (`share:true`, `member:ada`).

Values are converted to the option's type from the command the bot registered, and
Discord's client-side checks run first, as the Discord client would: required options,
choices, minimum and maximum values and lengths.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from localdiscord.script.language import ParseError
from localdiscord.script.names import CommandFailed, Lookup, channel_ref

SUBCOMMANDS = (1, 2)
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
_KINDS = {4: "a whole number", 10: "a number", 5: "true or false", 6: "a member",
          7: "a channel", 8: "a role", 11: "a file path"}


def leaf_options(definition: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The option specs of `/a b c`, following subcommand groups and subcommands."""
    options: list[dict[str, Any]] = list(definition.get("options") or [])
    for name in path[1:]:
        node = next((o for o in options if o.get("name") == name
                     and o.get("type") in SUBCOMMANDS), None)
        if node is None:
            subs = [o["name"] for o in options if o.get("type") in SUBCOMMANDS]
            raise CommandFailed(f"/{' '.join(path)}: no subcommand {name!r}"
                                + (f"; choose one of {', '.join(subs)}" if subs else ""))
        options = list(node.get("options") or [])
    subs = [o["name"] for o in options if o.get("type") in SUBCOMMANDS]
    if subs:
        raise CommandFailed(f"/{' '.join(path)} needs a subcommand: {', '.join(subs)}")
    return options


async def typed_options(
    path: tuple[str, ...], specs: list[dict[str, Any]], given: tuple[tuple[str, str], ...],
    lookup: Lookup, member: str,
) -> dict[str, Any]:
    """The options as JSON values for the control API; CommandFailed as Discord's client
    would refuse them."""
    options: dict[str, Any] = {}
    for key, raw in given:
        spec = next((o for o in specs if o.get("name") == key), None)
        if spec is None:
            known = ", ".join(o["name"] for o in specs) or "none"
            raise CommandFailed(f"/{' '.join(path)} has no option {key!r}; its options: {known}")
        options[key] = await option_value(spec, raw, lookup, member)
    missing = [o["name"] for o in specs if o.get("required") and o["name"] not in options]
    if missing:
        raise CommandFailed(f"/{' '.join(path)} needs {', '.join(missing)}")
    return options


async def option_value(spec: dict[str, Any], raw: str, lookup: Lookup, member: str) -> Any:
    type_, name = int(spec.get("type", 3)), str(spec.get("name"))
    choices = spec.get("choices") or []
    if choices:
        for choice in choices:
            if raw in (str(choice.get("value")), choice.get("name")):
                return choice["value"]
        raise CommandFailed(f"{name}: choose one of "
                            + ", ".join(str(c.get("value")) for c in choices))
    try:
        value = await _convert(type_, raw, lookup, member)
    except (ValueError, KeyError, OSError, ParseError, CommandFailed) as exc:
        raise CommandFailed(f"{name}: expected {_KINDS.get(type_, 'a value')}, found "
                            f"{raw!r} ({exc})") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        _within(name, value, spec.get("min_value"), spec.get("max_value"), "")
    if isinstance(value, str):
        _within(name, len(value), spec.get("min_length"), spec.get("max_length"), " characters")
    return value


def _within(name: str, value: float, low: float | None, high: float | None,
            unit: str) -> None:
    """Discord's client refuses a value outside the option's bounds; either may be absent
    (`run: Range[int, 1]` has a minimum only), and the message names only those there are."""
    if (low is None or value >= low) and (high is None or value <= high):
        return
    if low is not None and high is not None:
        raise CommandFailed(f"{name}: must be between {low} and {high}{unit}")
    raise CommandFailed(f"{name}: must be at least {low}{unit}" if low is not None
                        else f"{name}: must be at most {high}{unit}")


async def _convert(type_: int, raw: str, lookup: Lookup, member: str) -> Any:
    if type_ == 4:
        return int(raw)
    if type_ == 10:
        return float(raw)
    if type_ == 5:
        if raw.lower() not in _TRUE | _FALSE:
            raise ValueError("not a yes or no")
        return raw.lower() in _TRUE
    if type_ == 6:
        return lookup.member(raw.lstrip("@"))
    if type_ == 7:
        return (await lookup.place(channel_ref(raw), member)).id
    if type_ == 8:
        return lookup.role(raw)
    if type_ == 11:
        return _file(Path(raw))
    return raw


def _file(path: Path) -> dict[str, str]:
    """An attachment option: the file as the control API takes it."""
    return {"filename": path.name, "base64": base64.b64encode(path.read_bytes()).decode()}

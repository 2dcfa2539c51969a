"""Typing slash-command options as a person writes them (`share:true`, `member:ada`).

Values are converted to the option's type from the command the bot registered; Discord's
own checks (required options, choices, minimum and maximum values and lengths) are the local
Discord's, `localdiscord/options.py`, which refuses what a Discord client would not send.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from localdiscord.options import InvalidOption, check_value, leaf_specs
from localdiscord.script.language import ParseError
from localdiscord.script.names import CommandFailed, Lookup, channel_ref

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
_KINDS = {4: "a whole number", 10: "a number", 5: "true or false", 6: "a member",
          7: "a channel", 8: "a role", 11: "a file path"}


def leaf_options(definition: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The option specs of `/a b c`, following subcommand groups and subcommands."""
    try:
        return leaf_specs(definition, list(path[1:]))
    except InvalidOption as exc:
        raise CommandFailed(str(exc)) from None


async def typed_options(
    path: tuple[str, ...], specs: list[dict[str, Any]], given: tuple[tuple[str, str], ...],
    lookup: Lookup, member: str,
) -> dict[str, Any]:
    """The options as JSON values for the control API; CommandFailed for a name the command
    does not have or a value that cannot be read as its type."""
    options: dict[str, Any] = {}
    for key, raw in given:
        spec = next((o for o in specs if o.get("name") == key), None)
        if spec is None:
            known = ", ".join(o["name"] for o in specs) or "none"
            raise CommandFailed(f"/{' '.join(path)} has no option {key!r}; its options: {known}")
        options[key] = await option_value(spec, raw, lookup, member)
    return options  # the local Discord refuses what else Discord would (a required one left out)


async def option_value(spec: dict[str, Any], raw: str, lookup: Lookup, member: str) -> Any:
    """The typed text as the option's value; Discord's own checks of it (choices, bounds)
    are the local Discord's (`localdiscord/options.py`), named here as a script failure."""
    type_, name = int(spec.get("type", 3)), str(spec.get("name"))
    choices = spec.get("choices") or []
    # A choice may be typed by its name too ("LinkedIn message" for linkedin_message).
    named = next((c["value"] for c in choices if raw == c.get("name")), None)
    try:
        value = named if named is not None else await _convert(type_, raw, lookup, member)
    except (ValueError, KeyError, OSError, ParseError, CommandFailed) as exc:
        raise CommandFailed(f"{name}: expected {_KINDS.get(type_, 'a value')}, found "
                            f"{raw!r} ({exc})") from None
    if isinstance(value, str | int | float) and type_ in (3, 4, 5, 10):
        try:
            check_value(spec, value)
        except InvalidOption as exc:
            raise CommandFailed(str(exc)) from None
    return value


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

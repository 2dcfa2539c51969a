"""Discord's size limits on messages, embeds, components and modals.

The OpenAPI spec catches some of these (maxLength), but not the cross-field ones (6,000
characters over all embeds, 5 buttons per row, text inputs only in modals), so the local
Discord checks them itself and answers like Discord: 400 50035 Invalid Form Body with a
per-field tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from localdiscord.errors import empty_message, invalid_form, too_large

CONTENT = 2000
EMBEDS = 10
EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000
V2_TOTAL_COMPONENTS = 40  # components v2: nested ones count too
COMPONENTS_V2 = 1 << 15  # message flag IS_COMPONENTS_V2
SELECTS = (3, 5, 6, 7, 8)  # string, user, role, mentionable and channel selects
UPLOAD_LIMIT = 10 * 1024 * 1024  # bytes per request for a guild without boosts

_Errors = dict[str, tuple[str, str]]


def _too_long(errors: _Errors, path: str, value: Any, limit: int) -> int:
    if isinstance(value, str) and len(value) > limit:
        errors[path] = ("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
    return len(value) if isinstance(value, str) else 0


def check_message(
    body: dict[str, Any], files: list[tuple[str, bytes]], *, edit: bool = False,
    upload_limit: int = UPLOAD_LIMIT, result: dict[str, Any] | None = None,
) -> None:
    """Raise `DiscordError` if Discord would refuse this message create/edit body.

    `result` (for an edit): the message as it would be after the edit, with keys content,
    embeds, components, flags, attachments. Discord judges an edit on that: it may not leave
    the message empty, nor leave content/embeds in a components-v2 message."""
    if sum(len(data) for _, data in files) > upload_limit:
        raise too_large()
    errors: _Errors = {}
    _too_long(errors, "content", body.get("content"), CONTENT)
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        errors["embeds"] = ("BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS} or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        total += _check_embed(errors, f"embeds.{i}", embed)
    if total > EMBED_TOTAL:
        errors["embeds"] = ("MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    final = result if result is not None else body
    v2 = bool(int(final.get("flags") or 0) & COMPONENTS_V2)
    if v2:
        for key in ("content", "embeds"):
            if final.get(key):
                errors[key] = (
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    f"The '{key}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
                )
    check_components(errors, "components", body.get("components") or [], v2=v2)
    if errors:
        raise invalid_form(errors)
    has_any = (
        final.get("content") or final.get("embeds") or final.get("components")
        or final.get("attachments") or body.get("sticker_ids") or body.get("poll")
        or (files and result is None)
    )
    if (result is not None or not edit) and not has_any:
        raise empty_message()


def _check_embed(errors: _Errors, path: str, embed: dict[str, Any]) -> int:
    n = _too_long(errors, f"{path}.title", embed.get("title"), EMBED_TITLE)
    n += _too_long(errors, f"{path}.description", embed.get("description"), EMBED_DESCRIPTION)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        errors[f"{path}.fields"] = ("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for j, f in enumerate(fields):
        n += _too_long(errors, f"{path}.fields.{j}.name", f.get("name"), FIELD_NAME)
        n += _too_long(errors, f"{path}.fields.{j}.value", f.get("value"), FIELD_VALUE)
    n += _too_long(errors, f"{path}.footer.text", (embed.get("footer") or {}).get("text"), FOOTER)
    n += _too_long(errors, f"{path}.author.name", (embed.get("author") or {}).get("name"), AUTHOR)
    return n


def check_components(
    errors: _Errors, path: str, comps: list[dict[str, Any]], *, v2: bool = False
) -> None:
    """Legacy messages: up to 5 action rows at the top. Components v2 (flag 32768): any
    layout, up to 40 components in all. Both: an action row holds up to 5 buttons or one
    select, custom_ids are unique within the message, text inputs only in modals."""
    if not v2 and len(comps) > ACTION_ROWS:
        errors[path] = ("BASE_TYPE_MAX_LENGTH", f"Must be {ACTION_ROWS} or fewer in length.")
    seen: set[str] = set()
    count = 0

    def walk(comp: dict[str, Any], cpath: str) -> None:
        nonlocal count
        count += 1
        custom_id = comp.get("custom_id")
        _too_long(errors, f"{cpath}.custom_id", custom_id, CUSTOM_ID)
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors[f"{cpath}.custom_id"] = (
                    "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
                )
            seen.add(custom_id)
        _too_long(errors, f"{cpath}.label", comp.get("label"), BUTTON_LABEL)
        if comp.get("type") == 4:
            errors[f"{cpath}.type"] = (
                "COMPONENT_TYPE_INVALID", "Text inputs are only allowed in modals"
            )
        if len(comp.get("options") or []) > SELECT_OPTIONS:
            errors[f"{cpath}.options"] = ("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")
        children = comp.get("components") or []
        if comp.get("type") == 1:
            if len(children) > ROW_BUTTONS:
                errors[f"{cpath}.components"] = (
                    "BASE_TYPE_MAX_LENGTH", f"Must be {ROW_BUTTONS} or fewer in length."
                )
            elif len(children) > 1 and any(c.get("type") in SELECTS for c in children):
                errors[f"{cpath}.components"] = (
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
        for j, child in enumerate(children):
            if isinstance(child, dict):
                walk(child, f"{cpath}.components.{j}")
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                walk(comp[key], f"{cpath}.{key}")

    for i, comp in enumerate(comps):
        if isinstance(comp, dict):
            walk(comp, f"{path}.{i}")
    if v2 and count > V2_TOTAL_COMPONENTS:
        errors[path] = (
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {V2_TOTAL_COMPONENTS} or fewer in length (components in all).",
        )


def check_modal(data: dict[str, Any]) -> None:
    errors: _Errors = {}
    _too_long(errors, "data.title", data.get("title"), MODAL_TITLE)
    _too_long(errors, "data.custom_id", data.get("custom_id"), CUSTOM_ID)
    comps = data.get("components") or []
    if not comps or len(comps) > MODAL_COMPONENTS:
        errors["data.components"] = ("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
    for i, top in enumerate(comps):
        for j, comp in enumerate(modal_inputs(top)):
            path = f"data.components.{i}.components.{j}"
            _too_long(errors, f"{path}.custom_id", comp.get("custom_id"), CUSTOM_ID)
            _too_long(errors, f"{path}.label", comp.get("label"), TEXT_INPUT_LABEL)
            _too_long(errors, f"{path}.value", comp.get("value"), TEXT_INPUT_VALUE)
            if (comp.get("max_length") or 0) > TEXT_INPUT_VALUE:
                errors[f"{path}.max_length"] = (
                    "NUMBER_TYPE_MAX", f"int value should be at most {TEXT_INPUT_VALUE}."
                )
        if top.get("type") == 18:
            _too_long(errors, f"data.components.{i}.label", top.get("label"), TEXT_INPUT_LABEL)
    if errors:
        raise invalid_form(errors)


CHOICE_NAME = 100
CHOICE_VALUE = 100


def check_choices(choices: Any, limit: int) -> list[dict[str, Any]]:
    """An autocomplete answer: at most `limit` choices, names and string values of 1-100."""
    errors: _Errors = {}
    if not isinstance(choices, list):
        raise invalid_form({"data.choices": ("BASE_TYPE_REQUIRED", "This field is required")})
    if len(choices) > limit:
        errors["data.choices"] = ("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
    for i, choice in enumerate(choices):
        name = choice.get("name") if isinstance(choice, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME:
            errors[f"data.choices.{i}.name"] = (
                "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {CHOICE_NAME} in length.")
        value = choice.get("value") if isinstance(choice, dict) else None
        if isinstance(value, str) and len(value) > CHOICE_VALUE:
            errors[f"data.choices.{i}.value"] = (
                "BASE_TYPE_MAX_LENGTH", f"Must be {CHOICE_VALUE} or fewer in length.")
    if errors:
        raise invalid_form(errors)
    return list(choices)


def picked(select: dict[str, Any], answer: str | Sequence[str] | None) -> list[str]:
    """What a member's client submits for a select in a modal: the options picked (`answer`:
    their values, or one value as a string; None keeps the options marked default). A
    client offers nothing else, so a value that is not an option, or a count outside
    min/max_values, is the test's mistake: `ValueError`."""
    options = [o.get("value") for o in select.get("options") or []]
    if answer is None:
        chosen = preselected(select)
    else:
        chosen = [answer] if isinstance(answer, str) else list(answer)
    if select.get("type", 3) == 3 and any(value not in options for value in chosen):
        raise ValueError(f"select {select.get('custom_id')!r} has no option "
                         f"{[v for v in chosen if v not in options]}; its options: {options}")
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if select.get("required", True) is False:
        low = 0
    if not low <= len(chosen) <= high:
        raise ValueError(f"select {select.get('custom_id')!r} takes {low} to {high} values, "
                         f"not {len(chosen)}")
    return chosen


def typed(text_input: dict[str, Any], value: str, label: str | None = None) -> str:
    """What a member's client submits for a text input in a modal: `value`, if the client
    would (it keeps a required input from going empty, and the text inside its lengths);
    anything else is the test's mistake, `ValueError`, as no client can send it."""
    name = repr(label or text_input.get("label") or text_input.get("custom_id"))
    low, high = text_input.get("min_length"), text_input.get("max_length")
    if text_input.get("required", True) and not value.strip():
        raise ValueError(f"Discord would not submit the modal: {name} is required")
    if high and len(value) > high:
        raise ValueError(f"Discord would not submit the modal: {name} takes at most {high} "
                         f"characters ({len(value)})")
    if value and low and len(value) < low:
        raise ValueError(f"Discord would not submit the modal: {name} needs at least {low} "
                         "characters")
    return value


def preselected(select: dict[str, Any]) -> list[str]:
    """The values of a select's options the bot marked default (what a client shows chosen)."""
    return [o["value"] for o in select.get("options") or [] if o.get("default")]


def modal_inputs(top: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive components inside a modal's top-level action row (1) or label (18)."""
    if top.get("type") == 1:
        return list(top.get("components") or [])
    if top.get("type") == 18 and top.get("component"):
        return [top["component"]]
    return []

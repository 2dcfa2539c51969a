"""Discord's size limits on messages, embeds, components and modals.

The OpenAPI spec catches some of these (maxLength), but not the cross-field ones (6,000
characters over all embeds, 5 buttons per row, text inputs only in modals), so the sandbox
checks them itself and answers like Discord: 400 50035 Invalid Form Body with a per-field tree.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.errors import empty_message, invalid_form, too_large

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
UPLOAD_LIMIT = 10 * 1024 * 1024  # bytes per request for a guild without boosts

_Errors = dict[str, tuple[str, str]]


def _too_long(errors: _Errors, path: str, value: Any, limit: int) -> int:
    if isinstance(value, str) and len(value) > limit:
        errors[path] = ("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
    return len(value) if isinstance(value, str) else 0


def check_message(
    body: dict[str, Any], files: list[tuple[str, bytes]], *, edit: bool = False,
    upload_limit: int = UPLOAD_LIMIT,
) -> None:
    """Raise `DiscordError` if Discord would refuse this message create/edit body."""
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
    _check_rows(errors, "components", body.get("components") or [])
    if errors:
        raise invalid_form(errors)
    has_any = (
        body.get("content") or embeds or body.get("components") or files or body.get("sticker_ids")
        or body.get("poll") or body.get("attachments")
    )
    if not edit and not has_any:
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


def _check_rows(errors: _Errors, path: str, rows: list[dict[str, Any]]) -> None:
    if len(rows) > ACTION_ROWS:
        errors[path] = ("BASE_TYPE_MAX_LENGTH", f"Must be {ACTION_ROWS} or fewer in length.")
    for i, row in enumerate(rows):
        if row.get("type") != 1:
            continue  # v2 components (sections, containers): checked only for custom_id below
        children = row.get("components") or []
        if len(children) > ROW_BUTTONS:
            errors[f"{path}.{i}.components"] = (
                "BASE_TYPE_MAX_LENGTH", f"Must be {ROW_BUTTONS} or fewer in length."
            )
        for j, comp in enumerate(children):
            cpath = f"{path}.{i}.components.{j}"
            _too_long(errors, f"{cpath}.custom_id", comp.get("custom_id"), CUSTOM_ID)
            _too_long(errors, f"{cpath}.label", comp.get("label"), BUTTON_LABEL)
            if comp.get("type") == 4:
                errors[f"{cpath}.type"] = (
                    "COMPONENT_TYPE_INVALID", "Text inputs are only allowed in modals"
                )
            if len(comp.get("options") or []) > SELECT_OPTIONS:
                errors[f"{cpath}.options"] = ("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer.")


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


def modal_inputs(top: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive components inside a modal's top-level action row (1) or label (18)."""
    if top.get("type") == 1:
        return list(top.get("components") or [])
    if top.get("type") == 18 and top.get("component"):
        return [top["component"]]
    return []

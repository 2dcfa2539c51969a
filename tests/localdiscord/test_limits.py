"""Discord's limits as the sandbox enforces them (pure functions, no server)."""

from __future__ import annotations

import pytest

from localdiscord import limits
from localdiscord.errors import DiscordError


def code_of(fn, *args, **kw) -> int | None:  # type: ignore[no-untyped-def]
    try:
        fn(*args, **kw)
    except DiscordError as exc:
        return exc.code
    return None


def row(n: int, prefix: str = "b") -> dict:
    return {"type": 1, "components": [{"type": 2, "custom_id": f"{prefix}{i}", "style": 1}
                                      for i in range(n)]}


def rows(count: int, width: int = 5) -> list[dict]:
    """`count` action rows of `width` buttons, every custom_id distinct."""
    return [row(width, f"r{r}b") for r in range(count)]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"content": "x" * 2000}, None),
        ({"content": "x" * 2001}, 50035),
        ({}, 50006),
        ({"content": ""}, 50006),
        ({"embeds": [{"title": "t" * 256}]}, None),
        ({"embeds": [{"title": "t" * 257}]}, 50035),
        ({"embeds": [{"description": "d" * 4097}]}, 50035),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, 50035),
        ({"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]}, 50035),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, 50035),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, 50035),
        ({"embeds": [{"author": {"name": "a" * 257}}]}, 50035),
        ({"embeds": [{"description": "d" * 3001}, {"description": "d" * 3000}]}, 50035),
        ({"embeds": [{"title": "t"}] * 11}, 50035),
        ({"components": rows(5)}, None),
        ({"components": rows(6)}, 50035),
        ({"components": [row(6)]}, 50035),
        ({"components": [{"type": 1, "components": [{"type": 2, "custom_id": "c" * 101}]}]},
         50035),
    ],
)
def test_message_limits(body: dict, code: int | None) -> None:
    assert code_of(limits.check_message, body, []) == code


def test_upload_limit() -> None:
    assert code_of(limits.check_message, {}, [("a", b"x" * 11)], upload_limit=10) == 40005
    assert code_of(limits.check_message, {}, [("a", b"x" * 10)], upload_limit=10) is None


def text_input(**kw: object) -> dict:
    return {"type": 1, "components": [{"type": 4, "custom_id": "t", "label": "L", **kw}]}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"title": "t" * 45, "custom_id": "m", "components": [text_input()]}, None),
        ({"title": "t" * 46, "custom_id": "m", "components": [text_input()]}, 50035),
        ({"title": "t", "custom_id": "m", "components": [text_input()] * 6}, 50035),
        ({"title": "t", "custom_id": "m", "components": []}, 50035),
        ({"title": "t", "custom_id": "m", "components": [text_input(label="l" * 46)]}, 50035),
        ({"title": "t", "custom_id": "m", "components": [text_input(max_length=4001)]}, 50035),
        ({"title": "t", "custom_id": "m", "components": [text_input(value="v" * 4001)]}, 50035),
        ({"title": "t", "custom_id": "m",
          "components": [{"type": 18, "label": "L", "component": {"type": 4, "custom_id": "x"}}]},
         None),
    ],
)
def test_modal_limits(data: dict, code: int | None) -> None:
    assert code_of(limits.check_modal, data) == code


def test_field_errors_use_discords_shape() -> None:
    try:
        limits.check_message({"embeds": [{"title": "t" * 300}]}, [])
    except DiscordError as exc:
        body = exc.body()
    assert body["code"] == 50035
    assert body["errors"]["embeds"]["0"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


SELECT = {"type": 3, "custom_id": "s", "options": [{"label": "o", "value": "o"}]}
V2 = 1 << 15


def invalid_fields(body: dict, **kw: object) -> dict:
    """The 50035 error tree Discord would answer (empty dict when accepted)."""
    try:
        limits.check_message(body, [], **kw)  # type: ignore[arg-type]
    except DiscordError as exc:
        assert exc.code == 50035, exc
        return exc.errors or {}
    return {}


def test_duplicate_custom_id_is_refused() -> None:
    """Discord: custom_ids are unique within a message (COMPONENT_CUSTOM_ID_DUPLICATED)."""
    same = {"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "x"},
                                      {"type": 2, "style": 1, "label": "b", "custom_id": "x"}]}
    tree = invalid_fields({"content": "c", "components": [same]})
    err = tree["components"]["0"]["components"]["1"]["custom_id"]["_errors"][0]
    assert err["code"] == "COMPONENT_CUSTOM_ID_DUPLICATED"
    # across rows too
    assert invalid_fields({"components": [row(1, "x"), row(1, "x")]})


def test_a_select_is_alone_in_its_row() -> None:
    mixed = {"type": 1, "components": [SELECT, {"type": 2, "style": 1, "custom_id": "b"}]}
    tree = invalid_fields({"content": "c", "components": [mixed]})
    assert tree["components"]["0"]["components"]["_errors"][0]["code"] == (
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED"
    )
    assert not invalid_fields({"content": "c", "components": [{"type": 1,
                                                               "components": [SELECT]}]})


def test_components_v2_rules() -> None:
    text = [{"type": 10, "content": f"line {i}"} for i in range(6)]
    # Any number of top-level components (not 5 action rows), up to 40 in all, nested count.
    assert not invalid_fields({"flags": V2, "components": text})
    assert not invalid_fields({"flags": V2, "components": [{"type": 10, "content": "x"}] * 40})
    assert invalid_fields({"flags": V2, "components": [{"type": 10, "content": "x"}] * 41})
    container = {"type": 17, "components": [{"type": 10, "content": "x"}] * 40}
    assert invalid_fields({"flags": V2, "components": [container]})  # 41 with the container
    # No content or embeds with IS_COMPONENTS_V2.
    tree = invalid_fields({"flags": V2, "content": "hi", "components": text})
    assert tree["content"]["_errors"][0]["code"] == (
        "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2"
    )
    assert invalid_fields({"flags": V2, "embeds": [{"title": "t"}], "components": text})
    # Nested action rows obey the row rules (custom_id length, label length).
    nested = {"type": 17, "components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "b" * 81, "custom_id": "x" * 101}]}]}
    tree = invalid_fields({"flags": V2, "components": [nested]})
    button = tree["components"]["0"]["components"]["0"]["components"]["0"]
    assert set(button) == {"custom_id", "label"}


def test_an_edit_is_judged_on_the_resulting_message() -> None:
    empty = {"content": "", "embeds": [], "components": [], "flags": 0, "attachments": []}
    assert code_of(limits.check_message, {"content": ""}, [], edit=True, result=empty) == 50006
    kept = {**empty, "embeds": [{"title": "still here"}]}
    assert code_of(limits.check_message, {"content": ""}, [], edit=True, result=kept) is None
    v2_with_text = {**empty, "flags": V2, "content": "old text",
                    "components": [{"type": 10, "content": "x"}]}
    assert code_of(
        limits.check_message, {"components": [{"type": 10, "content": "x"}]}, [], edit=True,
        result=v2_with_text,
    ) == 50035


SELECT = {"type": 3, "custom_id": "likely", "min_values": 1, "max_values": 1,
          "options": [{"label": "Yes", "value": "yes"}, {"label": "No", "value": "no",
                                                           "default": True}]}


def test_a_select_in_a_modal_is_answered_with_its_options_only() -> None:
    assert limits.picked(SELECT, "yes") == ["yes"]
    assert limits.picked(SELECT, ["yes"]) == ["yes"]
    assert limits.picked(SELECT, None) == ["no"]  # untouched: what the bot marked default
    with pytest.raises(ValueError, match="no option"):
        limits.picked(SELECT, "maybe")
    with pytest.raises(ValueError, match="1 to 1 values"):
        limits.picked(SELECT, ["yes", "no"])
    optional = {**SELECT, "required": False, "options": SELECT["options"][:1]}
    assert limits.picked(optional, None) == []

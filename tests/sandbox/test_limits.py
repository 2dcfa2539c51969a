"""Discord's limits as the sandbox enforces them (pure functions, no server)."""

from __future__ import annotations

import pytest

from bot.sandbox import limits
from bot.sandbox.errors import DiscordError


def code_of(fn, *args, **kw) -> int | None:  # type: ignore[no-untyped-def]
    try:
        fn(*args, **kw)
    except DiscordError as exc:
        return exc.code
    return None


def row(n: int) -> dict:
    return {"type": 1, "components": [{"type": 2, "custom_id": f"b{i}", "style": 1}
                                      for i in range(n)]}


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
        ({"components": [row(5)] * 5}, None),
        ({"components": [row(5)] * 6}, 50035),
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

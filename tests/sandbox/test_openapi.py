"""The OpenAPI validator on its own: the snowflake allowance, and a missing spec."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.openapi import SpecValidator, coerce_snowflakes, load_spec

AUTH = {"Authorization": "Bot x"}


def test_only_snowflake_keys_are_coerced() -> None:
    body = {"recipient_id": 5, "id": 6, "role_ids": [7], "content": 8, "nested": [{"id": 9}]}
    assert coerce_snowflakes(body) == {
        "recipient_id": "5", "id": "6", "role_ids": ["7"], "content": 8, "nested": [{"id": "9"}]
    }
    assert coerce_snowflakes({"enforce_nonce": True, "flags": 64}) == {
        "enforce_nonce": True, "flags": 64
    }


def test_request_validation() -> None:
    validator = SpecValidator(load_spec())
    path = "/api/v10/channels/123/messages"
    assert validator.validate_request("POST", path, {}, AUTH, {"content": "hi"}) is None
    problem = validator.validate_request("POST", path, {}, AUTH, {"content": 5})
    assert problem is not None and "content" in problem


def test_missing_spec_skips_validation(tmp_path: Path) -> None:
    assert load_spec(tmp_path / "absent.json") is None
    validator = SpecValidator(None)
    assert not validator.enabled
    assert validator.validate_request("POST", "/anything", {}, {}, {"content": 5}) is None


def test_media_channel_type_gap_is_narrow() -> None:
    """Channel type 16 (GUILD_MEDIA) is missing from the spec's enum; only `channel_types`
    lists are mapped, so a 16 anywhere else, or an unknown type, still fails."""
    validator = SpecValidator(load_spec())
    path = "/api/v10/applications/1/commands"

    def command(channel_types: list[int]) -> list[dict[str, object]]:
        option = {"type": 7, "name": "where", "description": "d", "channel_types": channel_types}
        return [{"name": "c", "description": "d", "type": 1, "options": [option]}]

    assert validator.validate_request("PUT", path, {}, AUTH, command([15, 16])) is None
    assert validator.validate_request("PUT", path, {}, AUTH, command([99])) is not None
    not_a_list = [{"name": "c", "description": "d", "type": 16}]
    assert validator.validate_request("PUT", path, {}, AUTH, not_a_list) is not None

"""The OpenAPI validator on its own: the snowflake allowance, and a missing spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from localdiscord import Sandbox
from localdiscord.openapi import (
    NO_SPEC_ENV,
    SpecNotFound,
    SpecValidator,
    coerce_snowflakes,
    default_spec_path,
    load_spec,
)

AUTH = {"Authorization": "Bot x"}


BIG = 1_200_000_000_000_000_001  # snowflake-sized


def test_only_snowflake_sized_ids_are_coerced() -> None:
    body = {"recipient_id": BIG, "id": BIG, "role_ids": [BIG], "content": 8,
            "nested": [{"id": BIG}]}
    assert coerce_snowflakes(body) == {
        "recipient_id": str(BIG), "id": str(BIG), "role_ids": [str(BIG)], "content": 8,
        "nested": [{"id": str(BIG)}],
    }
    # Small integers are not snowflakes: a component's own integer `id` stays an integer.
    assert coerce_snowflakes({"id": 7, "channel_id": 5, "role_ids": [3]}) == {
        "id": 7, "channel_id": 5, "role_ids": [3]
    }
    assert coerce_snowflakes({"id": 2**32 - 1})["id"] == 2**32 - 1
    assert coerce_snowflakes({"id": 2**32})["id"] == str(2**32)
    # custom_id is text, never coerced, whatever its size.
    assert coerce_snowflakes({"custom_id": BIG}) == {"custom_id": BIG}
    # Attachment ids of new uploads are the index n of files[n] (discord.py sends 0, 1...).
    assert coerce_snowflakes({"attachments": [{"id": 0}, {"id": BIG}]}) == {
        "attachments": [{"id": "0"}, {"id": str(BIG)}]
    }
    assert coerce_snowflakes({"enforce_nonce": True, "flags": 64}) == {
        "enforce_nonce": True, "flags": 64
    }


def test_integer_custom_id_fails_and_small_component_id_passes() -> None:
    validator = SpecValidator(load_spec())
    path = "/api/v10/channels/123/messages"

    def button(**kw: object) -> dict[str, object]:
        btn = {"type": 2, "style": 1, "label": "a", **kw}
        return {"content": "x", "components": [{"type": 1, "components": [btn]}]}

    assert validator.validate_request("POST", path, {}, AUTH, button(custom_id=12345))
    assert validator.validate_request("POST", path, {}, AUTH, button(custom_id=BIG))
    assert validator.validate_request("POST", path, {}, AUTH, button(custom_id="c", id=7)) is None
    upload = {"content": "x", "attachments": [{"id": 0, "filename": "a.txt"}]}
    assert validator.validate_request("POST", path, {}, AUTH, upload) is None


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


def test_validate_without_spec_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sandbox(validate=True) must not silently skip validation when the spec is absent."""
    absent = tmp_path / "absent.json"
    monkeypatch.delenv(NO_SPEC_ENV, raising=False)
    with pytest.raises(SpecNotFound, match="COHORTBOT_SANDBOX_NO_SPEC"):
        Sandbox(spec_path=absent)
    assert not Sandbox(validate=False).server.validator.enabled
    monkeypatch.setenv(NO_SPEC_ENV, "1")  # unvalidated on purpose
    assert not Sandbox(spec_path=absent).server.validator.enabled


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


def test_the_spec_is_looked_for_beside_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """`../shared` next to the repository, as CI lays it out (a worktree deeper down once
    hid a wrong parent here)."""
    monkeypatch.delenv("COHORTBOT_OPENAPI_SPEC", raising=False)
    checkout = Path(__file__).resolve().parents[2]
    assert default_spec_path() == checkout.parent / "shared" / "discord-api-spec" / "openapi.json"


def test_the_spec_document_itself_is_valid_openapi() -> None:
    """`load_spec` skips checking the document against the OpenAPI meta-schema (5 s in every
    process that loads it); the check is made here, once per suite, on the same file."""
    path = default_spec_path()
    if not path.exists():
        pytest.skip(f"Discord's OpenAPI spec is not at {path}")
    validate(json.loads(path.read_text(encoding="utf-8")))  # raises on the first error

"""/settings timezone end to end: autocomplete over IANA names (the local Discord answers the
autocomplete interaction), refusals, and showing the zone that applies. How a new zone moves
pending reminders is tested with the reminders, in tests/followups/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_config
from bot.errors import ConfigError
from bot.settings import resolve_zone, zone_choices, zone_names
from tests.markdown import shows_as_typed
from tests.world import CohortWorld

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def test_timezone_autocomplete_and_refusals(world: CohortWorld) -> None:
    typed = await world.ada.autocomplete("settings timezone", "zone", {"zone": "new y"})
    assert typed.callback_type == 8
    first = (typed.choices or [])[0]
    assert first["value"] == "America/New_York" and "UTC-05:00" in first["name"]
    empty = await world.ada.autocomplete("settings timezone", "zone")
    assert 0 < len(empty.choices or []) <= 25
    for bad, expected in [("America", "a region, not a timezone"),
                          ("Mars/Olympus_Mons", "not a timezone I know")]:
        refused = await world.ada.slash("settings timezone", {"zone": bad})
        assert refused.ephemeral and expected in refused.response.content
    shown = await world.ada.slash("settings timezone")
    assert "the cohort's" in shown.response.content
    changed = await world.ada.slash("settings timezone", {"zone": "europe/berlin"})
    assert "Reminders come between 09:00 and 19:00 your time" in changed.response.content
    shown = await world.ada.slash("settings timezone")
    assert "Europe/Berlin" in shown.response.content and "yours" in shown.response.content
    assert "between 09:00 and 19:00 there" in shown.response.content


async def test_a_zone_that_is_none_is_quoted_as_typed(world: CohortWorld) -> None:
    """The name went between single backticks: one typed in it closed the code span, and
    the rest rendered as Markdown."""
    typed = "Mars`**Olympus**` <@1>"
    refused = await world.ada.slash("settings timezone", {"zone": typed})
    answer = refused.response.content
    assert "not a timezone I know" in answer and shows_as_typed(answer, typed), answer


async def test_autocomplete_keeps_answering_as_a_zone_is_typed(world: CohortWorld) -> None:
    async def values(typed: str) -> list[str]:
        result = await world.ada.autocomplete("settings timezone", "zone", {"zone": typed})
        return [c["value"] for c in result.choices or []]

    for typed in ("Europe", "Europe/", "europe / ", "America/"):
        found = await values(typed)
        assert found and all(z.startswith(typed.split("/")[0].strip().title()) for z in found)
    assert await values("Europe/Lon") == ["Europe/London"]
    assert (await values("America/"))[0] == "America/New_York"  # the popular ones first
    assert (await values("EST"))[0] == "America/New_York"  # an abbreviation, its usual zone
    assert (await values("pst"))[0] == "America/Los_Angeles"
    refused = await world.ada.slash("settings timezone", {"zone": "America"})
    assert "`America/New_York`" in refused.response.content


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(sorted(zone_names())), data=st.data())
def test_every_prefix_of_a_zone_name_has_choices(zone: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(1, len(zone)))
    typed = zone[:cut]
    if data.draw(st.booleans()):
        typed = typed.lower().replace("_", " ")  # as a member types it
    found = zone_choices(typed, NOW)
    assert found, typed
    if cut == len(zone):
        assert found[0] == zone and resolve_zone(typed, NOW) == zone


@pytest.mark.parametrize(("zone", "expected"), [
    ("Mars/Base", 'expected an IANA timezone name such as "Europe/Berlin"'),
    ("America", 'expected an IANA timezone name (the value found is a region, not a timezone)'
                ' such as "America/New_York", "America/Chicago", "America/Denver"'),
])
def test_a_config_timezone_error_reads_as_one_sentence(tmp_path: Path, zone: str,
                                                       expected: str) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(f'[cohort]\ntimezone = "{zone}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    message = str(refused.value)
    assert f"key 'cohort.timezone': {expected}" in message
    assert f"found str '{zone}'" in message and "I know" not in message and "`" not in message

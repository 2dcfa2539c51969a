"""/settings timezone end to end: autocomplete over IANA names (the local Discord answers the
autocomplete interaction), refusals, and showing the zone that applies. How a new zone moves
pending reminders is tested with the reminders, in tests/followups/."""

from __future__ import annotations

from tests.world import CohortWorld


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
    await world.ada.slash("settings timezone", {"zone": "europe/berlin"})
    shown = await world.ada.slash("settings timezone")
    assert "Europe/Berlin" in shown.response.content and "yours" in shown.response.content

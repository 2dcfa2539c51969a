"""`/outreach list` shows every outreach: a page at a time, with Previous/Next buttons that
turn the pages after a restart too, a `page:` option, and `state:` / `name:` to narrow it; the
line under a page says how to see the rest (review 6, finding 6: a member with 40 logged
saw 10 and "…and 30 more not shown here", with no way to see them)."""

from __future__ import annotations

import re
from typing import Any

from tests.followups.helpers import labels, text_of
from tests.world import CohortWorld, component

NOTE = "met at the meetup; " * 10


async def log_many(world: CohortWorld, count: int) -> None:
    for i in range(count):
        result = await world.ada.slash("outreach log", {
            "who": f"Person{i:02d} Example", "channel": "email", "note": NOTE})
        assert "Logged" in result.response.content


def names_on(message: Any) -> list[str]:
    return re.findall(r"\*\*(Person\d\d) Example\*\*", str(message.embeds[0]["description"]))


def disabled(message: Any) -> dict[str, bool]:
    return {c["label"]: bool(c.get("disabled")) for row in message.components
            for c in row["components"]}


async def test_every_outreach_can_be_seen_page_by_page_even_after_a_restart(
    world: CohortWorld,
) -> None:
    await log_many(world, 40)
    first = (await world.ada.slash("outreach list")).response
    assert first.ephemeral
    assert "Page 1 of 3 · 40 outreaches" in first.embeds[0]["description"]
    assert "`/outreach list page:`" in first.embeds[0]["description"]  # says how
    assert labels(first) == ["◀ Previous", "Next ▶"]
    assert disabled(first) == {"◀ Previous": True, "Next ▶": False}
    seen = names_on(first)
    assert seen[0] == "Person39"  # newest first
    turned = (await world.ada.click(first, component(first, "Next ▶"))).updated_message
    assert "Page 2 of 3" in turned.embeds[0]["description"]
    seen += names_on(turned)
    # The buttons carry the page: they work after a restart, as the reminders' do.
    await world.restart()
    last = (await world.ada.click(turned, component(turned, "Next ▶"))).updated_message
    assert "Page 3 of 3" in last.embeds[0]["description"]
    assert disabled(last) == {"◀ Previous": False, "Next ▶": True}
    seen += names_on(last)
    assert sorted(seen) == [f"Person{i:02d}" for i in range(40)]  # each once, none left out
    back = (await world.ada.click(last, component(last, "◀ Previous"))).updated_message
    assert names_on(back) == names_on(turned)


async def test_a_page_option_and_filters_narrow_the_list(world: CohortWorld) -> None:
    await log_many(world, 20)
    third = await world.ada.slash("outreach list", {"page": 2})
    assert "Page 2 of 2" in text_of(third)
    assert names_on(third.response) == [f"Person{i:02d}" for i in range(4, -1, -1)]
    beyond = await world.ada.slash("outreach list", {"page": 50})  # the last page, said so
    assert "Page 2 of 2" in text_of(beyond)
    named = (await world.ada.slash("outreach list", {"name": "person1"})).response
    assert sorted(names_on(named)) == [f"Person{i}" for i in range(10, 20)]
    assert named.components == []  # one page: no buttons to turn
    assert "to “person1”" in named.embeds[0]["title"]
    # The state filter; its buttons keep it (and the name) as they turn the pages.
    reminded = await world.ada.slash("outreach list", {"state": "replied"})
    assert "no outreach that matches (they replied)" in text_of(reminded)
    assert "`/outreach list` without options" in text_of(reminded)
    await world.ada.slash("outreach replied", {"who": "Person03 Example"})
    replied = (await world.ada.slash("outreach list", {"state": "replied"})).response
    assert names_on(replied) == ["Person03"]
    still_open = (await world.ada.slash("outreach list", {"state": "open",
                                                           "name": "example"})).response
    assert "Page 1 of 2 · 19 outreaches" in still_open.embeds[0]["description"]
    turned = (await world.ada.click(still_open, component(still_open, "Next ▶"))
              ).updated_message
    assert "Person03" not in names_on(turned) and "Page 2 of 2" in str(turned.embeds[0])

"""Lists the bot shows in Discord whatever their length: a larger cohort's "Not critiqued
yet", a lessons folder full of files that did not load, many open runs. Each ends at a whole
item with "… and N more" and says where the whole list is, within Discord's limits."""

from __future__ import annotations

import re

from tests.world import CohortWorld, fields, post

NOT_CRITIQUED = "Not critiqued yet (moderators only)"
FIELD_VALUE = 1024  # Discord's limits, which the local Discord also enforces
CONTENT = 2000


async def test_a_large_cohorts_not_critiqued_list_ends_at_a_whole_name(
    world: CohortWorld,
) -> None:
    names = [f"member_with_a_long_name_{k:03d}" for k in range(150)]
    for name in names:
        world.guild.handle.add_member(name)
    await world.sandbox.settle()
    await post(world)
    summary = await world.mod.slash("lesson summary", channel=world.lessons)
    missing = fields(summary.followups[-1].embeds[0])[NOT_CRITIQUED]
    assert len(missing) <= FIELD_VALUE
    listed, rest = missing.split("\n", 1)[0].split(", … and ")
    shown = listed.split(", ")
    # Every name shown is whole (as Markdown escapes it); the count is of exactly the others.
    whole = {"Ada", "Ben", "Cy", *(n.title().replace("_", "\\_") for n in names)}
    assert {"Ada", "Ben", "Cy"} <= set(shown) and set(shown) <= whole, shown
    more = int(re.match(r"([\d,]+) more", rest)[1].replace(",", ""))  # type: ignore[index]
    assert len(shown) + more == 153
    assert "the export's participation table has everyone" in rest
    assert "/forget-me" in missing  # the note after the list is kept


async def test_lesson_list_with_many_skipped_files_counts_the_rest(world: CohortWorld) -> None:
    folder = world.config.lesson.directory
    for k in range(60):
        (folder / f"broken_lesson_file_number_{k:02d}.toml").write_text("key = 3\n")
    await world.restart()
    text = (await world.mod.slash("lesson list", channel=world.lessons)).response.content
    assert len(text) <= CONTENT
    assert "`networking-with-professionals`" in text and "(3 examples)" in text
    skipped = text.split("**Files I skipped:**\n", 1)[1].splitlines()
    *files, counted = skipped
    assert files and all(re.fullmatch(r"• .*broken_lesson_file_number_\d\d\.toml: .*key.*", line)
                         for line in files), files
    more = int(re.search(r"… and ([\d,]+) more skipped", counted)[1])  # type: ignore[index]
    assert len(files) + more == 60
    assert "`cohortbot check-config`" in counted

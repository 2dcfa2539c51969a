"""After `cohortbot restore`, a run posted after the backup is still on Discord, its buttons
with it, and the next run posted takes its number: each button and form is bound to the very
run it was posted with (the run's token), so the old ones are refused instead of filing a
critique of one lesson's example under another's (review 6, finding 17)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from bot.services.critiques import NOT_KNOWN
from cogs._given_back import SENT_BACK
from storage import critiques as critiques_store
from storage import runs as runs_store
from storage.db import backup_file
from storage.restore import restore_backup
from tests.followups.helpers import stamp
from tests.world import CohortWorld, component, critique, example_messages, post, renamed


def button(message: Any) -> str:
    return str(message.components[0]["components"][0]["custom_id"])


async def restored(world: CohortWorld, backup: Path) -> None:
    """Stop the bot, `cohortbot restore` the backup, start the bot: as the README says."""
    await world.stop_bot()
    await restore_backup(backup, world.config.storage.database, world.clock.now())
    await world.start_bot()


async def test_a_run_posted_after_the_backup_keeps_its_buttons_off_the_new_run(
    world: CohortWorld, tmp_path: Path,
) -> None:
    await post(world)  # run #1, in the backup
    backup = await backup_file(world.config.storage.database, tmp_path / "backup.db")
    assert await post(world, another=True) == 2  # run #2, after the backup: lost by the restore
    lost = example_messages(world)[3]
    opened = await world.ada.click(lost, button(lost))  # a form open across the restore
    assert opened.modal is not None
    await restored(world, backup)
    assert await post(world, another=True) == 2  # the new run #2 takes the number
    new = example_messages(world)[6]
    assert button(new) != button(lost)

    clicked = await world.ada.click(lost, button(lost))
    assert clicked.modal is None and clicked.response is not None
    assert clicked.response.content == f"⚠️ {NOT_KNOWN}"
    sent = await world.ada.submit_modal(copy.deepcopy(opened.modal),
                                        {"works": "LOSTRUN text", "likely": "yes"})
    refusal, given_back = [m for m in (sent.response, *sent.followups) if m is not None]
    assert refusal.content == f"⚠️ {NOT_KNOWN}"
    assert given_back.content == f"{SENT_BACK}\n\nLOSTRUN text"
    assert await critiques_store.critiques_for_run(world.bot.db, 2) == []

    await critique(world, world.ada, new, "The new run's own.", "", "yes")  # still works
    [kept] = await critiques_store.critiques_for_run(world.bot.db, 2)
    assert kept.works == "The new run's own."
    assert not world.sandbox.bot_errors


async def test_a_button_posted_before_runs_had_tokens_still_works(world: CohortWorld) -> None:
    await post(world)
    # A run as a version before tokens posted it: no token in the database or the button.
    await world.bot.db.execute("UPDATE lesson_runs SET token = NULL WHERE id = 1")
    example = example_messages(world)[0]
    old = renamed(example, button(example), "cohort:critique:1:1")
    opened = await world.ada.click(example, old)
    assert opened.modal is not None
    assert opened.modal["custom_id"].startswith("cohort:critique-modal:1:1:")
    await world.restart()  # its form sent after a restart is made again from the old id
    await world.ada.submit_modal(opened, {"works": "Old button.", "likely": "no"})
    [kept] = await critiques_store.critiques_for_run(world.bot.db, 1)
    assert kept.works == "Old button."
    # ...but a token it never had is not its own.
    forged = renamed(example, old, "cohort:critique:1:1:00000000")
    clicked = await world.ada.click(example, forged)
    assert clicked.response is not None and clicked.response.content == f"⚠️ {NOT_KNOWN}"
    run = await runs_store.get_run(world.bot.db, 1)
    assert run is not None and run.token is None


async def test_forget_me_after_a_restore_says_what_it_cannot_find(
    world: CohortWorld, tmp_path: Path,
) -> None:
    await post(world)
    backup = await backup_file(world.config.storage.database, tmp_path / "backup.db")
    first = example_messages(world)[0]
    await critique(world, world.ben, first, "BENAFTERBACKUP works", "", "yes")  # after it
    await restored(world, backup)
    await world.ben.slash("settings timezone", {"zone": "Europe/Paris"}, channel=world.lessons)
    asked = await world.ben.slash("forget-me", channel=world.lessons)
    restored_on = stamp(world.clock.now(), "D")
    note = f"My database was restored from a backup on {restored_on}: critiques you sent"
    assert note in asked.response.content
    done = await world.ben.click(asked.response, component(asked.response,
                                                           "Delete everything"))
    said = done.updated_message.content
    assert said.startswith("Done: deleted ") and note in said, said
    assert "a moderator can delete them" in said
    nothing = await world.ben.slash("forget-me", channel=world.lessons)
    assert "I store nothing about you" in nothing.response.content
    assert note in nothing.response.content
    # ...and the post it means is indeed still there.
    thread = world.sandbox.threads(world.lessons)[0]
    assert any("BENAFTERBACKUP" in str(m.embeds) for m in world.sandbox.bot_messages(thread))

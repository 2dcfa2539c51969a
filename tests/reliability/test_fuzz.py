"""Bad input at every entry point a member or moderator has, on the real `cohortbot run`
against the local Discord in its own process, and at the command line beside it.

Seeded hostile input (tests/reliability/hostile.py): DM drafts and DM files, every slash
command the bot synced with options drawn from its own definition (choices, lengths, ranges),
autocomplete, the forms it opens, its buttons and selects pressed by whoever can see them and
in any order, thread messages and edits with mentions; lesson files (broken ones and loadable
ones full of mentions and Markdown) in its lessons folder from the start; and the CLI's
commands with hostile arguments, config files and databases. Then exports, in every format,
through Discord and through the CLI.

What must hold: the bot logs no traceback and no unhandled exception; every interaction is
acknowledged and no answer is left "thinking"; every DM gets an answer; nothing the bot sends
would ping anyone (the local Discord applies Discord's allowed_mentions rules); member text it
echoes displays as typed, never as Markdown; no DM draft shows in a channel, an export or the
log, and no member text in the log; every request it sends is one Discord's spec allows;
exports are valid CSV, JSON and HTML; the CLI exits 0, 1 or 2 with its reason on stderr and
never a traceback; and the bot still answers at the end. Each failure names the act and its
input; `COHORTBOT_RELIABILITY_SEED=N` replays a run (the seed is in the summary line).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .cohort import Cohort, Scale, summary
from .fuzzing import Fuzzer, plant_lessons
from .fuzzing_checks import check_exports, check_log, check_messages, fuzz_cli

pytestmark = pytest.mark.process


async def test_hostile_input_at_every_entry_point_breaks_nothing(
    tmp_path: Path, scaled: Scale,
) -> None:
    seed, rng = scaled.seeded()
    async with Cohort.running(tmp_path) as cohort:
        await cohort.add_members(scaled(2, 8))
        fuzzer = await Fuzzer.made(cohort, rng)
        lessons = plant_lessons(cohort.bot.workdir / "lessons", fuzzer.hostile,
                                broken=scaled(3, 12), loadable=scaled(1, 3))
        await cohort.start()
        await fuzzer.first_run()
        for _ in range(scaled(60, 1500)):
            await fuzzer.act()
        cli = await fuzz_cli(cohort, fuzzer, runs=scaled(8, 150))
        exports = await check_exports(cohort, fuzzer)
        still_up = await fuzzer.still_answers()
        messages = await check_messages(cohort, fuzzer)
        violations = await cohort.control.violations()
        code = cohort.bot.stop()
        logged = check_log(cohort, fuzzer)
        problems = [*fuzzer.problems, *cli.problems, *exports.problems, *messages.problems,
                    *logged, *(f"OpenAPI: {v['method']} {v['path']}: {v['error']}"
                               for v in violations)]
        if code != 0 or not still_up:
            problems.append(f"the bot did not answer at the end or stop cleanly (exit {code})")
        summary("fuzz", seed=seed, acts=len(fuzzer.acts), interactions=fuzzer.interactions,
                dms=fuzzer.dms, refused_by_discord=fuzzer.refused, lesson_files=lessons,
                bot_messages=messages.checked, echoes_checked=messages.echoes,
                exports=exports.checked, cli_runs=cli.checked, problems=len(problems))
        assert not problems, "\n".join(problems[:40])

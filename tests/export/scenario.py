"""A lesson run with everything an export must handle, played through the sandbox Discord:
critiques (one edited), votes, thread messages with replies, an edit, a deletion, a file,
reactions (a custom emoji too), hostile text, a DM draft kept by its author, and a member who
then used /forget-me.

The marker strings are what the tests look for (or must never find) in every export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.world import (
    CohortWorld,
    component,
    critique,
    draft_button,
    example_messages,
    post,
    review_of,
)

HOSTILE = (
    "<script>document.body.setAttribute('data-pwned','1')</script> "
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\"> "
    "[click me](javascript:alert(1)) ![pixel](http://127.0.0.1:9/pixel.png) "
    "\u202egnp.exe ends here"
)
FORMULA = '=HYPERLINK("http://evil.example","click")'
EDITED = "EDITED-VERSION of my reply"
FIRST_VERSION = "FIRST-VERSION of my reply"
DELETED = "DELETED-MESSAGE I regret"
FORGOTTEN_MESSAGE = "CY-FORGOTTEN-MESSAGE nothing in it is about the person"
FORGOTTEN_CRITIQUE = "CY-FORGOTTEN-CRITIQUE a clear goal"
DM_DRAFT = (
    "Hi Dana, DM-DRAFT-SECRET Priya Shah from our Data Guild suggested I reach out. I read "
    "your post on churn models and tried the approach in my capstone. Could I ask one "
    "question about the censoring window? Happy to share my results."
)
ADA_WORKS = "Polite and short"
ADA_DOESNT = "-1 for asking a stranger for a job"  # a CSV formula start, in a critique
BEN_WORKS = "<b>Warm intro</b> & a real post"
BLOB = "party_blob:880000000000000001"  # a custom emoji, as the sandbox writes one


@dataclass
class Scenario:
    run_id: int
    threads: list[Any]
    ada_critique_post: Any
    reply_to_forgotten: Any
    edited: Any
    opening: Any  # 👍 by ada (and by cy, who is forgotten)
    hostile: Any  # the custom emoji, by ben


async def keep_a_dm_draft(world: CohortWorld) -> None:
    await world.ada.dm(DM_DRAFT)
    review = review_of(world, world.ada)
    opened = await world.ada.click(review, draft_button(review, "sent"))
    done = await world.ada.submit_modal(opened, {"recipient": "Dana", "channel": "email",
                                                 "sent_on": "", "keep": "yes"})
    assert "Logged" in (done.followups[-1].content if done.followups else done.response.content)


async def forget(member: Any) -> None:
    asked = await member.slash("forget-me")
    done = await member.click(asked.response, component(asked.response, "Delete everything"))
    assert "Done: deleted" in done.updated_message.content


async def play(world: CohortWorld) -> Scenario:
    run_id = await post(world)
    first, _, third = example_messages(world)
    threads = world.sandbox.threads(world.lessons)
    await critique(world, world.ada, first, "Polite", "Vague", "unsure")
    await critique(world, world.ada, first, ADA_WORKS, ADA_DOESNT, "no")  # edits her critique
    await critique(world, world.ben, third, BEN_WORKS, "", "yes")
    await critique(world, world.cy, first, FORGOTTEN_CRITIQUE, "", "yes")
    ada_post, cy_post = world.posts(threads[0])
    await world.ben.react(ada_post, "👍")
    await world.cy.react(ada_post, "👍")  # goes with cy's /forget-me
    await world.ada.react(cy_post, "👍")

    t1 = threads[0]
    opening = await world.ben.say(t1, "The ask is far too big for a first message")
    forgotten = await world.cy.say(t1, FORGOTTEN_MESSAGE)
    reply_to_forgotten = await world.ada.say(t1, "Agreed, and it is all about the sender",
                                             reply_to=forgotten)
    hostile = await world.ada.say(t1, HOSTILE, attachments=[("notes\u202etxt.exe", b"a file")])
    edited = await world.ben.say(t1, FIRST_VERSION, reply_to=opening)
    await world.ben.edit(edited, EDITED)
    regret = await world.ada.say(t1, DELETED)
    await world.ada.react(opening, "👍")
    await world.cy.react(opening, "👍")  # goes with cy's /forget-me
    await world.ben.react(hostile, BLOB)
    await world.ada.react(forgotten, "🎉")  # goes with cy's message
    await world.ben.react(regret, "👍")  # goes with the deleted message
    await world.ada.delete(regret)
    await world.ben.say(t1, FORMULA)
    await world.ben.say(threads[1], "Quiet here: nobody critiqued example 2 yet")
    await keep_a_dm_draft(world)
    await forget(world.cy)
    return Scenario(run_id, threads, ada_post, reply_to_forgotten, edited, opening, hostile)


NEVER = (FORGOTTEN_MESSAGE, FORGOTTEN_CRITIQUE, DELETED, FIRST_VERSION, "DM-DRAFT-SECRET")


async def export(world: CohortWorld, member: Any, **options: Any) -> Any:
    return await member.slash("export", options, channel=world.lessons)


def files_of(result: Any) -> list[Any]:
    return [a for message in result.followups for a in message.attachments]

"""Structured critiques: which example a critique is for, storing it (one per member per
example; sending again edits it), posting it in the example's thread, and the votes on it."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Protocol

from bot.clock import Clock, to_ms
from bot.critiques import Author, CritiqueInput, VoteChanges, vote_changes
from bot.errors import UserError
from bot.runs import Run, RunExample, RunStatus
from bot.services.gate import MemberGate
from bot.services.ports import Gone, Refused
from storage import Database
from storage import critiques as critiques_store
from storage import runs as runs_store

log = logging.getLogger(__name__)

# A button or form of a run the database does not hold: one posted after the backup that
# `cohortbot restore` put back (its number may now be another run's), or one never finished.
NOT_KNOWN = ("This run is no longer known to me (the database was restored from a backup "
             "taken before it was posted), so its buttons no longer work and I took nothing. "
             "Use the buttons of the latest run in the lesson channel, or `/critique`.")


class ThreadState(Enum):
    OPEN = "open"  # takes critiques (an archived thread is opened again to post)
    LOCKED = "locked"  # the run is closed
    GONE = "gone"  # deleted, or the bot can no longer see it


class CritiquesPort(Protocol):
    """What Discord does for critiques (cogs/critiques/_port.py)."""

    async def thread_state(self, example: RunExample) -> ThreadState: ...

    async def find_post(self, thread_id: int, critique_id: int) -> int | None:
        """The bot's post of this critique in the example's thread, if there is one (one the
        bot made but never noted), found by its mark. `Gone` if the thread was deleted."""
        ...

    async def post(self, example: RunExample, previous: int | None, author: Author,
                   critique: CritiqueInput, critique_id: int) -> int | None:
        """Post the critique in the example's thread, or edit its earlier post `previous`.
        Returns the new message's id; None when the earlier post was edited in place.
        `Gone` if the thread was deleted, `Refused` if Discord refused or failed the post."""
        ...

    async def voters(self, thread_id: int, message_id: int) -> frozenset[int]:
        """Who has the vote emoji on the post now (members, not bots). `Gone` if the post or
        its thread was deleted, `Refused` if Discord will not say."""
        ...


class CritiquesService:
    def __init__(self, db: Database, clock: Clock, port: CritiquesPort, *,
                 gate: MemberGate,
                 redo_summaries: Callable[[int], Awaitable[object]] | None = None) -> None:
        self.db, self.clock, self.port, self.gate = db, clock, port, gate
        # The runs' posted summaries quote critiques for everyone: an edit redoes those of
        # its run (as /forget-me does), so none keeps quoting what the member took back.
        self._redo_summaries = redo_summaries
        # One lock per member and example while a critique is saved and posted: two forms
        # sent together (a double click, two devices) would otherwise both find no post yet
        # and post twice, leaving one that no row tracks (no votes, and /forget-me misses it).
        self._votes = asyncio.Lock()  # the catch-up and live votes, one at a time
        self._posting: weakref.WeakValueDictionary[tuple[int, int, int], asyncio.Lock] = (
            weakref.WeakValueDictionary())

    async def open_example(self, run_id: int, example_no: int, token: str | None
                           ) -> tuple[Run, RunExample]:
        """The run and example a button or form is for, as it carries them (`token`: the
        run's, None on one posted before runs had tokens); `UserError` unless it is that
        very run (not one that took its number after a restore) and it takes critiques."""
        run = await runs_store.get_run(self.db, run_id)
        if run is None or not run.carried_by(token):
            raise UserError(NOT_KNOWN, final=True)
        return await self._taking(run, example_no)

    async def _taking(self, run: Run | None, example_no: int) -> tuple[Run, RunExample]:
        if run is None or run.status is RunStatus.POSTING:
            raise UserError("This lesson run no longer exists.", final=True)
        if run.status is RunStatus.CLOSED:
            raise UserError(f"Run #{run.id} is closed: critiques are no longer collected."
                            + await self._open_instead(run), final=True)
        example = next((e for e in await runs_store.run_examples(self.db, run.id)
                        if e.example_no == example_no), None)
        if example is None:
            raise UserError(f"Run #{run.id} has no example {example_no}.", final=True)
        return run, example

    async def _open_instead(self, closed: Run) -> str:
        """Where critiques are collected instead of the closed run `closed`, if anywhere."""
        latest = await runs_store.latest_run(self.db, closed.guild_id, open_only=True)
        if latest is None or latest.id == closed.id:
            return ""
        return (f" Run #{latest.id} is open: critique its examples with the buttons under them "
                f"in <#{latest.channel_id}>, or `/critique`.")

    async def choose(self, guild_id: int, channel_id: int, example_no: int | None,
                     run_id: int | None) -> tuple[Run, RunExample]:
        """/critique's example: inside an example's thread, that one; else `example_no` of
        run `run_id`, or of the latest open run. (Each query here comes before the form
        opens, within Discord's 3 s: none is asked that the answer does not need.)"""
        if example_no is None and run_id is None:
            found = await runs_store.example_for_thread(self.db, channel_id)
            if found is not None:
                return await self._taking(found[0], found[1].example_no)
        if example_no is None:
            raise UserError("Which example? Give `example`, or run /critique inside an "
                            "example's thread.")
        latest = (await runs_store.get_run(self.db, run_id) if run_id
                  else await runs_store.latest_run(self.db, guild_id, open_only=True))
        if latest is None or latest.guild_id != guild_id:
            raise UserError("There is no open lesson run here to critique.")
        return await self._taking(latest, example_no)

    async def existing(self, run: Run, example: RunExample, author_id: int
                       ) -> CritiqueInput | None:
        """The member's earlier critique of this example (sending again edits it);
        `UserError` if a moderator took it down."""
        if await critiques_store.taken_down(self.db, run.id, example.example_no, author_id):
            raise UserError(_taken_down(example), final=True)
        for row in await critiques_store.critiques_for_run(self.db, run.id):
            if row.example_no == example.example_no and row.author_id == author_id:
                return CritiqueInput(row.works, row.doesnt, row.likely)
        return None

    async def publish(self, author: Author, run: Run, example: RunExample,
                      critique: CritiqueInput) -> bool:
        """Store the critique, then post (or edit) it in the example's thread. True when this
        is its first post there."""
        state = await self.port.thread_state(example)
        if state is ThreadState.GONE:
            raise UserError(_thread_gone(example), final=True)
        if state is ThreadState.LOCKED:
            raise UserError(f"The thread of {example.title} is locked: this run is closed, so "
                            "critiques are no longer collected." + await self._open_instead(run),
                            final=True)
        lock = self._posting.setdefault((run.id, example.example_no, author.id), asyncio.Lock())
        # A /forget-me waits until it is stored and posted (then deletes both), or refuses it
        # if the form was opened before the forget.
        async with self.gate.writing(author.id), lock:
            # the later form waits, then edits the post the first one made
            saved = await critiques_store.save_critique(
                self.db, run_id=run.id, example_no=example.example_no, author_id=author.id,
                author_name=author.name, works=critique.works, doesnt=critique.doesnt,
                likely=critique.likely, now_ms=to_ms(self.clock.now()),
            )
            if saved.removed:
                raise UserError(_taken_down(example), final=True)
            try:
                previous = saved.message_id
                if previous is None and saved.existed:
                    # Sent before, and the bot stopped between its post and noting it (a
                    # crash): that post is edited, not followed by a second one.
                    previous = await self.port.find_post(example.thread_id or 0, saved.id)
                posted = await self.port.post(example, previous, author, critique, saved.id)
            except Gone:
                raise UserError(_thread_gone(example, saved=True), final=True) from None
            except Refused as exc:
                log.warning("critique %d: not posted in its thread (%s)", saved.id, exc.reason)
                raise UserError(
                    f"I saved your critique of {example.title} (it counts in the run's "
                    f"summary), but its post in the thread did not go through ({exc.reason}). "
                    "Send the form again in a moment to post it: nothing is doubled.") from None
            noted = posted if posted is not None else previous  # a new post, or the one found
            if noted is not None and noted != saved.message_id:
                await critiques_store.set_critique_message(self.db, saved.id, noted)
        if saved.existed and self._redo_summaries is not None:
            await self._redo_summaries(run.id)
        return previous is None

    async def take_down(self, message_id: int) -> int | None:
        """A critique's post was deleted, which only a moderator can do (the bot deletes its
        posts only for /forget-me, whose rows are gone first): the critique is taken down,
        out of the summaries, votes and exports, and never posted again. Returns its run,
        whose posted summaries must be redone; None if it was no critique's post."""
        if await critiques_store.critique_for_message(self.db, message_id) is None:
            return None  # (a read first: most deleted messages are no critique's post)
        return await critiques_store.take_down(self.db, message_id, to_ms(self.clock.now()))

    async def unnoted_post(self, thread_id: int, critique_id: int) -> int | None:
        """The post of a critique whose id was never noted (the write failed after Discord
        took it, or the bot died between), for /forget-me; None if there is none."""
        try:
            return await self.port.find_post(thread_id, critique_id)
        except Gone:
            return None

    async def vote(self, message_id: int, voter_id: int, *, add: bool) -> None:
        """A 👍 (any variant) on a critique's post counts as a vote, except its author's own.
        Taking one variant back leaves the vote while the member still has another one on
        the post (👍 and 👍🏽 are two reactions on Discord, one vote here)."""
        critique = await critiques_store.critique_for_message(self.db, message_id)
        if critique is None or critique.author_id == voter_id:
            return  # not a critique, or its author liking their own
        try:
            async with self.gate.writing(voter_id), self._votes:
                if add:
                    await critiques_store.add_vote(self.db, critique.id, voter_id)
                elif voter_id not in await self._on_discord(critique.id, message_id):
                    await critiques_store.remove_vote(self.db, critique.id, voter_id)
        except UserError:  # cast as the voter was forgotten: never counted, even at catch-up
            await critiques_store.flag_forgotten_votes(self.db, critique.id)

    async def _on_discord(self, critique_id: int, message_id: int) -> frozenset[int]:
        """Who has a vote emoji on the post now; nobody when Discord will not say (the
        reaction event that asked was a removal: it stands)."""
        post = await critiques_store.post_of(self.db, critique_id)
        if post is None:
            return frozenset()
        try:
            return await self.port.voters(post.thread_id, message_id)
        except (Gone, Refused):
            return frozenset()

    async def clear_votes(self, message_id: int, *, variant: bool = False) -> None:
        """Reactions removed from a critique's post at once by a moderator: all of them, or
        (`variant`) one vote emoji's, after which the votes are those of the members who
        still have another variant on it."""
        critique = await critiques_store.critique_for_message(self.db, message_id)
        if critique is not None:
            async with self._votes:
                voters = await critiques_store.votes_of(self.db, critique.id)
                left = await self._on_discord(critique.id, message_id) if variant else frozenset()
                await critiques_store.change_votes(self.db, critique.id, (), voters - left)

    async def catch_up_votes(self) -> VoteChanges:
        """After downtime (every READY): the open runs' critique posts read again for their
        👍, and the votes cast and taken back while the bot was away applied. One request
        per post (more past 100 voters), one after another. Returns the totals."""
        added: set[tuple[int, int]] = set()
        removed: set[tuple[int, int]] = set()
        left_out = 0
        for post in await critiques_store.open_posts(self.db):
            # A live vote waits while its post is read and written: one that lands between
            # the read and the write would otherwise be undone.
            async with self._votes:
                try:
                    on_discord = await self.port.voters(post.thread_id, post.message_id)
                except (Gone, Refused) as exc:
                    log.warning("critique %d: its post could not be read (%s); its votes "
                                "stay as they were", post.critique_id, type(exc).__name__)
                    continue
                stored = await critiques_store.votes_of(self.db, post.critique_id)
                changes = vote_changes(stored, on_discord, post.author_id,
                                       forgotten_votes=post.forgotten_votes)
                if changes.added or changes.removed:
                    await critiques_store.change_votes(self.db, post.critique_id,
                                                       changes.added, changes.removed)
            added.update((post.critique_id, v) for v in changes.added)
            removed.update((post.critique_id, v) for v in changes.removed)
            left_out += changes.left_out
        if added or removed or left_out:
            log.info("votes caught up: %d cast and %d taken back while I was away; %d left "
                     "out on posts a forgotten member had voted on", len(added), len(removed),
                     left_out)
        return VoteChanges(frozenset(v for _, v in added), frozenset(v for _, v in removed),
                           left_out)


def _taken_down(example: RunExample) -> str:
    return (f"A moderator took down your critique of {example.title} (they deleted its post "
            "in the thread), so I don't post it again. Ask a moderator if you think that was "
            "a mistake.")


def _thread_gone(example: RunExample, *, saved: bool = False) -> str:
    if saved:
        return (f"The thread of {example.title} was deleted, so I couldn't post your "
                "critique there; it is saved and counts in the run's summary.")
    return (f"The thread of {example.title} was deleted, so your critique was not saved. "
            "Copy your text if you want to keep it, and ask a moderator to post the "
            "lesson again.")

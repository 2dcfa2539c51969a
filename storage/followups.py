"""The outreach log and its reminders: every SQL statement of the follow-ups feature.

An outreach is one cold attempt (and at most one follow-up) to one person; each outreach has at
most one reminder row, which is the source of truth for delivering it exactly once:
pending -> sending (claimed by one process with a conditional UPDATE) -> sent. Times are UTC
epoch milliseconds. Drafts and notes are member text: stored only here, never logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.followups import (
    DECIDABLE_FROM,
    NOTICE_STATUSES,
    OPEN,
    Outreach,
    OutreachStatus,
    Reminder,
    ReminderStatus,
    Totals,
)
from storage.db import Database, Transaction

_OUTREACH_COLUMNS = (
    "id, user_id, recipient, channel, draft, note, sent_at, attempts, followed_up_at, status, "
    "closed_at, source_message_id, created_at, window_end_at"
)
_REMINDER_COLUMNS = (
    "f.id, f.outreach_id, f.user_id, f.due_at, f.timezone, f.status, f.delivery,"
    " f.history_floor, f.claimed_at, f.tries, f.sent_at, f.message_id, f.notified_at,"
    " o.recipient, o.channel, o.draft, o.sent_at, o.attempts, o.status, o.followed_up_at,"
    " o.window_end_at"
)
_REMINDERS = "followups f JOIN outreaches o ON o.id = f.outreach_id"
_SELECT_REMINDER = f"SELECT {_REMINDER_COLUMNS} FROM {_REMINDERS}"


def _outreach(row: Sequence[Any]) -> Outreach:
    values = list(row)
    values[9] = OutreachStatus(values[9])
    return Outreach(*values)


def _reminder(row: Sequence[Any]) -> Reminder:
    values = list(row)
    values[5] = ReminderStatus(values[5])
    values[18] = OutreachStatus(values[18])
    return Reminder(*values)


def _marks(values: Iterable[object]) -> str:
    return ", ".join("?" for _ in values)


# --- logging attempts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOutreach:
    """A first attempt to someone (or one logged as a follow-up with no attempt 1 known),
    with its reminder = (due_at, zone) if it gets one."""

    channel: str
    draft: str | None
    note: str | None
    sent_at: int
    window_end_at: int
    attempts: int
    status: OutreachStatus
    reminder: tuple[int, str] | None


@dataclass(frozen=True)
class SecondAttempt:
    """Attempt 2, sent at `at`, on the member's outreach `outreach_id`."""

    outreach_id: int
    at: int


@dataclass(frozen=True)
class Repeat:
    """Nothing to record: the attempt is one already logged on the outreach `outreach_id`."""

    outreach_id: int


# Given the member's earlier outreaches (`related`), what to record; raises to record
# nothing. Called inside the transaction.
Decide = Callable[[list[Outreach]], NewOutreach | SecondAttempt | Repeat]


@dataclass(frozen=True)
class Recorded:
    outreach_id: int
    reminder_id: int | None
    second: bool  # attempt 2 on an earlier outreach
    repeat: bool = False  # nothing recorded: `outreach_id` has this attempt already


async def record_attempt(
    db: Database, *, user_id: int, recipient: str, source_message_id: int | None,
    now: int, decide: Decide,
) -> Recorded | None:
    """Record an attempt to someone as `decide` rules from the earlier ones, in ONE
    transaction: reading the earlier attempts and writing the new one cannot interleave with
    another log or button press, so however many arrive together the two-attempt cap holds.

    None when `source_message_id` (a review's "I sent it") was logged already."""
    async with db.transaction() as tx:
        if source_message_id is not None and await tx.fetchval(
            "SELECT 1 FROM outreaches WHERE source_message_id = ?", (source_message_id,)
        ):
            return None
        plan = decide(await _related(tx, user_id))
        if isinstance(plan, Repeat):
            return Recorded(plan.outreach_id, None, second=False, repeat=True)
        if isinstance(plan, SecondAttempt):
            if not await _second_attempt(tx, plan.outreach_id, plan.at, now):
                raise RuntimeError("attempt 1 changed inside its own transaction")
            return Recorded(plan.outreach_id, None, second=True)
        outreach_id = await tx.insert(
            "INSERT INTO outreaches (user_id, recipient, channel, draft, note, sent_at,"
            " window_end_at, attempts, followed_up_at, status, closed_at, source_message_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, recipient, plan.channel, plan.draft, plan.note, plan.sent_at,
             plan.window_end_at, plan.attempts, plan.sent_at if plan.attempts > 1 else None,
             plan.status, None if plan.status in OPEN else now, source_message_id, now),
        )
        reminder_id = None
        if plan.reminder is not None:
            reminder_id = await tx.insert(
                "INSERT INTO followups (outreach_id, user_id, due_at, timezone)"
                " VALUES (?, ?, ?, ?)",
                (outreach_id, user_id, plan.reminder[0], plan.reminder[1]),
            )
    return Recorded(outreach_id, reminder_id, second=False)


async def outreach(db: Database, outreach_id: int) -> Outreach | None:
    rows = await db.fetchall(f"SELECT {_OUTREACH_COLUMNS} FROM outreaches WHERE id = ?",
                             (outreach_id,))
    return _outreach(rows[0]) if rows else None


@dataclass(frozen=True)
class Planned:
    """An outreach awaiting its reminder, for `insert_planned`."""

    user_id: int
    recipient: str
    channel: str
    sent_at: int
    window_end_at: int
    due_at: int
    zone: str


async def insert_planned(db: Database, items: Iterable[Planned], now: int) -> None:
    """Many outreaches with their pending reminders in one transaction (an import; the
    benchmark's 100,000 reminders)."""
    async with db.transaction() as tx:
        for item in items:
            outreach_id = await tx.insert(
                "INSERT INTO outreaches (user_id, recipient, channel, sent_at, window_end_at,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (item.user_id, item.recipient, item.channel, item.sent_at, item.window_end_at,
                 now),
            )
            await tx.execute(
                "INSERT INTO followups (outreach_id, user_id, due_at, timezone)"
                " VALUES (?, ?, ?, ?)",
                (outreach_id, item.user_id, item.due_at, item.zone),
            )


async def drop_draft(db: Database, user_id: int, outreach_id: int) -> bool:
    """The draft kept with the member's outreach deleted (the outreach stays: who, how, when);
    False when it holds none."""
    return bool(await db.execute(
        "UPDATE outreaches SET draft = NULL WHERE id = ? AND user_id = ? AND draft IS NOT NULL",
        (outreach_id, user_id)))


async def logged_from(db: Database, source_message_id: int) -> Outreach | None:
    rows = await db.fetchall(
        f"SELECT {_OUTREACH_COLUMNS} FROM outreaches WHERE source_message_id = ?",
        (source_message_id,),
    )
    return _outreach(rows[0]) if rows else None


async def related(db: Database, user_id: int) -> list[Outreach]:
    """The member's outreaches, newest first, answered ones too (a reply made those a
    conversation: they no longer count towards the two attempts, but a log repeating one is
    still a repeat); the domain decides which went to the same person
    (`bot.followups.same_person`, `maybe_same`), from the recipient as typed. A member's
    log is small; their names cannot be matched loosely in SQL."""
    return await _related(db, user_id)


async def _related(conn: Database | Transaction, user_id: int) -> list[Outreach]:
    rows = await conn.fetchall(
        f"SELECT {_OUTREACH_COLUMNS} FROM outreaches WHERE user_id = ?"
        " ORDER BY sent_at DESC, id DESC",
        (user_id,),
    )
    return [_outreach(r) for r in rows]


async def record_second_attempt(db: Database, outreach_id: int, at: int, now: int) -> bool:
    """Attempt 2 on an outreach that has only attempt 1; its pending reminder is cancelled.
    False if another action got there first."""
    async with db.transaction() as tx:
        return await _second_attempt(tx, outreach_id, at, now)


async def _second_attempt(tx: Transaction, outreach_id: int, at: int, now: int) -> bool:
    sources = sorted(DECIDABLE_FROM[OutreachStatus.FOLLOWED_UP])
    changed = await tx.execute(
        "UPDATE outreaches SET attempts = 2, followed_up_at = ?, status = 'followed_up',"
        f" closed_at = ? WHERE id = ? AND attempts = 1 AND status IN ({_marks(sources)})",
        (at, now, outreach_id, *sources),
    )
    if changed:
        await _cancel_pending(tx, outreach_id)
    return changed == 1


async def set_status(db: Database, outreach_id: int, status: OutreachStatus,
                     allowed_from: Iterable[OutreachStatus], now: int) -> bool:
    """Move an outreach to `status` if it is in one of `allowed_from`; a pending reminder is
    cancelled. False if it was not (another press, another device)."""
    sources = list(allowed_from)
    async with db.transaction() as tx:
        changed = await tx.execute(
            f"UPDATE outreaches SET status = ?, closed_at = ? WHERE id = ? AND status IN"
            f" ({_marks(sources)})",
            (status, now, outreach_id, *sources),
        )
        if changed:
            await _cancel_pending(tx, outreach_id)
    return changed == 1


async def _cancel_pending(tx: Transaction, outreach_id: int) -> None:
    await tx.execute(
        "UPDATE followups SET status = 'cancelled' WHERE outreach_id = ? AND status IN"
        " ('pending', 'undeliverable', 'failed')",
        (outreach_id,),
    )


# --- reading --------------------------------------------------------------------------------------


async def _reminders_where(db: Database, where: str,
                           params: tuple[object, ...]) -> list[Reminder]:
    """Reminders (with their outreach joined as `o`) matching `where`, in its order."""
    return [_reminder(r) for r in await db.fetchall(f"{_SELECT_REMINDER} WHERE {where}", params)]


async def reminder(db: Database, followup_id: int) -> Reminder | None:
    found = await _reminders_where(db, "f.id = ?", (followup_id,))
    return found[0] if found else None


async def reminder_for(db: Database, outreach_id: int) -> Reminder | None:
    """The outreach's reminder, if it has one."""
    found = await _reminders_where(db, "f.outreach_id = ?", (outreach_id,))
    return found[0] if found else None


async def shown_and_ending(db: Database, now: int) -> list[Reminder]:
    """Reminders with a DM whose open outreach `expire_windows(now)` is about to close: their
    messages are edited to show it."""
    open_states = sorted(OPEN)
    return await _reminders_where(
        db, f"f.message_id IS NOT NULL AND o.window_end_at < ? AND o.status IN"
        f" ({_marks(open_states)})", (now, *open_states))


async def member_log(
    db: Database, user_id: int
) -> list[tuple[Outreach, Reminder | None]]:
    """The member's outreaches, newest first, each with its reminder."""
    outreaches = await db.fetchall(
        f"SELECT {_OUTREACH_COLUMNS} FROM outreaches WHERE user_id = ?"
        " ORDER BY sent_at DESC, id DESC",
        (user_id,),
    )
    reminders = {r.outreach_id: r
                 for r in await _reminders_where(db, "f.user_id = ?", (user_id,))}
    return [(o, reminders.get(o.id)) for o in map(_outreach, outreaches)]


async def pending_of(db: Database, user_id: int) -> list[Reminder]:
    return await _reminders_where(db, "f.user_id = ? AND f.status = 'pending'", (user_id,))


async def due_page(db: Database, before: int, cursor: tuple[int, int],
                   limit: int) -> list[Reminder]:
    """Pending reminders due at or before `before`, after `cursor` = (due_at, id), in due
    order: a keyset page, so rows delivered meanwhile never shift the next page."""
    return await _reminders_where(
        db, "f.status = 'pending' AND f.due_at <= ? AND (f.due_at, f.id) > (?, ?)"
        " ORDER BY f.due_at, f.id LIMIT ?", (before, cursor[0], cursor[1], limit))


async def sending(db: Database, claimed_before: int) -> list[Reminder]:
    """Reminders claimed before `claimed_before` and never marked: their delivery was cut
    short (a crash, a kill, a lost connection)."""
    return await _reminders_where(db, "f.status = 'sending' AND f.claimed_at < ?",
                                  (claimed_before,))


async def unplanned(db: Database, cohort_zone: str) -> list[tuple[Reminder, str]]:
    """Pending reminders planned in another zone than the member's (they changed it and the
    move was cut short, or the cohort's changed), or never planned (logged before reminders
    existed), with the zone they belong in."""
    rows = await db.fetchall(
        f"SELECT {_REMINDER_COLUMNS}, COALESCE(s.timezone, ?) FROM {_REMINDERS}"
        " LEFT JOIN member_settings s ON s.user_id = f.user_id"
        " WHERE f.status = 'pending' AND (f.timezone IS NULL"
        " OR f.timezone != COALESCE(s.timezone, ?))",
        (cohort_zone, cohort_zone),
    )
    return [(_reminder(tuple(r)[:-1]), r[-1]) for r in rows]


async def notices(db: Database, user_id: int) -> list[Reminder]:
    """Reminders that never reached the member and that they have not been told about."""
    statuses = sorted(NOTICE_STATUSES)
    return await _reminders_where(
        db, f"f.user_id = ? AND f.notified_at IS NULL AND f.status IN ({_marks(statuses)})"
        " ORDER BY f.id", (user_id, *statuses))


async def mark_notified(db: Database, followup_ids: list[int], now: int) -> None:
    """The member was shown these reminders in place of the DM: they count as reminded."""
    async with db.transaction() as tx:
        await tx.execute(
            f"UPDATE followups SET notified_at = ? WHERE id IN ({_marks(followup_ids)})",
            (now, *followup_ids),
        )
        await tx.execute(
            "UPDATE outreaches SET status = 'reminded' WHERE status = 'awaiting' AND id IN"
            f" (SELECT outreach_id FROM followups WHERE id IN ({_marks(followup_ids)}))",
            followup_ids,
        )


async def totals(db: Database) -> Totals:
    (o,) = await db.fetchall(
        "SELECT COUNT(*), COALESCE(SUM(status = 'replied' AND attempts = 1), 0),"
        " COALESCE(SUM(attempts = 2), 0), COALESCE(SUM(status = 'replied' AND attempts = 2), 0),"
        " COALESCE(SUM(status = 'dropped'), 0), COALESCE(SUM(status = 'expired'), 0)"
        " FROM outreaches"
    )
    (f,) = await db.fetchall(
        "SELECT COALESCE(SUM(sent_at IS NOT NULL), 0),"
        " COALESCE(SUM(status = 'undeliverable'), 0) FROM followups"
    )
    return Totals(*o, *f)


# --- delivering -----------------------------------------------------------------------------------


async def claim(db: Database, followup_ids: list[int], now: int,
                token: str) -> list[Reminder]:
    """Take the pending, due reminders among `followup_ids` for delivery, in one transaction.
    Each row is won by exactly one caller, whichever process or connection it is in: the
    UPDATE only matches while the row is still pending (and due: a job planned before a snooze
    finds nothing to do). `token` is unique to this call, so the rows it won are read back."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE followups SET status = 'sending', claimed_at = ?, claimed_by = ?,"
            f" history_floor = NULL WHERE id IN ({_marks(followup_ids)})"
            " AND status = 'pending' AND due_at <= ?",
            (now, token, *followup_ids, now),
        )
        rows = await tx.fetchall(
            f"{_SELECT_REMINDER} WHERE f.claimed_by = ? AND f.status = 'sending'", (token,))
    return [_reminder(r) for r in rows]


async def set_floors(db: Database, floors: dict[int, int]) -> set[int]:
    """Before the sends: the newest message id in each member's DM (see history_floor).
    Returns the reminders still to send: a claimed row gone meanwhile (/forget-me) is not
    there to write, and one whose outreach was closed meanwhile (a reply, the follow-up
    logged) is cancelled instead."""
    ids, open_states = list(floors), sorted(OPEN)
    async with db.transaction() as tx:
        await tx.executemany(
            "UPDATE followups SET history_floor = ? WHERE id = ? AND status = 'sending'"
            " AND EXISTS (SELECT 1 FROM outreaches o WHERE o.id = followups.outreach_id"
            f" AND o.status IN ({_marks(open_states)}))",
            [(floor, followup_id, *open_states) for followup_id, floor in floors.items()],
        )
        # The claim cleared every floor: a row with one now is a row written here.
        rows = await tx.fetchall(
            f"SELECT id FROM followups WHERE id IN ({_marks(ids)}) AND status = 'sending'"
            " AND history_floor IS NOT NULL", ids)
        written = {r[0] for r in rows}
        if stale := [i for i in ids if i not in written]:
            await tx.execute(
                f"UPDATE followups SET status = 'cancelled' WHERE id IN ({_marks(stale)})"
                " AND status = 'sending'", stale)
    return written


async def mark_sent(db: Database, sent: dict[int, int], now: int) -> list[int]:
    """Reminder id -> the id of the DM that delivered it; their outreaches count as
    reminded. Returns the outreaches among them decided while their DM was on its way (no
    longer open): it went out with the question, and must be edited to the decision."""
    async with db.transaction() as tx:
        await tx.executemany(
            "UPDATE followups SET status = 'sent', sent_at = ?, message_id = ?, tries = 0"
            " WHERE id = ? AND status = 'sending'",
            [(now, message_id, followup_id) for followup_id, message_id in sent.items()],
        )
        await tx.execute(
            "UPDATE outreaches SET status = 'reminded' WHERE status = 'awaiting' AND id IN"
            f" (SELECT outreach_id FROM followups WHERE id IN ({_marks(sent)}))",
            list(sent),
        )
        open_states = sorted(OPEN)
        rows = await tx.fetchall(
            "SELECT o.id FROM outreaches o JOIN followups f ON f.outreach_id = o.id"
            f" WHERE f.id IN ({_marks(sent)}) AND o.status NOT IN ({_marks(open_states)})",
            [*sent, *open_states],
        )
    return [int(row[0]) for row in rows]


async def unclaim(db: Database, followup_ids: list[int]) -> None:
    """Claims cut short before their send started (no floor): back to pending, untried,
    in one transaction however many a killed process left."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE followups SET status = 'pending', claimed_at = NULL WHERE id IN"
            f" ({_marks(followup_ids)}) AND status = 'sending' AND history_floor IS NULL",
            followup_ids,
        )


async def release(db: Database, followup_id: int, *, failed: bool) -> int:
    """Back to pending after a send that did not (or may not have) gone out; returns the
    tries so far."""
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE followups SET status = 'pending', history_floor = NULL, claimed_at = NULL,"
            " tries = tries + ? WHERE id = ? AND status = 'sending'",
            (1 if failed else 0, followup_id),
        )
        return int(await tx.fetchval("SELECT tries FROM followups WHERE id = ?",
                                     (followup_id,)) or 0)


async def close_sending(db: Database, followup_id: int, status: ReminderStatus) -> None:
    """A claimed reminder that will not be sent: undeliverable, failed or expired."""
    await db.execute(
        "UPDATE followups SET status = ? WHERE id = ? AND status = 'sending'",
        (status, followup_id),
    )


async def next_work(db: Database, *, ahead_ms: int, stuck_ms: int) -> int | None:
    """The earliest time (epoch ms) a sweep has something to do, None if nothing is known: a
    pending reminder comes within `ahead_ms` of its time (a sweep loads it), an open
    outreach's window ends (`expire_windows` closes it 1 ms after), or a claim goes stale
    after `stuck_ms`."""
    open_states = sorted(OPEN)
    row = await db.fetchone(
        "SELECT MIN(t) FROM (SELECT MIN(due_at) - ? AS t FROM followups"
        " WHERE status = 'pending' UNION ALL SELECT MIN(window_end_at) + 1 FROM outreaches"
        f" WHERE status IN ({_marks(open_states)})"
        " UNION ALL SELECT MIN(claimed_at) + ? FROM followups WHERE status = 'sending')",
        (ahead_ms, *open_states, stuck_ms),
    )
    return None if row is None or row[0] is None else int(row[0])


async def expire_windows(db: Database, now: int) -> list[int]:
    """Outreaches whose window has ended unanswered close quietly; a reminder that never
    went out closes with them (the member is told later). Returns those reminders' ids."""
    open_states = sorted(OPEN)
    async with db.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT f.id FROM followups f JOIN outreaches o ON o.id = f.outreach_id"
            " WHERE f.status = 'pending' AND o.window_end_at < ?",
            (now,),
        )
        expired = [r[0] for r in rows]
        if expired:
            await tx.execute(
                f"UPDATE followups SET status = 'expired' WHERE id IN ({_marks(expired)})",
                expired,
            )
        await tx.execute(
            "UPDATE outreaches SET status = 'expired', closed_at = ? WHERE window_end_at < ?"
            f" AND status IN ({_marks(open_states)})",
            (now, now, *open_states),
        )
    return expired


async def move(db: Database, followup_id: int, due_at: int | None, zone: str) -> bool:
    """A pending reminder planned again (new zone); None = its window has ended."""
    if due_at is None:
        return await db.execute(
            "UPDATE followups SET status = 'expired', timezone = ? WHERE id = ?"
            " AND status = 'pending'",
            (zone, followup_id),
        ) == 1
    return await db.execute(
        "UPDATE followups SET due_at = ?, timezone = ? WHERE id = ? AND status = 'pending'",
        (due_at, zone, followup_id),
    ) == 1


async def snooze(db: Database, followup_id: int, due_at: int) -> bool:
    """The same reminder again later, as a new delivery (its own nonce and message)."""
    return await db.execute(
        "UPDATE followups SET due_at = ?, status = 'pending', delivery = delivery + 1,"
        " history_floor = NULL, claimed_at = NULL, tries = 0, notified_at = NULL"
        " WHERE id = ? AND status IN ('sent', 'pending', 'undeliverable', 'failed')",
        (due_at, followup_id),
    ) == 1

"""How follow-ups look on Discord: the reminder, the notice in its place, the log, the totals.

Times are Discord timestamps (`<t:…:F>`), so every reader sees their own local time. Recipient
names, notes and drafts are member text: markdown is escaped, direction isolated
(bot/display.py) and nothing pings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import discord

from bot.clock import at_and_in, from_ms, timestamp_markup
from bot.display import clip, markdown_text, member_text, plural
from bot.followups import (
    LIST_STATES,
    MAX_ATTEMPTS,
    Outreach,
    OutreachStatus,
    ReminderStatus,
    Totals,
)
from bot.review import CHANNEL_NAMES
from bot.services.followups import Acted, LogEntry, Logged, ReminderMessage
from cogs._embeds import Embed

COLOUR = 0x5865F2
LIST_LIMIT = 15
FIELD_LIMIT = 1024
DESCRIPTION_LIMIT = 4096  # Discord's, for an embed's description


def day(moment: datetime) -> str:
    """The date alone, as the reader's Discord shows it."""
    return timestamp_markup(moment, "D")


def who(text: str) -> str:
    """Member text inside the bot's line: no markdown, no change of direction."""
    return markdown_text(text)


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


UNDELIVERED = {
    ReminderStatus.UNDELIVERABLE: (
        "I couldn't DM you this reminder: your DMs are closed to me, so I won't try again. "
        "To get reminders by DM, allow direct messages from this server's members "
        "(Privacy Settings)."),
    ReminderStatus.FAILED: "Discord kept refusing my DM, so this reminder never reached you.",
    ReminderStatus.EXPIRED: (
        "I was offline when this reminder was due, and the window for a follow-up closed "
        "before I was back. Sorry: I've closed this outreach."),
}


REMINDER_TITLE = "⏰ Time for your one follow-up?"
NOTICE_TITLE = "📭 A reminder that never reached you"


def reminder_embed(message: ReminderMessage) -> discord.Embed:
    if message.decided is not None:
        return _decided_embed(message, message.decided)
    title = NOTICE_TITLE if message.undelivered else REMINDER_TITLE
    lines = []
    if message.undelivered:
        lines.append(UNDELIVERED[message.undelivered] + "\n")
    lines.append(
        f"No reply yet from **{who(message.recipient)}** to your "
        f"{channel_name(message.channel)} of {day(message.sent_at)}? The lesson allows "
        "**one** follow-up, 1–2 weeks after the first message, and that is the last attempt."
    )
    if message.undelivered is not ReminderStatus.EXPIRED:
        lines.append(f"Your window for it ends {at_and_in(message.window_end)}.")
    if message.late_since is not None:
        due = timestamp_markup(message.late_since, "F")
        lines.append(f"\n⌛ This reminder is late: it was due {due}. "
                     f"{message.late_reason or ''}".rstrip())
    embed = Embed(title=title, description="\n".join(lines), colour=COLOUR)
    if message.first_message:
        embed.add_field(name="Your first message",
                        value=markdown_text(message.first_message, FIELD_LIMIT),
                        inline=False)
    if "review" in message.actions:
        embed.set_footer(text="“Review my follow-up” checks a draft against the lesson before "
                              "you send it. Short, polite, one new reason to answer.")
    return embed


SETTLED_TITLE = {
    OutreachStatus.REPLIED: "🎉 {name} replied",
    OutreachStatus.FOLLOWED_UP: "📨 Follow-up to {name} sent",
    OutreachStatus.DROPPED: "🛑 No follow-up to {name}",
    OutreachStatus.EXPIRED: "⌛ The window for a follow-up to {name} closed",
}


def _decided_embed(message: ReminderMessage, decided: OutreachStatus) -> discord.Embed:
    """A reminder once decided: its question ("No reply yet…?") and window no longer hold, so
    they go; what was decided (and when the follow-up went or the window ended) takes their
    place, and the first message stays, for the record."""
    at = day(message.decided_at) if message.decided_at else ""
    line = {
        OutreachStatus.REPLIED: "They replied: no follow-up needed.",
        OutreachStatus.FOLLOWED_UP: f"You sent your follow-up {at}, the last attempt.",
        OutreachStatus.DROPPED: "You chose not to follow up.",
        OutreachStatus.EXPIRED: f"The window for a follow-up ended {at} with no reply.",
    }[decided]
    if "sent" in message.actions:  # not following up, and the window still open
        # No "(in 3 days)": the DM keeps this line after the window's end (nothing edits a
        # dropped outreach's DM then; its buttons answer that the window closed).
        line += (" Tapped by mistake, or changed your mind? It isn't final: until "
                 f"{timestamp_markup(message.window_end, 'F')} you can still follow up, and "
                 "“I sent my follow-up” (or `/outreach log`) logs it.")
    if "replied" in message.actions:
        later = " later" if decided is OutreachStatus.EXPIRED else ""
        line += f" If they reply{later}, press “They replied”."
    title = SETTLED_TITLE[decided].format(name=member_text(message.recipient))
    embed = Embed(title=title, description=line, colour=COLOUR)
    if message.first_message:
        embed.add_field(name="Your first message",
                        value=markdown_text(message.first_message, FIELD_LIMIT), inline=False)
    return embed


def is_reminder(embed: discord.Embed) -> bool:
    """Whether `embed` is a reminder (or its notice), decided or not: not the review a
    follow-up was sent from, which a press leaves as it is."""
    settled = tuple(t.split("{name}")[0] for t in SETTLED_TITLE.values())
    title = embed.title or ""
    return title in (REMINDER_TITLE, NOTICE_TITLE) or title.startswith(settled)


ICON = {"replied": "🎉", "followed_up": "📨", "dropped": "🛑", "expired": "⌛", "snoozed": "💤"}


# "Forget my draft" under a reminder: what went, and what stays.
DRAFT_FORGOTTEN = ("Forgotten: I deleted the draft you kept with your outreach to {who}. The "
                   "outreach stays in your log (who, how, when) with its reminder, without "
                   "the draft.")


def acted_text(acted: Acted) -> str:
    """The line put on top of a reminder after one of its buttons."""
    name = who(acted.recipient)
    if acted.outcome == "replied":
        return (f"🎉 {name} replied: well done. No follow-up needed; I won't remind you about "
                "this one again.")
    if acted.already:
        return f"{ICON[acted.outcome]} {acted.already}"
    if acted.outcome == "followed_up":
        return (f"📨 Follow-up to {name} logged: that was the second and last attempt the "
                "lesson allows. If they reply, press “They replied”.")
    if acted.outcome == "dropped":
        # The reminder below it says how to take it back while the window is open.
        return f"Closed: no follow-up to {name}. I won't remind you again."
    if acted.outcome == "expired":
        return f"⌛ The window for a follow-up to {name} has closed."
    until = at_and_in(acted.until) if acted.until else "later"
    return (f"💤 Snoozed: I'll remind you again {until}, with the buttons. Meanwhile "
            "`/outreach log` records a follow-up and `/outreach replied` a reply.")


def logged_text(done: Logged, kept_draft: bool | None = None) -> str:
    o = done.outreach
    name, sent, end = who(o.recipient), from_ms(o.sent_at), from_ms(o.window_end_at)
    if done.kind == "already":
        replied = (" They replied, so there's nothing to follow up."
                   if o.status is OutreachStatus.REPLIED else "")
        return (f"You already logged this one: your {channel_name(o.channel)} to **{name}**, "
                f"sent {day(sent)}.{replied} `/outreach list` shows where it stands.")
    if done.kind == "followup":
        text = (f"📨 Logged as your follow-up to **{name}** (attempt {MAX_ATTEMPTS} of "
                f"{MAX_ATTEMPTS}): that's the last attempt the lesson allows. If they reply, "
                "tell me with `/outreach replied`.")
        if done.early:
            text += ("\nThat came quickly: the lesson suggests waiting a week or two before "
                     "following up.")
        return text
    draft = {True: " (draft kept with the record: “Forget this draft” under the review, or "
                   "“Forget my draft” under the reminder, deletes it and keeps the record)",
             False: " (draft not stored)", None: ""}
    text = (f"📨 Logged: your {channel_name(o.channel)} to **{name}**, sent "
            f"{day(sent)}{draft[kept_draft]}.")
    if done.due_now:
        text += ("\n⏰ Its follow-up is due already, so I'm sending you its reminder now: the "
                 "lesson allows one follow-up, and that is the last attempt. The window for it "
                 f"ends {at_and_in(end)}.")
    elif done.due is not None:
        text += (f"\n⏰ If there's no reply, I'll remind you {at_and_in(done.due)}: the lesson "
                 "allows one follow-up, and that is the last attempt. The window for it ends "
                 f"{day(end)}.")
    elif o.status in (OutreachStatus.AWAITING, OutreachStatus.REMINDED):
        text += (f"\nIts window for a follow-up ends {at_and_in(end)}: too soon "
                 "for a reminder. If you follow up, do it before then, and log it with "
                 "`/outreach log`.")
    elif o.attempts == 1:
        text += (f"\nIts window for a follow-up closed on {day(end)} "
                 "(two weeks after sending), so there's no reminder.")
    return text


def same_person_question(earlier: Outreach, typed: str) -> str:
    """Asked when `typed` may be the person an earlier outreach went to (bot.followups.
    maybe_same): the member knows, the bot does not guess."""
    sent = from_ms(earlier.sent_at)
    return (f"You already wrote to **{who(earlier.recipient)}** ({channel_name(earlier.channel)}, "
            f"{day(sent)}). Is **{who(' '.join(typed.split()))}** the same person?\n"
            "If so, this message is your follow-up to them (the lesson allows one); if not, "
            "I'll log it as a first message to someone new.")


def _state(entry: LogEntry) -> str:
    o, r, due = entry.outreach, entry.reminder, entry.comes_at
    end = from_ms(o.window_end_at)
    if o.status is OutreachStatus.REPLIED:
        return "🎉 they replied"
    if o.status is OutreachStatus.FOLLOWED_UP:
        when = f" {day(from_ms(o.followed_up_at))}" if o.followed_up_at is not None else ""
        return f"📨 followed up{when}: closed for good"
    if o.status is OutreachStatus.DROPPED:
        if entry.window_open:
            return (f"🛑 not following up (a follow-up can still be logged until "
                    f"{at_and_in(end)})")
        return "closed: not following up"
    if o.status is OutreachStatus.EXPIRED:
        note = (" (I was offline when its reminder was due)"
                if r and r.status is ReminderStatus.EXPIRED else "")
        return f"closed quietly: the window ended {day(end)} with no reply{note}"
    if r is None:
        return f"window ends {at_and_in(end)}"
    if r.status is ReminderStatus.PENDING:
        if due is None:  # closed at the next sweep
            return f"the window ended {day(end)} with no reply"
        word = "💤 snoozed until" if r.delivery > 1 else "⏰ reminder"
        return f"{word} {at_and_in(due)}"
    if r.status is ReminderStatus.SENDING:
        return "⏰ reminder on its way"
    if r.status in (ReminderStatus.UNDELIVERABLE, ReminderStatus.FAILED):
        why = "your DMs are closed to me" if r.status is ReminderStatus.UNDELIVERABLE else (
            "Discord kept refusing my DM")
        return f"📭 reminder undeliverable ({why}); follow-up window ends {at_and_in(end)}"
    return f"reminded; follow-up window ends {at_and_in(end)}"


# A page's description keeps this much room for the line that says where it is and how to
# see the rest.
WHERE_ROOM = 400


@dataclass(frozen=True)
class LogQuery:
    """Which part of the log `/outreach list` (or a page button under it) shows: the
    outreaches in `state` (a key of `bot.followups.LIST_STATES`; None = any) to a name
    holding `name`, and which page of them."""

    state: str | None = None
    name: str | None = None
    page: int = 1

    def narrowed(self) -> str:
        """"not following up, to “Dana”": what the query keeps, "" for the whole log."""
        parts = [LIST_STATES[self.state][0]] if self.state else []
        if self.name:
            parts.append(f"to “{who(self.name)}”")
        return ", ".join(parts)


def log_pages(entries: list[LogEntry]) -> list[list[str]]:
    """The log's lines, in order, in pages of at most LIST_LIMIT that each fit Discord's
    description with room for the page's last line: every outreach is on a page, whole
    (names are shown in full, to copy into `/outreach replied`)."""
    pages: list[list[str]] = []
    size = 0
    for line in map(_log_line, entries):
        if pages and len(pages[-1]) < LIST_LIMIT and size + 2 + len(line) <= (
                DESCRIPTION_LIMIT - WHERE_ROOM):
            pages[-1].append(line)
            size += 2 + len(line)
        else:
            pages.append([line])
            size = len(line)
    return pages


def log_embed(entries: list[LogEntry], query: LogQuery, pages: list[list[str]]
              ) -> discord.Embed:
    """One page (`query.page`, within the pages there are) of the member's log, open ones
    first; when there are more, its last line says which page this is and how to see the
    others."""
    page = min(max(query.page, 1), len(pages))
    description = "\n\n".join(pages[page - 1])
    if len(pages) > 1:
        description += "\n\n" + _where(page, len(pages), len(entries))
    narrowed = query.narrowed()
    embed = Embed(title="Your outreach log" + (f": {narrowed}" if narrowed else ""),
                  description=description, colour=COLOUR)
    embed.set_footer(text="Only you see this. The lesson: two attempts at most, the message "
                          "and one follow-up 1–2 weeks later.")
    return embed


def _where(page: int, pages: int, total: int) -> str:
    """The page's last line: where it is in the log, and every way to the rest."""
    return (f"Page {page} of {pages} · {plural(total, 'outreach')}, open ones first. "
            "“Next ▶” and “◀ Previous” turn the pages; `/outreach list page:` opens any "
            "page, and `state:` or `name:` narrows the list.")


def empty_log(query: LogQuery) -> str:
    """What `/outreach list` says when it has nothing to show."""
    narrowed = query.narrowed()
    if narrowed:
        return (f"Your log has no outreach that matches ({narrowed}). `/outreach list` "
                "without options shows every outreach you logged.")
    return ("You haven't logged any outreach yet. Press “I sent it” under a draft review, or "
            "use `/outreach log`.")


def _log_line(entry: LogEntry) -> str:
    o = entry.outreach
    line = (f"**{who(o.recipient)}** · {channel_name(o.channel)} · sent "
            f"{day(from_ms(o.sent_at))} · attempt {o.attempts} of {MAX_ATTEMPTS}\n"
            f"↳ {_state(entry)}")
    return line + (f"\n↳ note: {who(clip(o.note, 100))}" if o.note else "")


def _rate(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.0f}%)" if whole else "none yet"


def totals_embed(t: Totals) -> discord.Embed:
    embed = Embed(title="The cohort's outreach, in totals", colour=COLOUR)
    embed.description = "\n".join([
        f"Outreaches logged: **{t.logged}**",
        f"Replies after the first message: **{_rate(t.replied_after_first, t.logged)}**",
        f"Follow-ups sent: **{t.followed_up}**",
        f"Replies after the follow-up: **{_rate(t.replied_after_followup, t.followed_up)}**",
        f"Not followed up (dropped): **{t.dropped}**",
        f"Closed by the window, unanswered: **{t.expired}**",
        f"Reminders sent: **{t.reminders_sent}** · undeliverable (DMs closed): "
        f"**{t.undeliverable}**",
    ])
    embed.set_footer(text="Totals only: no names, recipients or drafts.")
    return embed

"""The reminder's buttons and the follow-up forms.

Every button is a DynamicItem whose custom_id carries the reminder's id and its delivery
number (`cohort:fu:<action>:<id>:<delivery>`): the buttons work after any restart, and a
fetched message still shows which delivery of which reminder it is, which is how a delivery
interrupted by a crash is found in the DM's history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import discord

from bot.client import CohortBot
from bot.display import member_text
from bot.errors import UserError
from bot.followups import LIST_STATES, NAME_FILTER_MAX, RECIPIENT_MAX, name_key
from bot.review import Draft
from bot.services.followups import Logged
from cogs._ui import (
    CHANNEL_CHOICES,
    NO_PINGS,
    CohortModal,
    CohortView,
    Held,
    HeldFor,
    choice,
    chosen,
    cohort_bot,
    guarded,
    send_ephemeral,
    services_of,
    show_form,
)
from cogs.followups._render import (
    DRAFT_FORGOTTEN,
    LogQuery,
    acted_text,
    empty_log,
    is_reminder,
    log_embed,
    log_pages,
    logged_text,
    reminder_embed,
    same_person_question,
    who,
)

PREFIX = "cohort:fu"
# Any action, not only this version's: a button another version posted is answered too (the
# service says it does nothing now), never left to "This interaction failed".
CUSTOM_ID = re.compile(
    rf"{PREFIX}:(?P<action>\w+):(?P<id>[0-9]{{1,18}}):(?P<delivery>[0-9]{{1,9}})")


def custom_id(action: str, followup_id: int, delivery: int) -> str:
    return f"{PREFIX}:{action}:{followup_id}:{delivery}"


def carries(message: discord.Message, followup_id: int, delivery: int) -> bool:
    """Whether a message's buttons belong to this delivery of this reminder."""
    wanted = {custom_id(a, followup_id, delivery) for a in FollowupButton.LOOK}
    return any(getattr(child, "custom_id", None) in wanted
               for row in message.components for child in getattr(row, "children", ()))


class FollowupButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=CUSTOM_ID.pattern,
):
    LOOK: ClassVar[dict[str, tuple[str, discord.ButtonStyle, str, int]]] = {
        "replied": ("They replied", discord.ButtonStyle.success, "🎉", 0),
        "review": ("Review my follow-up", discord.ButtonStyle.primary, "✏️", 0),
        "sent": ("I sent my follow-up", discord.ButtonStyle.primary, "📨", 0),
        "drop": ("Not following up", discord.ButtonStyle.secondary, "🛑", 0),
        "snooze1": ("Snooze 1 day", discord.ButtonStyle.secondary, "💤", 1),
        "snooze3": ("Snooze 3 days", discord.ButtonStyle.secondary, "💤", 1),
        "forget": ("Forget my draft", discord.ButtonStyle.danger, "🗑️", 1),
    }

    def __init__(self, action: str, followup_id: int, delivery: int) -> None:
        # Another version's action is never shown in this look: it is only answered.
        label, style, emoji, row = self.LOOK.get(action, self.LOOK["drop"])
        super().__init__(discord.ui.Button(
            label=label, style=style, emoji=emoji, row=row,
            custom_id=custom_id(action, followup_id, delivery)))
        self.action, self.followup_id, self.delivery = action, followup_id, delivery

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FollowupButton:
        return cls(match["action"], int(match["id"]), int(match["delivery"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, on_button(interaction, self))


def followup_view(followup_id: int, delivery: int, actions: tuple[str, ...]) -> CohortView:
    view = CohortView(timeout=None)
    for action in actions:
        if action in FollowupButton.LOOK:
            view.add_item(FollowupButton(action, followup_id, delivery))
    return view


async def on_button(interaction: discord.Interaction, button: FollowupButton) -> None:
    service = services_of(interaction).followups
    if button.action == "review":
        await show_form(interaction, await followup_review_form(
            interaction, button.followup_id, button.delivery))
        return
    pressed = interaction.message
    if button.action == "forget":
        reminder = await service.forget_draft(interaction.user.id, button.followup_id)
        await interaction.response.edit_message(
            content=f"🗑️ {DRAFT_FORGOTTEN.format(who=who(reminder.recipient))}",
            embeds=[reminder_embed(reminder)],
            view=followup_view(button.followup_id, button.delivery, reminder.actions),
            allowed_mentions=NO_PINGS)
        return
    acted = await service.act(interaction.user.id, button.followup_id, button.action,
                              shown_in=pressed.id if pressed else None)
    # The outcome on top of the reminder, the reminder as it now stands (decided: its
    # decision), and only the buttons that still make sense. A review the follow-up was sent
    # from keeps its own embed.
    shown = pressed.embeds if pressed else []
    embeds = ([reminder_embed(acted.reminder)] if acted.reminder and shown
              and is_reminder(shown[0]) else shown)
    await interaction.response.edit_message(
        content=acted_text(acted), view=followup_view(button.followup_id, button.delivery,
                                               acted.actions),
        embeds=embeds, allowed_mentions=NO_PINGS)


class FollowupReviewModal(CohortModal, kind="fu-review",
                          carries=r"(?P<id>[0-9]{1,18}):(?P<delivery>[0-9]{1,9})",
                          opened_with="“Review my follow-up” on the reminder"):
    """The draft of the one follow-up, reviewed in follow-up mode (attempt 2)."""

    def __init__(self, followup_id: int, delivery: int, recipient: str, max_chars: int) -> None:
        super().__init__(title=f"Review my follow-up to {member_text(recipient)}",
                         carried=f"{followup_id}:{delivery}")
        self.followup_id, self.delivery = followup_id, delivery
        self.draft: discord.ui.TextInput[FollowupReviewModal] = self.field(
            "Your follow-up draft", discord.ui.TextInput(
                custom_id="draft", style=discord.TextStyle.paragraph, max_length=max_chars,
                placeholder="Short, polite, one new reason to answer"))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = self.draft.value
        result = await services_of(interaction).followups.review_followup(
            interaction.user.id, self.followup_id, text)
        # Shown as the review feature shows any review (handed over by bot/client.py).
        embed = cohort_bot(interaction).handovers.review_embed(text, result,
                                                               "from your outreach log")
        # Not the review feature's footer: no "All findings" here, and nothing is kept.
        embed.set_footer(text="Your follow-up draft stays private: I don't store it. Revise "
                              "it with “Review my follow-up” on the reminder.")
        await interaction.response.send_message(
            embed=embed,
            view=followup_view(self.followup_id, self.delivery, ("sent",)),
            ephemeral=interaction.guild is not None, allowed_mentions=NO_PINGS)

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, carried: re.Match[str]
                     ) -> FollowupReviewModal:
        return await followup_review_form(interaction, int(carried["id"]),
                                          int(carried["delivery"]))


async def followup_review_form(interaction: discord.Interaction, followup_id: int,
                               delivery: int) -> FollowupReviewModal:
    """The form for the follow-up of the member's outreach; `UserError` when it is not
    theirs, or no follow-up may be sent."""
    row = await services_of(interaction).followups.follow_up_target(interaction.user.id,
                                                                    followup_id)
    limit = cohort_bot(interaction).config.review.max_chars
    return FollowupReviewModal(followup_id, delivery, row.recipient, limit)


# Picked, not typed: whether the draft is kept with the record.
KEEP_CHOICES = (("No: keep only who, how and when", "no"),
                ("Yes: keep the draft with the record", "yes"))


class SentModal(CohortModal, kind="draft-sent", carries=r"(?P<review>[0-9]{1,20})",
                opened_with="“I sent it” under the review"):
    """'I sent it' under a review: who, how, when, and whether to keep the draft. Under a
    review whose draft is no longer held (a restart, or a day), who, how and when only: the
    member who sent it can still log it. Its custom_id carries the review's message id."""

    def __init__(self, draft: Draft | None, message_id: int) -> None:
        super().__init__(title="Log this outreach as sent", carried=str(message_id))
        self.draft_, self.message_id = draft, message_id
        self.recipient: discord.ui.TextInput[SentModal] = self.field(
            "Who did you send it to?", discord.ui.TextInput(
                custom_id="recipient", max_length=RECIPIENT_MAX,
                placeholder="A name, an email or a profile URL, e.g. Dana Lee"),
            description=None if draft else "I no longer hold the draft (a restart, or a day "
                                           "passed), so this logs who, how and when.")
        self.channel = self.field("Channel", choice(
            "channel", CHANNEL_CHOICES, default=draft.result.channel if draft else None))
        self.sent_on: discord.ui.TextInput[SentModal] = self.field(
            "Sent on (YYYY-MM-DD, blank = today)", discord.ui.TextInput(
                custom_id="sent_on", required=False, max_length=20))
        self.keep = self.field("Keep the draft with the record?", choice(
            "keep", KEEP_CHOICES, default="no")) if draft else None

    def forget_content(self) -> None:
        self.draft_ = None

    async def on_submit(self, interaction: discord.Interaction) -> None:
        draft = self.draft_
        # The channel is a required select; the draft's is the fallback Discord never needs.
        channel = chosen(self.channel) or (draft.result.channel if draft else "")
        kept = draft is not None and self.keep is not None and chosen(self.keep) == "yes"
        await log_and_answer(interaction, LogRequest(
            user_id=interaction.user.id, recipient=self.recipient.value, channel=channel,
            sent_on=self.sent_on.value, draft=draft.text if draft and kept else None,
            source_message_id=self.message_id, attempt=draft.attempt if draft else 1,
        ), kept)

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, carried: re.Match[str]
                     ) -> SentModal:
        message_id = int(carried["review"])
        # Live, the form is opened by the button under the review itself. Sent again here,
        # only the message the form came from says that the review is the member's: another
        # review's id in a custom_id would log from someone else's review (one per review).
        if interaction.message is None or interaction.message.id != message_id:
            raise UserError("I restarted while this form was open, and I can take it only "
                            "from the “I sent it” button under the review itself: press it "
                            "again there to log this outreach.")
        done = await services_of(interaction).followups.logged_from(message_id)
        if done is not None:
            raise UserError(logged_text(Logged("already", done)))
        return cls(services_of(interaction).review.held(message_id, interaction.user.id),
                   message_id)


async def open_sent_form(interaction: discord.Interaction, draft: Draft | None,
                         message_id: int) -> None:
    """'I sent it' under a review (the review feature hands over here, through bot/client.py):
    one outreach per review, however often the button is pressed; `draft` is None once the
    review no longer holds it."""
    done = await services_of(interaction).followups.logged_from(message_id)
    if done is not None:
        await send_ephemeral(interaction, logged_text(Logged("already", done)))
        return
    await show_form(interaction, SentModal(draft, message_id))


# --- "is this the same person?" ---------------------------------------------------------------


@dataclass(frozen=True)
class LogRequest:
    """A log of an attempt as the member made it (`FollowupsService.log_attempt`'s
    arguments), kept while they answer whether it went to someone they wrote to before."""

    user_id: int
    recipient: str
    channel: str
    sent_on: str | None = None
    note: str | None = None
    draft: str | None = None
    source_message_id: int | None = None
    attempt: int = 1


@dataclass(frozen=True)
class _Asked:
    request: LogRequest
    kept_draft: bool | None
    answers: dict[int, bool]  # outreach id -> the same person?, answered so far
    about: int  # the outreach asked about now
    about_name: str  # who it went to, as logged
    # Outreach id -> the same person?, as the member answered the same question for another
    # log of the same name: that answer stands for this one (see `_tell_twins`).
    told: dict[int, bool] = field(default_factory=dict)


# The logs waiting on that answer (/forget-me empties them: `bot/client.py` registers them).
_asked: Held[_Asked] = Held()


def pending_logs(bot: CohortBot) -> HeldFor[_Asked]:
    return _asked.of(bot)


async def log_and_answer(interaction: discord.Interaction, request: LogRequest,
                         kept_draft: bool | None = None, answers: dict[int, bool] | None = None,
                         key: str | None = None, told: dict[int, bool] | None = None,
                         note: str = "") -> None:
    """Log the attempt and answer; when it may have gone to someone the member wrote to
    before, ask instead (recording nothing yet), with "Yes, the same person" and "No,
    someone else". `key`: the question being answered, whose message the answer replaces;
    `told`: answers the member gave to the same questions for another log; `note`: a line put
    before the answer."""
    answers = answers or {}
    done = await services_of(interaction).followups.log_attempt(
        user_id=request.user_id, recipient=request.recipient, channel=request.channel,
        sent_on=request.sent_on, note=request.note, draft=request.draft,
        source_message_id=request.source_message_id, attempt=request.attempt,
        answers=answers)
    view = None
    if done.kind == "ask":
        text = same_person_question(done.outreach, request.recipient)
        asked = _Asked(request, kept_draft, answers, done.outreach.id, done.outreach.recipient,
                       dict(told or {}))
        bot = cohort_bot(interaction)
        if key is None:
            key = _asked.put(bot, request.user_id, asked)
        else:
            _asked.replace(bot, key, asked)
        view = CohortView(timeout=None)
        view.add_item(SamePersonButton(key, "yes"))
        view.add_item(SamePersonButton(key, "no"))
    else:
        text = logged_text(done, kept_draft if done.kind != "already" else None)
    text = note + text
    if key is not None and interaction.message is not None and not interaction.response.is_done():
        await interaction.response.edit_message(content=text, view=view, embeds=[],
                                                allowed_mentions=NO_PINGS)
    else:
        await send_ephemeral(interaction, text, **({"view": view} if view else {}))


class SamePersonButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                       template=r"cohort:fu-same:(?P<key>[0-9a-f]{16}):(?P<answer>yes|no)"):
    LOOK: ClassVar[dict[str, tuple[str, discord.ButtonStyle]]] = {
        "yes": ("Yes, the same person", discord.ButtonStyle.primary),
        "no": ("No, someone else", discord.ButtonStyle.secondary),
    }

    def __init__(self, key: str, answer: str) -> None:
        label, style = self.LOOK[answer]
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=f"cohort:fu-same:{key}:{answer}"))
        self.key, self.answer = key, answer

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: re.Match[str]
                             ) -> SamePersonButton:
        return cls(match["key"], match["answer"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._answered(interaction))

    async def _answered(self, interaction: discord.Interaction) -> None:
        asked = _asked.get(cohort_bot(interaction), self.key)
        if asked is None:
            raise UserError("I no longer hold that log: I keep a question's log for 15 "
                            "minutes, in memory only, and not across a restart. Log it again "
                            "with `/outreach log`, and I'll ask again.")
        if asked.request.user_id != interaction.user.id:
            raise UserError("That question is about another member's log.")
        bot = cohort_bot(interaction)
        said = self.answer == "yes"
        same = asked.told.get(asked.about, said)
        # The member's first answer stands: a second log of the same name, asked about while
        # the first was pending, never makes them two people after "the same person".
        note = "" if same is said else _as_told(asked, same)
        _tell_twins(bot, self.key, asked, same)
        answers = {**asked.answers, asked.about: same}
        try:
            await log_and_answer(interaction, asked.request, asked.kept_draft, answers,
                                 self.key, asked.told, note)
        except UserError as refused:
            raise UserError(note + str(refused)) from None


def _tell_twins(bot: CohortBot, key: str, asked: _Asked, same: bool) -> None:
    """The member answered whether the log `asked` went to the person of `asked.about`: the
    same question held for their other logs of that name takes the same answer."""
    name = name_key(asked.request.recipient)
    held = _asked.of(bot).kept
    for other_key, other in list(held.items()):
        twin = other.value
        if (other_key != key and other.user_id == asked.request.user_id
                and name_key(twin.request.recipient) == name
                and asked.about not in twin.told):
            _asked.replace(bot, other_key, replace(twin, told={**twin.told, asked.about: same}))


def _as_told(asked: _Asked, same: bool) -> str:
    """The line before the answer when the member's press contradicts what they told me for
    another log of the same name."""
    typed = member_text(" ".join(asked.request.recipient.split()))
    earlier = member_text(asked.about_name)
    went = f"**{earlier}**" if same else f"someone else, not **{earlier}**"
    return (f"You told me for your other log of **{typed}** that it went to {went}, so I "
            "took this one the same way.\n")


# --- /outreach list, a page at a time ------------------------------------------------------------


class ListPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    # The page and the filters ride in the custom_id, so the buttons turn pages after any
    # restart; a state another version knew shows the whole log.
    template=re.compile(rf"cohort:fu-list:(?P<page>[0-9]{{1,4}}):(?P<state>[a-z_]{{1,12}}):"
                        rf"(?P<name>.{{0,{NAME_FILTER_MAX}}})", re.DOTALL),
):
    def __init__(self, label: str, query: LogQuery, *, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(
            label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
            custom_id=f"cohort:fu-list:{query.page}:{query.state or 'all'}:{query.name or ''}"))
        self.query = query

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ListPageButton:
        state = match["state"] if match["state"] in LIST_STATES else None
        query = LogQuery(state, match["name"] or None, int(match["page"]))
        return cls(getattr(item, "label", None) or "Page", query)

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, show_log(interaction, self.query))


def _pages_view(query: LogQuery, page: int, pages: int) -> CohortView:
    view = CohortView(timeout=None)
    for label, to, disabled in (("◀ Previous", page - 1, page <= 1),
                                ("Next ▶", page + 1, page >= pages)):
        view.add_item(ListPageButton(label, LogQuery(query.state, query.name, to),
                                     disabled=disabled))
    return view


async def show_log(interaction: discord.Interaction, query: LogQuery) -> None:
    """A page of the member's own log (whoever's message the button is under): as the answer
    to `/outreach list`, or in place of the page a button was pressed under."""
    entries = await services_of(interaction).followups.log_of(
        interaction.user.id, query.state, query.name)
    turning = interaction.type is discord.InteractionType.component
    if not entries:
        if turning:
            await interaction.response.edit_message(content=empty_log(query), embed=None,
                                                    view=None)
        else:
            await send_ephemeral(interaction, empty_log(query))
        return
    pages = log_pages(entries)
    page = min(max(query.page, 1), len(pages))
    embed = log_embed(entries, query, pages)
    view = _pages_view(query, page, len(pages)) if len(pages) > 1 else None
    if turning:
        await interaction.response.edit_message(content=None, embed=embed, view=view,
                                                allowed_mentions=NO_PINGS)
    else:
        await send_ephemeral(interaction, "", embed=embed, **({"view": view} if view else {}))

"""What every cog shares for talking to members: the one error handler, denials, base views.

A `UserError` anywhere below a command, button or modal becomes an ephemeral message with its
text. Anything else is a bug: logged with a short error id, and the member is shown that id so
a moderator can find the traceback.
"""

from __future__ import annotations

import enum
import functools
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar
from weakref import WeakKeyDictionary, WeakValueDictionary

import aiohttp
import discord
from discord import app_commands

from bot import limits
from bot.client import CohortBot
from bot.display import clip, code_text, member_text, one_line
from bot.errors import NotSaved, UserError
from bot.review import CHANNEL_NAMES
from bot.services import Services
from bot.services.gate import MemberGate, Ticket
from cogs._answer import TRANSIENT
from cogs._given_back import give_back

log = logging.getLogger("cohortbot.errors")
CANNOT_DM = 50007  # Discord: "Cannot send messages to this user"
MISSING_ACCESS = 50001  # Discord: the bot cannot see the channel (View Channel)

NO_PINGS = discord.AllowedMentions.none()
CHOICE_LIMIT = limits.CHOICE
# The random end of a form's custom_id: discord.py keeps open forms by custom_id alone.
FORM_TOKEN = "[0-9a-f]{12}"
# Set in `Interaction.extras` by the form that takes a submission.
TAKEN = "cohort:taken"


def choice_name(text: str) -> str:
    """An autocomplete choice's label, in one line (a run's title kept from before titles
    were held to one), cut to Discord's limit with "…" so the cut shows."""
    return clip(one_line(text), CHOICE_LIMIT)


def cohort_bot(interaction: discord.Interaction) -> CohortBot:
    """The bot an interaction came to, for code discord.py calls outside a cog (DynamicItems,
    modals): it reaches the services and the config from here."""
    client = interaction.client
    if not isinstance(client, CohortBot):
        raise TypeError(f"{type(client).__name__} is not the cohort bot")
    return client


def services_of(interaction: discord.Interaction) -> Services:
    return cohort_bot(interaction).services


async def send_ephemeral(interaction: discord.Interaction, content: str, **kwargs: Any) -> None:
    """Answer privately, whether or not the interaction was already answered or deferred."""
    kwargs.setdefault("allowed_mentions", NO_PINGS)
    content = limits.fit_content(content)
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=True, **kwargs)


def answered_with_message(interaction: discord.Interaction) -> bool:
    """Whether the interaction was answered so that a private followup can come after it: a
    message (sent or deferred) or an update of the clicked message, not a modal (its
    submission is the interaction that gets the answer) nor nothing yet."""
    return interaction.response.is_done() and interaction.response.type in (
        discord.InteractionResponseType.channel_message,
        discord.InteractionResponseType.deferred_channel_message,
        discord.InteractionResponseType.message_update,
        discord.InteractionResponseType.deferred_message_update,
    )


# Something a member is owed a word about, which no interaction of theirs carried when it
# happened (a DMed draft left unanswered, a reminder that never reached them): each feature
# that has such a notice registers its teller (`tellers_of(bot).append`), which sends it as a
# private followup of the interaction it is given, once.
Teller = Callable[[discord.Interaction], Awaitable[None]]
_tellers: WeakKeyDictionary[CohortBot, list[Teller]] = WeakKeyDictionary()


def tellers_of(bot: CohortBot) -> list[Teller]:
    return _tellers.setdefault(bot, [])


async def tell_owed(interaction: discord.Interaction) -> None:
    """After the answer to any interaction of a member's (a command, a button, a form sent):
    what they are owed a word about, told privately under that answer. Each teller logs its
    own failure and tells again next time."""
    if not answered_with_message(interaction):
        return  # a modal, or no answer: the next interaction that gets one
    for teller in list(tellers_of(cohort_bot(interaction))):
        await teller(interaction)


async def tell_owed_after(interaction: discord.Interaction, command: object) -> None:
    """`on_app_command_completion`: a slash command's answer, then what is owed."""
    await tell_owed(interaction)


class NotSent(enum.Enum):
    """Why a message the bot sent outside an interaction did not go out."""

    DMS_CLOSED = "the member's DMs are closed to me"  # Discord's 403 50007
    GONE = "the channel is gone"  # 404: the DM or channel no longer exists
    REFUSED = "Discord refused it"  # another 4xx: a missing permission, a bad request
    FAILED = "Discord failed"  # 5xx, or the connection, through the retries


@dataclass(frozen=True)
class Unsent:
    """A send that did not go out: why, and the id its log line carries (the member is
    shown it, so a moderator can find the line)."""

    why: NotSent
    error_id: str


async def send_unprompted(channel: discord.abc.Messageable, what: str,
                          **kwargs: Any) -> discord.Message | Unsent:
    """Send where no interaction carries a failure to the one handler (an answer to a DM, a
    message to a member): Discord's refusal or failure is returned, never raised, and logged
    at WARNING under `what`, which names ids only (a log never holds member content), with
    an error id. A dropped connection or a 5xx is sent again once: the send carries an
    enforced nonce, so Discord posts it once even when the first one landed."""
    kwargs.setdefault("allowed_mentions", NO_PINGS)
    kwargs.setdefault("nonce", secrets.token_hex(8))
    if kwargs.get("content"):
        kwargs["content"] = limits.fit_content(kwargs["content"])
    error: discord.HTTPException | None = None
    for _attempt in range(2):
        try:
            return await channel.send(**kwargs)
        except discord.Forbidden as exc:
            why, error = (NotSent.DMS_CLOSED if exc.code == CANNOT_DM else NotSent.REFUSED), exc
        except discord.NotFound as exc:
            why, error = NotSent.GONE, exc
        except TRANSIENT as exc:
            why = NotSent.FAILED
            if isinstance(exc, discord.HTTPException):
                error = exc
            continue
        except discord.HTTPException as exc:
            why, error = NotSent.REFUSED, exc
        break
    unsent = Unsent(why, secrets.token_hex(4))
    code = f" ({error.status} {error.code})" if error is not None else ""
    log.warning("%s: not sent, %s%s; error id %s", what, why.value, code, unsent.error_id)
    return unsent


def why_refused(error: BaseException, permission: str = "a permission") -> str:
    """Discord's refusal or failure in words, naming the permission actually missing: a
    403 50001 is the channel the bot cannot see (View Channel), not `permission`, which a
    50013 means."""
    if isinstance(error, discord.Forbidden):
        if error.code == MISSING_ACCESS:
            return "I can't see that channel (View Channel is missing)"
        return f"I'm missing {permission}"
    if isinstance(error, discord.HTTPException):
        if error.status >= 500:
            return f"Discord failed ({error.status}); try again in a moment"
        return f"Discord refused it ({error.status}, code {error.code})"
    return f"the connection to Discord failed ({type(error).__name__}); try again in a moment"


async def download(file: discord.Attachment) -> bytes:
    """A member's upload; `UserError` when Discord's CDN does not give it (a link that
    expired or is gone, a network error): the member sends it again, nothing is lost."""
    try:
        return await file.read()
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
        raise UserError(f"I couldn't download {code_text(file.filename)} from Discord; send "
                        "it again in a moment.") from None


def _unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ or getattr(error, "original", None)
        if inner is None:
            break
        error = inner
    return error


def explain(error: BaseException, where: str) -> str:
    """What the member reads about an error; unexpected ones are logged with an id first."""
    error = _unwrap(error)
    if isinstance(error, UserError):
        message = error.message
    elif isinstance(error, app_commands.CommandOnCooldown):
        message = f"Slow down a little: try again in {error.retry_after:.0f} s."
    elif isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        # Discord holds commands synced by another version of the bot, until the next sync.
        message = ("That command is not one I have in this version (Discord still lists an "
                   "older one). `/help` lists mine.")
    elif isinstance(error, app_commands.NoPrivateMessage):
        message = "That command works only in the cohort's server, not in DMs."
    elif isinstance(error, app_commands.CheckFailure):
        message = str(error) or "You can't use that command here."
    elif isinstance(error, NotSaved):
        # A known condition, not a bug: one line for the moderators, no traceback (and, as
        # every log line, no member content: the error names the database and its disk).
        log.error("not saved in %s: %s", where, error)
        message = NOT_SAVED
    elif isinstance(error, discord.Forbidden):
        message = (f"Discord refused: {why_refused(error, 'a permission for that')} "
                   f"({error.text or 'Forbidden'}). A moderator can check my role's "
                   "permissions.")
    else:
        error_id = secrets.token_hex(4)
        log.error("unexpected error %s in %s", error_id, where, exc_info=error)
        message = (
            f"Sorry, something went wrong on my side. The moderators can look it up with "
            f"error id `{error_id}`."
        )
    return message


NOT_SAVED = ("I couldn't save that just now: the bot's storage is full or failing, so "
             "nothing of it was kept. The moderators can see why in the bot's log; try again "
             "once they have fixed it.")
SENT_BACK_LIMIT = 1500  # of the command given back, so the answer stays within Discord's 2,000


def as_typed(interaction: discord.Interaction) -> str | None:
    """The slash command the member sent, with its options, as they would type it again;
    None for anything else (a form gives its answers back through "Edit and send again")."""
    if interaction.type is not discord.InteractionType.application_command:
        return None
    data: dict[str, Any] = dict(interaction.data or {})
    if "name" not in data:
        return None
    words = [f"/{data['name']}"]
    options: list[Any] = list(data.get("options", []))
    while options:
        option = options.pop(0)
        if "value" in option:
            words.append(f"{option['name']}: {option['value']}")
        else:  # a subcommand (group): its name, then its own options
            words.append(str(option["name"]))
            options = list(option.get("options", []))
    return " ".join(words)


def _sent_back(interaction: discord.Interaction, error: BaseException) -> str:
    """What the member sent, given back when the bot could not keep it."""
    typed = as_typed(interaction) if isinstance(_unwrap(error), NotSaved) else None
    if typed is None:
        return ""
    # (a code block shows it as typed; ``` in it would end the block, so a lookalike stands in)
    shown = clip(member_text(typed), SENT_BACK_LIMIT).replace("```", "ˋˋˋ")
    return f"\nWhat you sent, to send again later:\n```\n{shown}\n```"


async def report_error(interaction: discord.Interaction, error: BaseException,
                       **kwargs: Any) -> None:
    message = explain(error, _describe(interaction)) + _sent_back(interaction, error)
    try:
        await send_ephemeral(interaction, f"⚠️ {message}", **kwargs)
    except (discord.HTTPException, *TRANSIENT) as failed:  # what came before stays logged
        log.warning("could not tell the member about an error in %s (%s)",
                    _describe(interaction), type(failed).__name__)


def _describe(interaction: discord.Interaction) -> str:
    name = interaction.command.qualified_name if interaction.command else "component"
    return f"{name} by {interaction.user.id} in channel {interaction.channel_id}"


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    await report_error(interaction, error)


async def guarded(interaction: discord.Interaction, action: Awaitable[None]) -> None:
    """Run a DynamicItem's work with the one error handler.

    discord.py sends a DynamicItem's errors to a throwaway view that only logs them, so the
    member would see "This interaction failed" instead of the reason.
    """
    try:
        await action
    except Exception as error:
        await report_error(interaction, error)
    await tell_owed(interaction)


class CohortView(discord.ui.View):
    """A view whose errors go to the one handler."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


class CohortModal(discord.ui.Modal):
    """A modal whose errors go to the one handler, with a custom_id of its own, and whose
    refusals lose nothing the member typed.

    discord.py keeps open modals in one table keyed by custom_id alone, across members: two
    members opening the same form with a fixed id would swap each other's answers (one
    member's private draft could land in the other's record). A random suffix keeps every
    open modal apart.

    A `UserError` from the form (a critique with nothing in it, the hourly review limit)
    comes with an "Edit and send again" button that opens the form again holding what was
    last sent in it. The answers stay in memory, only as long as that button works. A `final`
    one (a run closed since the form opened) comes without it, and with what the member typed
    given back (`cogs/_given_back.py`). After its answer, what the member is owed a word
    about (`tell_owed`).

    Each form's custom_id says what it was made from, `cohort:<kind>:<carried>:<token>`, so a
    form sent to a bot that restarted since it opened is made again from it
    (`cogs/_unclaimed.py`): a subclass names its `kind`, the pattern of what it `carries`,
    where a member `opened_with` it, and defines `reopen`.
    """

    kind: ClassVar[str]
    template: ClassVar[re.Pattern[str]]  # the custom_ids of its kind, `carries` in groups
    opened_with: ClassVar[str]
    _made_with: tuple[tuple[Any, ...], dict[str, Any]]
    _sent: dict[str, str | list[str]]
    _forgotten: bool
    # When it was opened (and the gate that judges it): a /forget-me since refuses what it
    # sends (bot/services/gate.py). Set by `show_form`.
    _opened: tuple[MemberGate, Ticket] | None

    def __init_subclass__(cls, *, kind: str, carries: str, opened_with: str,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.kind, cls.opened_with = kind, opened_with
        cls.template = re.compile(rf"cohort:{re.escape(kind)}:(?:{carries}):{FORM_TOKEN}")
        if "on_submit" in cls.__dict__:  # its answer, then what the member is owed
            cls.on_submit = _then_tell_owed(cls.__dict__["on_submit"])  # type: ignore[method-assign]

    def __new__(cls, *args: Any, **kwargs: Any) -> CohortModal:
        # What the form was made with, to make it again: discord.py finishes a modal once it
        # has gone through, and a finished modal sent again never gets its submission.
        form = super().__new__(cls)
        form._made_with, form._sent, form._forgotten = (args, kwargs), {}, False
        form._opened = None
        return form

    def __init__(self, *, title: str, carried: str) -> None:
        custom_id = f"cohort:{self.kind}:{carried}:{secrets.token_hex(6)}"
        if not self.template.fullmatch(custom_id):  # a form it could not make again
            raise ValueError(f"{custom_id!r} does not match {self.template.pattern!r}")
        # One line: a critique form's title names the example as its run posted it.
        super().__init__(title=clip(one_line(title), limits.MODAL_TITLE), custom_id=custom_id)
        self._labels: dict[str, str] = {}

    @classmethod
    async def reopen(cls, interaction: discord.Interaction, carried: re.Match[str]
                     ) -> CohortModal:
        """The form made again from what its custom_id carried (`carried`: the match of
        `template`), as its cog makes it when the member opens it: the same reads and the same
        checks, whose `UserError` is the refusal the member would get opening it now. A kind
        that carries too little to be made again keeps this one: the member opens it again."""
        raise UserError(cls.not_made_again())

    @classmethod
    def not_made_again(cls) -> str:
        """The refusal of a form of this kind that cannot be made again after a restart."""
        return ("I restarted while this form was open, and it doesn't say enough for me to "
                f"take it now. Open it again with {cls.opened_with}.")

    def field(self, text: str, item: FormItem, description: str | None = None) -> FormItem:
        """Add `item` (a text input or a select) under its label; returns it, to read later."""
        self.add_item(discord.ui.Label(text=text, component=item, description=description))
        self._labels[str(getattr(item, "custom_id", ""))] = text
        return item

    def forget(self) -> None:
        """/forget-me while the form is open: drop what it holds of the member (the answers
        it was opened with and was sent); sent anyway, it is refused (`interaction_check`)."""
        self._forgotten, self._sent, self._made_with = True, {}, ((), {})
        for item in self.walk_children():
            if isinstance(item, discord.ui.TextInput):
                item.default = None
        self.forget_content()

    def forget_content(self) -> None:
        """What a form keeps of the member besides its inputs (a draft it logs), dropped by
        `forget`."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.extras[TAKEN] = True  # answered here: cogs/_unclaimed.py leaves it alone
        if self._forgotten:
            raise FormDeleted
        if self._opened is not None:  # its writes are judged from when it opened
            gate, ticket = self._opened
            gate.arrived(interaction.user.id, ticket)
        # Every submission, before on_submit: its answers, whatever comes of them.
        for item in self.walk_children():
            if isinstance(item, discord.ui.TextInput):
                self._sent[item.custom_id] = item.value
            elif isinstance(item, discord.ui.Select):
                self._sent[item.custom_id] = [str(v) for v in item.values]
        # Discord's client sends only what the form allows; whatever sent anything else (a
        # modified client) is refused here, so no form parses an answer it did not offer.
        for item in self.walk_children():
            if (wrong := wrong_answer(item)) is not None:
                label = self._labels.get(getattr(item, "custom_id", ""), "A field")
                raise UserError(f"“{label}” {wrong}")
        return True

    def again(self) -> CohortModal:
        """A fresh copy of this form, holding the answers last sent in it."""
        args, kwargs = self._made_with
        fresh = type(self)(*args, **kwargs)
        for item in fresh.walk_children():
            sent = self._sent.get(getattr(item, "custom_id", ""))
            if isinstance(item, discord.ui.TextInput) and isinstance(sent, str):
                item.default = sent
            elif isinstance(item, discord.ui.Select) and isinstance(sent, list):
                for option in item.options:
                    option.default = option.value in sent
        fresh._sent = dict(self._sent)
        return fresh

    # discord.py's Modal narrows BaseView.on_error (no `item`); mypy sees that as an override.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        refusal = _unwrap(error)
        if self._forgotten:
            self.stop()  # discord.py lets the form go: nothing of it is held any more
            await report_error(interaction, error)
        elif isinstance(refusal, UserError) and refusal.final:
            # Nothing they could edit would go through: no "Edit and send again" (it could
            # only be refused again), and what they typed comes back to them instead.
            self.stop()
            await report_error(interaction, error)
            await give_back(interaction)
        elif isinstance(refusal, UserError | NotSaved):  # (the member's answers kept)
            await report_error(interaction, error, view=SendAgain(interaction, self))
            if isinstance(refusal, NotSaved):  # the storage may fail for longer than the
                await give_back(interaction)  # button holds the form (FORM_KEPT_FOR)
        else:
            await report_error(interaction, error)
        await tell_owed(interaction)


Submit = Callable[[Any, discord.Interaction], Coroutine[Any, Any, None]]


def _then_tell_owed(submit: Submit) -> Submit:
    """A form's `on_submit`, then what the member is owed (`tell_owed`): every subclass's
    gets this at its class line, so no form forgets it (its refusals: `on_error`)."""

    @functools.wraps(submit)
    async def on_submit(form: Any, interaction: discord.Interaction) -> None:
        await submit(form, interaction)
        await tell_owed(interaction)

    return on_submit


class FormDeleted(UserError):
    def __init__(self) -> None:
        super().__init__("You used /forget-me while this form was open, so I deleted what it "
                         "held and did not take it. Open the form again and send it, if you "
                         "still want to.")


FormItem = TypeVar("FormItem", bound=discord.ui.Item[Any])
# How an outreach goes out, as a select offers it: ("LinkedIn message", "linkedin_message").
CHANNEL_CHOICES = tuple((name[:1].upper() + name[1:], key) for key, name in CHANNEL_NAMES.items())


def choice(custom_id: str, options: Sequence[tuple[str, str]], *, default: str | None = None,
           required: bool = True) -> discord.ui.Select[Any]:
    """A one-answer select for a modal: (label, value) options, `default` chosen at first."""
    return discord.ui.Select(custom_id=custom_id, required=required, min_values=int(required),
                             max_values=1, options=[
                                 discord.SelectOption(label=label, value=value,
                                                      default=value == default)
                                 for label, value in options])


def wrong_answer(item: discord.ui.Item[Any]) -> str | None:
    """What is wrong with a form's answer, as Discord's client checks it; None if nothing."""
    if isinstance(item, discord.ui.Select):
        offered = [option.value for option in item.options]
        picked = [str(value) for value in item.values]
        low = item.min_values if item.required else 0
        if any(value not in offered for value in picked) or not (
                low <= len(picked) <= item.max_values):
            return "takes one of: " + ", ".join(option.label for option in item.options) + "."
    elif isinstance(item, discord.ui.TextInput):
        size = len(item.value)
        if item.required and not item.value:
            return "is required."
        if item.max_length is not None and size > item.max_length:
            return f"is {size:,} characters; it takes {item.max_length:,} at most."
        if item.value and item.min_length is not None and size < item.min_length:
            return f"is {size:,} characters; it takes {item.min_length:,} at least."
    return None


def chosen(select: discord.ui.Select[Any]) -> str | None:
    """The answer picked in a one-answer select (None when it was left empty)."""
    return str(select.values[0]) if select.values else None


# How long "Edit and send again" holds a refused form's answers (a draft among them), in
# memory only: as long as the refusal's own interaction token lives.
FORM_KEPT_FOR = limits.INTERACTION_TOKEN
Value = TypeVar("Value")
MAX_FORMS_KEPT = 1000  # the oldest go first


@dataclass
class _Kept:
    user_id: int
    form: CohortModal
    until: datetime


class FormMemory:
    """What members typed into the bot's forms, held in memory only: each form open on a
    member's screen (discord.py keeps it until it is sent), and each refused one kept for its
    "Edit and send again" button (FORM_KEPT_FOR, MAX_FORMS_KEPT at most). /forget-me empties
    it of the member (registered with the privacy service: bot/services/privacy.py,
    `Forgettable`); their refused forms' buttons then say the form was deleted."""

    def __init__(self, bot: CohortBot) -> None:
        self._clock = bot.clock
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._open: WeakKeyDictionary[CohortModal, int] = WeakKeyDictionary()
        self._shown: WeakValueDictionary[str, CohortModal] = WeakValueDictionary()
        self._kinds: dict[str, type[CohortModal]] = {}
        # Keys of refused forms /forget-me deleted, until they would have expired: no content.
        self._deleted: OrderedDict[str, datetime] = OrderedDict()

    def opened(self, user_id: int, form: CohortModal) -> None:
        self._open[form] = user_id
        self._shown[form.custom_id] = form

    def holds(self, custom_id: str) -> bool:
        """Whether discord.py holds the form with this custom_id, open on a member's screen:
        it dispatches the form's submission itself (`is_dispatching`: in its store, not
        finished)."""
        form = self._shown.get(custom_id)
        return form is not None and form.is_dispatching()

    def add_kinds(self, *kinds: type[CohortModal]) -> None:
        """The forms this bot makes again when one is sent after a restart (its cogs add
        theirs, as they add their DynamicItems)."""
        self._kinds.update((kind.kind, kind) for kind in kinds)

    def remove_kinds(self, *kinds: type[CohortModal]) -> None:
        for kind in kinds:
            self._kinds.pop(kind.kind, None)

    def kind_of(self, custom_id: str) -> type[CohortModal] | None:
        """The form kind named by a custom_id (`cohort:<kind>:…`), if this bot has it."""
        parts = custom_id.split(":", 2)
        return self._kinds.get(parts[1]) if len(parts) == 3 and parts[0] == "cohort" else None

    def keep(self, user_id: int, form: CohortModal) -> str:
        """Hold a refused form for its button; returns the key the button carries."""
        now = self._clock.now()
        for key in [k for k, kept in self._kept.items() if kept.until <= now]:
            del self._kept[key]
        for key in [k for k, until in self._deleted.items() if until <= now]:
            del self._deleted[key]
        while len(self._kept) >= MAX_FORMS_KEPT:
            self._kept.popitem(last=False)
        key = secrets.token_hex(8)
        self._kept[key] = _Kept(user_id, form, now + FORM_KEPT_FOR)
        return key

    def again(self, key: str, user_id: int) -> CohortModal:
        """A fresh copy of the refused form under `key` for the member `user_id` to open;
        `UserError` once it is gone, or when it is another member's (a forged button)."""
        kept = self._kept.get(key)
        if kept is not None and kept.user_id != user_id:
            raise UserError("That form is another member's: only they can send it again.")
        now = self._clock.now()
        if key in self._deleted:
            raise UserError(
                "I deleted that form when you used /forget-me: I hold nothing of what you "
                "typed in it. Open the form again where you first did (`/review`, or the "
                "button you pressed) and type it in again.")
        if kept is None or kept.until <= now:
            raise UserError(
                "I no longer hold that form: I keep what you typed in a refused form for 15 "
                "minutes, in memory only, and not across a restart. Open it again where you "
                "first did (`/review`, or the button you pressed: “Revise”, “I sent it”, "
                "“Critique this example”…) and type it in again.")
        kept.form = kept.form.again()
        self.opened(kept.user_id, kept.form)
        return kept.form

    def held_about(self, user_id: int) -> int:
        # Refused forms only: an open form holds copies of what is counted where it came
        # from (the draft under a review, a critique in the database), or nothing yet.
        return sum(kept.user_id == user_id for kept in self._kept.values())

    def forget_member(self, user_id: int) -> int:
        gone = [key for key, kept in self._kept.items() if kept.user_id == user_id]
        for key in gone:
            self._deleted[key] = self._kept.pop(key).until
        while len(self._deleted) > MAX_FORMS_KEPT:
            self._deleted.popitem(last=False)
        forms = [form for form, owner in list(self._open.items()) if owner == user_id]
        for form in forms:
            form.forget()
            del self._open[form]
        return len(gone) + len(forms)


# Each bot's forms; a restarted bot starts empty.
_forms: WeakKeyDictionary[CohortBot, FormMemory] = WeakKeyDictionary()


def forms_of(bot: CohortBot) -> FormMemory:
    memory = _forms.get(bot)
    if memory is None:
        memory = _forms[bot] = FormMemory(bot)
    return memory


async def show_form(interaction: discord.Interaction, form: CohortModal) -> None:
    """Open a form for the member (every form opens here): its answers are held for them
    until they send it, and /forget-me can reach them."""
    bot = cohort_bot(interaction)
    forms_of(bot).opened(interaction.user.id, form)
    gate = bot.services.gate
    form._opened = (gate, gate.ticket(interaction.user.id))
    await interaction.response.send_modal(form)


@dataclass
class _Held(Generic[Value]):
    user_id: int
    value: Value
    until: datetime


class HeldFor(Generic[Value]):
    """One bot's share of a `Held`: what /forget-me reaches (`Forgettable`)."""

    def __init__(self) -> None:
        self.kept: OrderedDict[str, _Held[Value]] = OrderedDict()

    def held_about(self, user_id: int) -> int:
        return sum(kept.user_id == user_id for kept in self.kept.values())

    def forget_member(self, user_id: int) -> int:
        gone = [key for key, kept in self.kept.items() if kept.user_id == user_id]
        for key in gone:
            del self.kept[key]
        return len(gone)


class Held(Generic[Value]):
    """What a button will need, held in memory for FORM_KEPT_FOR by a random key the button
    carries (MAX_FORMS_KEPT at most, the oldest going first), with the member it is about so
    /forget-me empties it (register `of(bot)` with the privacy service): each bot its own, and
    a restarted bot starts empty, so a button whose key is gone says what to do instead."""

    def __init__(self) -> None:
        self._by_bot: WeakKeyDictionary[CohortBot, HeldFor[Value]] = WeakKeyDictionary()

    def of(self, bot: CohortBot) -> HeldFor[Value]:
        return self._by_bot.setdefault(bot, HeldFor())

    def put(self, bot: CohortBot, user_id: int, value: Value) -> str:
        kept = self.of(bot).kept
        now = bot.clock.now()
        for key in [k for k, v in kept.items() if v.until <= now]:
            del kept[key]
        while len(kept) >= MAX_FORMS_KEPT:
            kept.popitem(last=False)
        key = secrets.token_hex(8)
        kept[key] = _Held(user_id, value, now + FORM_KEPT_FOR)
        return key

    def get(self, bot: CohortBot, key: str) -> Value | None:
        kept = self.of(bot).kept.get(key)
        return kept.value if kept is not None and kept.until > bot.clock.now() else None

    def replace(self, bot: CohortBot, key: str, value: Value) -> None:
        kept = self.of(bot).kept.get(key)
        if kept is not None:
            kept.value = value


class SendAgain(CohortView):
    """Under a refused form: open it again with the member's answers in it.

    Each press opens a fresh copy holding what was last sent from this button: the refused
    answers at first, and once the corrected form has gone through, what went through (a
    critique is edited, an outreach already logged says so). The button is a DynamicItem,
    answered once the form is gone too (after a restart, `FORM_KEPT_FOR`, or /forget-me): it
    says how to open the form again instead of leaving "This interaction failed"."""

    def __init__(self, interaction: discord.Interaction, form: CohortModal) -> None:
        super().__init__(timeout=None)
        key = forms_of(cohort_bot(interaction)).keep(interaction.user.id, form)
        self.add_item(SendAgainButton(key))


class SendAgainButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                      template=r"cohort:again:(?P<key>[0-9a-f]{16})"):
    def __init__(self, key: str) -> None:
        super().__init__(discord.ui.Button(label="Edit and send again",
                                           style=discord.ButtonStyle.primary, emoji="✏️",
                                           custom_id=f"cohort:again:{key}"))
        self.key = key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: re.Match[str]
                             ) -> SendAgainButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, self._again(interaction))

    async def _again(self, interaction: discord.Interaction) -> None:
        await show_form(interaction,
                        forms_of(cohort_bot(interaction)).again(self.key, interaction.user.id))

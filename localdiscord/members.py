"""Acting as a guild member in the in-process harness: messages, DMs, slash commands, buttons,
selects, modals, reactions.

Each action is one of `acting.py`'s (the world changes, the bot gets the gateway event Discord
would send) and then, unless `settle=False`, waits until the bot has finished reacting.
Interactions return an `InteractionResult` that shows how the bot answered, reading the
world's live state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from localdiscord.interactions import InteractionRecord
from localdiscord.state import Channel, Guild, Message, User

if TYPE_CHECKING:
    from localdiscord.harness import Sandbox


class InteractionResult:
    """How the bot answered one interaction. Reads live state: look after `settle()`."""

    def __init__(self, sandbox: Sandbox, record: InteractionRecord) -> None:
        self._sb = sandbox
        self.record = record

    @property
    def callback_type(self) -> int | None:
        """4 message, 5 deferred, 6 deferred update, 7 update message, 9 modal; None if none."""
        return self.record.callback_type

    @property
    def acknowledged(self) -> bool:
        return self.record.acknowledged

    @property
    def failed(self) -> bool:
        """True once the deadline passed unanswered ("The application did not respond")."""
        return self.record.failed

    @property
    def response(self) -> Message | None:
        """The response message (after a deferral: the message that replaced "thinking")."""
        mid = self.record.response_message_id
        return self._sb.world.messages.get(mid) if mid else None

    @property
    def ephemeral(self) -> bool:
        return self.response is not None and self.response.ephemeral

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal the bot opened: {custom_id, title, components}."""
        return self.record.modal

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """An autocomplete's answer: [{name, value}, ...]; None if it was not answered."""
        return self.record.choices

    @property
    def followups(self) -> list[Message]:
        return [self._sb.world.messages[m] for m in self.record.followup_ids]

    @property
    def updated_message(self) -> Message | None:
        """For a component interaction, the message the component sits on (maybe edited)."""
        mid = self.record.message_id
        return self._sb.world.messages.get(mid) if mid else None

    async def expired(self) -> bool:
        """Wait until the interaction was answered or its deadline passed; return `failed`."""
        await self.record.ended.wait()
        return self.record.failed

    def __repr__(self) -> str:
        return (
            f"<InteractionResult type={self.callback_type} failed={self.failed} "
            f"response={self.response!r} modal={self.modal!r}>"
        )


class MemberHandle:
    def __init__(self, sandbox: Sandbox, user: User, guild: Guild | None) -> None:
        self._sb = sandbox
        self.user = user
        self.guild = guild

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    def __repr__(self) -> str:
        return f"<MemberHandle {self.user.username} id={self.user.id}>"

    def _channel(self, channel: Channel | str | int) -> Channel:
        return self._sb.channel(channel, guild=self.guild)

    async def _done(self, settle: bool) -> None:
        if settle:
            await self._sb.settle()

    # -- messages --------------------------------------------------------------------------
    async def say(
        self, channel: Channel | str | int, content: str = "", *,
        reply_to: Message | None = None, attachments: Iterable[tuple[str, bytes]] = (),
        embeds: list[dict[str, Any]] | None = None, settle: bool = True,
    ) -> Message:
        await self._sb._flush_announcements()
        msg = await self._sb.acting.say(self.id, self._channel(channel), content,
                                        reply_to=reply_to, attachments=attachments,
                                        embeds=embeds)
        await self._done(settle)
        return msg

    async def dm(
        self, content: str = "", *, attachments: Iterable[tuple[str, bytes]] = (),
        settle: bool = True,
    ) -> Message:
        """A message in this member's DM channel with the bot."""
        await self._sb._flush_announcements()
        msg = await self._sb.acting.dm(self.id, content, attachments=attachments)
        await self._done(settle)
        return msg

    async def edit(self, message: Message, content: str, *, settle: bool = True) -> Message:
        await self._sb._flush_announcements()
        await self._sb.acting.edit(self.id, message, content)
        await self._done(settle)
        return message

    async def delete(self, message: Message, *, settle: bool = True) -> None:
        """Delete a message: one's own, or another's with Manage Messages (not in a DM)."""
        await self._sb._flush_announcements()
        await self._sb.acting.delete(self.id, message)
        await self._done(settle)

    async def start_thread(
        self, channel: Channel | str | int, name: str, *, message: Message | None = None,
        content: str | None = None, settle: bool = True,
    ) -> Channel:
        """A thread from `message`, a standalone thread, or (in a forum) a post with `content`."""
        await self._sb._flush_announcements()
        thread = await self._sb.acting.start_thread(self.id, self._channel(channel), name,
                                                    message=message, content=content)
        await self._done(settle)
        return thread

    async def react(self, message: Message, emoji: str, *, settle: bool = True) -> None:
        await self._sb._flush_announcements()
        await self._sb.acting.react(self.id, message, emoji, add=True)
        await self._done(settle)

    async def unreact(self, message: Message, emoji: str, *, settle: bool = True) -> None:
        await self._sb._flush_announcements()
        await self._sb.acting.react(self.id, message, emoji, add=False)
        await self._done(settle)

    async def clear_reactions(self, message: Message, emoji: str | None = None, *,
                              settle: bool = True) -> None:
        """A moderator removes all reactions from a message, or all of one emoji."""
        await self._sb._flush_announcements()
        await self._sb.acting.clear_reactions(self.id, message, emoji)
        await self._done(settle)

    # -- interactions ----------------------------------------------------------------------
    async def slash(
        self, name: str, options: Mapping[str, Any] | None = None, *,
        channel: Channel | str | int | None = None, dm: bool = False, settle: bool = True,
    ) -> InteractionResult:
        """Run a slash command; `name` may be a path: "lesson post" for a subcommand.

        Runs in `channel` (default: the guild's first text channel), or in the member's DM
        with the bot when `dm=True`."""
        return await self._command(name, options, None, channel, dm, settle)

    async def autocomplete(
        self, name: str, focused: str, options: Mapping[str, Any] | None = None, *,
        channel: Channel | str | int | None = None, dm: bool = False, settle: bool = True,
    ) -> InteractionResult:
        """Type into option `focused` of a slash command (`options` holds what is typed so
        far, the focused one included; missing means empty) and read `result.choices`."""
        return await self._command(name, options, focused, channel, dm, settle)

    async def _command(
        self, name: str, options: Mapping[str, Any] | None, focused: str | None,
        channel: Channel | str | int | None, dm: bool, settle: bool,
    ) -> InteractionResult:
        await self._sb._flush_announcements()
        acting = self._sb.acting
        if dm:
            ch = self._sb.world.dm_channel(self.id)
        else:
            ch = acting.interaction_channel(
                self.id, self.guild, None if channel is None else self._channel(channel))
        definition = self._sb._command_definition(name.split()[0], ch.guild_id)
        rec = await acting.command(self.id, self.guild, ch, name, options,
                                   definition=definition, focused=focused)
        return await self._result(rec, settle)

    async def click(
        self, message: Message, custom_id: str, *, settle: bool = True
    ) -> InteractionResult:
        await self._sb._flush_announcements()
        rec = await self._sb.acting.component(self.id, message, custom_id)
        return await self._result(rec, settle)

    async def select(
        self, message: Message, custom_id: str, values: list[str], *, settle: bool = True
    ) -> InteractionResult:
        await self._sb._flush_announcements()
        rec = await self._sb.acting.component(self.id, message, custom_id, values)
        return await self._result(rec, settle)

    async def submit_modal(
        self, modal: InteractionResult | dict[str, Any],
        values: Mapping[str, str | Sequence[str]], *, settle: bool = True,
    ) -> InteractionResult:
        """Fill in the bot's modal (`values`: text input custom_id -> text; a select's -> the
        values picked, or one value as a string; a select left out keeps its defaults) and
        submit it."""
        source = modal.record if isinstance(modal, InteractionResult) else None
        spec = modal.modal if isinstance(modal, InteractionResult) else modal
        if spec is None:
            raise ValueError("the bot did not open a modal for this interaction")
        await self._sb._flush_announcements()
        acting = self._sb.acting
        fallback = acting.interaction_channel(self.id, self.guild, None)
        rec = await acting.submit_modal(self.id, source, spec, values, fallback)
        return await self._result(rec, settle)

    async def _result(self, rec: InteractionRecord, settle: bool) -> InteractionResult:
        result = InteractionResult(self._sb, rec)
        await self._done(settle)
        return result

"""Control operations that act as a member: what a Discord client does for a person."""

from __future__ import annotations

from typing import Any

from localdiscord.control import views
from localdiscord.control.base import Operations, file, files, flag


class MemberOperations(Operations):
    async def say(self, member: Any, channel: Any, content: str = "", reply_to: Any = None,
                  attachments: Any = None, embeds: Any = None) -> dict[str, Any]:
        user, guild = self._member(member)
        msg = await self.acting.say(
            user.id, self._channel(channel, guild), str(content),
            reply_to=self._live_message(reply_to) if reply_to is not None else None,
            attachments=files(attachments), embeds=embeds,
        )
        return self._msg(msg)

    async def dm(self, member: Any, content: str = "", attachments: Any = None) -> dict[str, Any]:
        user, _ = self._member(member)
        return self._msg(await self.acting.dm(user.id, str(content),
                                              attachments=files(attachments)))

    async def edit(self, member: Any, message: Any, content: str) -> dict[str, Any]:
        user, _ = self._member(member)
        return self._msg(await self.acting.edit(user.id, self._live_message(message),
                                                str(content)))

    async def delete(self, member: Any, message: Any) -> dict[str, Any]:
        user, _ = self._member(member)
        await self.acting.delete(user.id, self._live_message(message))
        return {}

    async def react(self, member: Any, message: Any, emoji: str) -> dict[str, Any]:
        user, _ = self._member(member)
        await self.acting.react(user.id, self._live_message(message), emoji, add=True)
        return {}

    async def unreact(self, member: Any, message: Any, emoji: str) -> dict[str, Any]:
        user, _ = self._member(member)
        await self.acting.react(user.id, self._live_message(message), emoji, add=False)
        return {}

    async def clear_reactions(self, member: Any, message: Any,
                              emoji: Any = None) -> dict[str, Any]:
        """With Manage Messages: every reaction on the message, or every one of `emoji`."""
        user, _ = self._member(member)
        await self.acting.clear_reactions(user.id, self._live_message(message),
                                          None if emoji is None else str(emoji))
        return {}

    async def start_thread(self, member: Any, channel: Any, name: str, message: Any = None,
                           content: Any = None) -> dict[str, Any]:
        """A thread from `message`, a standalone thread, or (in a forum) a post."""
        user, guild = self._member(member)
        thread = await self.acting.start_thread(
            user.id, self._channel(channel, guild), str(name),
            message=self._live_message(message) if message is not None else None,
            content=None if content is None else str(content),
        )
        return views.channel(self.world, thread)

    async def slash(self, member: Any, command: str, options: Any = None, channel: Any = None,
                    dm: Any = False) -> dict[str, Any]:
        """Run a slash command ("lesson post" for a subcommand). Options are JSON values;
        members, channels and roles by name or id; an attachment as {filename, content}
        (text) or {filename, base64}."""
        return await self._command(member, command, options, channel, dm, None)

    async def autocomplete(self, member: Any, command: str, focused: str, options: Any = None,
                           channel: Any = None, dm: Any = False) -> dict[str, Any]:
        """Type into option `focused`; the answer's `choices` are the bot's suggestions."""
        return await self._command(member, command, options, channel, dm, str(focused))

    async def _command(self, member: Any, command: str, options: Any, channel: Any, dm: Any,
                       focused: str | None) -> dict[str, Any]:
        user, guild = self._member(member)
        if flag(dm):
            ch = self.world.dm_channel(user.id)
        else:
            ch = self.acting.interaction_channel(
                user.id, guild, None if channel is None else self._channel(channel, guild))
        name = str(command).removeprefix("/")
        definition = self.acting.synced_command(name.split()[0], ch.guild_id)
        if not definition:
            raise LookupError(f"the bot has synced no command /{name.split()[0]} "
                              f"{'in DMs' if ch.guild_id is None else 'in this guild'}")
        values = {k: (file(v) if isinstance(v, dict) else v)
                  for k, v in dict(options or {}).items()}
        rec = await self.acting.command(user.id, guild, ch, name, values,
                                        definition=definition, focused=focused)
        return self._interaction(rec)

    async def click(self, member: Any, message: Any, custom_id: str) -> dict[str, Any]:
        user, _ = self._member(member)
        rec = await self.acting.component(user.id, self._live_message(message), str(custom_id))
        return self._interaction(rec)

    async def select(self, member: Any, message: Any, custom_id: str,
                     values: Any) -> dict[str, Any]:
        user, _ = self._member(member)
        rec = await self.acting.component(user.id, self._live_message(message), str(custom_id),
                                          [str(v) for v in values])
        return self._interaction(rec)

    async def submit_modal(self, member: Any, interaction: Any,
                           values: Any) -> dict[str, Any]:
        """Submit the modal the bot opened in answer to `interaction` (values by the inputs'
        custom_ids)."""
        user, guild = self._member(member)
        source = self._record(interaction)
        if source.modal is None:
            raise LookupError(f"the bot opened no modal in answer to interaction {interaction}")
        if source.user_id != user.id:
            raise ValueError("only the member the modal was opened for can submit it")
        fallback = self.acting.interaction_channel(user.id, guild, None)
        rec = await self.acting.submit_modal(user.id, source, source.modal, dict(values),
                                             fallback)
        return self._interaction(rec)

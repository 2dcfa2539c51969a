"""What happens in the world, by the bot (via REST) or by members (via the harness).

Each operation mutates `World` and sends the gateway events Discord would send: the bot sees its
own messages as MESSAGE_CREATE and its own threads as THREAD_CREATE, like on real Discord.
Limits and permissions are checked here so both REST and the harness obey them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from localdiscord import errors, limits, payloads
from localdiscord.gateway import Gateway
from localdiscord.state import (
    DM,
    GUILD_CATEGORY,
    GUILD_FORUM,
    MANAGE_MESSAGES,
    MANAGE_THREADS,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Attachment,
    Channel,
    Guild,
    Message,
    Reaction,
    World,
)

# Discord dedupes `enforce_nonce` sends within a few minutes.
NONCE_WINDOW = timedelta(minutes=5)
# Message flags a client may set on create (suppress embeds/notifications, ephemeral, v2).
SETTABLE_FLAGS = 4 | 64 | 4096 | 32768
LOADING = 128  # "Bot is thinking..." of a deferred interaction


@dataclass
class UploadedFile:
    index: int  # n of the multipart field files[n]
    filename: str
    data: bytes
    content_type: str | None


class Actions:
    def __init__(self, world: World, gateway: Gateway, base_url: Callable[[], str]) -> None:
        self.world = world
        self.gateway = gateway
        self._base_url = base_url
        self.upload_limit = limits.UPLOAD_LIMIT

    def _record(self, kind: str, id: int, details: dict[str, Any] | None = None) -> None:
        self.world.journal.record(kind, id)

    def message_payload(self, msg: Message, *, gateway: bool = False) -> dict[str, Any]:
        return payloads.message(self.world, msg, self._base_url(), gateway=gateway)

    # -- messages --------------------------------------------------------------------------
    def check_view(self, channel: Channel, user_id: int) -> None:
        """A guild channel the user cannot see: 403 50001 Missing Access."""
        if channel.guild_id is not None and not self.world.can(channel, user_id, VIEW_CHANNEL):
            raise errors.missing_access()

    def check_can_send(self, channel: Channel, author_id: int) -> None:
        world = self.world
        if channel.type == DM:
            recipient = world.users[channel.recipients[0]]
            if author_id == world.bot.id and not self.can_dm(recipient.id):
                raise errors.cannot_dm()
            return
        self.check_view(channel, author_id)
        needed = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
        if not world.can(channel, author_id, needed):
            raise errors.missing_permissions()
        if channel.is_thread and channel.locked and not world.can(
            channel, author_id, MANAGE_THREADS
        ):
            # Only Manage Threads may post in (and so unarchive) a locked thread.
            if channel.archived:
                raise errors.archived_thread()
            raise errors.thread_locked()

    def can_dm(self, user_id: int) -> bool:
        """Discord refuses a bot's DM to itself, to another bot, to a member who closed their
        DMs, and to a user who shares no guild with the bot (403 50007)."""
        user = self.world.users.get(user_id)
        return (
            user is not None and user_id != self.world.bot.id and not user.bot
            and not user.dms_closed and self.world.shares_guild(user_id)
        )

    async def create_message(
        self, channel: Channel, author_id: int, body: dict[str, Any],
        files: list[UploadedFile] | None = None, *, check_perms: bool = True,
        interaction: dict[str, Any] | None = None, extra_flags: int = 0,
        allow_empty: bool = False,
    ) -> Message:
        files = files or []
        limits.check_message(
            body, [(f.filename, f.data) for f in files], edit=allow_empty,
            upload_limit=self.upload_limit,
        )
        if check_perms:
            self.check_can_send(channel, author_id)
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            existing = self._find_nonce(channel, author_id, body["nonce"])
            if existing is not None:
                return existing
        ref = (body.get("message_reference") or {}).get("message_id")
        msg = self.world.add_message(
            channel,
            author_id,
            content=body.get("content") or "",
            embeds=_embeds(body.get("embeds")),
            components=_components(body.get("components")),
            attachments=_attachments(self.world, body.get("attachments"), files, []),
            flags=(int(body.get("flags") or 0) & SETTABLE_FLAGS) | extra_flags,
            nonce=body.get("nonce"),
            reference_id=int(ref) if ref else None,
            allowed_mentions=body.get("allowed_mentions"),
            webhook_id=self.world.application_id if interaction else None,
            interaction=interaction,
        )
        self._record("message_created", msg.id)
        if channel.is_thread and channel.archived and not msg.ephemeral:
            # A message in an archived (unlocked, or by Manage Threads) thread unarchives it.
            channel.archived = False
            self._record("thread_updated", channel.id, {"archived": False})
            await self.gateway.dispatch("THREAD_UPDATE", payloads.thread(self.world, channel))
        if not msg.ephemeral:
            await self.gateway.dispatch("MESSAGE_CREATE", self.message_payload(msg, gateway=True))
        return msg

    def _find_nonce(self, channel: Channel, author_id: int, nonce: Any) -> Message | None:
        now = self.world.now()
        for mid in reversed(channel.message_ids):
            msg = self.world.messages[mid]
            if now - msg.created_at > NONCE_WINDOW:
                break
            if msg.author_id == author_id and msg.nonce == nonce and not msg.deleted:
                return msg
        return None

    async def edit_message(
        self, msg: Message, body: dict[str, Any], files: list[UploadedFile] | None = None
    ) -> Message:
        """Apply an edit; Discord judges the resulting message (not the body): an edit that
        leaves it empty is 400 50006, one that leaves content in a v2 message is refused."""
        files = files or []
        flags = msg.flags
        if "flags" in body and body["flags"] is not None:
            flags = (msg.flags & ~SETTABLE_FLAGS) | (int(body["flags"]) & SETTABLE_FLAGS) | (
                msg.flags & 64
            )
        content = (body.get("content") or "") if "content" in body else msg.content
        embeds = _embeds(body["embeds"]) if "embeds" in body else msg.embeds
        components = (
            _components(body["components"]) if "components" in body else msg.components
        )
        attachments = (
            _attachments(self.world, body.get("attachments"), files, msg.attachments)
            if "attachments" in body or files else msg.attachments
        )
        result = {
            "content": content, "embeds": embeds, "components": components, "flags": flags,
            "attachments": [{"id": a.id} for a in attachments],
        }
        limits.check_message(
            body, [(f.filename, f.data) for f in files], edit=True, upload_limit=self.upload_limit,
            result=result,
        )
        msg.content, msg.embeds, msg.components, msg.flags = content, embeds, components, flags
        msg.attachments = attachments
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        msg.flags &= ~LOADING
        msg.edited_at = self.world.now()
        self._record("message_updated", msg.id)
        if not msg.ephemeral:
            await self.gateway.dispatch("MESSAGE_UPDATE", self.message_payload(msg, gateway=True))
        return msg

    def check_can_delete(self, msg: Message, actor_id: int) -> None:
        """Another's message: never in a DM (403 50003), else with Manage Messages (50013)."""
        if msg.author_id == actor_id:
            return
        channel = self.world.channels[msg.channel_id]
        if channel.type == DM:
            raise errors.cannot_act_on_dm()
        if not self.world.can(channel, actor_id, MANAGE_MESSAGES):
            raise errors.missing_permissions()

    async def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        self._record("message_deleted", msg.id)
        if msg.ephemeral:
            return
        data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        channel = self.world.channels[msg.channel_id]
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self.gateway.dispatch("MESSAGE_DELETE", data)

    # -- threads ---------------------------------------------------------------------------
    async def create_thread(
        self, parent: Channel, owner_id: int, body: dict[str, Any], *,
        from_message: Message | None = None, files: list[UploadedFile] | None = None,
    ) -> tuple[Channel, Message | None]:
        """A thread from a message, a standalone thread, or a forum post (body["message"])."""
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            bad = ("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
            raise errors.invalid_form({"name": bad})
        if from_message is not None and from_message.thread_id is not None:
            raise errors.DiscordError(
                400, 160004, "A thread has already been created for this message"
            )
        if parent.type in (DM, GUILD_CATEGORY) or parent.is_thread:
            raise errors.wrong_channel_type()
        if parent.type == GUILD_FORUM and "message" not in body:
            raise errors.invalid_form({"message": ("BASE_TYPE_REQUIRED", "This field is required")})
        self.check_can_send(parent, owner_id)
        starter = body.get("message") if parent.type == GUILD_FORUM else None
        if starter is not None:
            limits.check_message(starter, [(f.filename, f.data) for f in files or []])
        thread = self.world.add_thread(
            parent, name, owner_id,
            id=from_message.id if from_message is not None else None,
            type_=int(body.get("type") or 11) if from_message is None else 11,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            applied_tags=[int(t) for t in body.get("applied_tags") or []],
        )
        if from_message is not None:
            from_message.thread_id = thread.id
        self._record("thread_created", thread.id)
        data = payloads.thread(self.world, thread)
        data["newly_created"] = True
        await self.gateway.dispatch("THREAD_CREATE", data)
        first = None
        if starter is not None:
            # A forum post's starter message shares the thread's id, as on Discord.
            first = self.world.add_message(
                thread, owner_id, content=starter.get("content") or "",
                embeds=_embeds(starter.get("embeds")),
                components=_components(starter.get("components")),
                attachments=_attachments(self.world, starter.get("attachments"), files or [], []),
                allowed_mentions=starter.get("allowed_mentions"),
            )
            self._rekey(first, thread.id)
            self._record("message_created", first.id)
            await self.gateway.dispatch("MESSAGE_CREATE", self.message_payload(first, gateway=True))
        return thread, first

    def _rekey(self, msg: Message, new_id: int) -> None:
        channel = self.world.channels[msg.channel_id]
        del self.world.messages[msg.id]
        channel.message_ids[channel.message_ids.index(msg.id)] = new_id
        msg.id = new_id
        self.world.messages[new_id] = msg

    async def delete_thread(self, thread: Channel, actor_id: int | None = None) -> None:
        """DELETE a thread (Manage Threads), with its messages; THREAD_DELETE to the bot."""
        if actor_id is not None:
            self.check_view(thread, actor_id)
            if not self.world.can(thread, actor_id, MANAGE_THREADS):
                raise errors.missing_permissions()
        del self.world.channels[thread.id]
        guild = self.world.guilds.get(thread.guild_id) if thread.guild_id else None
        if guild is not None and thread.id in guild.channel_ids:
            # (else the next GUILD_CREATE names a channel that is gone: no bot could connect)
            guild.channel_ids.remove(thread.id)
        self._record("thread_deleted", thread.id)
        for mid in thread.message_ids:
            self.world.messages[mid].deleted = True
            self._record("message_deleted", mid)
        await self.gateway.dispatch("THREAD_DELETE", {
            "id": str(thread.id), "guild_id": str(thread.guild_id),
            "parent_id": str(thread.parent_id), "type": thread.type,
        })

    async def update_thread(
        self, thread: Channel, changes: dict[str, Any], actor_id: int | None = None
    ) -> Channel:
        """PATCH a thread as `actor_id` (None: no permission checks). `locked` needs Manage
        Threads; so does `archived`, `name` and `auto_archive_duration`, except for the
        thread's owner while it is not locked. An archived thread only takes an unarchive."""
        if actor_id is not None:
            self.check_view(thread, actor_id)
            manage = self.world.can(thread, actor_id, MANAGE_THREADS)
            owner = actor_id == thread.owner_id and not thread.locked
            if "locked" in changes and not manage:
                raise errors.missing_permissions()
            owner_keys = ("archived", "name", "auto_archive_duration")
            if any(k in changes for k in owner_keys) and not (manage or owner):
                raise errors.missing_permissions()
            if thread.archived and changes.get("archived") is not False:
                raise errors.archived_thread()
        before = {"name": thread.name, "archived": thread.archived, "locked": thread.locked}
        if "name" in changes:
            thread.name = changes["name"]
        if "archived" in changes:
            thread.archived = bool(changes["archived"])
        if "locked" in changes:
            thread.locked = bool(changes["locked"])
        if "auto_archive_duration" in changes:
            thread.auto_archive_duration = int(changes["auto_archive_duration"])
        after = {"name": thread.name, "archived": thread.archived, "locked": thread.locked}
        self._record("thread_updated", thread.id,
                     {k: v for k, v in after.items() if before[k] != v})
        await self.gateway.dispatch("THREAD_UPDATE", payloads.thread(self.world, thread))
        return thread

    # -- reactions -------------------------------------------------------------------------
    async def react(self, msg: Message, user_id: int, emoji: str, *, add: bool) -> None:
        reaction = next((r for r in msg.reactions if r.emoji == emoji), None)
        if add:
            if reaction is None:
                reaction = Reaction(emoji)
                msg.reactions.append(reaction)
            if user_id in reaction.user_ids:
                return
            reaction.user_ids.append(user_id)
        else:
            if reaction is None or user_id not in reaction.user_ids:
                return
            reaction.user_ids.remove(user_id)
            if not reaction.user_ids:
                msg.reactions.remove(reaction)
        self._record("reaction", msg.id)
        channel = self.world.channels[msg.channel_id]
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": payloads.emoji(emoji),
            "burst": False,
            "type": 0,
        }
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
            if add:
                guild = self.world.guilds[channel.guild_id]
                data["member"] = payloads.member(self.world, guild, user_id)
                data["message_author_id"] = str(msg.author_id)
        event = "MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE"
        await self.gateway.dispatch(event, data)

    async def clear_reactions(self, msg: Message, actor_id: int, emoji: str | None) -> None:
        """Remove every reaction on `msg`, or every one of `emoji`: Manage Messages (50013),
        and never in a DM (50003). MESSAGE_REACTION_REMOVE_ALL / _REMOVE_EMOJI to the bot,
        only when there was something to remove."""
        channel = self.world.channels[msg.channel_id]
        if channel.type == DM:
            raise errors.cannot_act_on_dm()
        if not self.world.can(channel, actor_id, MANAGE_MESSAGES):
            raise errors.missing_permissions()
        kept = [r for r in msg.reactions if emoji is not None and r.emoji != emoji]
        if len(kept) == len(msg.reactions):
            return
        msg.reactions[:] = kept
        data: dict[str, Any] = {"channel_id": str(msg.channel_id), "message_id": str(msg.id),
                                "guild_id": str(channel.guild_id)}
        if emoji is None:
            await self.gateway.dispatch("MESSAGE_REACTION_REMOVE_ALL", data)
        else:
            await self.gateway.dispatch("MESSAGE_REACTION_REMOVE_EMOJI",
                                        {**data, "emoji": payloads.emoji(emoji)})

    # -- guilds and channels ---------------------------------------------------------------
    async def join_guild(self, guild: Guild) -> None:
        guild.bot_joined = True
        guild.joined_at = self.world.now()
        data = payloads.guild_create(self.world, guild)
        # No `unavailable` key: that is how discord.py tells a join from an outage ending.
        data.pop("unavailable")
        await self.gateway.dispatch("GUILD_CREATE", data)

    async def channel_changed(self, channel: Channel) -> None:
        self._record("channel", channel.id)
        guild = self.world.guild_of(channel)
        if guild is not None and guild.bot_joined:
            await self.gateway.dispatch("CHANNEL_UPDATE", payloads.channel(self.world, channel))

    async def channel_created(self, channel: Channel) -> None:
        self._record("channel", channel.id)
        guild = self.world.guild_of(channel)
        if guild is not None and guild.bot_joined:
            await self.gateway.dispatch("CHANNEL_CREATE", payloads.channel(self.world, channel))

    async def member_added(self, guild: Guild, user_id: int) -> None:
        if guild.bot_joined:
            data = payloads.member(self.world, guild, user_id)
            data["guild_id"] = str(guild.id)
            await self.gateway.dispatch("GUILD_MEMBER_ADD", data)

    async def role_created(self, guild: Guild, role_id: int) -> None:
        if guild.bot_joined:
            role = payloads.role(guild.roles[role_id])
            await self.gateway.dispatch(
                "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role}
            )


def _embeds(raw: Any) -> list[dict[str, Any]]:
    # Discord fills in `type: rich` for embeds a bot sends.
    return [{"type": "rich", **e} for e in raw or []]


def _components(raw: Any) -> list[dict[str, Any]]:
    """Components as Discord stores them: every component numbered (`id`, depth-first, from 1)
    and selects with their min/max defaults, as its responses show."""
    counter = iter(range(1, 10_000))

    def fill(comp: dict[str, Any]) -> dict[str, Any]:
        out = dict(comp)
        out.setdefault("id", next(counter))
        if out.get("type") in (3, 5, 6, 7, 8):
            out.setdefault("min_values", 1)
            out.setdefault("max_values", 1)
        if out.get("type") == 3:
            out.setdefault("options", [])
        if isinstance(out.get("emoji"), dict):
            # A unicode emoji has no id: Discord leaves the key out rather than send null.
            out["emoji"] = {k: v for k, v in out["emoji"].items() if v is not None}
        if isinstance(out.get("components"), list):
            out["components"] = [fill(c) for c in out["components"]]
        for key in ("component", "accessory"):
            if isinstance(out.get(key), dict):
                out[key] = fill(out[key])
        return out

    return [fill(c) for c in raw or []]


def _attachments(
    world: World, raw: Any, files: list[UploadedFile], existing: list[Attachment]
) -> list[Attachment]:
    """Match `attachments[]` entries to uploaded `files[n]` (by id == n) and kept attachments."""
    by_index = {f.index: f for f in files}
    kept = {a.id: a for a in existing}
    out: list[Attachment] = []
    if raw is None:
        # No attachments array: every upload is new, existing ones stay.
        out.extend(existing)
        entries: list[dict[str, Any]] = [{"id": f.index} for f in files]
    else:
        entries = list(raw)
    for entry in entries:
        aid = int(entry.get("id", -1))
        if aid in kept:
            out.append(kept[aid])
        elif aid in by_index:
            f = by_index[aid]
            out.append(
                Attachment(
                    world.new_id(), entry.get("filename") or f.filename, f.data,
                    content_type=f.content_type, description=entry.get("description"),
                )
            )
    return out

"""The bad-input scenario's members: each act is one hostile thing a member or the moderator
does through the control API (a DM, a slash command, an autocomplete, a button, a thread
message, an edit), drawn from the seed, and what the bot did about it is checked at once:
the interaction acknowledged and not left thinking, the DM answered, nothing new in the
bot's log that a bug leaves. The checks of everything the bot sent are in fuzzing_checks.py.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localdiscord.control.base import ControlError
from localdiscord.errors import DiscordError
from localdiscord.script.render import buttons

from .cohort import LOADING, Cohort
from .hostile import Hostile

# Where a bug shows in the bot's log: an error logged with its traceback, discord.py's
# "Ignoring exception in ...", asyncio's "Task exception was never retrieved".
BUG_SIGNS = ("Traceback", "Unhandled", "Ignoring exception", "never retrieved", "ERROR")
ANSWER_WITHIN = 20.0  # seconds: every answer comes far sooner; this only bounds a failure
# Forms whose text is a DM draft: as private as a draft sent by DM.
DRAFT_FORMS = ("cohort:draft-modal", "cohort:fu-review")
DEMO_MEMBERS = ["ada", "ben", "cy"]
EMOJI = ["👍", "👎", "🏳️‍🌈", "👍🏽", "❤️", "x", "name:123", "a:anim:456", "💩" * 3, "​"]
SAID = re.compile(r"said-\d+x")
TEXT, FORUM = 0, 15  # channel types
# Lesson content a moderator writes: Markdown on purpose (lessons/README.md), not an echo.
AUTHORED = {"lesson example"}


def plant_lessons(folder: Path, hostile: Hostile, *, broken: int, loadable: int) -> int:
    """Lesson files the bot finds at start-up: `broken` ones it must skip with a reason,
    `loadable` ones whose every text is hostile. Returns how many were planted."""
    names = ["broken.toml", "odd name #1.toml", "\u202eevil.toml", "名前.toml", "x" * 120 +
             ".toml", "`tick`.toml", "[link](x).toml", "@everyone.toml"]
    for i in range(broken):
        name = f"{i}-{hostile.rng.choice(names)}"
        (folder / name).write_bytes(hostile.broken_lesson())
    for i in range(loadable):
        (folder / f"hostile-{i}.toml").write_text(hostile.lesson(f"hostile-words-{i}"),
                                                  encoding="utf-8")
    return broken + loadable


@dataclass
class Sent:
    """What a member typed somewhere, by its marker: checked where the bot echoes it."""

    text: str
    where: str


@dataclass
class Fuzzer:
    cohort: Cohort
    rng: random.Random
    hostile: Hostile
    members: list[str]
    commands: list[tuple[str, dict[str, Any], bool]]  # (name, leaf, usable in DMs)
    problems: list[str] = field(default_factory=list)
    acts: list[str] = field(default_factory=list)
    typed: dict[str, Sent] = field(default_factory=dict)
    ephemeral: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    interactions: int = 0
    dms: int = 0
    refused: int = 0  # refused by Discord itself (too long, empty): nothing reached the bot
    _log_at: int = 0

    @classmethod
    async def made(cls, cohort: Cohort, rng: random.Random) -> Fuzzer:
        guild = cohort.discord.ids()
        ids = [*guild["members"].values(), *guild["roles"].values(),
               *guild["channels"].values()]
        return cls(cohort, rng, Hostile(rng, ids), [*DEMO_MEMBERS, *cohort.members], [])

    # --- acting ---------------------------------------------------------------------------------

    async def first_run(self) -> None:
        """Once the bot is up: the commands it synced, and a run posted as the moderator
        would, so that there are threads and buttons."""
        for command in await self.cohort.control.commands():
            dms = 1 in (command.get("contexts") or ())  # (a guild command is not in DMs)
            self.commands += [(name, leaf, dms) for name, leaf in _leaves(command)]
        self.commands.sort(key=lambda c: c[0])
        asked = await self.cohort.control.member("mod").slash("lesson post",
                                                              channel="lessons")
        await self._answered("the first /lesson post", "mod", asked)

    async def act(self) -> None:
        """One hostile act, drawn from the seed."""
        kinds = [(self.dm, 20), (self.dm_file, 8), (self.slash, 28), (self.autocomplete, 8),
                 (self.press, 16), (self.thread_message, 11), (self.edit, 4), (self.react, 5)]
        (chosen,) = self.rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])
        member = "mod" if self.rng.random() < 0.25 else self.rng.choice(self.members)
        try:
            await chosen(member)
        except (DiscordError, ControlError):
            self.refused += 1  # Discord (or a client) would not let it through
        self.read_log(f"act {len(self.acts)} ({self.acts[-1]!r})" if self.acts else "start-up")

    def _name(self, what: str) -> str:
        self.acts.append(what[:300])
        return f"act {len(self.acts)} ({what[:300]!r})"

    async def dm(self, member: str) -> None:
        text = self.hostile.draft()
        await self._dm(member, text, [], self._name(f"DM draft by {member}: {text}"))

    async def dm_file(self, member: str) -> None:
        upload = self.hostile.file(secret=True)
        self._typed({"name": upload["filename"]}, "a DM file's name")
        text = self.hostile.draft() if self.rng.random() < 0.3 else ""
        await self._dm(member, text, [upload],
                       self._name(f"DM file {upload['filename']!r} by {member}"))

    async def _dm(self, member: str, text: str, files: list[dict[str, Any]], act: str) -> None:
        control = self.cohort.control
        bot_id = self.cohort.discord.info["bot"]["id"]
        sent = await control.member(member).dm(text, attachments=files)
        self.dms += 1

        async def answered() -> bool:  # (by id: /forget-me may take earlier answers away)
            return any(m["author"]["id"] == bot_id and int(m["id"]) > int(sent["id"])
                       for m in await control.dms(member=member))

        if not await control.wait_until(answered, within=ANSWER_WITHIN):
            self.problems.append(f"{act}: the DM got no answer (the bot logged "
                                 f"{self.cohort.bot.logged()[self._log_at:][-800:]!r})")

    async def slash(self, member: str) -> None:
        name, leaf, dms = self.rng.choice(self.commands)
        options = self.hostile.options(leaf, await self._channels())
        if name not in AUTHORED:
            self._typed(options, f"/{name}")
        where = await self._where(dms)
        act = self._name(f"/{name} {_shown(options)} by {member} in {where}")
        asked = await self.cohort.control.member(member).slash(name, options, **where)
        await self._answered(act, member, asked)

    async def autocomplete(self, member: str) -> None:
        choices = [(name, leaf, dms, o) for name, leaf, dms in self.commands
                   for o in leaf.get("options") or [] if o.get("autocomplete")]
        name, _, dms, focused = self.rng.choice(choices)
        typed = self.hostile.string({**focused, "choices": None})
        where = await self._where(dms)
        act = self._name(f"/{name} typing {focused['name']}={typed!r} by {member}")
        asked = await self.cohort.control.member(member).autocomplete(
            name, focused["name"], {focused["name"]: typed}, **where)
        await self._answered(act, member, asked)

    async def press(self, member: str) -> None:
        """A button or select on a message the member can see: in #lessons or a thread, in
        their DMs, or an ephemeral answer of theirs; any of them, in any order."""
        found = [(m, c) for m in await self._visible(member) for c in buttons(m)
                 if c.get("custom_id") and not c.get("disabled")]
        if not found:
            return
        message, component = self.rng.choice(found)
        act = self._name(f"press {component['custom_id']} by {member}")
        person = self.cohort.control.member(member)
        if component["type"] == 2:
            asked = await person.click(message, component["custom_id"])
        else:
            options = [o["value"] for o in component.get("options") or []]
            asked = await person.select(message, component["custom_id"],
                                        self.hostile.picked(component, options))
        await self._answered(act, member, asked)

    async def thread_message(self, member: str) -> None:
        threads = await self.cohort.control.threads(channel="lessons")
        if not threads:
            return
        thread = self.rng.choice(threads)
        text = self.hostile.said()
        reply = None
        if self.rng.random() < 0.3:
            bot_id = self.cohort.discord.info["bot"]["id"]
            mine = [m for m in await self.cohort.control.messages(channel=thread["id"])
                    if m["author"]["id"] == bot_id]
            reply = self.rng.choice(mine)["id"] if mine else None
        self._name(f"thread message by {member}: {text}")
        self._typed({"content": text}, "a thread message")
        await self.cohort.control.member(member).say(thread["id"], text, reply_to=reply)

    async def edit(self, member: str) -> None:
        """Edit one's own thread message to hostile text, or delete it."""
        own = [m for m in await self._thread_messages() if m["author"]["username"] == member]
        if not own:
            return
        message = self.rng.choice(own)
        person = self.cohort.control.member(member)
        if self.rng.random() < 0.3:
            self._name(f"delete by {member}")
            await person.delete(message)
            return
        text = self.hostile.said()
        self._name(f"edit by {member}: {text}")
        self._typed({"content": text}, "an edited thread message")
        await person.edit(message, text)

    async def react(self, member: str) -> None:
        """React to a thread message (a critique's post is a vote), take it back, or (as the
        moderator) clear a message's reactions."""
        messages = await self._thread_messages()
        if not messages:
            return
        message = self.rng.choice(messages)
        emoji = self.rng.choice(EMOJI)
        person = self.cohort.control.member(member)
        roll = self.rng.random()
        self._name(f"reaction {emoji!r} by {member} ({roll:.2f})")
        if roll < 0.6:
            await person.react(message, emoji)
        elif roll < 0.9:
            await person.unreact(message, emoji)
        else:
            await person.clear_reactions(message, self.rng.choice([None, emoji]))

    async def _thread_messages(self) -> list[dict[str, Any]]:
        threads = await self.cohort.control.threads(channel="lessons")
        if not threads:
            return []
        return await self.cohort.control.messages(channel=self.rng.choice(threads)["id"])

    async def still_answers(self) -> bool:
        """/help answered, and a plain DM draft reviewed: the bot is up and itself."""
        asked = await self.cohort.control.member("ada").slash("help", channel="lessons")
        final = await self._answered("the last /help", "ada", asked)
        before = len(self.problems)
        await self._dm("ben", "Hi Dana, could I ask one question about your churn models?",
                       [], "the last DM")
        return bool(final["acknowledged"]) and len(self.problems) == before

    # --- what the bot did -----------------------------------------------------------------------

    async def _answered(self, act: str, member: str, asked: dict[str, Any],
                        depth: int = 0) -> dict[str, Any]:
        """Wait for the bot's final answer to an interaction and check it; a form it opened
        is filled in with hostile answers (or left, now and then, as people do)."""
        self.interactions += 1
        final = await self.cohort.control.interaction(interaction=asked["id"], wait="final",
                                                      within=ANSWER_WITHIN)
        if final["failed"] or not final["acknowledged"]:
            self.problems.append(f"{act}: not acknowledged (Discord shows "
                                 "\"This interaction failed\")")
            return final
        response = final["response"]
        if response is not None and response["flags"] & LOADING:
            self.problems.append(f"{act}: the answer was left \"thinking\"")
        said = [m for m in (response, *final["followups"]) if m is not None]
        self.ephemeral.setdefault(member, []).extend(
            m for m in said if m["flags"] & 64 and buttons(m))
        modal = final["modal"]
        if modal is not None and depth < 3 and self.rng.random() < 0.85:
            secret = modal["custom_id"].startswith(DRAFT_FORMS)
            answers = self.hostile.modal_answers(modal, secret=secret)
            if not secret:
                self._typed(answers, f"the form {modal['custom_id']}")
            sent = await self.cohort.control.member(member).submit_modal(final, answers)
            await self._answered(f"{act}, then its form with {_shown(answers)}", member, sent,
                                 depth + 1)
        return final

    def read_log(self, during: str) -> None:
        """What the bot logged since the last read: a sign of a bug names what ran."""
        logged = self.cohort.bot.logged()
        new, self._log_at = logged[self._log_at:], len(logged)
        if any(sign in new for sign in BUG_SIGNS):
            self.problems.append(f"{during} made the bot log: {new[-1500:]}")

    def _typed(self, values: dict[str, Any], where: str) -> None:
        """Note member text that carries a marker (up to it), to check where it is echoed."""
        for value in values.values():
            if isinstance(value, str) and (marked := SAID.search(value)):
                self.typed[marked[0]] = Sent(value[:marked.end()], where)

    async def _channels(self) -> dict[str, int]:
        """#lessons, the #critiques forum and a few lesson threads, with their types."""
        threads = await self.cohort.control.threads(channel="lessons")
        return {"lessons": TEXT, "critiques": FORUM, **{t["id"]: t["type"] for t in threads[:3]}}

    async def _where(self, dms: bool) -> dict[str, Any]:
        """Where a command is run: a DM (if it may be), #lessons or a lesson thread."""
        if dms and self.rng.random() < 0.25:
            return {"dm": True}
        channels = await self._channels()
        return {"channel": self.rng.choice([c for c, t in channels.items() if t != FORUM])}

    async def _visible(self, member: str) -> list[dict[str, Any]]:
        control = self.cohort.control
        roll = self.rng.random()
        if roll < 0.4:
            channels = await self._channels()
            channel = self.rng.choice([c for c, t in channels.items() if t != FORUM])
            return await control.messages(channel=channel, ephemeral=False)
        if roll < 0.8:
            return await control.dms(member=member)
        return self.ephemeral.get(member, [])


def _leaves(command: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A command's runnable forms: itself, or its subcommands ("lesson post")."""
    subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
    if not subs:
        return [(command["name"], command)]
    return [(f"{command['name']} {name}", leaf) for sub in subs for name, leaf in _leaves(sub)]


def _shown(values: dict[str, Any]) -> str:
    """Options or answers as a failure names them (files by name)."""
    return repr({k: (v["filename"] if isinstance(v, dict) else v) for k, v in values.items()})

"""Hostile input for the bad-input scenario, drawn from one seeded `random.Random` (the same
seed gives the same input in the same order): member text, files, slash command options read
from the commands the bot synced, modal answers, lesson files and config files.

Text that must never leave where it was typed (a DM draft) carries a marker, `secret-N`,
that the checks look for in exports and logs; text a member types in the open carries
`said-N`, so an echo of it can be found in what the bot answered.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass, field
from typing import Any

from bot.lessons import MAX_EXAMPLE_TITLE, text_problem
from bot.visible import is_blank
from tests.markdown import HOSTILE as MARKDOWN

INT_LIMIT = 2**53  # Discord's integer options: what a JavaScript number holds exactly

# Pieces a person pastes: Markdown and mentions, other scripts, controls and invisible marks.
PIECES = [
    *MARKDOWN, "@everyone hi", "@here", "[click](https://evil.example/x \"t\")", "```py\n",
    "\x00", "a\x00b", "\u200b\u200c\u200d\ufeff", "e\u0301\u0336\u0489" * 5, "\u202eevil",
    "\u2066isolated", "\u061c", "مرحبا بالعالم", "שלום עולם", "你好，我想请教一个问题",
    "こんにちは、よろしくお願いします", "Привет", "👩‍💻🏳️‍🌈", "\r\n", "\t", "   ", "\\n",
    "%s %d {0} {name}", "' OR 1=1 --", "<script>alert(1)</script>", "&amp; &lt;", "]]>",
    "\"quoted\"", "'; DROP TABLE critiques; --", "\ud800", "\udfff", "￿", "\U0010ffff",
    "ᅠ", "ﷺ", "Z̴̡̛a̷l̸g̶o̵", "${jndi:ldap://x}", "../../etc/passwd", "C:\\con\\aux",
]
# Lengths around Discord's limits (2,000 and 4,000) and far past them.
LENGTHS = [0, 1, 2000, 2001, 3999, 4000, 4001, 6000, 100_000]
DATES = ["2026-02-30", "yesterday", "today", "9999-12-31", "0001-01-01", "2026-01-05T25:00",
         "-1", "1e9", "3 days ago", "2026/01/05", "05.01.2026", "2026-01-05 09:00",
         "2026-1-5", "+2026-01-05", "２０２６-０１-０５", "1970-01-01T00:00:00Z", "0",
         "2026-13-01", "2026-01-04"]
ZONES = ["UTC", "Etc/GMT+14", "America", "Europe/Oslo ", "utc", "Factory", "posixrules",
         "localtime", "../../etc/passwd", "Asia/Kolkata", "US/Pacific", "+05:30", "EST5EDT",
         "Europe/Kyiv", "America/Argentina/ComodRivadavia", "Etc/GMT-15"]
WORDS = {"sent_on": DATES, "since": DATES, "until": DATES, "zone": ZONES,
         "lesson": ["networking-with-professionals", "hostile-words", "nope", "../x", "",
                    "NETWORKING-WITH-PROFESSIONALS"]}
NAMES = ["draft.txt", "x`**b**` <@1>.txt", "../../etc/passwd", "draft.txt\u202egpj.exe",
         "n" * 250 + ".txt", "名前.txt", ".txt", "NUL", "a b;c.md", "draft.TXT", "draft",
         "x.png", "x.pdf", "%00.txt", "draft.txt.zip", "<b>.txt"]


@dataclass
class Markers:
    """The markers handed out so far: secrets (DM drafts) and said text (in the open)."""

    secrets: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)

    def secret(self) -> str:
        self.secrets.append(f"secret-{len(self.secrets) + 1}x")
        return self.secrets[-1]

    def public(self) -> str:
        self.said.append(f"said-{len(self.said) + 1}x")
        return self.said[-1]


class Hostile:
    """Hostile input from one seed; `ids` are real mentions to paste (members, roles)."""

    def __init__(self, rng: random.Random, ids: list[str]) -> None:
        self.rng = rng
        self.ids = ids
        self.markers = Markers()

    def piece(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            target = rng.choice(self.ids)
            return rng.choice([f"<@{target}>", f"<@!{target}>", f"<@&{target}>", f"<#{target}>"])
        if roll < 0.2:
            return "".join(rng.choice(string.printable) for _ in range(rng.randrange(1, 12)))
        return rng.choice(PIECES)

    def text(self, marker: str | None = None, limit: int | None = None) -> str:
        """Member text: some pieces, sometimes stretched to a length near a limit, with the
        marker (if any) last, after a space (a cut at the end loses it, never half of it)."""
        rng = self.rng
        body = "".join(self.piece() for _ in range(rng.randrange(0, 5)))
        if rng.random() < 0.15:
            length = rng.choice(LENGTHS)
            body = (body + "word " * (length // 5 + 1))[:length] if length else ""
        if marker is not None:
            body = f"{body} {marker}"
        return body[:limit] if limit is not None else body

    def draft(self) -> str:
        """A DM draft: secret."""
        return self.text(self.markers.secret())

    def said(self, limit: int | None = None) -> str:
        """Text typed in the open, marked; a `limit` cuts from the front (the marker stays
        unless the limit is shorter than it)."""
        text = self.text(self.markers.public())
        return text if limit is None else text[-limit:]

    def file(self, secret: bool) -> dict[str, Any]:
        """An upload as the control API takes it: binary, another encoding, huge, an odd
        name (or hostile words with a marker, for the answers that name the file)."""
        rng = self.rng
        name = rng.choice(NAMES) if rng.random() < 0.5 else (
            f"{self.piece()[:20]} {self.markers.public()}{rng.choice(['.txt', '.pdf', ''])}")
        words = self.draft() if secret else self.said()
        kind = rng.choice(["utf-8", "utf-16", "latin-1", "binary", "huge", "empty", "bom"])
        if kind == "binary":
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
        elif kind == "huge":
            data = (words + "\n").encode("utf-8", "replace") * (2_000_000 // (len(words) + 1))
        elif kind == "empty":
            data = b""
        elif kind == "bom":
            data = b"\xef\xbb\xbf" + words.encode("utf-8", "replace")
        else:
            data = words.encode(kind, "replace")
        return {"filename": name, "base64": base64.b64encode(data).decode()}

    def integer(self, spec: dict[str, Any]) -> int:
        """An integer option within its range (a client sends no other): an end, next to
        one, a small number (a run or example that may exist), or any."""
        low = spec.get("min_value", -INT_LIMIT)
        high = spec.get("max_value", INT_LIMIT)
        picks = [low, high, low + 1, high - 1, 0, 1, 2, 3, self.rng.randint(low, high)]
        return self.rng.choice([n for n in picks if low <= n <= high])

    def string(self, spec: dict[str, Any]) -> str:
        """A string option: one of its choices, else hostile text within its lengths (a
        client sends nothing shorter or longer), words that fit its name half the time."""
        if spec.get("choices"):
            return str(self.rng.choice(spec["choices"])["value"])
        low, high = spec.get("min_length", 0), spec.get("max_length", 6000)
        words = WORDS.get(spec["name"])
        text = self.rng.choice(words) if words and self.rng.random() < 0.5 else self.said(high)
        text = text[:high]
        return text if len(text) >= low else (text + "x" * low)[:high]

    def options(self, leaf: dict[str, Any], channels: dict[str, int]) -> dict[str, Any]:
        """Values for a command's options: the required ones, each other one half the time
        (`channels`: what a channel option may name, with each one's type; a client offers
        only those of the types the option takes)."""
        values: dict[str, Any] = {}
        for spec in leaf.get("options") or []:
            if not spec.get("required") and self.rng.random() < 0.5:
                continue
            kind = spec["type"]
            if kind == 3:
                values[spec["name"]] = self.string(spec)
            elif kind == 4:
                values[spec["name"]] = self.integer(spec)
            elif kind == 5:
                values[spec["name"]] = self.rng.random() < 0.5
            elif kind == 7:
                types = spec.get("channel_types")
                values[spec["name"]] = self.rng.choice(
                    [c for c, t in channels.items() if types is None or t in types])
            elif kind == 11:
                values[spec["name"]] = self.file(secret=False)
        return values

    def modal_answers(self, modal: dict[str, Any], secret: bool) -> dict[str, Any]:
        """Answers to a modal's inputs as a client allows them: text within its lengths,
        options of a select."""
        answers: dict[str, Any] = {}
        for top in modal["components"]:
            for comp in [top["component"]] if top["type"] == 18 else top["components"]:
                if comp["type"] != 4:
                    options = [o["value"] for o in comp.get("options") or []]
                    answers[comp["custom_id"]] = self.picked(comp, options)
                    continue
                low = comp.get("min_length") or (1 if comp.get("required", True) else 0)
                high = comp.get("max_length") or 4000
                text = (self.draft() if secret else self.said(high))[-high:]
                answers[comp["custom_id"]] = text if len(text) >= low else (text + "x" * low)[
                    :high]
        return answers

    def picked(self, select: dict[str, Any], options: list[str]) -> list[str]:
        """Values for a select, as many as it takes."""
        high = min(select.get("max_values", 1), len(options))
        low = min(select.get("min_values", 1), high)
        return self.rng.sample(options, self.rng.randint(low, high))

    # --- files the operator hands in ------------------------------------------------------------

    def toml(self) -> str:
        """A config file: real sections and keys, hostile values."""
        rng = self.rng
        sections = {"discord": ["guild_ids", "lesson_channel_id", "moderator_role_ids"],
                    "cohort": ["timezone"], "storage": ["database"],
                    "review": ["max_chars", "rate_limit_per_hour"],
                    "followups": ["window_days", "friendly_hours"],
                    "lesson": ["directory", "default", "post_schedule"], "nope": ["x"]}
        lines = []
        for section in rng.sample(sorted(sections), rng.randrange(0, 4)):
            lines.append(f"[{section}]")
            for key in rng.sample(sections[section], rng.randrange(1, len(sections[section]) + 1)):
                lines.append(f"{key} = {self.toml_value()}")
        if rng.random() < 0.1:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(["[", "x = ", "= 1", "\x00"]))
        return "\n".join(lines)

    def toml_value(self) -> str:
        rng = self.rng
        return rng.choice([
            str(rng.randint(-INT_LIMIT, INT_LIMIT)), "9" * 400, "[]", "[1, 2]", "true", "nan",
            "-inf", "1979-05-27T07:32:00Z", json.dumps(self.text()), json.dumps(rng.choice(ZONES)),
            "\"0 9 * * MON\"", "\"0 9 30 2 *\"", "[\"a\", 1]", "{ a = 1 }", "\"lessons\"",
            "\"cohort.db\"", "[[[[]]]]"])

    def lesson(self, key: str) -> str:
        """A lesson file that loads, its every text field hostile (mentions, Markdown,
        scripts, controls) within the lesson format's limits."""
        def field_text(limit: int, *, one_line: bool = False) -> str:
            # TOML escapes no surrogate: a file cannot hold one. The loader refuses a
            # control character in a text but line breaks and tabs, and a title is one line
            # (bot/lessons/model.py: text_problem).
            text = "".join(c for c in self.text() + " " + self.said()
                           if not 0xD800 <= ord(c) <= 0xDFFF
                           and text_problem(c, one_line=one_line) is None)
            text = text[-limit:].strip()
            return json.dumps(text if not is_blank(text) else "x", ensure_ascii=False)

        examples = "".join(
            f"\n[[examples]]\ntitle = {field_text(MAX_EXAMPLE_TITLE, one_line=True)}\n"
            f"text = {field_text(3500)}\n" for _ in range(self.rng.randrange(1, 4)))
        return (f"key = \"{key}\"\ntitle = {field_text(200, one_line=True)}\n"
                f"prompt = {field_text(3500)}\n"
                f"recap = {field_text(3500)}\n{examples}")

    def broken_lesson(self) -> bytes:
        """A lesson file the loader must skip with a reason."""
        rng = self.rng
        good = self.lesson("broken-" + str(rng.randrange(1000)))
        return rng.choice([
            bytes(rng.randrange(256) for _ in range(200)),
            good.replace("key =", "kye =").encode(),
            (good + "\nimage = \"../../etc/passwd\"\n").encode(),
            good.encode("utf-16"),
            good.encode("utf-8") + b"\xff\xfe",
            good[: len(good) // 2].encode(),
            good.replace("[[examples]]", "[examples]", 1).encode(),
            b"key = \"" + b"x" * 70 + b"\"\n" + good.split("\n", 1)[1].encode(),
            b"",
        ])

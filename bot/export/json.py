"""JSON, streamed: the shape `docs/export-schema.json` documents (schema version 3).

The document is written piece by piece: the small parts (run, example, critiques,
participation) through `json.dumps`, and the messages one object per line as they come from
storage, so memory stays flat however long the threads are. Snowflakes are strings (a
JavaScript number cannot hold 64 bits); run and critique ids are numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from bot.export.model import (
    SCHEMA_VERSION,
    Critique,
    Document,
    ExampleSection,
    Message,
    Participant,
    RunSection,
)
from bot.export.times import Calendar
from bot.export.verdicts import comparison_line

SCHEMA_ID = "https://cohortbot.example/export-schema.json"
_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def render(doc: Document) -> Iterator[str]:
    cal = doc.calendar
    scope = doc.scope
    head = {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "generated_at": _time(cal, doc.generated_ms),
        "timezone": doc.timezone,
        "scope": {
            "runs": list(scope.run_ids),
            "example": scope.example,
            "since": _time(cal, scope.since_ms),
            "until": _time(cal, scope.until_ms),
            "include_bot_messages": scope.include_bot_messages,
        },
    }
    yield "{\n" + _fields(head, 1) + ',\n  "runs": ['
    for i, run in enumerate(doc.runs):
        yield ("," if i else "") + "\n    {\n" + _fields(_run(cal, run), 3)
        yield ',\n      "examples": ['
        for j, example in enumerate(run.examples):
            yield ("," if j else "") + "\n        {\n" + _fields(_example(cal, example), 5)
            yield ',\n          "messages": ['
            separator = "\n"
            for message in example.messages():
                yield separator + "            " + _compact(_message(cal, message))
                separator = ",\n"
            yield ("\n          " if separator != "\n" else "") + "]\n        }"
        yield ("\n      " if run.examples else "") + "],\n"
        participation = [_participant(cal, p) for p in run.participants]
        yield _fields({"participation": participation}, 3) + "\n    }"
    yield ("\n  " if doc.runs else "") + "]\n}\n"


def _fields(values: dict[str, Any], level: int) -> str:
    """`"key": value` lines at `level` (two spaces each), without the braces around them."""
    pad = "  " * level
    return ",\n".join(
        pad + json.dumps(key) + ": "
        + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)
        for key, value in values.items()
    )


def _time(cal: Calendar, ms: int | None) -> dict[str, str] | None:
    return None if ms is None else {"utc": cal.utc(ms), "local": cal.local(ms)}


def _run(cal: Calendar, run: RunSection) -> dict[str, Any]:
    counts = run.counts
    return {
        "id": run.id,
        "guild_id": str(run.guild_id),
        "channel_id": str(run.channel_id),
        "status": run.status,
        "lesson": {"key": run.lesson_key, "title": run.lesson_title, "prompt": run.prompt},
        "created_at": _time(cal, run.created_ms),
        "closed_at": _time(cal, run.closed_ms),
        "counts": {
            "examples": counts.examples, "messages": counts.messages,
            "bot_messages": counts.bot_messages,
            "critiques": counts.critiques, "votes": counts.votes,
            "attachments": counts.attachments, "reactions": counts.reactions,
            "participants": counts.participants,
        },
        "tally": _tally(run.tally),
        "participation_lists": "cohort" if run.whole_cohort else "participants",
    }


def _tally(tally: Any) -> dict[str, int]:
    return {"yes": tally.yes, "no": tally.no, "unsure": tally.unsure}


def _example(cal: Calendar, example: ExampleSection) -> dict[str, Any]:
    reviewer = example.reviewer
    return {
        "number": example.number,
        "title": example.title,
        "text": example.text,
        "thread_id": None if example.thread_id is None else str(example.thread_id),
        "tally": _tally(example.tally),
        "reviewer": None if reviewer is None else {"score": reviewer.score,
                                                   "verdict": reviewer.verdict},
        "comparison": comparison_line(example.tally, reviewer),
        "critiques": [_critique(cal, c) for c in example.critiques],
        "message_count": example.message_count,
        "bot_message_count": example.bot_message_count,
        "attachment_count": example.attachment_count,
        "reaction_count": example.reaction_count,
    }


def _critique(cal: Calendar, c: Critique) -> dict[str, Any]:
    return {
        "id": c.id,
        "author": {"id": str(c.author_id), "name": c.author_name},
        "works": c.works,
        "doesnt": c.doesnt,
        "likely": str(c.likely),
        "votes": c.votes,
        "voter_ids": [str(v) for v in c.voter_ids],
        "message_id": None if c.message_id is None else str(c.message_id),
        "created_at": _time(cal, c.created_ms),
        "updated_at": _time(cal, c.updated_ms),
    }


def _message(cal: Calendar, m: Message) -> dict[str, Any]:
    return {
        "id": str(m.message_id),
        "kind": m.kind,
        "author": {"id": None if m.author_id is None else str(m.author_id),
                   "name": m.author_name},
        "content": m.content,
        "created_at": _time(cal, m.created_ms),
        "edited_at": _time(cal, m.edited_ms),
        "reply_to": None if m.reply_to is None else {"id": str(m.reply_to.message_id),
                                                     "in_export": m.reply_to.in_export},
        "reply_missing": m.reply_missing,
        "attachments": [{"id": str(a.id), "filename": a.filename, "size": a.size, "url": a.url}
                        for a in m.attachments],
        "reactions": [
            {"emoji": r.emoji, "emoji_id": None if r.emoji_id is None else str(r.emoji_id),
             "count": r.total, "users": [{"id": str(u.id), "name": u.name} for u in r.users]}
            for r in m.reactions],
        "critique_id": m.critique_id,
    }


def _participant(cal: Calendar, p: Participant) -> dict[str, Any]:
    return {
        "member": {"id": str(p.member_id), "name": p.name},
        "critiques": p.critiques,
        "thread_messages": p.messages,
        "votes_given": p.votes_given,
        "votes_received": p.votes_received,
        "first_activity": _time(cal, p.first_ms),
        "last_activity": _time(cal, p.last_ms),
    }

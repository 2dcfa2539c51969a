"""The participation table: per member, what they did in a run, for grading.

Thread-message activity comes from storage already counted (a million messages are summed by
SQLite, not here); critiques and votes come from the run's critiques.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import NamedTuple

from bot.export.model import Critique, Participant


class MessageActivity(NamedTuple):
    member_id: int
    name: str
    messages: int
    first_ms: int
    last_ms: int


def name_of(member_id: int, names: Mapping[int, str]) -> str:
    """A member's name from `names`, else "member <id>" (storage/export.py says the same for
    a reactor whose name was not stored)."""
    return names.get(member_id, f"member {member_id}")


def participants(
    activity: Iterable[MessageActivity], critiques: Iterable[Critique],
    names: Mapping[int, str], roster: Iterable[int] | None = None,
) -> tuple[Participant, ...]:
    """Everyone who wrote, critiqued or voted, and every member of `roster` (the cohort, when
    it is known) with zeros for what they did not do, ordered by name (then id).

    A name is the one stored with the member's latest critique or message; voters who did
    neither, and the roster's, are named from `names` (the server's member list), else
    "member <id>".
    """
    table: dict[int, Participant] = {m: Participant(m, name_of(m, names)) for m in roster or ()}

    def get(member_id: int) -> Participant:
        found = table.get(member_id)
        if found is None:
            found = Participant(member_id, name_of(member_id, names))
        return found

    for a in activity:
        table[a.member_id] = replace(get(a.member_id), name=a.name, messages=a.messages,
                                     first_ms=a.first_ms, last_ms=a.last_ms)
    for c in sorted(critiques, key=lambda c: c.updated_ms):
        p = get(c.author_id)
        table[c.author_id] = replace(
            p, name=c.author_name, critiques=p.critiques + 1,
            votes_received=p.votes_received + c.votes,
            first_ms=_min(p.first_ms, c.created_ms), last_ms=_max(p.last_ms, c.updated_ms))
        for voter in c.voter_ids:
            v = get(voter)
            table[voter] = replace(v, votes_given=v.votes_given + 1)
    return tuple(sorted(table.values(), key=lambda p: (p.name.casefold(), p.member_id)))


def _min(a: int | None, b: int) -> int:
    return b if a is None else min(a, b)


def _max(a: int | None, b: int) -> int:
    return b if a is None else max(a, b)

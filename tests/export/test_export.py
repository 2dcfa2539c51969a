"""/export end to end: the real bot in the sandbox Discord, a run played by members, and the
files the moderator gets back, in every format."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.export.scenario import (
    ADA_DOESNT,
    BEN_WORKS,
    EDITED,
    FORMULA,
    HOSTILE,
    NEVER,
    export,
    files_of,
    forget,
    play,
)
from tests.markdown import shows_as_typed
from tests.world import CohortWorld, post

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "export-schema.json").read_text(encoding="utf-8"))


def csv_tables(data: bytes) -> dict[str, list[dict[str, str]]]:
    tables = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), name  # the BOM spreadsheets need
            text = raw.decode("utf-8-sig")
            assert "\r\n" in text  # RFC 4180 line ends
            tables[name] = list(csv.DictReader(io.StringIO(text, newline="")))
    return tables


async def db_counts(world: CohortWorld, run_id: int) -> dict[str, int]:
    db = world.bot.db
    threads = ("SELECT thread_id FROM run_examples WHERE run_id = ?")
    return {
        "messages": await db.fetchval(
            f"SELECT count(*) FROM discussion_messages WHERE thread_id IN ({threads})"
            " AND deleted_at IS NULL", (run_id,)),
        "critiques": await db.fetchval("SELECT count(*) FROM critiques WHERE run_id = ?",
                                       (run_id,)),
        "votes": await db.fetchval(
            "SELECT count(*) FROM critique_votes v JOIN critiques c ON c.id = v.critique_id"
            " WHERE c.run_id = ?", (run_id,)),
        "attachments": await db.fetchval(
            "SELECT count(*) FROM discussion_attachments a JOIN discussion_messages m"
            f" ON m.message_id = a.message_id WHERE m.thread_id IN ({threads})", (run_id,)),
        "reactions": await db.fetchval(
            "SELECT sum(r.count) FROM discussion_reactions r JOIN discussion_messages m"
            f" ON m.message_id = r.message_id WHERE m.thread_id IN ({threads})"
            " AND m.deleted_at IS NULL", (run_id,)),
    }


def assert_nothing_private(text: str) -> None:
    for secret in NEVER:
        assert secret not in text, secret


@pytest.mark.parametrize("fmt", ["html", "markdown", "json", "csv"])
async def test_a_played_run_exports_whole_and_nothing_private(
    world: CohortWorld, fmt: str,
) -> None:
    played = await play(world)
    names = {"ada": "Ada", "ben": "Ben"}  # display names (the sandbox's global names)
    result = await export(world, world.mod, format=fmt)
    assert result.callback_type == 5 and result.ephemeral  # deferred at once, privately
    (file,) = files_of(result)
    ending = {"html": ".html", "markdown": ".md", "json": ".json", "csv": "-csv.zip"}[fmt]
    assert file.filename == f"cohort-run-{played.run_id}{ending}"
    if fmt == "csv":
        tables = csv_tables(file.data)
        assert set(tables) == {"messages.csv", "critiques.csv", "participation.csv",
                               "examples.csv"}
        text = json.dumps(tables, ensure_ascii=False)
        messages = tables["messages.csv"]
        contents = [m["content"] for m in messages]
        assert "'" + FORMULA in contents  # neutralized, and otherwise intact
        assert HOSTILE in contents
        edited = next(m for m in messages if m["content"] == EDITED)
        assert edited["edited_at_utc"].endswith("Z") and edited["reply_to_id"]
        critiques = tables["critiques.csv"]
        ada = next(c for c in critiques if c["author_name"].lower() == "ada")
        assert ada["doesnt"] == "'" + ADA_DOESNT and ada["votes"] == "1"
        reacted = {m["message_id"]: m["reactions"] for m in messages if m["reactions"]}
        assert reacted == {str(played.opening.id): f"👍 1 ({names['ada']})",
                           str(played.hostile.id): f":party_blob: 1 ({names['ben']})"}
    else:
        text = file.data.decode("utf-8")
    assert_nothing_private(text)
    assert str(world.cy.id) not in text  # the forgotten member, not even by id
    assert "ada" in text.lower() and "ben" in text.lower()

    if fmt == "json":
        doc = json.loads(text)
        jsonschema.validate(doc, SCHEMA)
        (run,) = doc["runs"]
        messages = [m for e in run["examples"] for m in e["messages"]]
        counts = await db_counts(world, played.run_id)
        assert run["counts"]["messages"] == len(messages) == counts["messages"] == 6
        assert run["counts"]["critiques"] == counts["critiques"] == 2
        assert run["counts"]["votes"] == counts["votes"] == 1
        assert run["counts"]["attachments"] == counts["attachments"] == 1
        assert run["counts"]["reactions"] == counts["reactions"] == 2
        assert sum(e["reaction_count"] for e in run["examples"]) == 2
        assert sum(r["count"] for m in messages for r in m["reactions"]) == 2
        by_id = {m["id"]: m for m in messages}
        reply = by_id[str(played.reply_to_forgotten.id)]
        assert reply["reply_to"] is None and reply["reply_missing"]
        edited = by_id[str(played.edited.id)]
        assert edited["content"] == EDITED and edited["edited_at"] is not None
        assert edited["reply_to"]["in_export"]
        hostile = next(m for m in messages if m["content"] == HOSTILE)
        assert hostile["attachments"][0]["filename"] == "notes\u202etxt.exe"
        assert hostile["reactions"] == [{
            "emoji": "party_blob", "emoji_id": "880000000000000001", "count": 1,
            "users": [{"id": str(world.ben.id), "name": names["ben"]}]}]
        assert by_id[str(played.opening.id)]["reactions"] == [{
            "emoji": "👍", "emoji_id": None, "count": 1,
            "users": [{"id": str(world.ada.id), "name": names["ada"]}]}]
        # Reactions are not votes: ada's 👍 on a thread message counts for nothing there
        # (her one vote was on cy's critique, gone with cy's /forget-me).
        ada = next(p for p in run["participation"] if p["member"]["id"] == str(world.ada.id))
        assert ada["votes_given"] == 0
        tally = run["examples"][0]["tally"]
        assert tally == {"yes": 0, "no": 1, "unsure": 0}
        assert "lesson's rules say" in run["examples"][0]["comparison"]
    if fmt == "html":
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        assert "<script" not in text and "<img" not in text  # member markup stays text
        assert "&lt;script&gt;" in text and "[U+202E]" in text
        assert 'href="javascript' not in text and 'src="' not in text
        assert "(edited" in text and "<svg" in text
        assert f":party_blob: 1 ({names['ben']})" in text
        # Who gave the votes (docs/export.md): ben; cy's 👍 went with their /forget-me.
        assert f"· 1 vote ({names['ben']})</div>" in text
    if fmt == "markdown":
        assert "\\<script\\>" in text and "\\!\\[pixel\\]" not in text
        assert "!\\[pixel\\]" in text  # no image syntax left: nothing is fetched
        assert "\\[click me\\]" in text and "\\[U+202E\\]" in text
        assert "| Member |" in text and "edited" in text
        assert f":party\\_blob: 1 ({names['ben']})" in text
        assert f"· 👍 1 ({names['ben']}) ·" in text  # the voters; cy's vote is gone


async def test_json_scope_filters_by_example_and_dates(world: CohortWorld) -> None:
    played = await play(world)
    one = await export(world, world.mod, format="json", example=3)
    doc = json.loads(files_of(one)[0].data)
    jsonschema.validate(doc, SCHEMA)
    (example,) = doc["runs"][0]["examples"]
    assert example["number"] == 3 and example["critiques"][0]["works"] == BEN_WORKS
    later = await export(world, world.mod, format="json", since="2026-01-06")
    doc = json.loads(files_of(later)[0].data)
    assert doc["runs"][0]["counts"] == {"examples": 3, "messages": 0, "bot_messages": 0,
                                        "critiques": 0, "votes": 0, "attachments": 0,
                                        "reactions": 0, "participants": 0}
    assert doc["scope"]["since"]["utc"] == "2026-01-06T00:00:00.000Z"
    assert played.run_id == doc["runs"][0]["id"]


async def test_bot_messages_join_the_conversation_on_request(world: CohortWorld) -> None:
    played = await play(world)
    result = await export(world, world.mod, format="json", bot_messages=True)
    doc = json.loads(files_of(result)[0].data)
    jsonschema.validate(doc, SCHEMA)
    first = doc["runs"][0]["examples"][0]
    bots = [m for m in first["messages"] if m["kind"] == "bot"]
    assert [m["id"] for m in bots] == [str(played.ada_critique_post.id)]
    assert bots[0]["author"]["id"] == str(world.bot.user.id)  # type: ignore[union-attr]
    assert bots[0]["reactions"] == [{  # the vote: ben's (cy's went with /forget-me)
        "emoji": "👍", "emoji_id": None, "count": 1,
        "users": [{"id": str(world.ben.id), "name": "Ben"}]}]
    ids = [int(m["id"]) for m in first["messages"]]
    assert ids == sorted(ids)  # in the thread's order
    assert len(ids) == first["message_count"] + first["bot_message_count"]
    assert doc["runs"][0]["counts"]["bot_messages"] == 2
    csv_result = await export(world, world.mod, format="csv", table="messages",
                              bot_messages=True)
    (file,) = files_of(csv_result)
    rows = list(csv.DictReader(io.StringIO(file.data.decode("utf-8-sig"), newline="")))
    assert [r["kind"] for r in rows].count("bot") == 2  # ada's and ben's critiques
    for number in ("1", "2", "3"):  # grouped by example, each in the thread's order
        ids = [int(r["message_id"]) for r in rows if r["example_no"] == number]
        assert ids == sorted(ids)
    assert [r["example_no"] for r in rows] == sorted(r["example_no"] for r in rows)


async def test_a_member_is_refused_and_gets_no_file(world: CohortWorld) -> None:
    await post(world)
    result = await export(world, world.ada, format="json")
    assert result.ephemeral
    assert "Only moderators" in result.response.content
    assert files_of(result) == [] and not result.response.attachments
    choices = await world.ada.autocomplete("export", "run", channel=world.lessons)
    assert choices.choices == []  # not even the list of runs


async def test_run_autocomplete_lists_runs_newest_first(world: CohortWorld) -> None:
    first = await post(world)
    second = await post(world)
    typed = await world.mod.autocomplete("export", "run", channel=world.lessons)
    assert [c["value"] for c in typed.choices or []] == [second, first]
    assert "Networking with Professionals" in (typed.choices or [])[0]["name"]
    narrowed = await world.mod.autocomplete("export", "run", {"run": str(first)},
                                            channel=world.lessons)
    assert [c["value"] for c in narrowed.choices or []] == [first]


async def test_run_autocomplete_gives_the_time_in_the_moderators_timezone(
    world: CohortWorld,
) -> None:
    """A choice is plain text (Discord renders no timestamp in it), so its time is the
    moderator's own: the run posted at 09:00 UTC is 23:00 in Kiritimati (UTC+14). Review 6,
    finding 10 (the class: no date shown in UTC or the server's time)."""
    await world.mod.slash("settings timezone", {"zone": "Pacific/Kiritimati"})
    await post(world)
    typed = await world.mod.autocomplete("export", "run", channel=world.lessons)
    (label,) = [c["name"] for c in typed.choices or []]
    assert "posted 2026-01-05 23:00" in label


async def test_an_oversized_export_comes_in_parts_that_each_fit(world: CohortWorld) -> None:
    import random

    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    noise = random.Random(7)
    for i in range(120):  # text that compresses poorly, so the zip cannot fit either
        words = "".join(noise.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(900))
        await world.ben.say(thread, f"{i} {words}", settle=False)
    await world.sandbox.settle()
    limit = 25_000
    world.sandbox.server.actions.upload_limit = limit  # what Discord sends and enforces
    result = await export(world, world.mod, format="html")
    parts = files_of(result)
    assert len(parts) >= 3
    assert all(len(p.data) <= limit for p in parts)
    assert [p.filename for p in parts] == [
        f"cohort-run-1.html.zip.{n:03d}" for n in range(1, len(parts) + 1)]
    assert "parts" in result.followups[0].content and "cat " in result.followups[0].content
    joined = b"".join(p.data for p in parts)
    with zipfile.ZipFile(io.BytesIO(joined)) as archive:
        html = archive.read("cohort-run-1.html").decode("utf-8")
    assert html.count('class="message"') == 120


async def test_an_export_that_fits_only_zipped_is_zipped(world: CohortWorld) -> None:
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    for i in range(100):
        await world.ben.say(thread, f"message {i}: " + "the same words again " * 40,
                            settle=False)
    await world.sandbox.settle()
    world.sandbox.server.actions.upload_limit = 60_000
    result = await export(world, world.mod, format="markdown")
    (file,) = files_of(result)
    assert file.filename == "cohort-run-1.md.zip" and len(file.data) <= 60_000
    assert "zipped" in result.followups[0].content


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"since": "last week"}, "must be a date like 2026-01-05"),
        ({"since": "2026-01-09", "until": "2026-01-08"}, "must come before"),
        ({"format": "json", "table": "messages"}, "`table` is for the CSV format"),
        ({"run": 99}, "There is no run #99 in this server"),
        ({"example": 7}, "has no example 7"),
    ],
)
async def test_bad_options_get_a_clear_answer(
    world: CohortWorld, options: dict[str, Any], expected: str,
) -> None:
    await post(world)
    result = await export(world, world.mod, **options)
    assert result.ephemeral
    answer = result.followups[-1]
    assert expected in answer.content and not answer.attachments


async def test_nothing_posted_yet_says_so(world: CohortWorld) -> None:
    result = await export(world, world.mod)
    assert "nothing to export" in result.followups[-1].content


async def test_summary_shows_the_reviewer_beside_the_tally(world: CohortWorld) -> None:
    await play(world)
    result = await world.mod.slash("lesson summary", channel=world.lessons)
    fields = result.followups[-1].embeds[0]["fields"]
    first = fields[0]["value"].splitlines()
    assert first[0].startswith("1 critique —")
    assert first[1].startswith("The cohort said no (1 of 1); the lesson's rules say ")


async def test_mentions_read_as_names_and_every_member_is_on_the_grading_sheet(
    world: CohortWorld,
) -> None:
    """The moderator's export names who a message mentions (members, roles, channels as the
    server has them) and lists the whole cohort the lesson was posted to, as /lesson summary
    does ("Not critiqued yet: Ben, Cy"); a member who used /forget-me is off the list."""
    run_id = await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    role = world.guild.moderator_role
    await world.ada.say(thread, f"hey <@{world.ben.id}> and <@&{role.id}> @everyone look "
                                f"in <#{world.lessons.id}>")

    async def exported(fmt: str) -> str:
        (file,) = files_of(await export(world, world.mod, format=fmt))
        return file.data.decode("utf-8")

    page, notes = await exported("html"), await exported("markdown")
    assert "hey @Ben and @Moderator @everyone look in #lessons" in page
    assert "hey @Ben and @Moderator @everyone look in #lessons" in notes
    for text in (page, notes):
        assert str(world.ben.id) not in text and str(role.id) not in text
    doc = json.loads(await exported("json"))
    (run,) = doc["runs"]
    assert run["id"] == run_id and run["participation_lists"] == "cohort"
    rows = {p["member"]["name"]: (p["critiques"], p["thread_messages"], p["votes_given"])
            for p in run["participation"]}
    assert rows == {"Ada": (0, 1, 0), "Ben": (0, 0, 0), "Cy": (0, 0, 0)}  # not the moderator
    assert run["counts"]["participants"] == 1  # taking part: Ada alone
    assert "with zeros for what they did not do" in page

    await forget(world.cy)
    after = json.loads(await exported("json"))
    assert [p["member"]["name"] for p in after["runs"][0]["participation"]] == ["Ada", "Ben"]
    assert str(world.cy.id) not in json.dumps(after)


async def test_a_date_that_is_none_is_quoted_as_typed(world: CohortWorld) -> None:
    """The date went between quotation marks unescaped: a mention or Markdown typed there
    rendered in the bot's answer."""
    await post(world)
    typed = "<@1> **last** `week`"
    result = await export(world, world.mod, since=typed)
    answer = result.followups[-1].content
    assert "must be a date like" in answer and shows_as_typed(answer, typed), answer

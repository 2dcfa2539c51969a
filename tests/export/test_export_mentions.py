"""Discord's markup in member text (mentions, custom emoji, times, commands) as every export
shows it: words, never the ids (bot/export/mentions.py); and the participation table's roster."""

from __future__ import annotations

import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.export.mentions import Names, readable, readable_excerpt
from bot.export.model import Format
from bot.export.participation import participants
from bot.export.times import Calendar
from bot.services.export import ExportRequest
from tests.export.data import THREADS, Said, service, store_run
from tests.export.test_export import csv_tables

BERLIN = Calendar(ZoneInfo("Europe/Berlin"))
ADA, BEN, GONE, ROLE = 1457659890893434889, 1457659890893434890, 1457659890893434999, 77
NAMES = Names(BERLIN, {ADA: "Ada", BEN: "Ben"}.get, roles={ROLE: "Moderator", 1: "@everyone"},
              channels={THREADS[0]: "Outreach 1 — critiques"})


def test_each_kind_of_markup_reads_as_a_discord_client_shows_it() -> None:
    cases = {
        f"hey <@{ADA}> and <@!{BEN}>": "hey @Ada and @Ben",
        f"<@&{ROLE}> @everyone look": "@Moderator @everyone look",
        "<@&1> and <@&9>": "@everyone and @unknown role",
        f"<@{GONE}> said so": "@unknown member said so",
        f"see <#{THREADS[0]}> or <#5>": "see #Outreach 1 — critiques or #unknown channel",
        "<:party_blob:880000000000000001> <a:wave:880000000000000002>": ":party_blob: :wave:",
        "at <t:1767603600:F>, <t:1767603600> on <t:1767603600:d>":
            "at 2026-01-05 10:00, 2026-01-05 10:00 on 2026-01-05",
        "try </lesson summary:123456>": "try /lesson summary",
        "a <b>tag</b>, <@ada>, <t:99999999999999999>, 2 < 3":
            "a <b>tag</b>, <@ada>, <t:99999999999999999>, 2 < 3",  # not Discord's markup
    }
    for typed, shown in cases.items():
        assert readable(typed, NAMES) == shown, typed


def test_an_excerpt_cut_inside_a_mention_shows_no_part_of_the_id() -> None:
    assert readable_excerpt(f"ask <@{ADA}> or <@{BEN}", NAMES) == "ask @Ada or …"
    assert readable_excerpt("at <t:17676036", NAMES) == "at …"
    assert readable_excerpt("I like <apples", NAMES) == "I like <apples"  # no markup cut


IDS = st.integers(min_value=0, max_value=10**20 - 1)


@given(st.lists(st.one_of(st.text(max_size=12), IDS.map(lambda i: f"<@{i}>"),
                          IDS.map(lambda i: f"<@!{i}>"), IDS.map(lambda i: f"<@&{i}>"),
                          IDS.map(lambda i: f"<#{i}>")), max_size=8))
def test_no_mention_of_anyone_unknown_keeps_its_id(parts: list[str]) -> None:
    """Whatever surrounds them, every mention is replaced, and no replacement makes one."""
    shown = readable("".join(parts), Names(BERLIN))
    assert re.search(r"<(@[!&]?|#)\d{1,20}>", shown) is None, shown


def test_the_roster_lists_who_did_nothing_with_zeros() -> None:
    rows = participants([], [], names={2: "Ben", 3: "Cy"}, roster=[3, 2])
    assert [(p.name, p.critiques, p.messages, p.votes_given, p.took_part) for p in rows] == [
        ("Ben", 0, 0, 0, False), ("Cy", 0, 0, 0, False)]


async def test_every_format_shows_the_markup_as_words(tmp_path: Path) -> None:
    """From the database alone (`cohortbot export`): members by their stored names, roles and
    channels it cannot name as unknown, and never an id in the text."""
    db = tmp_path / "c.db"
    text = (f"hey <@{ADA}> and <@&{ROLE}> @everyone look, <@{GONE}> too, in <#{THREADS[1]}> "
            "<:blob:880000000000000001> at <t:1767603600:f>")
    await store_run(db, [Said(ADA, "Ada", "first"), Said(BEN, "Ben", text),
                         Said(BEN, "Ben", "plain, no markup"),
                         Said(ADA, "Ada", f"answering <@{BEN}>", reply_to=1)])
    shown = ("hey @Ada and @unknown role @everyone look, @unknown member too, in "
             "#unknown channel :blob: at 2026-01-05 10:00")
    export = service(db)
    outputs = {}
    for fmt in Format:
        out = tmp_path / f"x.{fmt}"
        with out.open("wb") as stream:
            export.write(ExportRequest(fmt), stream)
        outputs[fmt] = out.read_bytes()
    doc = json.loads(outputs[Format.JSON])
    contents = [m["content"] for m in doc["runs"][0]["examples"][0]["messages"]]
    assert contents == ["first", shown, "plain, no markup", "answering @Ben"]
    assert doc["schema_version"] == 3
    messages = csv_tables(outputs[Format.CSV])["messages.csv"]
    assert [m["content"] for m in messages] == contents  # SQLite's rows and Python's
    html = outputs[Format.HTML].decode()
    assert "hey @Ada and @unknown role @everyone look" in html
    assert "↪ Ben: “hey @Ada and @unknown role" in html  # the reply's excerpt too
    assert "@Ada and @unknown role @everyone look" in outputs[Format.MARKDOWN].decode()
    for fmt, data in outputs.items():
        written = data.decode("utf-8", "replace") if fmt is not Format.CSV else json.dumps(
            csv_tables(data), ensure_ascii=False)
        for raw in (f"<@{ADA}", f"&lt;@{ADA}", str(GONE), f"@&amp;{ROLE}", "<t:", "&lt;t:",
                    "880000000000000001"):
            assert raw not in written, (fmt, raw)

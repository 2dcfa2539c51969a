"""The Markdown export under GitHub's dialect (GFM: GitHub, GitLab, VS Code's preview, most
wikis), which also links bare addresses: no member text becomes a link or markup there."""

from __future__ import annotations

import html
import re
from zoneinfo import ZoneInfo

import cmarkgfm
from hypothesis import example, given
from hypothesis import strategies as st

from bot.critiques import Likely
from bot.export import markdown as export_markdown
from bot.export.markdown import md, quote
from bot.export.model import Critique, Message
from bot.export.text import visible
from bot.export.times import Calendar
from bot.visible import is_blank
from tests.export.scenario import export, files_of
from tests.export.test_export_domain import unjoined
from tests.world import CohortWorld, critique, example_messages, post

CAL = Calendar(ZoneInfo("UTC"))
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
# What GFM links on its own, and the tester's phishing texts.
ADDRESSES = [
    "https://evil.example", "HTTP://evil.example/x?y=1", "ftp://files.example", "www.evil.example",
    "(WWW.evil.example)", "*www.evil.example*", "ada@evil.example", "a.b+c@evil.co.uk",
    "mailto:ada@evil.example", "xmpp:ada@evil.example/home", "[click](https://evil.example)",
    "[Verify here](https://evil.example/login)", "<https://evil.example>", "x@y@z.example",
]
_HREF = re.compile(r'<(a|img)\b[^>]*>')
_TAGS = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")


def gfm(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown)


def links(rendered: str) -> list[str]:
    """Every link or image in `rendered` but the export's own anchors and `#` links."""
    return [tag for tag in _HREF.findall(rendered) if tag != "a"] + [
        m for m in re.findall(r'<a\b[^>]*>', rendered)
        if not re.fullmatch(r'<a (id|href)="#?[\w-]+">', m)]


@given(TEXT)
@example("https://evil.example")
@example("see www.evil.example or ada@evil.example")
def test_no_text_becomes_a_link_in_github_markdown(text: str) -> None:
    for markdown in (md(text), quote(text), f"| {md(text)} | 1 |\n| --- | ---: |\n"):
        assert links(gfm(markdown)) == [], (text, markdown)


@given(TEXT)
@example("mail ada@evil.example, or https://x.example")
@example("\xad")  # a soft hyphen alone shows nothing: "(no text)", as in Discord
def test_github_markdown_shows_the_text_as_typed(text: str) -> None:
    rendered = gfm(quote(text))
    if is_blank(visible(text)):
        assert "(no text)" in rendered, (text, rendered)
    else:
        shown = unjoined(html.unescape(_TAGS.sub(" ", rendered)))
        assert shown.split() == unjoined(visible(text).replace("\x00", "\ufffd")).split()


@given(st.sampled_from(ADDRESSES) | TEXT, st.sampled_from(ADDRESSES) | TEXT,
       st.sampled_from(ADDRESSES) | TEXT)
def test_a_critique_and_a_message_hold_no_member_link(name: str, works: str,
                                                      content: str) -> None:
    c = Critique(6, 1, 1, name, works, content, Likely.YES, (), None, 1_000, 1_000)
    m = Message(1_300_000_000_000_000_000, "member", 1, name, content, 1_000, None, None)
    rendered = gfm(export_markdown._critique(CAL, "run-1", c)
                   + export_markdown._message(CAL, "run-1", m))
    assert links(rendered) == [], rendered


async def test_the_testers_phishing_critique_and_name_give_no_link(world: CohortWorld) -> None:
    """F4 through the bot: a critique, a thread message and a display name holding addresses;
    the moderator's `/export format:markdown` rendered as GitHub renders it links none."""
    await post(world)
    first, _, _ = example_messages(world)
    phisher = world.guild.handle.add_member("[verify here](https://evil.example/login)")
    await world.sandbox.settle()
    await critique(world, world.ada, first, "Nice [click](https://evil.example) www.evil.example",
                   "write to ada@evil.example", "no")
    thread = world.sandbox.threads(world.lessons)[0]
    await phisher.say(thread, "my notes: https://evil.example/notes")
    (file,) = files_of(await export(world, world.mod, format="markdown"))
    text = file.data.decode("utf-8")
    assert "https\\://evil.example" in text  # shown as typed, unlinked
    rendered = gfm(text)
    assert "evil.example" in rendered and links(rendered) == [], links(rendered)

"""Links in the exports: every attachment URL goes through `safe_url`, so whatever Discord (or
a local one) stores as a URL, and whatever the file is called, the Markdown renders no HTML of
its own and the HTML gets no tag or attribute of its own."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import commonmark
from hypothesis import example, given
from hypothesis import strategies as st

from bot.export import html as export_html
from bot.export import markdown as export_markdown
from bot.export.model import Attachment, Message
from bot.export.text import URL_KEPT, safe_url
from bot.export.times import Calendar
from tests.export.scenario import export, files_of
from tests.world import CohortWorld, post

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
URLS = (st.builds(lambda scheme, rest: scheme + rest,
                  st.sampled_from(["https://", "http://", "javascript:", "data:", ""]), TEXT)
        | st.just("https://cdn.discordapp.com/attachments/1/2/a%20b.png?ex=6&is=7&hm=8f&"))
CAL = Calendar(ZoneInfo("UTC"))
HOSTILE_NAME = 'evil"name<script>.txt'


def message(content: str, files: list[tuple[str, str]]) -> Message:
    return Message(1_300_000_000_000_000_000, "member", 1, "Ada", content,
                   1_767_600_000_000, None, None,
                   attachments=tuple(Attachment(9 + i, name, 12, url)
                                     for i, (name, url) in enumerate(files)))


def assert_a_kept_link(href: str) -> None:
    assert href.startswith(("https://", "http://", "#")), href
    assert set(href) <= URL_KEPT, href


@given(st.text(URL_KEPT | set("<>\"' \n\\`{}|^[]é\u202e"), max_size=40))
def test_safe_url_keeps_only_link_characters_and_means_the_same(rest: str) -> None:
    url = "https://cdn.example/" + rest
    made = safe_url(url)
    assert made is not None and set(made) <= URL_KEPT
    if "%" not in rest:  # a `%` already there is kept as the escape it is
        assert unquote(made) == url
    assert safe_url("javascript:" + rest) is None


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ATTR = re.compile(r'\s*([a-z-]+)="([^"]*)"')


@given(TEXT, st.lists(st.tuples(TEXT, URLS), max_size=3))
@example("hi", [(HOSTILE_NAME, f"https://cdn.example/{HOSTILE_NAME}")])
@example("x", [("a", "https://x/a>)<img src=x onerror=alert(1)>")])
def test_markdown_renders_no_html_from_any_url_or_text(
    content: str, files: list[tuple[str, str]],
) -> None:
    rendered = commonmark.commonmark(export_markdown._message(CAL, "run-1", message(content,
                                                                                    files)))
    for closing, tag, attrs in _TAG.findall(rendered):
        assert tag in {"p", "strong", "br", "blockquote", "em", "a"}, rendered
        pairs = _ATTR.findall(attrs)
        assert "".join(f' {k}="{v}"' for k, v in pairs) == attrs.rstrip(" /"), rendered
        if tag == "a" and not closing:
            ((name, value),) = pairs
            assert name in {"id", "href"}, rendered
            if name == "href":
                assert_a_kept_link(html.unescape(value))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@given(TEXT, st.lists(st.tuples(TEXT, URLS), max_size=3))
@example("hi", [(HOSTILE_NAME, f"https://cdn.example/{HOSTILE_NAME}")])
def test_html_gets_no_tag_or_attribute_from_any_url_or_text(
    content: str, files: list[tuple[str, str]],
) -> None:
    parser = _Tags()
    parser.feed(export_html._message(CAL, "run-1", message(content, files)))
    links = [dict(attrs) for tag, attrs in parser.tags if tag == "a"]
    assert {tag for tag, _ in parser.tags} <= {"article", "div", "span", "strong", "a", "p",
                                               "br", "ul", "li", "time", "blockquote"}
    for attrs in parser.tags:
        assert not any(name.startswith("on") for name, _ in attrs[1])
    hrefs = [link["href"] for link in links if "href" in link]
    for href in hrefs:
        assert href is not None
        assert_a_kept_link(href)
    assert len([h for h in hrefs if not h.startswith("#")]) == sum(
        1 for _, url in files if url.startswith(("https://", "http://")))


async def test_a_file_named_to_break_the_link_stays_a_file(world: CohortWorld) -> None:
    """The reviewer's case: the local Discord puts the file name in its URL as it is."""
    await post(world)
    thread = world.sandbox.threads(world.lessons)[0]
    await world.ada.say(thread, "my notes", attachments=[(HOSTILE_NAME, b"some notes")])
    (file,) = files_of(await export(world, world.mod, format="markdown"))
    text = file.data.decode("utf-8")
    assert "<script" not in commonmark.commonmark(text)
    (line,) = [line for line in text.splitlines() if line.startswith("📎")]
    url = line.split("](<", 1)[1].split(">)", 1)[0]
    assert_a_kept_link(url)
    assert unquote(url).endswith(HOSTILE_NAME)

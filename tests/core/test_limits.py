"""Discord's limits, fitted in one place: whatever text an embed or a message is built from,
what the bot sends is within them, and what was cut ends in "…"."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from bot import limits
from bot.display import clip
from bot.limits import embed_size, fair_share, fit_content, fit_embed
from cogs._embeds import Embed

ROOT = Path(__file__).resolve().parents[2]
# Escapes and long runs, as member text in an embed holds them once escaped.
TEXT = st.text(st.sampled_from("ab \\*…\n"), max_size=30).map(lambda t: t * 250)
SHORT = st.text(max_size=20)


def within_limits(data: dict[str, Any]) -> None:
    assert len(data.get("title", "")) <= limits.EMBED_TITLE
    assert len(data.get("description", "")) <= limits.EMBED_DESCRIPTION
    assert len(data.get("footer", {}).get("text", "")) <= limits.FOOTER
    assert len(data.get("author", {}).get("name", "")) <= limits.AUTHOR_NAME
    assert len(data.get("fields", [])) <= limits.FIELDS
    for f in data.get("fields", []):
        assert 0 < len(f["name"]) <= limits.FIELD_NAME
        assert 0 < len(f["value"]) <= limits.FIELD_VALUE
    assert embed_size(data) <= limits.EMBED_TOTAL


def no_lone_escape_at_a_cut(text: str, original: str) -> None:
    if text != original and original:
        assert text.endswith("…")
        body = text[:-1]
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0, text[-10:]


@given(TEXT, TEXT, TEXT, TEXT, st.lists(st.tuples(TEXT | SHORT, TEXT | SHORT), max_size=30))
@example("t" * 300, "d" * 200, "f", "a",
         [(f"Outreach {i} " + "t" * 200, "v" * 1000) for i in range(10)])  # a long summary
def test_any_embed_is_sent_within_discords_limits(
    title: str, description: str, footer: str, author: str, fields: list[tuple[str, str]],
) -> None:
    embed = Embed(title=title, description=description)
    embed.set_footer(text=footer)
    embed.set_author(name=author)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    sent = embed.to_dict()  # what discord.py sends
    within_limits(dict(sent))
    no_lone_escape_at_a_cut(sent.get("description", ""), description)
    no_lone_escape_at_a_cut(sent.get("title", ""), title)
    for f, (_, value) in zip(sent.get("fields", []), fields, strict=False):
        no_lone_escape_at_a_cut(f["value"], value)


@given(TEXT, st.lists(st.tuples(SHORT, TEXT | SHORT), min_size=1, max_size=25))
@example("d" * 200, [(f"Outreach {i} " + "t" * 76, "v" * 900) for i in range(10)])
def test_an_embed_over_the_total_is_shortened_evenly(
    description: str, fields: list[tuple[str, str]],
) -> None:
    """The longest texts give way, to one length: none is cut to "…" while another stays
    long (a summary's first examples once showed nothing, its last ones whole)."""
    embed = Embed(description=description)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    sent = dict(embed.to_dict())
    texts = [(sent.get("description", ""), description),
             *((f["value"], clip(value, limits.FIELD_VALUE) or limits.EMPTY_FIELD)
               for f, (_, value) in zip(sent["fields"], fields, strict=True))]
    cut = [len(shown) for shown, built in texts if shown != built]
    if cut:  # give or take one, and one an escape kept whole
        assert min(cut) >= max(len(shown) for shown, _ in texts) - 2, cut


@given(st.lists(st.integers(0, 5000), max_size=30), st.integers(-10, 60_000))
def test_a_fair_share_cuts_only_the_longest_to_one_length(sizes: list[int], room: int) -> None:
    shares = fair_share(sizes, room)
    assert all(0 <= share <= size for share, size in zip(shares, sizes, strict=True))
    assert sum(shares) <= max(room, 0)
    if sum(sizes) <= room:
        assert shares == sizes
    elif room > 0:
        assert sum(shares) == room  # all the room is used
        cut = [share for share, size in zip(shares, sizes, strict=True) if share < size]
        assert max(shares) - min(cut) <= 1


def test_an_embed_within_the_limits_is_sent_as_built() -> None:
    embed = Embed(title="t", description="d")
    embed.add_field(name="n", value="v")
    embed.set_footer(text="f")
    assert fit_embed(dict(embed.to_dict())) == dict(embed.to_dict())
    assert embed.to_dict()["fields"] == [{"name": "n", "value": "v", "inline": True}]


@given(st.text(max_size=5000))
def test_any_message_text_is_sent_within_2000(text: str) -> None:
    fitted = fit_content(text)
    assert len(fitted) <= limits.CONTENT
    assert fitted == text or fitted.endswith("…")


def test_every_embed_the_bot_builds_is_the_fitted_one() -> None:
    """One place fits them: an embed built as `discord.Embed(...)` anywhere else would go
    out unfitted."""
    built_raw = []
    for path in sorted((ROOT / "cogs").rglob("*.py")) + sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "Embed" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "discord"):
                built_raw.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert built_raw == []

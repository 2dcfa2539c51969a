"""How the sandbox terminal shows Discord's markup, sizes and components
(localdiscord/script/render.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from localdiscord.script import render


def test_render_markup_and_sizes() -> None:
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    names = render.Names(user=lambda i: {1: "ada"}.get(i, "?"), channel=lambda i: "#lessons",
                         role=lambda i: "Moderator", now=lambda: now)
    epoch = int((now + timedelta(hours=1)).timestamp())
    text = render.markup(f"<@1> in <#2> for <@&3>: again <t:{epoch}:R>, <t:{epoch}:D>", names)
    assert text == "@ada in #lessons for @Moderator: again in 1 hour, 05 January 2026"
    assert render.size(13_312) == "13.0 KB" and render.size(10) == "10 B"
    buttons = [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Revise", "custom_id": "x", "emoji": {"name": "✏️"}},
        {"type": 2, "style": 5, "label": "Docs", "url": "https://example.com"}]}]
    assert render.component_lines(buttons) == ["[✏️ Revise] [Docs → https://example.com]"]

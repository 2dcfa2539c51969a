"""docs/localdiscord.md documents every route of the control API."""

from __future__ import annotations

from pathlib import Path

from localdiscord.control.routes import CLOCK_FOLLOW, ROUTES

DOC = Path(__file__).resolve().parents[2] / "docs" / "localdiscord.md"


def test_every_control_route_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [f"{r.method} {r.path} ({r.name})" for r in ROUTES
               if f"| `{r.method} {r.path}` | `{r.name}` |" not in text]
    assert missing == []
    assert f"`GET {CLOCK_FOLLOW}`" in text

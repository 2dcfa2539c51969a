"""Member text made safe to show: what the HTML and Markdown exports share.

Escaping stops markup; it does not stop a right-to-left override (U+202E) from turning
"gpj.exe" into "exe.jpg" on screen, nor invisible control characters. Those are shown as
visible marks, like "[U+202E]", so a reader sees exactly what was typed.
"""

from __future__ import annotations

import re
import string
from urllib.parse import quote

from bot.display import plural

# Bidirectional formatting characters (Unicode's "Bidi_Control") and the C0/C1 controls other
# than tab and line feed.
_HIDDEN = re.compile(
    "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
_WHITESPACE = re.compile(r"\s+")


def visible(text: str) -> str:
    """`text` with line breaks normalised to \\n and hidden characters shown as [U+XXXX]."""
    text = text.replace("\r\n", "\n")
    return _HIDDEN.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def excerpt(text: str, limit: int = 120) -> str:
    """One line: whitespace folded, cut at `limit` characters with an ellipsis."""
    line = _WHITESPACE.sub(" ", text).strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# The participation table's columns, as people read them (HTML and Markdown).
PARTICIPATION_HEADINGS = ("Member", "Critiques", "Thread messages", "Votes given",
                          "Votes received", "First activity", "Last activity")


def discussion_size(messages: int, bot_posts: int) -> str:
    """"12 messages", or "12 messages and 3 bot posts"."""
    size = plural(messages, "message")
    return size + f" and {plural(bot_posts, 'bot post')}" if bot_posts else size


# What a link keeps as it is: RFC 3986's unreserved and reserved characters and `%` (Discord's
# CDN URLs are made of these alone), without the quotes, brackets and backslash that end or escape a
# Markdown `<…>` link or an HTML attribute. Everything else is percent-encoded. storage/export.py
# hands a URL with any other character to Python (`safe_url`) instead of writing it itself.
URL_KEPT = frozenset(string.ascii_letters + string.digits + "-._~:/?#@!$&()*+,;=%")


def safe_url(url: str) -> str | None:
    """`url` as every export writes a link (Markdown, HTML, CSV): an http(s) URL with each
    character outside `URL_KEPT` percent-encoded (a `<`, `>`, quote or space cannot end the
    link or open markup); None for any other scheme, shown as no link at all."""
    if not url.startswith(("https://", "http://")):
        return None
    return "".join(c if c in URL_KEPT else quote(c, safe="") for c in url)

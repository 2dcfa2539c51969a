"""Discord's limits on what the bot sends, and the one place that fits a message to them.

Discord refuses a whole message when one part is over a limit ("Invalid Form Body ... Must
be 256 or fewer in length"), so a lesson title or a member's name that is a little long
would cost a posting, a summary or a member's answer. Every embed the bot sends is fitted
by `fit_embed` (cogs/_embeds.py: `Embed.to_dict`, which discord.py calls to send it) and
every message text by `fit_content` (the send helpers in cogs/_ui.py and cogs/_answer.py),
so nothing the bot builds from lesson or member text can break a limit; what is cut ends in
"…" (`bot/display.py: clip`). The lesson files are held to what will be rendered, with the
bot's own words around their text (`bot/lessons/model.py`), so a lesson that loads is never
cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bot.display import clip

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000  # title, description, field names and values, footer and author together
THREAD_NAME = 100
BUTTON_LABEL = 80
MODAL_TITLE = 45
LABEL = 45  # a form field's label
PLACEHOLDER = 100
SELECT_OPTION = 100  # an option's label, value and description
CHOICE = 100  # an autocomplete choice's name and value
# How long an interaction's token answers: a refused form's "Edit and send again" lives as long.
INTERACTION_TOKEN = timedelta(minutes=15)
EMPTY_FIELD = "—"  # Discord refuses a field with an empty name or value


def fit_content(text: str) -> str:
    return clip(text, CONTENT)


def fit_embed(data: dict[str, Any]) -> dict[str, Any]:
    """An embed's JSON (discord.py's `to_dict()`) with every text within Discord's limits,
    the total included."""
    fitted = dict(data)
    if "title" in fitted:
        fitted["title"] = clip(fitted["title"], EMBED_TITLE)
    if "description" in fitted:
        fitted["description"] = clip(fitted["description"], EMBED_DESCRIPTION)
    if "footer" in fitted and "text" in fitted["footer"]:
        fitted["footer"] = {**fitted["footer"], "text": clip(fitted["footer"]["text"], FOOTER)}
    if "author" in fitted and "name" in fitted["author"]:
        fitted["author"] = {**fitted["author"],
                            "name": clip(fitted["author"]["name"], AUTHOR_NAME)}
    if "fields" in fitted:
        fitted["fields"] = [
            {**f, "name": clip(f["name"], FIELD_NAME) or EMPTY_FIELD,
             "value": clip(f["value"], FIELD_VALUE) or EMPTY_FIELD}
            for f in fitted["fields"][:FIELDS]]
    # Over the total (many examples with long titles and full excerpts in a summary): the
    # description and the field values give way first, those are the parts a reader can best
    # do without; then, if the names and the rest alone are over, those. Shortened fairly:
    # the longest are cut to one length, so no text is cut to nothing while another stays
    # whole (a summary's first examples once lost everything but "…" to its last ones').
    # A renderer that knows which lines matter (the summary's tallies) fits them itself.
    bodies = [(fitted, "description"), *((f, "value") for f in fitted.get("fields", []))]
    heads = [(fitted, "title"), *((f, "name") for f in fitted.get("fields", [])),
             (fitted.get("footer", {}), "text"), (fitted.get("author", {}), "name")]
    for texts in (bodies, heads):
        over = embed_size(fitted) - EMBED_TOTAL
        if over <= 0:
            break
        present = [(holder, key) for holder, key in texts if holder.get(key)]
        sizes = [len(holder[key]) for holder, key in present]
        for (holder, key), cap in zip(present, fair_share(sizes, sum(sizes) - over),
                                      strict=True):
            holder[key] = clip(holder[key], max(1, cap))
    return fitted


def fair_share(sizes: Sequence[int], room: int) -> list[int]:
    """How long each of texts of `sizes` may be so that together they take at most `room`:
    each keeps its size up to one cap, the largest that fits, and the texts cut all have that
    cap (give or take one): the longest give way, evenly. 0 each when `room` is 0 or less."""
    if sum(sizes) <= room:
        return list(sizes)
    if room <= 0:
        return [0] * len(sizes)
    # The cap: walking up the sizes, the texts below it keep theirs; the rest share what
    # those leave.
    cap, left, cut = 0, room, len(sizes)
    for size in sorted(sizes):
        if size * cut > left:
            cap = left // cut
            break
        left -= size
        cut -= 1
    shares = [min(size, cap) for size in sizes]
    spare = room - sum(shares)  # fewer than the texts cut: one more each to the first of them
    for i, size in enumerate(sizes):
        if spare and size > cap:
            shares[i] += 1
            spare -= 1
    return shares


def embed_size(data: dict[str, Any]) -> int:
    """What Discord counts against EMBED_TOTAL."""
    return (len(data.get("title", "")) + len(data.get("description", ""))
            + len(data.get("footer", {}).get("text", ""))
            + len(data.get("author", {}).get("name", ""))
            + sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", [])))

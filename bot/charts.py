"""The yes / no / unsure tally of a run as a PNG bar chart, for a summary embed.

Drawn with Pillow alone (no matplotlib: one dependency fewer and no global state). The size
matches what Discord shows of an embed image without scaling it down (about 800 px wide), and
the output is byte-for-byte deterministic: the font is the one bundled with Pillow rather than
whatever the host has installed, and PNG carries no timestamp.
"""

from __future__ import annotations

import io
import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from bot.critiques import ExampleSummary, Likely, RunSummary
from bot.display import one_line, plural
from bot.visible import visible_text

WIDTH = 800
HEIGHT = 400

_BACKGROUND = (255, 255, 255)
_INK = (32, 34, 37)
_MUTED = (96, 101, 110)
_GRID = (226, 228, 232)
# Okabe–Ito colours: told apart by readers with the common colour-vision deficiencies, and
# every bar also carries its number, so colour is never the only cue.
_COLOURS = {
    Likely.YES: (0, 158, 115),
    Likely.NO: (213, 94, 0),
    Likely.UNSURE: (140, 140, 140),
}
_LABELS = {Likely.YES: "Yes", Likely.NO: "No", Likely.UNSURE: "Unsure"}

_TITLE = "Is this note likely to get a response?"

# Plot area margins: room for the title and legend above, the y-axis numbers on the left and
# two lines of example labels below.
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 24, 92, 62
_MAX_BAR = 56


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=8)
def _font(size: int) -> Font:
    # Pillow's bundled font when FreeType is available; its bitmap font otherwise (still
    # deterministic, just not scalable).
    return ImageFont.load_default(size=size)


def tally_chart_png(summary: RunSummary) -> bytes:
    """A grouped bar chart (per example: yes / no / unsure counts) as PNG bytes."""
    return _png(_charted(summary))


def _charted(summary: RunSummary) -> RunSummary:
    """Only what the chart shows: summaries that show the same share one PNG (a burst of
    `/lesson summary` asks for the same chart many times over, and drawing one is most of a
    summary's time), and the cache keeps no member's words or id."""
    examples = tuple(ExampleSummary(e.example_no, e.title, e.critique_count, e.tally, ())
                     for e in summary.examples)
    return RunSummary(examples, summary.total_critiques, summary.tally, summary.critic_count)


@lru_cache(maxsize=32)
def _png(summary: RunSummary) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)

    draw.text((24, 18), _TITLE, font=_font(22), fill=_INK)
    draw.text((24, 50), _subtitle(summary), font=_font(15), fill=_MUTED)
    _draw_legend(draw)

    plot = (_LEFT, _TOP, WIDTH - _RIGHT, HEIGHT - _BOTTOM)
    highest = max(
        (example.tally.count(likely) for example in summary.examples for likely in Likely),
        default=0,
    )
    step, top_value = _axis(highest)
    _draw_axis(draw, plot, step, top_value)
    if summary.examples:
        _draw_groups(draw, plot, summary, top_value)
    if highest == 0:
        left, top, right, bottom = plot
        message = "No critiques yet"
        font = _font(24)
        box = draw.textbbox((0, 0), message, font=font)
        x = (left + right - (box[2] - box[0])) / 2
        y = (top + bottom - (box[3] - box[1])) / 2 - box[1]
        draw.text((x, y), message, font=font, fill=_MUTED)

    buffer = io.BytesIO()
    # zlib's default level: `optimize` (level 9 and a search of the filters) took 2.5 times
    # as long for a file 5% smaller.
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _subtitle(summary: RunSummary) -> str:
    if summary.total_critiques == 0:
        # Plain punctuation only: the bundled font has no em dash.
        return "No critiques yet: pick an example and post yours in its thread."
    tally = summary.tally
    critiques = plural(summary.total_critiques, "critique")
    members = plural(summary.critic_count, "member")
    return (
        f"{critiques} from {members}  ·  "
        f"yes {tally.yes}  ·  no {tally.no}  ·  unsure {tally.unsure}"
    )


def _draw_legend(draw: ImageDraw.ImageDraw) -> None:
    font = _font(15)
    swatch = 14
    gap = 18
    widths = [swatch + 6 + draw.textlength(_LABELS[likely], font=font) for likely in Likely]
    x = WIDTH - _RIGHT - (sum(widths) + gap * (len(widths) - 1))
    y = 24
    for likely, width in zip(Likely, widths, strict=True):
        draw.rectangle((x, y, x + swatch, y + swatch), fill=_COLOURS[likely])
        draw.text((x + swatch + 6, y - 2), _LABELS[likely], font=font, fill=_INK)
        x += width + gap


def _axis(highest: int) -> tuple[int, int]:
    """A whole-number tick step and the axis top: at most about five gridlines, never 0.

    Small counts keep an axis of at least 4, so one critique reads as one short bar rather
    than a bar that fills the chart.
    """
    if highest <= 5:
        return 1, max(highest, 4)
    step = next(
        (c for c in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if highest / c <= 5),
        -(-highest // 5),
    )
    return step, -(-highest // step) * step


def _draw_axis(
    draw: ImageDraw.ImageDraw, plot: tuple[int, int, int, int], step: int, top_value: int
) -> None:
    left, top, right, bottom = plot
    font = _font(13)
    for value in range(0, top_value + 1, step):
        y = bottom - (bottom - top) * value / top_value
        draw.line((left, y, right, y), fill=_GRID if value else _MUTED, width=1)
        label = str(value)
        width = draw.textlength(label, font=font)
        draw.text((left - 8 - width, y - 8), label, font=font, fill=_MUTED)


def _draw_groups(
    draw: ImageDraw.ImageDraw,
    plot: tuple[int, int, int, int],
    summary: RunSummary,
    top_value: int,
) -> None:
    left, top, right, bottom = plot
    group_width = (right - left) / len(summary.examples)
    bar = min(_MAX_BAR, group_width * 0.8 / len(Likely))
    value_font = _font(13)
    count_font = _font(12)
    for index, example in enumerate(summary.examples):
        centre = left + group_width * (index + 0.5)
        x = centre - bar * len(Likely) / 2
        for likely in Likely:
            count = example.tally.count(likely)
            if count:
                height = (bottom - top) * count / top_value
                draw.rectangle((x + 1, bottom - height, x + bar - 1, bottom), fill=_COLOURS[likely])
                text = str(count)
                width = draw.textlength(text, font=value_font)
                draw.text(
                    (x + (bar - width) / 2, bottom - height - 17), text, font=value_font, fill=_INK
                )
            elif summary.total_critiques:
                # A zero is an answer too; without a mark it would read as a missing bar.
                width = draw.textlength("0", font=value_font)
                draw.text((x + (bar - width) / 2, bottom - 17), "0", font=value_font, fill=_MUTED)
            x += bar
        room = group_width - 8
        label, label_font = _example_label(draw, example.example_no, example.title, room)
        width = draw.textlength(label, font=label_font)
        draw.text((centre - width / 2, bottom + 8), label, font=label_font, fill=_INK)
        count_label = plural(example.critique_count, "critique")
        if draw.textlength(count_label, font=count_font) > room:
            count_label = str(example.critique_count)
        width = draw.textlength(count_label, font=count_font)
        draw.text((centre - width / 2, bottom + 30), count_label, font=count_font, fill=_MUTED)


def _example_label(
    draw: ImageDraw.ImageDraw, number: int, title: str, width: float
) -> tuple[str, Font]:
    """The title if it fits (a size smaller if need be), else "#<number> <title…>".

    With ten examples a title like "Outreach 10" does not fit; cutting it to "Outreac…" would
    hide the one thing the reader needs, which example it is, so the number always survives.
    A title the font cannot draw is "Example <number>" (or "#<number>"): the summary's
    field beside the chart names it.
    """
    shown = _drawable(title)
    label = shown or f"Example {number}"
    for size in (14, 12):
        if draw.textlength(label, font=_font(size)) <= width:
            return label, _font(size)
    font = _font(12)
    prefix = f"#{number}"
    if shown is None:
        return prefix, font
    rest = _fit(draw, shown, font, width - draw.textlength(prefix + " ", font=font))
    return (f"{prefix} {rest}" if len(rest) > 2 else prefix), font


# The bundled font has ASCII and a few quotes only (output the same on every host). Accents
# and ligatures come apart into letters it has (NFKD: "é" is "e" and a combining accent),
# dashes become its hyphen; other scripts and emoji it draws as empty boxes.
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2015": "-", "\u2212": "-"})
_NOTDEF = "\U0010fffd"  # a private-use character: no font has it, so it shows the empty box


def _drawable(title: str) -> str | None:
    """`title` as the font can draw it, in one line; None if it has letters it lacks.
    Pillow cannot measure a line break (a run posted before the loader refused one in a
    title kept it), and invisible characters would be drawn as boxes."""
    text = unicodedata.normalize("NFKD", one_line(visible_text(title)).translate(_DASHES))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text if text and all(map(_has_glyph, text)) else None


@lru_cache(maxsize=4096)
def _has_glyph(char: str) -> bool:
    font = _font(14)
    return _mask(font, char) != _mask(font, _NOTDEF)


def _mask(font: Font, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> str:
    """`text`, cut with an ellipsis if needed so it fits in `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""

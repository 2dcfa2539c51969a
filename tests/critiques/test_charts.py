"""The tally chart: a valid PNG of the right size, for empty and busy runs, byte-for-byte stable."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from bot.charts import HEIGHT, WIDTH, tally_chart_png
from bot.critiques import CritiqueRecord, Likely, RunSummary, summarize

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Ex:
    number: int
    title: str


def _summary(examples: int, critiques: int, title: str = "Outreach") -> RunSummary:
    likely = list(Likely)
    records = [
        CritiqueRecord(i, i % examples + 1, i % 7, "w", "d", likely[i % 3], i % 4, i)
        for i in range(critiques)
    ]
    return summarize([Ex(n, f"{title} {n}") for n in range(1, examples + 1)], records)


def _open(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes every chunk: a truncated or corrupt file fails here
    return image


@pytest.mark.parametrize(
    "summary",
    [
        _summary(3, 0),  # the lesson before anyone has answered
        summarize([], []),  # a lesson with no examples at all
        _summary(3, 23),
        _summary(1, 1),
        _summary(10, 400, title="A title far too long to fit under its bars"),
        _summary(2, 5000),  # large counts: the axis steps up, bars stay inside the plot
    ],
    ids=["no-critiques", "no-examples", "three", "one", "ten-long-titles", "large"],
)
def test_chart_is_a_valid_png_of_embed_size(summary: RunSummary) -> None:
    image = _open(tally_chart_png(summary))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT) == (800, 400)
    assert image.mode == "RGB"


def test_chart_is_deterministic() -> None:
    summary = _summary(3, 23)
    assert tally_chart_png(summary) == tally_chart_png(summary)


def test_chart_changes_with_the_data() -> None:
    assert tally_chart_png(_summary(3, 23)) != tally_chart_png(_summary(3, 24))


def test_bars_use_the_legend_colours_only_when_there_are_critiques() -> None:
    # Yes / no / unsure colours appear in the legend either way; with critiques the bars add
    # many more pixels of each.
    def colour_pixels(png: bytes) -> int:
        image = _open(png)
        colours = {(0, 158, 115), (213, 94, 0), (140, 140, 140)}
        counts = image.getcolors(maxcolors=WIDTH * HEIGHT)
        assert counts is not None
        return sum(int(n) for n, rgb in counts if rgb in colours)

    empty = colour_pixels(tally_chart_png(_summary(3, 0)))
    busy = colour_pixels(tally_chart_png(_summary(3, 30)))
    assert busy > empty * 20


def _one_example(title: str) -> RunSummary:
    records = [CritiqueRecord(i, 1, i, "w", "d", Likely.YES, 0, i) for i in range(3)]
    return summarize([Ex(1, title)], records)


@pytest.mark.parametrize(("title", "drawn"), [
    # Review 6, finding 13: the bundled font has ASCII only, and drew these as empty boxes.
    ("Прив\ufeffет outreach", "Example 1"),
    ("🙂🙂 emoji 你好 مرحبا", "Example 1"),
    ("Café — week 2", "Cafe - week 2"),
    ("Zero\u200bwidth", "Zerowidth"),
    ("\u202eRTL override", "RTL override"),
    ("Tab\there", "Tab here"),
    # Finding 7: a run posted before the loader refused a line break in a title keeps it.
    ("Outreach\n1 two lines", "Outreach 1 two lines"),
])
def test_a_title_is_drawn_as_the_font_can_draw_it(title: str, drawn: str) -> None:
    """The chart is byte-for-byte the chart of the title as drawn: a title in a script the
    font lacks is labelled by its number (the summary's field beside the chart names it),
    accents and dashes become the letters the font has, what shows nothing is left out."""
    assert tally_chart_png(_one_example(title)) == tally_chart_png(_one_example(drawn))
    assert tally_chart_png(_one_example(title)) != tally_chart_png(_one_example("Other"))

"""Exports of a lesson run: rows in, text out, streamed.

    doc = Document(...)                      # bot/export/model.py, built by ExportService
    for chunk in render(doc, Format.HTML):   # str chunks, in order
        out.write(chunk)

One module per format (`csv`, `json`, `markdown`, `html`) over one document model (`model`);
`times` formats timestamps, `text` makes member text safe to show, `verdicts` sets the cohort's
tally beside the reviewer's verdict. Pure: no discord, no aiosqlite, no storage. The CSV
format is tables (`csv.table`), written by the service one file each.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.export import html, json, markdown
from bot.export.model import Document, Format

_RENDERERS = {Format.JSON: json.render, Format.MARKDOWN: markdown.render,
              Format.HTML: html.render}


def render(doc: Document, fmt: Format) -> Iterator[str]:
    """The whole document in a single-file format (JSON, Markdown or HTML)."""
    if fmt not in _RENDERERS:
        raise ValueError(f"{fmt} is written as tables (bot.export.csv), not as one document")
    return _RENDERERS[fmt](doc)

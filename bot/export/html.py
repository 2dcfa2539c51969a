"""HTML: one self-contained page that reads offline, prints well and runs nothing.

- No script, no external style, font or image: the CSS is inline and the tally charts are
  inline SVG. A Content-Security-Policy (`default-src 'none'`, inline styles and data: images
  only) forbids scripts and every fetch, so even a mistake in escaping could not run anything
  or call a tracker.
- Every piece of member text (names, messages, critiques, file names) is HTML-escaped and its
  hidden characters (a right-to-left override, controls) are shown as marks (`bot/export/text`).
  Links are only ever attachment URLs, and only http(s) ones.
- Printing: the table of contents ends its page; a message or a critique is never split across
  pages. A moderator's PDF is the browser's "Save as PDF".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

from bot.critiques import Likely, Tally
from bot.display import plural
from bot.export.model import Critique, Document, ExampleSection, Message, RunSection
from bot.export.text import (
    PARTICIPATION_HEADINGS,
    discussion_size,
    excerpt,
    safe_url,
    visible,
)
from bot.export.times import Calendar, short_local
from bot.export.verdicts import comparison_line

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
# Okabe–Ito colours, as in the summary chart (bot/charts.py): apart for colour-blind readers,
# and every bar carries its number too.
COLOURS = {Likely.YES: "#009e73", Likely.NO: "#d55e00", Likely.UNSURE: "#8c8c8c"}

STYLE = """
:root { color-scheme: light; --ink: #202225; --muted: #60656e; --rule: #e2e4e8; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { margin-top: 2.5rem; font-size: 1.3rem; }
h3 { margin-top: 1.75rem; font-size: 1.05rem; }
.meta, time, .small { color: var(--muted); font-size: .85rem; }
.text, .content { white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote.text { margin: .5rem 0; padding: .5rem .9rem; border-left: 4px solid #5865f2;
                  background: #f6f7f9; }
nav.toc { border: 1px solid var(--rule); border-radius: 6px; padding: .5rem 1.25rem; }
.verdict { display: flex; gap: 1.25rem; align-items: center; flex-wrap: wrap; }
.verdict p { flex: 1 1 20rem; font-weight: 600; }
.critique { border: 1px solid var(--rule); border-radius: 6px; padding: .5rem .9rem;
            margin: .6rem 0; }
.critique dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
               margin: .4rem 0 0; }
.critique dt { color: var(--muted); } .critique dd { margin: 0; }
.likely-yes { color: #007a5a; } .likely-no { color: #b34e00; } .likely-unsure { color: #60656e; }
ol.conversation { list-style: none; padding: 0; }
.message { padding: .45rem 0; border-bottom: 1px solid var(--rule); }
.message.bot { background: #f3f8f5; padding-left: .5rem; }
.author { font-weight: 600; } .tag { font-size: .75rem; background: #5865f2; color: #fff;
                                     border-radius: 3px; padding: 0 .3rem; }
.reply { display: block; color: var(--muted); font-size: .85rem; }
ul.files { margin: .2rem 0 0; padding-left: 1.2rem; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav.toc { break-after: page; }
  .message, .critique, .verdict, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def t(text: str) -> str:
    """Member (or lesson) text, escaped and with its hidden characters shown."""
    return escape(visible(text), quote=True)


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def lesson_text(text: str) -> str:
    """The lesson's own text (moderators write it in Discord's markdown): escaped like member
    text, then its **bold** shown bold. Member text keeps its asterisks: it shows what was typed."""
    return _BOLD.sub(r"<strong>\1</strong>", t(text))


def render(doc: Document) -> Iterator[str]:
    cal = doc.calendar
    title = doc.runs[0].title if len(doc.runs) == 1 else "Lesson runs"
    yield ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
           '<meta name="referrer" content="no-referrer">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<title>{t(title)} — export</title>\n<style>{STYLE}</style>\n</head>\n<body>\n")
    for run in doc.runs:
        yield from _run(doc, cal, run)
    if not doc.runs:
        yield "<p>No lesson run matched.</p>\n"
    yield (f'<footer class="meta"><p>Exported by cohortbot on '
           f'{_time(cal, doc.generated_ms)} ({escape(doc.timezone)}). Times are in the '
           "cohort's timezone; hover one for UTC.</p></footer>\n</body>\n</html>\n")


def _time(cal: Calendar, ms: int) -> str:
    utc = cal.utc(ms)
    return f'<time datetime="{utc}" title="{utc}">{short_local(cal.local(ms))}</time>'


def _run(doc: Document, cal: Calendar, run: RunSection) -> Iterator[str]:
    a = f"run-{run.id}"
    # A closed run says when ("closed 2026-01-09 17:00"), not "closed" a second time.
    state = (f"closed {_time(cal, run.closed_ms)}" if run.closed_ms is not None
             else escape(run.status))
    yield (f'<header id="{a}"><h1>{t(run.title)}</h1>\n<p class="meta">Posted '
           f"{_time(cal, run.created_ms)} · {state} · "
           f"{run.counts.describe()}</p></header>\n")
    yield ('<nav class="toc"><h2>Contents</h2>\n<ol>\n'
           f'<li><a href="#{a}-prompt">The prompt</a></li>\n')
    for e in run.examples:
        yield (f'<li><a href="#{a}-example-{e.number}">Example {e.number}: {t(e.title)}</a> '
               f'<span class="small">{plural(len(e.critiques), "critique")} · '
               f'{plural(e.message_count, "message")}</span></li>\n')
    yield (f'<li><a href="#{a}-participation">Participation</a></li>\n</ol>\n'
           f"{_overview_chart(run)}</nav>\n")
    yield f'<section id="{a}-prompt"><h2>The prompt</h2>\n'
    yield (f'<blockquote class="text">{lesson_text(run.prompt)}</blockquote>' if run.prompt else
           f"<p>The lesson <code>{t(run.lesson_key)}</code> is not loaded; its prompt is not "
           "available.</p>")
    yield "</section>\n"
    for example in run.examples:
        yield from _example(cal, a, example)
    yield from _participation(cal, a, run)


def _example(cal: Calendar, a: str, e: ExampleSection) -> Iterator[str]:
    yield (f'<section class="example" id="{a}-example-{e.number}">\n'
           f"<h2>Example {e.number}: {t(e.title)}</h2>\n")
    yield (f'<blockquote class="text">{lesson_text(e.text)}</blockquote>\n'
           if e.text is not None else "<p>The example's text is not loaded.</p>\n")
    yield (f'<div class="verdict"><p>{t(comparison_line(e.tally, e.reviewer))}</p>'
           f"{_tally_chart(e.tally)}</div>\n<h3>Critiques ({len(e.critiques)})</h3>\n")
    for c in e.critiques:
        yield _critique(cal, a, c)
    if not e.critiques:
        yield '<p class="small">None.</p>\n'
    size = discussion_size(e.message_count, e.bot_message_count)
    yield f'<h3>Discussion ({size})</h3>\n<ol class="conversation">\n'
    for message in e.messages():
        yield _message(cal, a, message)
    yield "</ol>\n</section>\n"


def _critique(cal: Calendar, a: str, c: Critique) -> str:
    edited = (f" · edited {_time(cal, c.updated_ms)}" if c.updated_ms != c.created_ms else "")
    return (f'<article class="critique" id="{a}-critique-{c.id}"><div>'
            f'<span class="author" dir="auto">{t(c.author_name)}</span> · '
            f"{_time(cal, c.created_ms)}{edited} · {plural(c.votes, 'vote')}"
            f"{f' ({t(c.voters)})' if c.voters else ''}"
            "</div>\n<dl>"
            f'<dt>What works</dt><dd class="text" dir="auto">{t(c.works) or "—"}</dd>'
            f'<dt>What doesn\'t</dt><dd class="text" dir="auto">{t(c.doesnt) or "—"}</dd>'
            f'<dt>Likely to get a response?</dt><dd class="likely-{c.likely}">{c.likely}</dd>'
            "</dl></article>\n")


def _message(cal: Calendar, a: str, m: Message) -> str:
    parts = [f'<li class="message{" bot" if m.kind == "bot" else ""}" id="m{m.message_id}">'
             f'<div><span class="author" dir="auto">{t(m.author_name)}</span> ']
    if m.kind == "bot":
        parts.append('<span class="tag">BOT</span> ')
    parts.append(_time(cal, m.created_ms))
    if m.edited_ms is not None:
        parts.append(f' <span class="small">(edited {_time(cal, m.edited_ms)})</span>')
    parts.append("</div>")
    if m.reply_to is not None:
        target = f"↪ {t(m.reply_to.author_name)}: “{t(excerpt(m.reply_to.excerpt, 80))}”"
        parts.append(f'<a class="reply" href="#m{m.reply_to.message_id}">{target}</a>'
                     if m.reply_to.in_export else f'<span class="reply">{target}</span>')
    elif m.reply_missing:
        parts.append('<span class="reply">↪ a message that is no longer stored</span>')
    parts.append(f'<div class="content" dir="auto">{t(m.content)}</div>')
    if m.attachments:
        parts.append('<ul class="files">')
        for f in m.attachments:
            url = safe_url(f.url)
            name = t(f.filename)
            link = (f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{name}</a>'
                    if url else name)
            parts.append(f"<li>{link} <span class=\"small\">{plural(f.size, 'byte')}</span></li>")
        parts.append("</ul>")
    if m.reactions:
        parts.append('<div class="small reactions">' + " · ".join(
            t(r.describe()) for r in m.reactions) + "</div>")
    if m.critique_id is not None:
        parts.append(f'<a class="small" href="#{a}-critique-{m.critique_id}">the critique</a>')
    parts.append("</li>\n")
    return "".join(parts)


def _participation(cal: Calendar, a: str, run: RunSection) -> Iterator[str]:
    headings = "".join(f"<th>{h}</th>" for h in PARTICIPATION_HEADINGS)
    yield (f'<section id="{a}-participation"><h2>Participation</h2>\n'
           f'<p class="small">{escape(run.participation_note)}</p>\n<table>\n<thead><tr>'
           f"{headings}</tr></thead>\n<tbody>\n")
    for p in run.participants:
        first = _time(cal, p.first_ms) if p.first_ms is not None else "—"
        last = _time(cal, p.last_ms) if p.last_ms is not None else "—"
        yield (f'<tr><td dir="auto">{t(p.name)}</td><td class="n">{p.critiques}</td>'
               f'<td class="n">{p.messages}</td><td class="n">{p.votes_given}</td>'
               f'<td class="n">{p.votes_received}</td><td>{first}</td><td>{last}</td></tr>\n')
    if not run.participants:
        yield '<tr><td colspan="7">Nobody has taken part yet.</td></tr>\n'
    yield "</tbody>\n</table>\n</section>\n"


def _tally_chart(tally: Tally) -> str:
    """Three horizontal bars (yes / no / unsure) with their counts."""
    top = max(tally.yes, tally.no, tally.unsure, 1)
    rows = []
    for i, likely in enumerate(Likely):
        n = tally.count(likely)
        width = round(160 * n / top)
        y = 6 + i * 24
        rows.append(f'<text x="0" y="{y + 13}" font-size="12">{likely}</text>'
                    f'<rect x="52" y="{y}" width="{width}" height="16" '
                    f'fill="{COLOURS[likely]}"/>'
                    f'<text x="{58 + width}" y="{y + 13}" font-size="12">{n}</text>')
    return (f'<svg width="250" height="80" viewBox="0 0 250 80" role="img">'
            f"<title>yes {tally.yes}, no {tally.no}, unsure {tally.unsure}</title>"
            + "".join(rows) + "</svg>")


def _overview_chart(run: RunSection) -> str:
    """Grouped bars per example, like the summary's PNG chart, as inline SVG."""
    if not run.examples:
        return ""
    top = max([max(e.tally.yes, e.tally.no, e.tally.unsure) for e in run.examples] + [1])
    group, bar, height = 96, 24, 120
    bars = []
    for i, e in enumerate(run.examples):
        x0 = 30 + i * group
        for j, likely in enumerate(Likely):
            n = e.tally.count(likely)
            h = round(height * n / top)
            x = x0 + j * bar
            bars.append(f'<rect x="{x}" y="{20 + height - h}" width="{bar - 4}" height="{h}" '
                        f'fill="{COLOURS[likely]}"/><text x="{x + 6}" y="{16 + height - h}" '
                        f'font-size="11">{n}</text>')
        bars.append(f'<text x="{x0}" y="{height + 38}" font-size="12">Example {e.number}</text>')
    width = 40 + group * len(run.examples)
    legend = "".join(
        f'<rect x="{width + 4}" y="{24 + k * 18}" width="12" height="12" fill="{COLOURS[lk]}"/>'
        f'<text x="{width + 22}" y="{34 + k * 18}" font-size="12">{lk}</text>'
        for k, lk in enumerate(Likely))
    tally = run.tally
    return (f'<p class="small">Likely to get a response? All examples: yes {tally.yes} · '
            f"no {tally.no} · unsure {tally.unsure}</p>"
            f'<svg width="{width + 80}" height="{height + 48}" role="img">'
            f"<title>Tally per example</title>{''.join(bars)}{legend}</svg>")

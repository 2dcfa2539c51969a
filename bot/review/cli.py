"""`cohortbot review [--channel C] [--followup] [--attempt N] [--json] [FILE|-]`.

Reads the draft from FILE, or stdin when FILE is `-` or missing, and prints a readable report
(ready to send?, how likely a response is, the must-fix items first, then every finding with
its points), or one JSON object with `--json`. Exit 0 on a review; 2 with one line on stderr
for what the bot refuses by DM and /review too, in its words (`is_reviewable`: an empty draft,
one over the length limit, a greeting or one-liner, ...), an unreadable file, an unknown
channel, or an attempt /review does not offer or that contradicts `--followup`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from typing import TextIO

from bot.arguments import OneLineParser
from bot.display import plural
from bot.review.answer import headline, odds, ready_answer
from bot.review.core import review
from bot.review.model import CHANNELS, MAX_ATTEMPT, MAX_DRAFT_BYTES, Review
from bot.review.reviewable import is_reviewable
from bot.textfile import UnreadableFile, decode_text, read_text

_LINE_END = re.compile(r"\r\n?")
_MARK = {"problem": "✗", "warning": "!", "tip": "·", "good": "✓"}


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="cohortbot review",
                description="Review a cold-outreach draft against the lesson's rubric.")
    p.add_argument("--channel", help=f"one of {', '.join(CHANNELS)} (default: detect it)")
    p.add_argument("--followup", action="store_true",
                   help="the draft is a follow-up (attempt 2 unless --attempt says more)")
    p.add_argument("--attempt", type=int, help=f"which attempt this would be: 1 (default), 2, "
                   f"or {MAX_ATTEMPT} for any later one")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("file", nargs="?", default="-", help="the draft (default: stdin)")
    return p


def answer(r: Review) -> tuple[str, str, str]:
    """The headline, ready to send? and the chance of a response (`bot.review.answer`)."""
    ready, why = ready_answer(r)
    return headline(r), f"{ready} — {why}", odds(r)


def render(r: Review, text: str, width: int = 88) -> str:
    s = r.stats
    lines = [
        *answer(r),
        f"Channel: {r.channel}{' (detected)' if r.channel_detected else ''}"
        + (f", follow-up (attempt {r.attempt}{', from the text' if r.attempt_detected else ''})"
           if r.followup else ""),
        f"{plural(s.characters, 'character')}, {plural(s.words, 'word')}, "
        f"{plural(s.sentences, 'sentence')}, {plural(s.questions, 'question')}, "
        f"reading grade {s.reading_grade:.1f}",
        f"Score: base {r.base}"
        + "".join(f" {f.points:+d}" for f in r.findings if f.points) + f" = {r.score}",
    ]
    if not r.findings:
        lines += ["", "No findings."]
    groups = (("Must fix before sending", [f for f in r.findings if f.must_fix]),
              ("Findings", [f for f in r.findings if not f.must_fix]))
    for title, found in groups:
        if found:
            lines += ["", f"{title}:"]
        for f in found:
            quote = " ".join(text[f.start : f.end].split())
            if len(quote) > 70:
                quote = quote[:69] + "…"
            points = f" {f.points:+d}" if f.points else ""
            lines.append(f"{_MARK[f.severity]} {f.severity.upper():<8} {f.rule}{points}"
                         f"  [{f.start}:{f.end}]")
            for part in (f.message, f"→ {f.hint}"):
                lines.extend(textwrap.wrap(part, width, initial_indent="    ",
                                           subsequent_indent="      "))
            if quote and quote not in f.message:
                lines.append(f"    “{quote}”")
    return "\n".join(lines) + "\n"


def _read(path: str, stdin: TextIO) -> str:
    """The draft, read as every file the bot is handed is (bot/textfile.py): a draft in
    another encoding is said in the words the DM review uses for a .txt file."""
    if path != "-":
        text = read_text(path, limit=MAX_DRAFT_BYTES)
    elif (raw := getattr(stdin, "buffer", None)) is not None:  # a terminal or a pipe
        text = decode_text(raw.read())
    else:  # a StringIO in the tests
        text = stdin.read()
    # Line ends as Python's text mode reads them (a Windows file's CRLF is one break).
    return _LINE_END.sub("\n", text)


def main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one line
        return int(exc.code) if isinstance(exc.code, int) else 2

    def fail(msg: str) -> int:
        stderr.write(f"cohortbot review: {msg}\n")
        return 2

    if args.channel is not None and args.channel not in CHANNELS:
        return fail(f"unknown channel {args.channel!r}; use one of {', '.join(CHANNELS)}")
    if args.attempt is not None and not 1 <= args.attempt <= MAX_ATTEMPT:
        # /review's form offers these; "3 or more" is one answer (the lesson says stop at 2).
        return fail(f"--attempt must be 1, 2 or {MAX_ATTEMPT} ({MAX_ATTEMPT} for any attempt "
                    f"after the second), got {args.attempt}")
    if args.followup and args.attempt == 1:
        return fail("--followup contradicts --attempt 1: a follow-up is attempt 2 or later; "
                    "give --attempt 2, or leave --followup out for a first message")
    try:
        text = _read(args.file, stdin)
    except UnreadableFile as exc:
        name = "standard input" if args.file == "-" else args.file
        return fail(f"{name}: {exc}")  # as `cohortbot sandbox` says of a script
    reviewable, why = is_reviewable(text)  # what the DM and /review refuse, in their words
    if not reviewable:
        return fail(why)
    # As /review has it: a follow-up is attempt 2 unless said otherwise; attempt 2+ is one.
    attempt = args.attempt or (2 if args.followup else 1)
    r = review(text, channel=args.channel, followup=args.followup, attempt=attempt)
    if args.json:
        stdout.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    else:
        stdout.write(render(r, text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`cohortbot review`: output shapes and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.review.cli import main
from bot.review.model import MAX_DRAFT_CHARS
from bot.review.reviewable import is_reviewable

NOTE = ("Hi Priya, I read your post on onboarding metrics. Would you be open to a 15-minute call"
        " about how you chose them?")


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_json_from_stdin() -> None:
    code, out, err = run(["--json"], NOTE)
    assert code == 0 and not err
    d = json.loads(out)
    assert {"score", "verdict", "channel", "findings", "stats"} <= set(d)
    assert d["channel"] == "linkedin_note" and d["channel_detected"] is True
    assert isinstance(d["findings"], list) and d["findings"]
    assert set(d["stats"]) == {"characters", "words", "sentences", "questions", "reading_grade"}
    assert out.count("\n") == 1


def test_readable_report_from_file(tmp_path: Path) -> None:
    f = tmp_path / "draft.txt"
    f.write_text(NOTE, encoding="utf-8")
    code, out, _ = run(["--channel", "linkedin_message", str(f)])
    assert code == 0
    assert "Score" in out and "linkedin_message" in out and "research.specific" in out


def test_json_answers_both_questions() -> None:
    """`--json` carries "ready to send" (with the must-fix rule ids) apart from the verdict and
    its probability, and every finding's points add up to the score."""
    _, out, _ = run(["--json"], NOTE)
    d = json.loads(out)
    assert d["ready"] is True and d["must_fix"] == [] and d["status"] == "likely"
    assert d["verdict"] == "likely" and 0.5 < d["probability"] < 1
    assert d["likelihood"].startswith("about ") and d["likelihood"].endswith(" in 10")
    assert d["score"] == max(0, min(100, d["base"] + sum(f["points"] for f in d["findings"])))
    _, out, _ = run(["--json"], "Hi [Name], following up again. " + NOTE)
    d = json.loads(out)
    assert d["ready"] is False and d["status"] == "must_fix"
    assert set(d["must_fix"]) == {"warn.placeholder", "attempt.third"}
    assert d["attempt"] == 3 and d["attempt_detected"] is True
    fixes = [f for f in d["findings"] if f["must_fix"]]
    assert fixes and all(f["points"] == 0 for f in fixes)


def test_readable_report_lists_must_fix_items_first() -> None:
    code, out, _ = run(["--channel", "linkedin_note"], "Hi [Name], " + NOTE)
    assert code == 0
    head, ready, odds = out.splitlines()[:3]
    assert head == "🚫 Not ready to send — fix 1 item first"
    assert ready.startswith("Ready to send: no")
    assert odds.startswith("Setting the must-fix items aside: of the published messages I"
                           " learned from, about") and "/100" in odds
    assert "a relative rating, not a real reply rate" in odds
    assert out.index("Must fix before sending:") < out.index("Findings:")
    assert out.index("warn.placeholder") < out.index("research.specific")
    assert "Score: base " in out


FOLLOWUP = "Hi Sam, I'm following up on my note about your post on churn. Could I ask one question?"


def test_options_reach_the_review() -> None:
    code, out, _ = run(["--json", "--followup", "--attempt", "3", "-"], FOLLOWUP)
    d = json.loads(out)
    assert code == 0 and d["followup"] and d["attempt"] == 3
    assert any(f["rule"] == "attempt.third" for f in d["findings"])
    # A follow-up is attempt 2 unless said otherwise, as /review's form has it; attempt 2 is
    # a follow-up.
    for argv in (["--followup"], ["--attempt", "2"]):
        d = json.loads(run(["--json", *argv], FOLLOWUP)[1])
        assert d["followup"] and d["attempt"] == 2 and not d["attempt_detected"], argv


@pytest.mark.parametrize(
    ("argv", "stdin", "needle"),
    [
        ([], "", "empty"),
        ([], "   \n\t", "empty"),
        ([], "x" * (MAX_DRAFT_CHARS + 1), "limit"),
        (["--channel", "fax"], NOTE, "unknown channel"),
        (["/nonexistent/draft.txt"], "", "/nonexistent/draft.txt: no such file"),
        (["--attempt", "0"], NOTE, "--attempt must be 1, 2 or 3 (3 for any attempt after the"
         " second), got 0"),
        # Review 4, finding 12: /review offers 1, 2 and "3 or more"; nothing else means anything.
        (["--attempt", "4"], NOTE, "--attempt must be 1, 2 or 3"),
        (["--attempt", "99999999999999999999"], NOTE, "got 99999999999999999999"),
        (["--followup", "--attempt", "1"], NOTE, "--followup contradicts --attempt 1: a"
         " follow-up is attempt 2 or later"),
        ([], "Hi", "That looks like a greeting or a one-liner rather than a draft."),
        (["--attempt", "two"], NOTE, "invalid int"),
        (["--nope"], NOTE, "unrecognized"),
    ],
)
def test_errors_are_one_line_and_exit_2(argv: list[str], stdin: str, needle: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, stdin)
    err += capsys.readouterr().err  # argparse writes its own line to sys.stderr
    assert code == 2
    assert not out
    assert needle in err
    assert err.strip().count("\n") == 0


def test_unreadable_bytes(tmp_path: Path) -> None:
    f = tmp_path / "draft.bin"
    f.write_bytes(b"\xff\xfe\x00bad")
    code, _, err = run([str(f)])
    assert code == 2 and f"{f}: is not UTF-8 text" in err


def test_a_draft_in_another_encoding_is_one_plain_line(tmp_path: Path) -> None:
    f = tmp_path / "draft.txt"
    f.write_bytes("Hi ¥en, could we talk?".encode("shift_jis", "replace") + b"\xa5\xff")
    code, out, err = run([str(f)])
    assert code == 2 and not out
    assert err.count("\n") == 1 and "codec" not in err and "Traceback" not in err
    assert "is not UTF-8 text" in err and "save it as UTF-8" in err and str(f) in err


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(st.characters(exclude_characters="\r"), max_size=120), st.sampled_from(
    ["Hi", "hello there!", "Hi Dana", "Thanks!", "ok", NOTE, FOLLOWUP, "Bonjour Dana, je vous"
     " écris au sujet de votre article sur la fidélisation. Pourrions-nous en parler ?",
     "The weather was lovely and the trains ran on time all week long in the city."])))
def test_the_command_line_refuses_what_the_bot_refuses_in_its_words(text: str) -> None:
    """Review 4, finding 12: `echo Hi | cohortbot review` reviewed what a DM and /review turn
    away. Whatever the text, the command line reviews it exactly when the bot would
    (`is_reviewable`, which the review service applies), and refuses it in the same words."""
    code, out, err = run([], text)
    reviewable, why = is_reviewable(text)  # (no CR: the command line reads lines as files do)
    if reviewable:
        assert code == 0 and out and not err
    else:
        assert (code, out, err) == (2, "", f"cohortbot review: {why}\n")

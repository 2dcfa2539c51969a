"""Parsing: TOML text -> a validated `Lesson`, or a `LessonError` naming the key and the reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bot.lessons.model import (
    KEY_PATTERN,
    MAX_EXAMPLE_TEXT,
    MAX_EXAMPLE_TITLE,
    MAX_EXAMPLES,
    MAX_IMAGE,
    MAX_KEY,
    MAX_PROMPT,
    MAX_QUALITY,
    MAX_RECAP,
    MAX_TITLE,
    MIN_EXAMPLES,
    Example,
    Lesson,
    LessonError,
    LessonProblem,
    forum_post_problem,
    image_problem,
    text_problem,
)
from bot.textfile import UnreadableFile, parse_toml
from bot.visible import is_blank

# Builds the error for a key path and a reason; bound to the file being read.
_ProblemFactory = Callable[[str, str], "LessonError"]

_TOP_KEYS = ("key", "title", "prompt", "recap", "examples")
_EXAMPLE_KEYS = ("title", "text", "image", "sample", "quality")


def parse_lesson(text: str, file: Path) -> Lesson:
    """Validate TOML text as a lesson. `file` names it in problems and anchors image paths."""
    try:
        data = parse_toml(text)
    except UnreadableFile as exc:
        raise LessonError(LessonProblem(file, "", str(exc))) from None
    return _lesson_from_data(data, file)


def _lesson_from_data(data: Mapping[str, Any], file: Path) -> Lesson:
    declared: str | None = None  # the lesson's key, once read: its problems name it

    def problem(key: str, reason: str) -> LessonError:
        return LessonError(LessonProblem(file, key, reason, declared))

    _refuse_unknown(data, _TOP_KEYS, "", problem)
    key = _text(data, "key", "key", MAX_KEY, problem)
    if not KEY_PATTERN.fullmatch(key):
        raise problem(
            "key", f"expected lowercase words joined by '-' (like 'my-lesson'), found {key!r}"
        )
    declared = key
    title = _text(data, "title", "title", MAX_TITLE, problem, one_line=True)
    prompt = _text(data, "prompt", "prompt", MAX_PROMPT, problem)
    recap = _text(data, "recap", "recap", MAX_RECAP, problem)

    if "examples" not in data:
        raise problem("examples", "missing; expected 1–10 [[examples]] tables")
    raw_examples = data["examples"]
    if not isinstance(raw_examples, list) or not all(isinstance(e, dict) for e in raw_examples):
        raise problem("examples", f"expected [[examples]] tables, found {_type_name(raw_examples)}")
    if not MIN_EXAMPLES <= len(raw_examples) <= MAX_EXAMPLES:
        raise problem(
            "examples",
            f"expected {MIN_EXAMPLES}–{MAX_EXAMPLES} examples, found {len(raw_examples)}",
        )
    examples = tuple(
        _example_from_data(number, entry, file, problem)
        for number, entry in enumerate(raw_examples, start=1)
    )
    for example in examples:
        if (too_long := forum_post_problem(example.text, prompt)) is not None:
            raise problem(f"examples[{example.number}].text", too_long)
    return Lesson(key, title, prompt, recap, examples, source=file)


def _example_from_data(
    number: int, data: Mapping[str, Any], file: Path, problem: _ProblemFactory
) -> Example:
    where = f"examples[{number}]"
    _refuse_unknown(data, _EXAMPLE_KEYS, where + ".", problem)
    title = _text(data, "title", f"{where}.title", MAX_EXAMPLE_TITLE, problem, one_line=True)
    text = _text(data, "text", f"{where}.text", MAX_EXAMPLE_TEXT, problem)
    image = _optional_text(data, "image", f"{where}.image", MAX_IMAGE, problem, one_line=True)
    if image is not None:
        reason = image_problem(image, file.parent)
        if reason:
            raise problem(f"{where}.image", reason)
    sample = data.get("sample", False)
    if not isinstance(sample, bool):
        raise problem(f"{where}.sample", f"expected true or false, found {_type_name(sample)}")
    quality = _optional_text(data, "quality", f"{where}.quality", MAX_QUALITY, problem)
    return Example(number, title, text, image, sample, quality)


def _refuse_unknown(
    data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str, problem: _ProblemFactory
) -> None:
    # Unknown keys are refused rather than ignored: a misspelt `imgae` would otherwise vanish
    # silently and the moderator would wonder why the picture never shows.
    for name in data:
        if name not in allowed:
            raise problem(f"{prefix}{name}", f"unknown key; expected one of: {', '.join(allowed)}")


def _text(
    data: Mapping[str, Any], name: str, where: str, limit: int, problem: _ProblemFactory,
    *, one_line: bool = False,
) -> str:
    if name not in data:
        raise problem(where, "missing; expected a string")
    value = _optional_text(data, name, where, limit, problem, one_line=one_line)
    if value is None:  # pragma: no cover - _optional_text only returns None when absent
        raise problem(where, "missing; expected a string")
    return value


def _optional_text(
    data: Mapping[str, Any], name: str, where: str, limit: int, problem: _ProblemFactory,
    *, one_line: bool = False,
) -> str | None:
    if name not in data:
        return None
    value = data[name]
    if not isinstance(value, str):
        raise problem(where, f"expected a string, found {_type_name(value)}")
    # Multi-line strings are written with their opening quotes on a line of their own; the
    # surrounding blank space is layout, not content.
    value = value.strip()
    if is_blank(value):
        raise problem(where, "is empty; expected some text")
    if len(value) > limit:
        raise problem(where, f"is {len(value)} characters; at most {limit} fit in Discord")
    if (unshown := text_problem(value, one_line=one_line)) is not None:
        raise problem(where, unshown)
    return value


def _type_name(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)

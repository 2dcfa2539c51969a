"""Lesson content as data: the model, a forgiving loader, and a writer for moderators' edits.

A lesson pack is one TOML file in `lessons/` (format: `lessons/README.md`). Loading is strict
about the content, because what it holds ends up in Discord embeds with hard limits, but
forgiving about failure: `load_lessons` reports a broken file as a `LessonProblem` and keeps
the others, so one typo in one pack never stops the bot from starting.

Pure domain: no discord, no aiosqlite. Files are read and written only here and only by the
functions that say so (`load_lesson`, `load_lessons`, `save_lesson`).
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from bot.errors import UserError

# Discord's embed limits are the real bounds: a title is at most 256 characters and a
# description at most 4,096. The prompt, the recap and an example's text are each sent as a
# description, so 4,000 leaves room for the bot to add a line of its own (a footer, a hint).
MAX_TITLE = 256
MAX_PROMPT = 4000
MAX_RECAP = 4000
MAX_EXAMPLE_TEXT = 4000
MAX_QUALITY = 1000
# Discord's URL limit for an embed image is 2,048; paths are kept to the same bound.
MAX_IMAGE = 2048
# Examples end up as one thread each and in select menus (25 options at most); ten keeps the
# exercise readable and the summary chart legible.
MIN_EXAMPLES = 1
MAX_EXAMPLES = 10
# The key goes into custom_ids (100 chars total) and database rows: short, lowercase, stable.
MAX_KEY = 64
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A lesson file is a few kilobytes; refusing big files keeps a misplaced dump from being parsed.
MAX_FILE_BYTES = 256 * 1024

# Builds the error for a key path and a reason; bound to the file being read.
_ProblemFactory = Callable[[str, str], "LessonError"]

_TOP_KEYS = ("key", "title", "prompt", "recap", "examples")
_EXAMPLE_KEYS = ("title", "text", "image", "sample", "quality")


@dataclass(frozen=True, slots=True)
class Example:
    """One outreach note to critique. `number` is its 1-based position, as members see it."""

    number: int
    title: str
    text: str
    # As written in the file: a path relative to the lesson file's directory, or an http(s) URL.
    image: str | None = None
    # True for notes written for the bot rather than real ones; cogs say so in the embed.
    sample: bool = False
    # For samples: what the note is meant to illustrate (moderators' eyes; not shown to members).
    quality: str | None = None


@dataclass(frozen=True, slots=True)
class Lesson:
    key: str
    title: str
    prompt: str
    recap: str
    examples: tuple[Example, ...]
    # Where the lesson was loaded from: relative image paths resolve against its directory and
    # moderators' edits are saved back to it. Not part of a lesson's identity.
    source: Path | None = field(default=None, compare=False)

    def example(self, number: int) -> Example:
        """The example with that 1-based number; `UserError` if there is none."""
        if not 1 <= number <= len(self.examples):
            raise UserError(
                f"“{self.title}” has examples 1–{len(self.examples)}; there is no example {number}."
            )
        return self.examples[number - 1]


@dataclass(frozen=True, slots=True)
class LessonProblem:
    """Why one lesson file was not loaded: which file, which key in it, and what is wrong.

    `key` is a dotted path into the file (`examples[2].text`); it is "" when the problem is
    the file as a whole (unreadable, not TOML).
    """

    file: Path
    key: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else str(self.file)
        return f"{where}: {self.reason}"


class LessonError(Exception):
    """A lesson file cannot be used; carries the `LessonProblem` that says why."""

    def __init__(self, problem: LessonProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class LessonCatalog:
    """The lessons that loaded and the problems with the files that did not."""

    lessons: tuple[Lesson, ...]
    problems: tuple[LessonProblem, ...] = ()

    def get(self, key: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.key == key), None)

    def keys(self) -> tuple[str, ...]:
        return tuple(lesson.key for lesson in self.lessons)


# ---------------------------------------------------------------------------------------------
# Loading


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and validate one lesson file; `LessonError` (with a `LessonProblem`) if unusable."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LessonError(
                LessonProblem(file, "", f"file is {size} bytes; at most {MAX_FILE_BYTES} expected")
            )
        raw = file.read_bytes()
    except OSError as exc:
        raise LessonError(LessonProblem(file, "", f"cannot read: {exc.strerror or exc}")) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LessonError(LessonProblem(file, "", f"not UTF-8 text ({exc.reason})")) from exc
    return parse_lesson(text, file)


def parse_lesson(text: str, file: Path) -> Lesson:
    """Validate TOML text as a lesson. `file` names it in problems and anchors image paths."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(LessonProblem(file, "", f"not valid TOML: {exc}")) from exc
    return _lesson_from_data(data, file)


def load_lessons(directory: str | os.PathLike[str]) -> LessonCatalog:
    """Load every `*.toml` file in `directory` (not recursive), in file-name order.

    Never raises for bad content: each unusable file becomes a `LessonProblem` and the rest
    still load. When two files share a `key`, the first by file name wins and the other is
    reported, so which lesson the bot serves never depends on directory listing order.
    """
    folder = Path(directory)
    if not folder.is_dir():
        return LessonCatalog((), (LessonProblem(folder, "", "lesson directory not found"),))
    lessons: list[Lesson] = []
    problems: list[LessonProblem] = []
    first_file: dict[str, Path] = {}
    for file in sorted(folder.glob("*.toml")):
        try:
            lesson = load_lesson(file)
        except LessonError as exc:
            problems.append(exc.problem)
            continue
        if lesson.key in first_file:
            problems.append(
                LessonProblem(
                    file,
                    "key",
                    f"duplicate lesson key {lesson.key!r}, already used by "
                    f"{first_file[lesson.key].name}",
                )
            )
            continue
        first_file[lesson.key] = file
        lessons.append(lesson)
    return LessonCatalog(tuple(lessons), tuple(problems))


def _lesson_from_data(data: Mapping[str, Any], file: Path) -> Lesson:
    def problem(key: str, reason: str) -> LessonError:
        return LessonError(LessonProblem(file, key, reason))

    _refuse_unknown(data, _TOP_KEYS, "", problem)
    key = _text(data, "key", "key", MAX_KEY, problem)
    if not KEY_PATTERN.fullmatch(key):
        raise problem(
            "key", f"expected lowercase words joined by '-' (like 'my-lesson'), found {key!r}"
        )
    title = _text(data, "title", "title", MAX_TITLE, problem)
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
    return Lesson(key, title, prompt, recap, examples, source=file)


def _example_from_data(
    number: int, data: Mapping[str, Any], file: Path, problem: _ProblemFactory
) -> Example:
    where = f"examples[{number}]"
    _refuse_unknown(data, _EXAMPLE_KEYS, where + ".", problem)
    title = _text(data, "title", f"{where}.title", MAX_TITLE, problem)
    text = _text(data, "text", f"{where}.text", MAX_EXAMPLE_TEXT, problem)
    image = _optional_text(data, "image", f"{where}.image", MAX_IMAGE, problem)
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
    data: Mapping[str, Any], name: str, where: str, limit: int, problem: _ProblemFactory
) -> str:
    if name not in data:
        raise problem(where, "missing; expected a string")
    value = _optional_text(data, name, where, limit, problem)
    if value is None:  # pragma: no cover - _optional_text only returns None when absent
        raise problem(where, "missing; expected a string")
    return value


def _optional_text(
    data: Mapping[str, Any], name: str, where: str, limit: int, problem: _ProblemFactory
) -> str | None:
    if name not in data:
        return None
    value = data[name]
    if not isinstance(value, str):
        raise problem(where, f"expected a string, found {_type_name(value)}")
    # Multi-line strings are written with their opening quotes on a line of their own; the
    # surrounding blank space is layout, not content.
    value = value.strip()
    if not value:
        raise problem(where, "is empty; expected some text")
    if len(value) > limit:
        raise problem(where, f"is {len(value)} characters; at most {limit} fit in Discord")
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


def image_problem(image: str, base_dir: Path | None) -> str | None:
    """Why `image` cannot be used, or None if it can.

    An image is an http(s) URL or a path relative to the lesson's directory. Absolute paths and
    `..` are refused so a lesson file can never make the bot upload files from elsewhere on disk.
    With `base_dir` None (a lesson not tied to a file) a path cannot be checked and is refused.
    """
    if image.startswith(("https://", "http://")):
        if any(ch.isspace() for ch in image) or len(image.split("://", 1)[1]) == 0:
            return f"not a usable URL: {image!r}"
        return None
    if "://" in image:
        return f"only http(s) URLs or relative paths are allowed, found {image!r}"
    posix = PurePosixPath(image.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or Path(image).is_absolute():
        return f"expected a path inside the lessons directory, found {image!r}"
    if base_dir is None:
        return f"cannot check the path {image!r} of a lesson that has no file"
    if not (base_dir / posix).is_file():
        return f"image file not found: {base_dir / posix}"
    return None


def image_location(lesson: Lesson, example: Example) -> str | Path | None:
    """Where to get the example's image: a URL (str), a local file (Path), or None."""
    if example.image is None:
        return None
    if example.image.startswith(("https://", "http://")):
        return example.image
    base = lesson.source.parent if lesson.source is not None else Path()
    return base / PurePosixPath(example.image.replace("\\", "/"))


# ---------------------------------------------------------------------------------------------
# Moderators' edits


def replace_example(
    lesson: Lesson, number: int, text: str | None = None, image: str | None = None
) -> Lesson:
    """A copy of `lesson` with example `number`'s text and/or image replaced.

    `None` keeps the current value; `image=""` removes the image. Replacing the text turns a
    sample into a real example (`sample=False`, the quality note dropped), because the note
    described the sample text that is now gone. Bad input raises `UserError`: this is called
    with what a moderator typed.
    """
    current = lesson.example(number)
    changes: dict[str, Any] = {}
    if text is not None:
        cleaned = text.strip()
        if not cleaned:
            raise UserError("The new example text is empty.")
        if len(cleaned) > MAX_EXAMPLE_TEXT:
            raise UserError(
                f"The new example text is {len(cleaned)} characters; "
                f"at most {MAX_EXAMPLE_TEXT} fit in a Discord embed."
            )
        changes.update(text=cleaned, sample=False, quality=None)
    if image is not None:
        cleaned_image = image.strip()
        if not cleaned_image:
            changes["image"] = None
        else:
            if len(cleaned_image) > MAX_IMAGE:
                raise UserError(f"The image link is longer than {MAX_IMAGE} characters.")
            base = lesson.source.parent if lesson.source is not None else None
            reason = image_problem(cleaned_image, base)
            if reason:
                raise UserError(f"That image can't be used: {reason}.")
            changes["image"] = cleaned_image
    if not changes:
        return lesson
    examples = list(lesson.examples)
    examples[number - 1] = replace(current, **changes)
    return replace(lesson, examples=tuple(examples))


# ---------------------------------------------------------------------------------------------
# Writing (the stdlib reads TOML but does not write it)


def dump_lesson(lesson: Lesson) -> str:
    """The lesson as TOML text in the `lessons/` format; `parse_lesson` reads it back equal."""
    lines = [
        "# Lesson pack. Format: lessons/README.md. Written by the bot; comments are not kept.",
        "",
        f"key = {_toml_string(lesson.key)}",
        f"title = {_toml_string(lesson.title)}",
        "",
        f"prompt = {_toml_string(lesson.prompt)}",
        "",
        f"recap = {_toml_string(lesson.recap)}",
    ]
    for example in lesson.examples:
        lines += ["", "[[examples]]", f"title = {_toml_string(example.title)}"]
        lines.append(f"text = {_toml_string(example.text)}")
        if example.image is not None:
            lines.append(f"image = {_toml_string(example.image)}")
        if example.sample:
            lines.append("sample = true")
        if example.quality is not None:
            lines.append(f"quality = {_toml_string(example.quality)}")
    return "\n".join(lines) + "\n"


def save_lesson(lesson: Lesson, path: str | os.PathLike[str]) -> None:
    """Write `lesson` to `path` atomically: a reader sees the old file or the new, never half.

    The text is parsed back before anything touches the disk, so a writer bug can never leave
    a lesson file that the next start-up would refuse.
    """
    target = Path(path)
    text = dump_lesson(lesson)
    parse_lesson(text, target)
    # Same directory, so os.replace is a rename on one file system; the ".tmp" suffix keeps a
    # temp file left by a crash out of load_lessons' "*.toml".
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file owner-only; keep the permissions the lesson file had.
        try:
            os.chmod(temp_name, stat.S_IMODE(target.stat().st_mode))
        except FileNotFoundError:
            os.chmod(temp_name, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


# Characters that TOML basic strings cannot hold raw: C0 controls and DEL (tab is allowed).
_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _escape_char(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04X}"
    return ch


def _toml_string(value: str) -> str:
    """A TOML basic string for `value`; multi-line when it has line breaks, for readability."""
    if "\n" not in value:
        return '"' + "".join(_escape_char(ch) for ch in value) + '"'
    out: list[str] = []
    for index, ch in enumerate(value):
        if ch in ("\n", "\t"):
            # Raw in a multi-line string: the file reads like the text it holds.
            out.append(ch)
        elif ch == '"':
            # A lone quote may stay raw; one that starts a run, or is last (it would touch the
            # closing delimiter), is escaped so no `"""` can ever appear inside.
            nxt = value[index + 1] if index + 1 < len(value) else ""
            out.append('\\"' if nxt in ('"', "") else '"')
        else:
            out.append(_escape_char(ch))
    # The newline right after the opening quotes is trimmed by TOML; it keeps the text aligned.
    return '"""\n' + "".join(out) + '"""'

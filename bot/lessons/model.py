"""The lesson content model: lessons, their examples, the limits they must fit, and why a lesson
file was not loaded. Pure data: no discord, no aiosqlite, no files beyond checking that an
example's image exists."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from bot import limits
from bot.display import file_size
from bot.errors import UserError
from bot.visible import is_blank

# The bot's own words around lesson text where Discord limits the whole (cogs/runs renders
# with these): a lesson is held to what will be sent, so nothing of it is ever cut.
PROMPT_TITLE = "{title}: evaluate a cold outreach"  # the prompt's embed title
RECAP_TITLE = "{title} — the rules"  # /lesson recap's embed title
THREAD_NAME = "{title} — critiques"  # an example's thread (a forum post's name too)
FORUM_POST = "{text}\n\n**The question**\n{prompt}"  # a forum post's description


def _room(template: str, limit: int) -> int:
    """What is left of `limit` for the text of a one-placeholder template."""
    return limit - len(re.sub(r"\{\w+\}", "", template))


# Discord's limits are the real bounds (bot/limits.py): a title is at most 256 characters
# with the bot's words, a thread name 100, a description 4,096. The prompt, the recap and an
# example's text are each sent as a description, so 4,000 leaves room for the bot to add a
# line of its own (a footer, a hint); a forum post carries an example and the prompt together
# (`forum_post_problem`).
MAX_TITLE = min(_room(PROMPT_TITLE, limits.EMBED_TITLE), _room(RECAP_TITLE, limits.EMBED_TITLE))
MAX_EXAMPLE_TITLE = _room(THREAD_NAME, limits.THREAD_NAME)
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
# An example's new image, as a moderator uploads it: what Discord shows inline, at most 8 MiB.
MAX_IMAGE_BYTES = 8 * 1024 * 1024
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
               "image/webp": ".webp"}


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
    the file as a whole (unreadable, not TOML). `lesson` is the lesson key the file declares,
    when it got that far, so a moderator who asks for the lesson by it hears why it is missing.
    """

    file: Path
    key: str
    reason: str
    lesson: str | None = None

    def names(self, lesson_key: str) -> bool:
        """Whether a moderator asking for `lesson_key` means this file."""
        return lesson_key in (self.lesson, self.file.stem)

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

    def skipped(self, key: str) -> LessonProblem | None:
        """Why the file meant by `key` was not loaded, if such a file was skipped."""
        return next((problem for problem in self.problems if problem.names(key)), None)

    def unloaded(self) -> list[tuple[str, LessonProblem]]:
        """The lesson keys whose files were skipped (none of them loaded), with why."""
        found: dict[str, LessonProblem] = {}
        for problem in self.problems:
            key = problem.lesson or problem.file.stem
            if self.get(key) is None:
                found.setdefault(key, problem)
        return list(found.items())


# What breaks a line (str.splitlines' list): a title with one made a thread name with a line
# break in it, and the summary's chart could not measure its label, so no summary of the run
# and no /lesson close could be drawn.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_CONTROL_NAMES = {"\t": "a tab", "\x00": "NUL"}


def text_problem(value: str, *, one_line: bool) -> str | None:
    """Why a lesson's text cannot be shown where it goes, or None.

    A one-line text (a title, an image's path) names a thread, heads an embed and labels the
    summary's chart, which show one line: it may hold no line break, no control character
    and no bidirectional embedding or override (U+202A–U+202E: it would turn the bot's
    words after it, "— critiques", backwards). A text of many lines (the prompt, an
    example's text) is an embed's description: line breaks and tabs are text there, other
    control characters show nothing, or garbage, and are refused too.
    """
    for index, char in enumerate(value, start=1):
        code = f"U+{ord(char):04X}"
        if one_line and char in _LINE_BREAKS:
            return (f"holds a line break ({code}, character {index}); write it on one line "
                    "(Discord shows a title in one line: a thread's name, an embed's title, "
                    "the summary chart's label)")
        if one_line and "\u202a" <= char <= "\u202e":
            return (f"holds the bidirectional control {code} (character {index}), which would "
                    "turn the bot's words after it backwards: remove it")
        if unicodedata.category(char) == "Cc" and (one_line or char not in "\n\t"):
            what = _CONTROL_NAMES.get(char, "a control character")
            return (f"holds {what} ({code}, character {index}), which Discord does not show "
                    "as text: remove it")
    return None


def forum_post_problem(text: str, prompt: str) -> str | None:
    """Why an example's text and the lesson's prompt do not fit one forum post (a forum
    post stands alone, so it carries the question), or None."""
    size = len(FORUM_POST.format(text=text, prompt=prompt))
    if size <= limits.EMBED_DESCRIPTION:
        return None
    return (f"with the prompt, a forum post of this example would be {size:,} characters; "
            f"Discord takes {limits.EMBED_DESCRIPTION:,}: shorten the text or the prompt")


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
    # A symbolic link on the way (images/ itself, or the file) could lead anywhere on disk.
    if not (base_dir / posix).resolve().is_relative_to(base_dir.resolve()):
        return f"the image {image!r} leads outside the lesson's folder (a symbolic link?)"
    return upload_problem(base_dir / posix)


# What each image file Discord shows in an embed starts with (its "magic" bytes).
_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
               ".jpeg": (b"\xff\xd8\xff",), ".gif": (b"GIF87a", b"GIF89a"),
               ".webp": (b"RIFF",)}


def upload_problem(path: Path) -> str | None:
    """Why Discord would refuse, or not show, `path` as an example's uploaded image: what
    `/lesson example` refuses of an upload (the type, the size), so a lesson file's image is
    held to it before `/lesson post` meets Discord's "Request entity too large"."""
    suffix = path.suffix.lower()
    signatures = _SIGNATURES.get(suffix)
    if signatures is None:
        return (f"{path.name} is not an image Discord shows in an embed: give a PNG, JPEG, "
                "GIF or WebP file")
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(12)
    except OSError as exc:
        return f"cannot read {path.name} ({exc.strerror or exc})"
    if size > MAX_IMAGE_BYTES:
        return (f"{path.name} is {file_size(size)} ({size:,} bytes); an example's image is "
                f"at most {MAX_IMAGE_BYTES // (1024 * 1024)} MiB ({MAX_IMAGE_BYTES:,} bytes), "
                "what Discord takes from the bot")
    if not head.startswith(signatures) or (suffix == ".webp" and head[8:12] != b"WEBP"):
        return f"{path.name} does not hold a {suffix[1:].upper()} image (its content)"
    return None


def image_location(lesson: Lesson, example: Example) -> str | Path | None:
    """Where to get the example's image: a URL (str), a local file (Path), or None (none, or
    the file is no longer usable: checked again, as it may have changed since loading)."""
    if example.image is None:
        return None
    if example.image.startswith(("https://", "http://")):
        return example.image
    base = lesson.source.parent if lesson.source is not None else None
    if base is None or image_problem(example.image, base) is not None:
        return None
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
        if is_blank(cleaned):
            raise UserError("The new example text is empty.")
        if len(cleaned) > MAX_EXAMPLE_TEXT:
            raise UserError(
                f"The new example text is {len(cleaned)} characters; "
                f"at most {MAX_EXAMPLE_TEXT} fit in a Discord embed."
            )
        if (unshown := text_problem(cleaned, one_line=False)) is not None:
            raise UserError(f"The new example text {unshown}.")
        if (too_long := forum_post_problem(cleaned, lesson.prompt)) is not None:
            raise UserError(f"The new example text: {too_long}.")
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

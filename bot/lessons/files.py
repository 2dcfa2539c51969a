"""The only file I/O of lessons: reading lesson files and the lessons directory, and saving a
moderator's edits back (the lesson atomically, a new example image beside it)."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.errors import UserError
from bot.lessons.model import Lesson, LessonCatalog, LessonError, LessonProblem
from bot.lessons.parse import parse_lesson
from bot.lessons.writer import dump_lesson
from bot.textfile import UnreadableFile, read_text

# A lesson file is a few kilobytes; refusing big files keeps a misplaced dump from being parsed.
MAX_FILE_BYTES = 256 * 1024


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read and validate one lesson file; `LessonError` (with a `LessonProblem`) if unusable."""
    file = Path(path)
    try:
        text = read_text(file, limit=MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise LessonError(LessonProblem(file, "", f"cannot read: {exc}")) from None
    return parse_lesson(text, file)


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


def edit_lesson(loaded: Lesson, path: str | os.PathLike[str],
                change: Callable[[Lesson], Lesson]) -> bool:
    """Apply `change` to the lesson file as it is on disk now, and save it atomically.

    Read again first, never taken from `loaded` (the copy read at start-up): edits made to
    the file by hand since (a new example, a new title) are kept, not overwritten.
    `UserError` when the file no longer loads or holds another lesson (nothing is written),
    or when it changes again while this edit is saved (its content's hash, checked just
    before the rename). Returns whether the file had changed since `loaded` was read."""
    target = Path(path)
    before = _fingerprint(target)
    try:
        current = load_lesson(target)
    except LessonError as exc:
        raise UserError(f"The lesson file {target.name} was edited since I loaded it and no "
                        f"longer loads ({exc.problem}); fix it, then try again. Nothing was "
                        "changed.") from None
    if current.key != loaded.key:
        raise UserError(f"The lesson file {target.name} now holds the lesson "
                        f"`{current.key}`, not `{loaded.key}`: restart me to load it. "
                        "Nothing was changed.")
    _save(change(current), target, before)
    return current != loaded


def _fingerprint(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _save(lesson: Lesson, target: Path, expected: str) -> None:
    """Write `lesson` to `target` atomically (a reader sees the old file or the new, never
    half), refusing (`UserError`) if the file no longer has the content whose hash is
    `expected`.

    The text is parsed back before anything touches the disk, so a writer bug can never leave
    a lesson file that the next start-up would refuse.
    """
    text = dump_lesson(lesson)
    parse_lesson(text, target)
    # Same directory, so os.replace is a rename on one file system; the ".tmp" suffix keeps a
    # temp file left by a crash out of load_lessons' "*.toml".
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file owner-only; keep the permissions the lesson file had.
        try:
            os.chmod(temp_name, stat.S_IMODE(target.stat().st_mode))
        except FileNotFoundError:  # deleted meanwhile: refused below
            os.chmod(temp_name, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if _fingerprint(target) != expected:
            raise UserError(f"The lesson file {target.name} changed while I was saving your "
                            "edit (someone is editing it); nothing was changed: try again.")
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def save_example_image(folder: Path, lesson_key: str, number: int, suffix: str,
                       data: bytes) -> str:
    """Write an example's new image under `folder` (the lesson file's directory); returns its
    path relative to it, as the lesson file names it.

    Written to a temporary file and renamed over the old one: a symbolic link left at the
    image's name is replaced, never written through to wherever it points.
    """
    relative = f"images/{lesson_key}-example-{number}{suffix}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(folder.resolve()):
        raise UserError(f"The lesson's images folder ({target.parent}) leads outside the "
                        "lesson's folder; a moderator with access to the server must fix it.")
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                     suffix=".tmp")
    try:
        os.chmod(temp_name, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return relative

"""The only file I/O of lessons: reading lesson files and the lessons directory, and saving a
moderator's edits back (the lesson file and a new example image, each atomically, the lesson
changing only when its file is renamed into place)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.errors import UserError
from bot.lessons.model import (
    Lesson,
    LessonCatalog,
    LessonError,
    LessonProblem,
    replace_example,
)
from bot.lessons.parse import parse_lesson
from bot.lessons.uploads import ImageUpload
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
    current = _as_it_is_now(loaded, target)
    _save(change(current), target, before)
    return current != loaded


def edit_example(loaded: Lesson, number: int, *, text: str | None,
                 image: ImageUpload | None) -> bool:
    """Replace example `number`'s text and/or image in `loaded`'s file as it is now
    (`edit_lesson`); True when the file had changed since `loaded` was read.

    Everything is checked before the lesson changes, and it changes at one moment: the
    rename of its file. The new text is checked before anything is written; the image
    (already decoded whole: `checked_upload`) is written under a name of its own that no
    lesson file names yet, then the lesson file naming it is saved. A refusal or a failure
    on the way removes the new image again, so every file is as it was; a crash between
    leaves only that unnamed image. Once saved, the image the example had is removed if the
    bot made it and no lesson file names it any more."""
    target = lesson_file(loaded)
    placed: list[Path] = []  # what saving the image created, to remove on a failure
    had: list[str | None] = []  # the image the example had

    def change(current: Lesson) -> Lesson:
        edited = replace_example(current, number, text=text)  # before anything is written
        if image is None:
            return edited
        relative = image.path(current.key, number)
        had.append(current.example(number).image)
        _place_image(target.parent, image, relative, placed)
        return replace_example(edited, number, image=relative)

    try:
        edited_since = edit_lesson(loaded, target, change)
    except BaseException:
        _remove(reversed(placed))
        raise
    if had:
        _drop_replaced(target.parent, loaded.key, number, had[0])
    return edited_since


def lesson_file(lesson: Lesson) -> Path:
    """The file `lesson` was loaded from, where its edits are saved; `UserError` if none."""
    if lesson.source is None:
        raise UserError("This lesson has no file to save the change to.")
    return lesson.source


def _as_it_is_now(loaded: Lesson, target: Path) -> Lesson:
    """The lesson in `target` as it is on disk now; `UserError` if it no longer loads or is
    another lesson now. The bot never saves a file that does not load, so a file that does
    not was changed by hand, or a file it names was."""
    try:
        current = load_lesson(target)
    except LessonError as exc:
        raise UserError(f"The lesson file {target.name} no longer loads ({exc.problem}): it, "
                        "or a file it names, was changed since I loaded it. Fix that, then "
                        "try again. Nothing was changed.") from None
    if current.key != loaded.key:
        raise UserError(f"The lesson file {target.name} now holds the lesson "
                        f"`{current.key}`, not `{loaded.key}`: restart me to load it. "
                        "Nothing was changed.")
    return current


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
    # mkstemp creates the file owner-only; keep the permissions the lesson file had.
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:  # deleted meanwhile: refused below
        mode = 0o644

    def unchanged() -> None:
        if _fingerprint(target) != expected:
            raise UserError(f"The lesson file {target.name} changed while I was saving your "
                            "edit (someone is editing it); nothing was changed: try again.")

    _write_atomically(target, text.encode("utf-8"), mode, before_rename=unchanged)


def _write_atomically(target: Path, data: bytes, mode: int, *,
                      before_rename: Callable[[], None] = lambda: None) -> None:
    """`data` written to a temporary file beside `target`, flushed to the disk, then renamed
    over it: a reader sees the old file or the new, never half; a symbolic link at `target`
    is replaced, never written through to wherever it points. `before_rename` may refuse
    (the temporary file is removed)."""
    # Same directory, so os.replace is a rename on one file system; the ".tmp" suffix keeps a
    # temp file left by a crash out of load_lessons' "*.toml".
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                     suffix=".tmp")
    try:
        os.chmod(temp_name, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        before_rename()
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """The rename made durable: the lesson file is saved only after its new image, and a
    power cut must not keep the one without the other."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform without directory handles: the rename is all it has
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _place_image(folder: Path, image: ImageUpload, relative: str, created: list[Path]) -> None:
    """Write `image` at `relative` under `folder` (the lesson file's directory), adding to
    `created` what was made for it (the images folder, the file). Nothing is written when
    the file is there already, holding the same bytes (the same upload again); never over
    another file: its name is new for each content."""
    target = folder / relative
    if not target.parent.exists():
        target.parent.mkdir(parents=True)
        created.append(target.parent)
    if not target.parent.resolve().is_relative_to(folder.resolve()):
        raise UserError(f"The lesson's images folder ({target.parent}) leads outside the "
                        "lesson's folder; a moderator with access to the server must fix it. "
                        "Nothing was changed.")
    if os.path.lexists(target):
        if not target.is_symlink() and target.is_file() and target.read_bytes() == image.data:
            return
        raise UserError(f"{relative} is already in the lesson's folder and holds something "
                        "else; move it away, then try again. Nothing was changed.")
    _write_atomically(target, image.data, 0o644)
    created.append(target)


def _remove(paths: Iterable[Path]) -> None:
    """Remove files and (empty) folders an edit that failed had made; best effort, as the
    edit's failure is what the moderator must hear about."""
    for path in paths:
        try:
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def _drop_replaced(folder: Path, lesson_key: str, number: int, old: str | None) -> None:
    """Remove `old`, the image example `number` had before its new one, if the bot had saved
    it (its name says so) and no lesson file in the folder names it any more. Best effort: a
    file left behind is named by nothing and harms nothing."""
    if old is None or not _bot_image(lesson_key, number).fullmatch(old):
        return
    try:
        if any(old in file.read_text("utf-8", errors="replace")
               for file in folder.glob("*.toml")):
            return
        (folder / old).unlink(missing_ok=True)
    except OSError:
        return


def _bot_image(lesson_key: str, number: int) -> re.Pattern[str]:
    """The names the bot saves example `number`'s uploads under (before they carried their
    content's hash too, and after)."""
    return re.compile(rf"images/{re.escape(lesson_key)}-example-{number}(-[0-9a-f]{{16}})?"
                      r"\.(png|jpg|gif|webp)")

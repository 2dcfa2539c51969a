"""Lesson content for the bot: the catalog loaded from the lessons directory, and moderators'
edits saved back to the files.

Files are read and written in a worker thread (`asyncio.to_thread`): a save ends with an
fsync, and an image can be megabytes, and neither may stall the event loop that answers
Discord within its 3 seconds.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.config import LessonSettings
from bot.display import code_text, fit_list
from bot.errors import UserError
from bot.lessons import (
    Lesson,
    LessonCatalog,
    checked_upload,
    edit_example,
    lesson_file,
    load_lessons,
)

log = logging.getLogger(__name__)
MAX_WHY = 1500  # characters of a skipped file's problem in an answer (a message takes 2,000)
KNOWN_CHARS = 1500  # of the lessons named when one asked for is unknown


@dataclass(frozen=True)
class ExampleImage:
    """A new image for an example, as uploaded: its file name and bytes (not checked yet)."""

    filename: str
    data: bytes


class LessonsService:
    def __init__(self, settings: LessonSettings) -> None:
        self.settings = settings
        self.catalog = LessonCatalog(())
        self._edit_lock = asyncio.Lock()

    async def reload(self) -> LessonCatalog:
        self._loaded(await asyncio.to_thread(load_lessons, self.settings.directory))
        return self.catalog

    def _loaded(self, catalog: LessonCatalog) -> None:
        self.catalog = catalog
        for problem in catalog.problems:
            log.warning("lesson file skipped: %s", problem)

    def get(self, key: str | None, *, moderator: bool = True) -> Lesson:
        """The lesson `key` (the config's default when None); `UserError` if it is unknown,
        or if its file was skipped: then why (to a moderator, as `/lesson list` says it)."""
        key = key or self.settings.default
        lesson = self.catalog.get(key)
        if lesson is not None:
            return lesson
        skipped = self.catalog.skipped(key)
        if skipped is None:
            known = fit_list(list(self.catalog.keys()), KNOWN_CHARS, sep=", ") or "none loaded"
            raise UserError(f"There is no lesson {code_text(key)}. Lessons: {known}.")
        name = code_text(skipped.file.name)
        if not moderator:  # file paths are for the moderators' eyes
            raise UserError(f"The lesson {code_text(key)} is not available: its file {name} "
                            "could not be loaded. A moderator can see why in `/lesson list`.")
        raise UserError(f"The lesson file {name} was found but not loaded: "
                        f"{str(skipped)[:MAX_WHY]}. Fix the file and restart me; "
                        "`/lesson list` shows every file I skipped.")

    def not_loaded(self, key: str) -> str:
        """Why the lesson `key` is not loaded, in a log line's words (paths, no member text)."""
        skipped = self.catalog.skipped(key)
        return f"skipped: {skipped}" if skipped is not None else "no such lesson file"

    def check_edit(self, lesson: Lesson, number: int, *, text: str | None,
                   has_image: bool) -> None:
        """Refuse an edit that cannot work, before anything is uploaded or written."""
        lesson.example(number)  # a clear error for a number the lesson does not have
        if text is None and not has_image:
            raise UserError("Give the new `text`, an `image`, or both.")
        lesson_file(lesson)

    async def replace_example(self, key: str, number: int, *, text: str | None,
                              image: ExampleImage | None) -> bool:
        """Replace example `number`'s text and/or image in the lesson file as it is now, save
        it, reload. True when the file had been edited since it was loaded (those edits are
        kept, and loaded with this one)."""
        # Two moderators editing at once must not lose a change: each edit starts from the
        # file as the previous one saved it.
        async with self._edit_lock:
            lesson = self.get(key)
            edited, catalog = await asyncio.to_thread(self._edit, lesson, number, text, image)
            self._loaded(catalog)
            return edited

    def _edit(self, lesson: Lesson, number: int, text: str | None,
              image: ExampleImage | None) -> tuple[bool, LessonCatalog]:
        """In a worker thread (decoding an image takes a while): check the upload whole, save
        the change, read the directory again."""
        source = lesson_file(lesson)
        upload = None if image is None else checked_upload(image.data, image.filename)
        try:
            edited = edit_example(lesson, number, text=text, image=upload)
        except OSError as exc:
            raise UserError(f"I could not save the change to {source}: "
                            f"{exc.strerror or exc}. The bot's user must be able to write "
                            f"in {source.parent}; the lesson is unchanged.") from None
        return edited, load_lessons(self.settings.directory)


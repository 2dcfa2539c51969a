"""Lesson content as data: the model, a forgiving loader, and a writer for moderators' edits.

A lesson pack is one TOML file in `lessons/` (format: `lessons/README.md`). Loading is strict
about the content, because what it holds ends up in Discord embeds with hard limits, but
forgiving about failure: `load_lessons` reports a broken file as a `LessonProblem` and keeps
the others, so one typo in one pack never stops the bot from starting.

Pure domain: no discord, no aiosqlite. Files are read and written only in `files.py`, and only
by the functions that say so (`load_lesson`, `load_lessons`, `edit_lesson`, `edit_example`).

    model.py    Lesson, Example, LessonCatalog, LessonProblem/LessonError, limits, edits
    parse.py    TOML text -> a validated Lesson
    writer.py   a Lesson -> TOML text
    uploads.py  an example's new image as uploaded, checked whole before it is saved
    files.py    reading lesson files and directories; saving an edit atomically
"""

from bot.lessons.files import (
    MAX_FILE_BYTES,
    edit_example,
    edit_lesson,
    lesson_file,
    load_lesson,
    load_lessons,
)
from bot.lessons.model import (
    FORUM_POST,
    IMAGE_TYPES,
    KEY_PATTERN,
    MAX_EXAMPLE_TEXT,
    MAX_EXAMPLE_TITLE,
    MAX_EXAMPLES,
    MAX_IMAGE,
    MAX_IMAGE_BYTES,
    MAX_KEY,
    MAX_PROMPT,
    MAX_QUALITY,
    MAX_RECAP,
    MAX_TITLE,
    MIN_EXAMPLES,
    PROMPT_TITLE,
    RECAP_TITLE,
    THREAD_NAME,
    Example,
    Lesson,
    LessonCatalog,
    LessonError,
    LessonProblem,
    image_location,
    image_problem,
    replace_example,
    text_problem,
)
from bot.lessons.parse import parse_lesson
from bot.lessons.uploads import MAX_IMAGE_PIXELS, ImageUpload, check_declared, checked_upload
from bot.lessons.writer import dump_lesson

__all__ = [
    "FORUM_POST",
    "IMAGE_TYPES",
    "KEY_PATTERN",
    "MAX_EXAMPLES",
    "MAX_EXAMPLE_TEXT",
    "MAX_EXAMPLE_TITLE",
    "MAX_FILE_BYTES",
    "MAX_IMAGE",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_KEY",
    "MAX_PROMPT",
    "MAX_QUALITY",
    "MAX_RECAP",
    "MAX_TITLE",
    "MIN_EXAMPLES",
    "PROMPT_TITLE",
    "RECAP_TITLE",
    "THREAD_NAME",
    "Example",
    "ImageUpload",
    "Lesson",
    "LessonCatalog",
    "LessonError",
    "LessonProblem",
    "check_declared",
    "checked_upload",
    "dump_lesson",
    "edit_example",
    "edit_lesson",
    "image_location",
    "image_problem",
    "lesson_file",
    "load_lesson",
    "load_lessons",
    "parse_lesson",
    "replace_example",
    "text_problem",
]

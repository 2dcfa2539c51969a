"""Which attached file is a draft to read: a text file, known by its name (`.txt`, `.md`…) or
by the type Discord gives it (`text/*`). Anything else is named for what it is, so the member
knows why it was not read ("a PDF", "a Word document"), not told vaguely "plain text" about a
Markdown file that is plain text."""

from __future__ import annotations

#: Names of text files: plain text and Markdown (Markdown is plain text with a few marks).
TEXT_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".md", ".markdown")

#: What common non-text files are, in words, by their name's ending.
_KINDS_BY_SUFFIX: dict[str, str] = {
    ".pdf": "a PDF",
    ".doc": "a Word document", ".docx": "a Word document",
    ".odt": "an OpenDocument file", ".rtf": "a rich-text (RTF) file", ".pages": "a Pages document",
    ".png": "an image", ".jpg": "an image", ".jpeg": "an image", ".gif": "an image",
    ".webp": "an image", ".heic": "an image",
    ".zip": "an archive", ".gz": "an archive", ".7z": "an archive",
}
_KINDS_BY_TYPE: dict[str, str] = {
    "application/pdf": "a PDF", "image/": "an image", "audio/": "a sound file",
    "video/": "a video", "application/zip": "an archive",
    "application/vnd.openxmlformats-officedocument.wordprocessingml": "a Word document",
    "application/msword": "a Word document",
}


def not_text(filename: str, content_type: str | None) -> str | None:
    """None for a file to read as a draft; else what it is, in words ("a PDF")."""
    name = filename.lower()
    ctype = (content_type or "").lower()
    if name.endswith(TEXT_SUFFIXES) or ctype.startswith("text/"):
        return None
    for suffix, kind in _KINDS_BY_SUFFIX.items():
        if name.endswith(suffix):
            return kind
    for prefix, kind in _KINDS_BY_TYPE.items():
        if ctype.startswith(prefix):
            return kind
    return "not a text file"

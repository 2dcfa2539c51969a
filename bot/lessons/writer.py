"""Writing: a `Lesson` -> TOML text in the `lessons/` format (the stdlib reads TOML but does
not write it)."""

from __future__ import annotations

from bot.lessons.model import Lesson


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

r"""Rewrites of a family's regex that find the same matches, faster (see `patterns`).

Each is exact, checked by hypothesis properties against the regex as written, on generated
regexes and on every family (`tests/review/test_review_fastscan.py`,
`tests/review/test_review_properties.py`):

- `spread`: an alternative that opens with a group, "(?:my|our) clients?", becomes one
  alternative per way the group can open, "my clients?|our clients?", in the order the regex
  engine would try them (a greedy "?" tries the group first, a lazy "??" last). The engine
  skips an alternative that opens with a plain character or class at a glance when the text's
  character differs; one that opens with a group it must enter. A large family tries every
  alternative at every word of the draft, so this halves its scan.
- `by_first_character`: then the alternatives that open with the same character are joined
  under it, "y(?:our post|ou wrote)", so that at each word the engine tries the alternatives
  of its first letter only: another third to two thirds off a large family's scan.
- `ascii_source`: the same regex for `re.ASCII`, which the family runs instead on an ASCII
  text (`str.isascii` costs nothing: CPython knows it). On ASCII text `\w`, `\W`, `\b`, `\d`
  and `[^\W_]` mean the same in both modes; Unicode's `\s` also takes the four separators
  U+001C-U+001F, so the ASCII form's `\s` is widened to take them. Each character class is
  then a table look-up instead of a query of the Unicode database, about 8 us less a scan of a
  1,000-character draft.
"""

from __future__ import annotations

import re


def alternatives(pattern: str) -> list[str]:
    """`pattern` split at its top-level `|` (not inside a group, a class or after a `\\`)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        depth += (c == "(") - (c == ")")
        i = _next(pattern, i)
    return [*parts, pattern[start:]]


def _group_end(pattern: str) -> int:
    """Where the group that opens `pattern` ends (just past its `)`)."""
    depth, i = 0, 0
    while i < len(pattern):
        depth += (pattern[i] == "(") - (pattern[i] == ")")
        i = _next(pattern, i)
        if depth == 0:
            return i
    raise ValueError(f"unbalanced group: {pattern!r}")


def _next(pattern: str, i: int) -> int:
    """Where the piece of `pattern` at `i` ends: an escape, a whole class, or one character."""
    if pattern[i] == "\\":
        return i + 2
    if pattern[i] != "[":
        return i + 1
    i += 1 + (pattern[i + 1 : i + 2] == "^")
    i += pattern[i : i + 1] == "]"  # a "]" first in the class is a literal
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def spread(alternative: str) -> list[str]:
    """`alternative` (no top-level `|`) as alternatives that each open with something other
    than a non-capturing group, in the order the engine tries them; the match of their
    alternation is the match of `alternative`. A group repeated more than "?" or "??", a
    capturing group or a lookaround at the start is left as it is."""
    if not alternative.startswith("(?:"):
        return [alternative]
    end = _group_end(alternative)
    inner, rest = alternative[3 : end - 1], alternative[end:]
    lazy = rest.startswith("??")
    optional = lazy or rest.startswith("?")
    if optional:
        rest = rest[2:] if lazy else rest[1:]
        if rest[:1] == "+":  # possessive: not a choice the engine goes back on
            return [alternative]
    elif rest[:1] in ("*", "+", "{"):
        return [alternative]
    # Each alternative of the group, followed by the rest: the same tries in the same order.
    taken = [s for a in alternatives(inner) for s in spread(a + rest)]
    if not optional:
        return taken
    skipped = spread(rest)
    return skipped + taken if lazy else taken + skipped


#: Characters that are not a literal at the start of an alternative.
_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def by_first_character(alternatives: list[str]) -> list[str]:
    """`alternatives` (of one alternation, in order) with those that open with the same plain
    character joined under it: "your post|you wrote|your talk" becomes "y(?:our post|ou wrote|
    our talk)". Two alternatives that open with different characters cannot both match at one
    place, so only their order among those of the same character matters, and it is kept; an
    alternative that opens otherwise (a class, an escape, a group) could match where any of
    them does, so none is moved across it. The engine then tries one character's alternatives
    at each place instead of all of them."""
    out: list[str] = []
    run: dict[str, list[str]] = {}  # since the last such alternative: character -> the rests

    def close() -> None:
        out.extend(c + rests[0] if len(rests) == 1 else f"{c}(?:{'|'.join(rests)})"
                   for c, rests in run.items())
        run.clear()

    for a in alternatives:
        if a[:1] and a[0] not in _SPECIAL and a[1:2] not in ("?", "*", "+", "{"):
            run.setdefault(a[0], []).append(a[1:])
        else:
            close()
            out.append(a)
    close()
    return out


#: What Unicode's `\s` matches in ASCII besides what `re.ASCII`'s does: the four separators.
_MORE_SPACE = r"\x1c-\x1f"
_ESCAPE = re.compile(r"\\.")


def ascii_source(pattern: str) -> str | None:
    """`pattern` for `re.ASCII` with the same matches on ASCII text: each `\\s` widened by
    `_MORE_SPACE`. None for a `\\S` inside a class, which cannot be widened that way."""
    out, i = [], 0
    while i < len(pattern):
        j = _next(pattern, i)
        piece = pattern[i:j]
        if piece == r"\s":
            piece = rf"[\s{_MORE_SPACE}]"
        elif piece == r"\S":
            piece = rf"[^\s{_MORE_SPACE}]"
        elif piece.startswith("["):
            escapes = _ESCAPE.findall(piece)
            if r"\S" in escapes:
                return None
            if r"\s" in escapes:
                piece = _ESCAPE.sub(lambda m: m[0] + _MORE_SPACE if m[0] == r"\s" else m[0], piece)
        out.append(piece)
        i = j
    return "".join(out)


def ascii_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` compiled for `re.ASCII` (`ascii_source`): the same matches on any ASCII text,
    found faster. `pattern` itself when it has no such form (a `\\S` in a class, or a letter
    beyond ASCII that `re.IGNORECASE` would fold differently)."""
    source = ascii_source(pattern.pattern)
    if source is None or (pattern.flags & re.IGNORECASE and not pattern.pattern.isascii()):
        return pattern
    return re.compile(source, (pattern.flags & ~re.UNICODE) | re.ASCII)

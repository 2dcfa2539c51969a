"""Lesson files (bot/lessons/): the shipped pack, malformed files reported (never raised),
edits saved back."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.lessons import (
    MAX_EXAMPLE_TEXT,
    MAX_EXAMPLE_TITLE,
    MAX_EXAMPLES,
    MAX_IMAGE_BYTES,
    MAX_TITLE,
    Example,
    Lesson,
    LessonError,
    dump_lesson,
    edit_lesson,
    image_location,
    load_lesson,
    load_lessons,
    parse_lesson,
    replace_example,
    text_problem,
)
from bot.visible import is_blank

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
SHIPPED = LESSONS / "networking-with-professionals.toml"
FIXTURES = Path(__file__).parent / "fixtures"


# --- the shipped lesson ---------------------------------------------------------------------


def test_shipped_lesson_loads_with_three_sample_examples() -> None:
    lesson = load_lesson(SHIPPED)
    assert lesson.key == "networking-with-professionals"
    assert lesson.title == "Networking with Professionals"
    assert [e.title for e in lesson.examples] == ["Outreach 1", "Outreach 2", "Outreach 3"]
    assert [e.number for e in lesson.examples] == [1, 2, 3]
    # The lesson's screenshots are not in the project: every example must say it is a sample.
    assert all(e.sample and e.quality for e in lesson.examples)
    assert all(len(e.text) < 1000 for e in lesson.examples)
    assert len(lesson.prompt) < 4096
    assert "effective or ineffective" in lesson.prompt
    assert "likely to get a response" in lesson.prompt


def test_shipped_recap_covers_the_lessons_rules() -> None:
    recap = load_lesson(SHIPPED).recap.lower()
    for rule in (
        "1–3 concrete goals",
        "career path",
        "mutual interests",
        "add value",
        "personal social accounts",
        "mutual connection",
        "thoughtful comment",
        "i'd like to have a chat with you",
        "one follow-up 1–2 weeks",
    ):
        assert rule in recap, rule


def test_shipped_lessons_directory_has_no_problems() -> None:
    catalog = load_lessons(LESSONS)
    assert catalog.problems == ()
    shipped_keys = catalog.keys()
    assert "networking-with-professionals" in shipped_keys
    assert catalog.get("networking-with-professionals") == load_lesson(SHIPPED)
    assert catalog.get("nope") is None


# --- malformed files ------------------------------------------------------------------------

# file name -> (key reported, words in the reason)
MALFORMED = {
    "bad-syntax.toml": ("", "not valid TOML"),
    "not-utf8.toml": ("", "not UTF-8"),
    "missing-prompt.toml": ("prompt", "missing"),
    "unknown-key.toml": ("examples[1].imgae", "unknown key"),
    "wrong-type.toml": ("title", "expected a string, found an integer"),
    "no-examples.toml": ("examples", "found 0"),
    "too-many-examples.toml": ("examples", "found 11"),
    "title-too-long.toml": ("title", f"at most {MAX_TITLE}"),
    "missing-image.toml": ("examples[1].image", "not found"),
    "image-outside.toml": ("examples[1].image", "inside the lessons directory"),
    "sample-not-bool.toml": ("examples[2].sample", "true or false"),
    "empty-text.toml": ("examples[2].text", "empty"),
    "bad-key.toml": ("key", "lowercase"),
    "z-duplicate-key.toml": ("key", "duplicate lesson key 'fixture-good'"),
}


def test_each_malformed_file_is_reported_and_the_good_one_still_loads() -> None:
    catalog = load_lessons(FIXTURES)

    assert catalog.keys() == ("fixture-good",)
    good = catalog.lessons[0]
    assert good.title == "A good fixture"  # the first file by name wins the shared key
    reported = {p.file.name: p for p in catalog.problems}
    assert set(reported) == set(MALFORMED)
    for name, (key, words) in MALFORMED.items():
        problem = reported[name]
        assert problem.file == FIXTURES / name
        assert problem.key == key, name
        assert words in problem.reason, (name, problem.reason)
        assert name in str(problem)


@pytest.mark.parametrize("name", sorted(set(MALFORMED) - {"z-duplicate-key.toml"}))
def test_load_lesson_raises_lesson_error_with_the_problem(name: str) -> None:
    with pytest.raises(LessonError) as caught:
        load_lesson(FIXTURES / name)
    assert caught.value.problem.key == MALFORMED[name][0]


GOOD = """
key = "k"
title = "T"
prompt = "P"
recap = "R"

[[examples]]
title = "E"
text = "X"
"""


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        (GOOD.replace('recap = "R"\n', ""), "recap", "missing"),
        (GOOD.replace('text = "X"\n', ""), "examples[1].text", "missing"),
        (GOOD.replace('title = "T"', "extra = 1\ntitle = 'T'"), "extra", "unknown key"),
        (GOOD.replace('prompt = "P"', f'prompt = "{"p" * 4001}"'), "prompt", "at most 4000"),
        (GOOD.replace('recap = "R"', f'recap = "{"r" * 4001}"'), "recap", "at most 4000"),
        (GOOD.replace('text = "X"', f'text = "{"x" * 4001}"'), "examples[1].text", "at most 4000"),
        (GOOD.replace('title = "E"', f'title = "{"e" * (MAX_EXAMPLE_TITLE + 1)}"'),
         "examples[1].title", f"at most {MAX_EXAMPLE_TITLE}"),
        (GOOD.replace('prompt = "P"', f'prompt = "{"p" * 4000}"').replace(
            'text = "X"', f'text = "{"x" * 100}"'), "examples[1].text", "forum post"),
        (GOOD.replace('text = "X"', 'text = "X"\nimage = "/etc/passwd"'), "examples[1].image", ""),
        (
            GOOD.replace('text = "X"', 'text = "X"\nimage = "file:///x.png"'),
            "examples[1].image",
            "",
        ),
        (GOOD.replace('text = "X"', 'text = "X"\nimage = 3'), "examples[1].image", "string"),
        (GOOD.replace('text = "X"', 'text = "X"\nquality = ""'), "examples[1].quality", "empty"),
        ('key = "k"\ntitle = "T"\nprompt = "P"\nrecap = "R"\nexamples = "x"\n', "examples", ""),
        ('key = "k"\ntitle = "T"\nprompt = "P"\nrecap = "R"\n', "examples", "missing"),
        (GOOD.replace('key = "k"', 'key = ""'), "key", "empty"),
    ],
)
def test_validation_table(tmp_path: Path, text: str, key: str, words: str) -> None:
    file = tmp_path / "lesson.toml"
    file.write_text(text, encoding="utf-8")
    catalog = load_lessons(tmp_path)
    assert catalog.lessons == ()
    [problem] = catalog.problems
    assert (problem.file, problem.key) == (file, key)
    assert words in problem.reason


def test_example_limits_are_inclusive(tmp_path: Path) -> None:
    entries = "".join(
        f'\n[[examples]]\ntitle = "{"t" * MAX_EXAMPLE_TITLE}"\ntext = "{"x" * 4000}"\n'
        for _ in range(10)
    )
    file = tmp_path / "max.toml"
    file.write_text('key = "k"\ntitle = "T"\nprompt = "P"\nrecap = "R"\n' + entries, "utf-8")
    assert len(load_lesson(file).examples) == MAX_EXAMPLES


def test_missing_directory_and_unreadable_file_are_problems(tmp_path: Path) -> None:
    missing = load_lessons(tmp_path / "nope")
    assert missing.lessons == ()
    assert missing.problems[0].reason == "lesson directory not found"
    (tmp_path / "dir.toml").mkdir()  # a directory named like a lesson: unreadable as a file
    shutil.copy(SHIPPED, tmp_path / "ok.toml")
    catalog = load_lessons(tmp_path)
    assert catalog.keys() == ("networking-with-professionals",)
    assert [p.file.name for p in catalog.problems] == ["dir.toml"]
    assert "cannot read" in catalog.problems[0].reason


@pytest.mark.parametrize(("extra", "words"), [
    ("deep = " + "[" * 3000 + "]" * 3000, "nested too deeply"),
    ("big = " + "9" * 5000, "number too long"),
])
def test_toml_beyond_pythons_limits_is_a_problem_not_a_crash(tmp_path: Path, extra: str,
                                                             words: str) -> None:
    (tmp_path / "hostile.toml").write_text(GOOD + extra + "\n", encoding="utf-8")
    shutil.copy(SHIPPED, tmp_path / "ok.toml")
    catalog = load_lessons(tmp_path)
    assert catalog.keys() == ("networking-with-professionals",)
    (problem,) = catalog.problems
    assert problem.file.name == "hostile.toml" and words in problem.reason


def test_a_lesson_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_lesson(tmp_path / "bom.toml").key == "k"


def with_image(tmp_path: Path, image: str) -> Path:
    lesson = tmp_path / "lessons" / "l.toml"
    lesson.parent.mkdir()
    lesson.write_text(GOOD.replace('text = "X"', f'text = "X"\nimage = "{image}"'), "utf-8")
    return lesson


@pytest.mark.parametrize("link", ["images/secret.png", "images", "up.png"])
def test_an_image_that_leads_out_of_the_lesson_folder_is_refused(tmp_path: Path,
                                                                  link: str) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"\x89PNG not yours")
    lesson = with_image(tmp_path, "images/secret.png" if link != "up.png" else "up.png")
    target = {"images/secret.png": outside / "secret.png", "images": outside,
              "up.png": outside / "secret.png"}[link]
    if link != "images":
        (lesson.parent / "images").mkdir()
    (lesson.parent / link).symlink_to(target)
    with pytest.raises(LessonError) as refused:
        load_lesson(lesson)
    assert refused.value.problem.key == "examples[1].image"
    assert "outside" in refused.value.problem.reason


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.parametrize(("name", "content", "why"), [
    ("big.png", PNG + b"\0" * (MAX_IMAGE_BYTES + 1 - len(PNG)),
     "big.png is 8.0 MB (8,388,609 bytes); an example's image is at most 8 MiB"),
    ("notes.txt", b"hello", "notes.txt is not an image Discord shows in an embed"),
    ("shot.bmp", b"BM" + b"\0" * 60, "not an image Discord shows in an embed"),
    ("fake.png", b"<html>not an image</html>", "fake.png does not hold a PNG image"),
    ("fake.webp", b"RIFF\0\0\0\0WAVE", "fake.webp does not hold a WEBP image"),
])
def test_an_image_discord_would_refuse_is_refused_at_load(
    tmp_path: Path, name: str, content: bytes, why: str,
) -> None:
    """What /lesson example refuses of an upload, a lesson file's image is held to when it
    loads (and so by check-config), naming the key, rather than at /lesson post."""
    lesson_file = with_image(tmp_path, f"images/{name}")
    (lesson_file.parent / "images").mkdir()
    (lesson_file.parent / "images" / name).write_bytes(content)
    with pytest.raises(LessonError, match=r"examples\[1\]\.image") as refused:
        load_lesson(lesson_file)
    assert why in str(refused.value), refused.value


@pytest.mark.parametrize(("name", "content"), [
    ("a.png", PNG), ("b.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 20), ("c.jpeg", b"\xff\xd8\xff"),
    ("d.gif", b"GIF89a" + b"\0" * 20), ("e.webp", b"RIFF\0\0\0\0WEBPVP8 "),
    ("f.png", PNG + b"\0" * (MAX_IMAGE_BYTES - len(PNG))),  # at the limit exactly
])
def test_images_discord_shows_load(tmp_path: Path, name: str, content: bytes) -> None:
    lesson_file = with_image(tmp_path, f"images/{name}")
    (lesson_file.parent / "images").mkdir()
    (lesson_file.parent / "images" / name).write_bytes(content)
    assert load_lesson(lesson_file).examples[0].image == f"images/{name}"


def test_an_image_that_becomes_a_link_out_after_loading_is_not_uploaded(tmp_path: Path) -> None:
    lesson_file = with_image(tmp_path, "images/note.png")
    (lesson_file.parent / "images").mkdir()
    (lesson_file.parent / "images" / "note.png").write_bytes(PNG)
    lesson = load_lesson(lesson_file)
    (tmp_path / "secret.png").write_bytes(b"not yours")
    (lesson_file.parent / "images" / "note.png").unlink()
    (lesson_file.parent / "images" / "note.png").symlink_to(tmp_path / "secret.png")
    assert image_location(lesson, lesson.examples[0]) is None


def test_image_location_resolves_paths_and_urls() -> None:
    lesson = load_lesson(FIXTURES / "a-good.toml")
    first, second = lesson.examples
    assert image_location(lesson, first) == FIXTURES / "images" / "note.png"
    assert image_location(lesson, second) == "https://example.com/note.png"
    assert image_location(lesson, replace_example(lesson, 1, image="").examples[0]) is None


# --- replace / dump / save ------------------------------------------------------------------


def test_replace_example_text_makes_it_real_and_keeps_the_rest() -> None:
    lesson = load_lesson(SHIPPED)
    changed = replace_example(lesson, 2, text="  Hi Ana, a real note.\r\n ")
    assert changed.examples[1] == Example(2, "Outreach 2", "Hi Ana, a real note.", None, False)
    assert changed.examples[0] == lesson.examples[0]
    assert changed.examples[2] == lesson.examples[2]
    assert lesson.examples[1].sample  # the original is untouched (frozen, copied)
    assert changed.source == lesson.source


def test_replace_example_image_set_and_remove() -> None:
    lesson = load_lesson(FIXTURES / "a-good.toml")
    with_url = replace_example(lesson, 1, image="https://cdn.example.com/a.png")
    assert with_url.examples[0].image == "https://cdn.example.com/a.png"
    assert with_url.examples[0].text == lesson.examples[0].text
    assert replace_example(lesson, 2, image="images/note.png").examples[1].image == (
        "images/note.png"
    )
    assert replace_example(lesson, 1, image="").examples[0].image is None
    assert replace_example(lesson, 1) is lesson


@pytest.mark.parametrize(
    ("number", "kwargs", "words"),
    [
        (0, {"text": "x"}, "there is no example 0"),
        (4, {"text": "x"}, "examples 1–3"),
        (1, {"text": "   "}, "empty"),
        (1, {"text": "x" * (MAX_EXAMPLE_TEXT + 1)}, "4001 characters"),
        (1, {"image": "missing.png"}, "not found"),
        (1, {"image": "../secret.png"}, "inside the lessons directory"),
        (1, {"image": "ftp://x/y.png"}, "http(s)"),
    ],
)
def test_replace_example_refusals(number: int, kwargs: dict[str, str], words: str) -> None:
    lesson = load_lesson(SHIPPED)
    with pytest.raises(UserError) as caught:
        replace_example(lesson, number, **kwargs)
    assert words in caught.value.message


def test_dump_of_shipped_lesson_round_trips() -> None:
    lesson = load_lesson(SHIPPED)
    assert parse_lesson(dump_lesson(lesson), SHIPPED) == lesson


def test_edit_lesson_writes_atomically_and_reloads(tmp_path: Path) -> None:
    target = tmp_path / "networking-with-professionals.toml"
    shutil.copy(SHIPPED, target)
    loaded = load_lesson(target)
    edited = replace_example(loaded, 1, text='A "real" note\n\nwith \\ and """.')
    assert edit_lesson(loaded, target, lambda current: edited) is False
    assert load_lesson(target) == edited
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp file left behind


def test_edit_lesson_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "existing.toml"
    shutil.copy(SHIPPED, target)
    target.chmod(0o640)
    lesson = load_lesson(target)
    edit_lesson(lesson, target, lambda current: current)
    assert target.stat().st_mode & 0o777 == 0o640
    assert load_lesson(target) == lesson


def test_edit_lesson_starts_from_the_file_as_it_is_now(tmp_path: Path) -> None:
    """Edited by hand since it was loaded: the change is made to the file as it is, and the
    answer says it had changed."""
    target = tmp_path / "lesson.toml"
    shutil.copy(SHIPPED, target)
    loaded = load_lesson(target)
    target.write_text(target.read_text(encoding="utf-8").replace(
        f'title = "{loaded.title}"', 'title = "By hand"', 1), encoding="utf-8")
    assert edit_lesson(loaded, target, lambda current: replace_example(current, 1, text="New"))
    saved = load_lesson(target)
    assert saved.title == "By hand" and saved.examples[0].text == "New"


def test_edit_lesson_refuses_when_the_file_changes_while_it_is_saved(tmp_path: Path) -> None:
    target = tmp_path / "lesson.toml"
    shutil.copy(SHIPPED, target)
    loaded = load_lesson(target)
    other = target.read_text(encoding="utf-8") + "\n# someone else's edit\n"

    def change(current: Lesson) -> Lesson:
        target.write_text(other, encoding="utf-8")  # lands between the read and the rename
        return replace_example(current, 1, text="Mine")

    with pytest.raises(UserError, match="changed while I was saving"):
        edit_lesson(loaded, target, change)
    assert target.read_text(encoding="utf-8") == other
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_edit_lesson_leaves_the_old_file_when_the_lesson_is_invalid(tmp_path: Path) -> None:
    target = tmp_path / "lesson.toml"
    shutil.copy(SHIPPED, target)
    before = target.read_bytes()
    broken = Lesson("k", "T", "", "R", (Example(1, "E", "X"),))
    with pytest.raises(LessonError):
        edit_lesson(load_lesson(target), target, lambda current: broken)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


# Text as a moderator could paste it: any Unicode that UTF-8 can encode (no lone surrogates),
# mixed with fragments that break naive TOML writers: runs of quotes (a `"""` inside a
# multi-line string, quotes next to the closing delimiter), backslashes (a line-ending one
# joins lines), CR/LF, control characters, TOML syntax.
_fragments = st.sampled_from(
    [
        *('"', '""', '"""', '""""', "'''", "\\", "\\\n", "\n", "\r\n", "\r", "\t", " "),
        *("\x00", "\x1f", "\x7f", "\b", "\u2028", "#", " = ", "[[examples]]", "\\u0041", "😀"),
    ]
)
_tricky = st.lists(
    st.one_of(_fragments, st.text(st.characters(codec="utf-8"), max_size=8)),
    max_size=12,
).map("".join)


def _content(limit: int) -> st.SearchStrategy[str]:
    # The loader strips surrounding blank space and refuses text that shows nothing;
    # generate what it keeps.
    return _tricky.map(str.strip).filter(lambda s: not is_blank(s) and len(s) <= limit)


# An example's text and the prompt share a forum post (4,096): half of that each at most.
_examples = st.lists(
    st.tuples(
        _content(MAX_EXAMPLE_TITLE),
        _content(2000),
        st.one_of(st.none(), st.just("https://example.com/a.png")),
        st.booleans(),
        st.one_of(st.none(), _content(1000)),
    ),
    min_size=1,
    max_size=MAX_EXAMPLES,
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}", fullmatch=True),
    title=_content(MAX_TITLE),
    prompt=_content(2000),
    recap=_content(4000),
    examples=_examples,
)
def test_dump_round_trip_property(
    key: str,
    title: str,
    prompt: str,
    recap: str,
    examples: list[tuple[str, str, str | None, bool, str | None]],
) -> None:
    lesson = Lesson(
        key,
        title,
        prompt,
        recap,
        tuple(Example(i, *fields) for i, fields in enumerate(examples, start=1)),
    )
    text = dump_lesson(lesson)
    data = tomllib.loads(text)  # valid TOML on its own, not just to our reader
    assert (data["title"], data["prompt"]) == (title, prompt)
    assert [e["title"] for e in data["examples"]] == [e[0] for e in examples]
    shown = all(text_problem(t, one_line=True) is None for t in (title, *(e[0] for e in examples)))
    shown = shown and all(text_problem(t, one_line=False) is None
                          for t in (prompt, recap, *(e[1] for e in examples),
                                    *(e[4] for e in examples if e[4] is not None)))
    if shown:  # what the loader takes is read back equal; the rest it names (test_titles.py)
        assert parse_lesson(text, Path("lesson.toml")) == lesson
    else:
        with pytest.raises(LessonError):
            parse_lesson(text, Path("lesson.toml"))


LESSON_VALUES = st.one_of(
    st.text(max_size=50).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.integers().map(str),
    st.sampled_from(["9" * 5000, "[" * 3000 + "]" * 3000, "true", "[]", "{}", '"images/x.png"',
                     '"../outside.png"', '"images/link.png"', '"https://e.com/a b.png"']),
)


@st.composite
def hostile_lesson_bytes(draw: st.DrawFn) -> bytes:
    lines = [f"{key} = {draw(LESSON_VALUES)}" for key in draw(
        st.lists(st.sampled_from(["key", "title", "prompt", "recap", "extra"]), max_size=5))]
    for _ in range(draw(st.integers(0, 3))):
        lines.append("[[examples]]")
        lines.extend(f"{key} = {draw(LESSON_VALUES)}" for key in draw(st.lists(
            st.sampled_from(["title", "text", "image", "sample", "quality", "imgae"]),
            max_size=5)))
    text = "\n".join(lines).encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + text


@settings(max_examples=80, deadline=None)
@given(files=st.lists(hostile_lesson_bytes() | st.binary(max_size=300), min_size=1, max_size=3))
def test_any_lesson_folder_loads_what_it_can_and_names_the_rest(files: list[bytes]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lessons"
        (folder / "images").mkdir(parents=True)
        (folder / "images" / "x.png").write_bytes(PNG)
        (Path(tmp) / "outside.png").write_bytes(b"not the lesson's")
        (folder / "images" / "link.png").symlink_to(Path(tmp) / "outside.png")
        for index, data in enumerate(files):
            (folder / f"{index}.toml").write_bytes(data)
        catalog = load_lessons(folder)  # never raises
        named = {p.file.name for p in catalog.problems}
        for lesson in catalog.lessons:
            assert lesson.source is not None and lesson.source.name not in named
            for example in lesson.examples:
                where = image_location(lesson, example)
                assert where is None or isinstance(where, str) or where.resolve(
                ).is_relative_to(folder.resolve())
        assert len(catalog.lessons) + len(catalog.problems) == len(files)

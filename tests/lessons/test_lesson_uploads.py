"""`/lesson example image:` through the real bot: an upload is checked whole before anything
is written, a refusal says what is wrong with the file and leaves every file of the lesson
as it was, and the lesson changes at one moment (review 6, finding 5: a second upload that
was no image was written over the first, the answer blamed a hand edit, and the bot could
no longer load its lesson)."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.errors import UserError
from bot.lessons import MAX_IMAGE_PIXELS, checked_upload
from bot.lessons.model import upload_problem
from tests.world import CohortWorld, example_messages, post

LESSON_FILE = "networking-with-professionals.toml"


def image_bytes(kind: str, size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(buffer, format=kind)
    return buffer.getvalue()


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under the lesson folder, by path, with its content."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


async def upload(world: CohortWorld, name: str, data: bytes, **options: object) -> str:
    result = await world.mod.slash("lesson example",
                                   {"number": 2, "image": (name, data), **options},
                                   channel=world.lessons)
    assert result.ephemeral and not result.failed, result
    return result.followups[-1].content


def renaming(monkeypatch: pytest.MonkeyPatch, *, refuse: Path | None = None,
             then: Callable[[Path], None] = lambda renamed: None) -> None:
    """Every rename (`os.replace`, how each file of a lesson is saved) as the disk does it,
    except onto `refuse` (the disk is full); `then` is called after each."""
    rename = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == refuse:
            raise OSError(28, "No space left on device")
        rename(src, dst)
        then(Path(dst))

    monkeypatch.setattr(os, "replace", replace)


PNG = image_bytes("PNG")
BAD_UPLOADS = {
    "empty": ("shot.png", b"", "`shot.png` is empty (0 bytes)"),
    "text": ("shot.png", b"not really a png", "does not hold a PNG, JPEG, GIF or WebP image"),
    "pdf named png": ("scan.png", b"%PDF-1.7\n" + b"0" * 200, "does not hold a PNG"),
    "gif header only": ("fake.png", b"GIF89a" + b"\0" * 100, "does not hold a PNG"),
    "cut short": ("half.png", PNG[: len(PNG) // 2], "`half.png` is damaged or cut short"),
    "jpeg cut short": ("half.jpg", image_bytes("JPEG", (300, 200))[:400],
                       "`half.jpg` is damaged or cut short"),
}


@pytest.mark.parametrize("bad", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
async def test_a_bad_second_upload_changes_nothing_and_says_what_is_wrong(
    world: CohortWorld, bad: str,
) -> None:
    """The tester's script: a good image, then one that is not an image. Refused, naming
    what is wrong with the upload (not a hand edit); every file as it was; after a restart
    the lesson loads and posts the first image."""
    folder = world.config.lesson.directory
    assert "Updated example 2" in await upload(world, "ok.png", PNG)
    before = files_of(folder)
    name, data, why = BAD_UPLOADS[bad]
    answer = await upload(world, name, data)
    assert answer.startswith("⚠️ That image can't be used: ") and why in answer, answer
    assert "Nothing was changed" in answer
    assert "edited" not in answer and "no longer loads" not in answer
    assert files_of(folder) == before
    await world.restart()
    listing = await world.mod.slash("lesson list", channel=world.lessons)
    assert "skipped" not in listing.response.content, listing.response.content
    await post(world)
    second = example_messages(world)[1]
    assert second.attachments[0].filename == "example-2.png"
    assert second.attachments[0].data == PNG


async def test_a_first_upload_that_is_no_image_writes_nothing(world: CohortWorld) -> None:
    folder = world.config.lesson.directory
    before = files_of(folder)
    answer = await upload(world, "notes.png", b"hello world")
    assert "That image can't be used" in answer, answer
    assert files_of(folder) == before  # not even an images/ folder with a stray file


async def test_a_first_upload_whose_lesson_file_cannot_be_saved_leaves_no_images_folder(
    world: CohortWorld, monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = world.config.lesson.directory
    before = files_of(folder)
    renaming(monkeypatch, refuse=folder / LESSON_FILE)
    answer = await upload(world, "ok.png", PNG)
    monkeypatch.undo()
    assert "I could not save the change" in answer and "No space left" in answer, answer
    assert files_of(folder) == before and not (folder / "images").exists()


async def test_an_image_is_saved_as_what_its_content_is(world: CohortWorld) -> None:
    """A GIF named .png is a fine image: saved and posted as the GIF it is, and the lesson
    still loads after a restart (the loader holds a file's content to its suffix)."""
    gif = image_bytes("GIF")
    assert "Updated example 2" in await upload(world, "really-a-gif.png", gif)
    await world.restart()
    await post(world)
    second = example_messages(world)[1]
    assert second.attachments[0].filename == "example-2.gif"
    assert second.embeds[0]["image"]["url"] == "attachment://example-2.gif"
    assert second.attachments[0].data == gif


async def test_a_new_image_replaces_the_one_the_bot_saved_before(world: CohortWorld) -> None:
    folder = world.config.lesson.directory
    await upload(world, "one.png", PNG)
    (first,) = (folder / "images").iterdir()
    webp = image_bytes("WEBP")
    await upload(world, "two.webp", webp)
    (second,) = (folder / "images").iterdir()  # the old one is removed, named by nothing
    assert second != first and second.suffix == ".webp" and second.read_bytes() == webp
    assert f'image = "images/{second.name}"' in (folder / LESSON_FILE).read_text("utf-8")


async def test_an_old_image_another_lesson_names_is_kept(world: CohortWorld) -> None:
    folder = world.config.lesson.directory
    await upload(world, "one.png", PNG)
    (first,) = (folder / "images").iterdir()
    other = (folder / LESSON_FILE).read_text("utf-8").replace(
        'key = "networking-with-professionals"', 'key = "copy"', 1)
    (folder / "copy.toml").write_text(other, "utf-8")
    await upload(world, "two.png", image_bytes("PNG", (50, 50)))
    assert first.read_bytes() == PNG and len(list((folder / "images").iterdir())) == 2


@pytest.mark.parametrize("failure", ["disk", "edited meanwhile"])
async def test_a_failure_between_the_image_and_the_lesson_file_leaves_no_mix(
    world: CohortWorld, monkeypatch: pytest.MonkeyPatch, failure: str,
) -> None:
    """The image is written, then the lesson file's rename fails (the disk) or is refused
    (the file changed under the save): the new image is removed again, the old one and the
    lesson file are as they were, and the moderator is told which."""
    folder = world.config.lesson.directory
    await upload(world, "ok.png", PNG)
    before = files_of(folder)
    lesson = folder / LESSON_FILE

    def hand_edit(renamed: Path) -> None:
        if renamed.parent.name == "images":  # saved by hand as the new image is written
            lesson.write_bytes(lesson.read_bytes() + b"\n# a hand edit\n")
            before[LESSON_FILE] = lesson.read_bytes()

    if failure == "disk":
        renaming(monkeypatch, refuse=lesson)
    else:
        renaming(monkeypatch, then=hand_edit)
    answer = await upload(world, "new.png", image_bytes("PNG", (80, 80)),
                          text="Hi Sam, a new text with the new image.")
    monkeypatch.undo()
    said = {"disk": "I could not save the change", "edited meanwhile": "changed while I was"}
    assert said[failure] in answer, answer
    assert files_of(folder) == before  # no new image left, the old one in place
    await world.restart()
    await post(world)
    second = example_messages(world)[1]
    assert second.attachments[0].data == PNG
    assert "a new text" not in second.embeds[0]["description"]


def test_a_picture_too_large_to_decode_is_refused_before_it_is() -> None:
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # a few kilobytes of 64 megapixels
    with pytest.raises(UserError) as refused:
        checked_upload(buffer.getvalue(), "huge.png")
    assert "`huge.png` is 8,000×8,000 pixels" in refused.value.message
    assert f"at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels" in refused.value.message


REAL = [image_bytes(kind) for kind in ("PNG", "JPEG", "GIF", "WEBP")]


@st.composite
def uploads(draw: st.DrawFn) -> bytes:
    """What a moderator might upload: a real image, cut short or with a byte changed, or
    anything at all."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    data = bytearray(draw(st.sampled_from(REAL)))
    if draw(st.booleans()):
        data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


@settings(max_examples=300, deadline=None)
@given(data=uploads())
def test_an_upload_is_refused_in_words_or_saved_as_an_image_the_loader_takes(data: bytes) -> None:
    try:
        image = checked_upload(data, "shot.png")
    except UserError as refused:
        assert refused.message.startswith("That image can't be used: `shot.png` ")
        return
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / f"shot{image.suffix}"
        saved.write_bytes(image.data)
        assert upload_problem(saved) is None

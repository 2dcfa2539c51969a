"""Reading the files handed to the bot (bot/textfile.py): text, or one reason in words."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.textfile import MissingFile, UnreadableFile, decode_text, read_text


@given(st.binary(max_size=400) | st.text(max_size=100).map(str.encode))
def test_any_bytes_are_text_without_nul_or_a_reason(data: bytes) -> None:
    try:
        text = decode_text(data)
    except UnreadableFile as refused:
        assert str(refused)
        return
    assert "\0" not in text and not text.startswith("\ufeff")
    assert text.encode() in (data, data.removeprefix(b"\xef\xbb\xbf"))


@pytest.mark.parametrize(("setup", "words"), [
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: None, "no such file"),
    (lambda p: p.write_bytes(b"x" * 101), "larger than 100 bytes"),
    (lambda p: p.write_bytes(b"caf\xe9"), "not UTF-8 text (byte 0xe9 at offset 3)"),
    (lambda p: p.write_bytes(b"ok\0"), "binary"),
])
def test_each_unreadable_file_says_why(tmp_path: Path, setup: object, words: str) -> None:
    path = tmp_path / "f"
    setup(path)  # type: ignore[operator]
    with pytest.raises(UnreadableFile, match=re.escape(words)):
        read_text(path, limit=100)


def test_a_missing_file_is_told_apart_and_a_bom_is_dropped() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with pytest.raises(MissingFile):
            read_text(Path(tmp) / "none", limit=10)
        (Path(tmp) / "bom").write_bytes(b"\xef\xbb\xbfkey = 1\n")
        assert read_text(Path(tmp) / "bom", limit=100) == "key = 1\n"


def test_a_device_is_read_no_further_than_the_limit() -> None:
    with pytest.raises(UnreadableFile, match="larger than"):
        read_text("/dev/zero", limit=1000)

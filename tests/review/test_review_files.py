"""Which attachments are read as drafts (finding 24): text by name or by type; others named."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.review.files import TEXT_SUFFIXES, not_text

stems = st.text(min_size=1, max_size=30)
mixed_case = st.sampled_from(TEXT_SUFFIXES).flatmap(
    lambda s: st.lists(st.booleans(), min_size=len(s), max_size=len(s)).map(
        lambda up: "".join(c.upper() if u else c for c, u in zip(s, up, strict=True))))


@given(stems, mixed_case, st.one_of(st.none(), st.sampled_from(
    ["application/octet-stream", "text/plain; charset=utf-8", ""])))
def test_a_text_file_name_is_read_whatever_its_type(stem: str, suffix: str,
                                                     ctype: str | None) -> None:
    assert not_text(stem + suffix, ctype) is None


@given(stems, st.sampled_from(["text/plain", "text/markdown; charset=utf-8", "TEXT/X-NOTES"]))
def test_a_text_type_is_read_whatever_its_name(name: str, ctype: str) -> None:
    assert not_text(name, ctype) is None


@pytest.mark.parametrize(
    ("name", "ctype", "kind"),
    [
        ("cv.pdf", None, "a PDF"),
        ("draft", "application/pdf", "a PDF"),
        ("draft.docx", None, "a Word document"),
        ("scan.JPG", "image/jpeg", "an image"),
        ("blob", "application/octet-stream", "not a text file"),
        ("draft", None, "not a text file"),
    ],
)
def test_other_files_are_named_for_what_they_are(name: str, ctype: str | None,
                                                 kind: str) -> None:
    assert not_text(name, ctype) == kind

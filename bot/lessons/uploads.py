"""An example's new image as a moderator uploads it (`/lesson example image:`), checked whole
before anything is written.

The file's declared type and size are checked before it is downloaded (`check_declared`);
its bytes are then decoded to the end (`checked_upload`), so an empty file, a PDF or a HEIC
photo named `.png`, or a download cut short is refused with what is wrong with it, and the
lesson's files are never touched. What passes is saved under the suffix its content calls
for (a GIF named `.png` is a fine GIF), which is what the loader's check of an image file
(`model.upload_problem`: the suffix against the content's first bytes) then always accepts.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from bot.display import code_text, file_size
from bot.errors import UserError
from bot.lessons.model import IMAGE_TYPES, MAX_IMAGE_BYTES

# Pillow's names of the formats Discord shows in an embed, and the suffix each is saved under.
_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
# Decoding is how a file cut short is found, and a small file can claim a huge picture (a
# "decompression bomb": 8 MiB of PNG can inflate to gigabytes). 40 megapixels is a long
# scrolling screenshot at twice the screen's density; its decoding stays near 160 MB.
MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True, slots=True)
class ImageUpload:
    """An uploaded image that decoded whole: the suffix its content calls for, and its bytes."""

    suffix: str
    data: bytes

    def path(self, lesson_key: str, number: int) -> str:
        """Where it is saved, relative to the lesson file's folder: a name of its own for each
        content, so an upload is never written over a file that a lesson names (the lesson
        changes only when its file is renamed into place, pointing at the new name)."""
        digest = hashlib.sha256(self.data).hexdigest()[:16]
        return f"images/{lesson_key}-example-{number}-{digest}{self.suffix}"


def check_declared(content_type: str | None, filename: str, size: int) -> None:
    """Refuse, before downloading it, an upload that Discord says is not an image of a
    type an embed shows, or is too large. `content_type` is what Discord says the file is;
    without it, the name decides."""
    kind = (content_type or "").split(";")[0]
    if not kind:
        kind = mimetypes.guess_type(filename)[0] or ""
    if kind not in IMAGE_TYPES:
        raise UserError("The image must be a PNG, JPEG, GIF or WebP file; nothing was changed.")
    if size > MAX_IMAGE_BYTES:
        raise UserError(f"The image is {file_size(size)}; the limit is "
                        f"{MAX_IMAGE_BYTES // (1024 * 1024)} MiB. Nothing was changed.")


def checked_upload(data: bytes, filename: str) -> ImageUpload:
    """`data` as an example's image, decoded to its end; `UserError` saying what is wrong
    with the file otherwise (it is not saved)."""
    return ImageUpload(_FORMATS[_decoded_format(data, code_text(filename))], data)


def _refused(reason: str) -> UserError:
    return UserError(f"That image can't be used: {reason}. Nothing was changed: the lesson "
                     "file and its images are as they were.")


def _decoded_format(data: bytes, name: str) -> str:
    """Pillow's name of the format of `data`, once all of it decoded; `UserError` if not."""
    if not data:
        raise _refused(f"{name} is empty (0 bytes)")
    if len(data) > MAX_IMAGE_BYTES:
        raise _refused(f"{name} is {file_size(len(data))}; an example's image is at most "
                       f"{MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
    formats = tuple(_FORMATS)
    try:
        # Only the formats an embed shows are tried: Pillow's other readers (EPS calls
        # Ghostscript) never see a moderator's upload.
        with Image.open(io.BytesIO(data), formats=formats) as image:
            kind, (width, height) = image.format or "", image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refused(f"{name} is {width:,}×{height:,} pixels; an example's image is "
                               f"at most {MAX_IMAGE_PIXELS // 1_000_000} megapixels")
            image.verify()  # PNG: every chunk's checksum, through to its end
        with Image.open(io.BytesIO(data), formats=formats) as image:
            if kind == "JPEG":  # decoded at an eighth of its size: the whole stream is read
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except UserError:
        raise
    except UnidentifiedImageError:
        raise _refused(f"{name} does not hold a PNG, JPEG, GIF or WebP image (by its "
                       "content)") from None
    except Image.DecompressionBombError:
        raise _refused(f"{name} claims more than {MAX_IMAGE_PIXELS // 1_000_000} "
                       "megapixels") from None
    # Pillow meets a damaged file with whatever its reader trips on (OSError, SyntaxError,
    # struct.error, ValueError, EOFError...): all of them mean the same to the moderator.
    except Exception as exc:
        raise _refused(f"{name} is damaged or cut short ({exc})") from None
    return kind

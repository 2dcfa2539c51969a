"""What goes over the gateway socket: the connection's query string, and frame encoding.

`wss://gateway.discord.gg/?v=10&encoding=json&compress=zlib-stream`: `v` must be a gateway
version Discord still serves (else close 4012); `encoding` is `json` (`etf`, Erlang's term
format, is Discord's other encoding: the local Discord does not speak it and says so);
`compress=zlib-stream` makes every frame the server sends a binary frame, compressed with one
zlib context for the whole connection and ended by a Z_SYNC_FLUSH (so each frame ends with
00 00 ff ff). `zstd-stream` works the same with zstandard, when the `zstandard` module is
installed. A client may send JSON in text or binary frames; anything that is not a JSON
object with an integer `op` is closed with 4002.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

VERSIONS = (9, 10)  # Discord closes older versions with 4012 Invalid API version


class Refused(Exception):
    """The connection cannot go on: close it with `code` and `reason`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Options:
    version: int
    encoding: str
    compress: str | None

    @classmethod
    def from_query(cls, query: dict[str, str]) -> Options:
        """Parsed `v`, `encoding` and `compress`; `Refused` for what Discord refuses, and
        `NotImplementedError` for what Discord serves but this one does not."""
        raw = query.get("v", "10")
        try:
            version = int(raw)
        except ValueError:
            raise Refused(4012, "Invalid API version") from None
        if version not in VERSIONS:
            raise Refused(4012, "Invalid API version")
        encoding = query.get("encoding", "json")
        if encoding == "etf":
            raise NotImplementedError("encoding=etf")
        if encoding != "json":
            raise Refused(4002, f"Invalid encoding {encoding!r}")
        compress = query.get("compress") or None
        if compress not in (None, "zlib-stream", "zstd-stream"):
            raise Refused(4002, f"Invalid compression {compress!r}")
        if compress == "zstd-stream" and not _zstd_available():
            raise NotImplementedError("compress=zstd-stream (the zstandard module is absent)")
        return cls(version, encoding, compress)


def _zstd_available() -> bool:
    try:
        import zstandard  # noqa: F401
    except ImportError:
        return False
    return True


class Encoder:
    """Frames for one connection: JSON text, or one compression stream over all frames."""

    def __init__(self, compress: str | None) -> None:
        self.compress = compress
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd: Any = None
        if compress == "zstd-stream":
            import zstandard

            self._zstd = zstandard.ZstdCompressor().compressobj()

    def encode(self, frame: dict[str, Any]) -> str | bytes:
        text = json.dumps(frame, separators=(",", ":"))
        if self._zlib is not None:
            raw = text.encode()
            return self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self._zstd is not None:
            import zstandard

            return self._zstd.compress(text.encode()) + self._zstd.flush(
                zstandard.COMPRESSOBJ_FLUSH_BLOCK
            )
        return text


def decode(data: str | bytes) -> dict[str, Any]:
    """A client frame (text or binary JSON) as a payload; `Refused` 4002 if it is none."""
    try:
        payload = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise Refused(4002, "Error while decoding payload.") from None
    if not isinstance(payload, dict) or isinstance(payload.get("op"), bool) or not isinstance(
        payload.get("op"), int
    ):
        raise Refused(4002, "Error while decoding payload.")
    return payload

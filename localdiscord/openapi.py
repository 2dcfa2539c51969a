"""Validation of REST traffic against Discord's official OpenAPI spec.

The spec is an oracle nobody on this project wrote: a request the bot sends to the local
Discord must be one real Discord would accept, and the local Discord's own answers must match
Discord's response schemas. Loading the spec takes seconds, so it is loaded once per process
(`load_spec`).

One deliberate allowance (see the spec's README): Discord accepts JSON integers for snowflakes,
and discord.py sends some (`recipient_id`, ids in `*_ids` lists), while the spec types
snowflakes as strings. The rule, applied before validating:

- an integer >= 2**32 (snowflake-sized: every real snowflake is far above it) under a key named
  `id`, `*_id` or `*_ids` becomes a string;
- an integer `id` of an entry of an `attachments` list becomes a string whatever its size:
  for a new upload Discord's docs define it as the index n of the multipart part `files[n]`
  (discord.py sends 0, 1, ...), a documented use the spec's snowflake type does not cover;
- `custom_id` is never coerced (it is text, not a snowflake), and nothing else is.

Why so narrow: a small integer is not a snowflake. Components have an integer `id` of their
own (a small number, int32 in the spec) that must stay an integer, and an integer where text
belongs (`custom_id: 12345`) must still fail, as Discord rejects it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
_HOST = "https://discord.com"


@dataclass(frozen=True)
class AllowEntry:
    """A place where the spec is known to be wrong; each entry says why."""

    kind: str  # "request" or "response"
    method: str  # "*" for any
    path: re.Pattern[str]
    message: re.Pattern[str]  # must match every "  at <path>: ..." line of the failure
    why: str


# Explicit, commented exceptions. Never disable validation wholesale: add an entry here with the
# reason, so that a reader can check the claim against Discord's developer docs.
ALLOW_LIST: tuple[AllowEntry, ...] = (
    AllowEntry(
        kind="response",
        method="*",
        path=re.compile(".*"),
        message=re.compile(r"^  at errors[/:]"),
        why=(
            "The spec's `Error` schema types `code` as an integer everywhere, but the per-field "
            "errors of a 50035 Invalid Form Body carry string codes such as "
            "\"BASE_TYPE_MAX_LENGTH\" (see 'Error Messages' in Discord's docs, Opcodes and "
            "Status Codes). Only the `errors` tree of an error answer is exempt."
        ),
    ),
)


def default_spec_path() -> Path:
    """`<repo root>/../shared/discord-api-spec/openapi.json`, or $COHORTBOT_OPENAPI_SPEC."""
    env = os.environ.get("COHORTBOT_OPENAPI_SPEC")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[1]  # <repo>/localdiscord/openapi.py
    return repo_root.parent / "shared" / "discord-api-spec" / "openapi.json"


NO_SPEC_ENV = "COHORTBOT_SANDBOX_NO_SPEC"


class SpecNotFound(FileNotFoundError):
    """`Sandbox(validate=True)` but Discord's OpenAPI spec file is absent."""


def spec_available(path: Path | None = None) -> bool:
    return (path or default_spec_path()).exists()


def require_spec(path: Path | None = None) -> Any | None:
    """The loaded spec; if the file is absent, raise `SpecNotFound` with what to do, unless
    $COHORTBOT_SANDBOX_NO_SPEC=1 says running unvalidated is intended (then None)."""
    api = load_spec(path)
    if api is None and os.environ.get(NO_SPEC_ENV) != "1":
        where = (path or default_spec_path()).resolve()
        raise SpecNotFound(
            f"Discord's OpenAPI spec is not at {where}, so REST requests cannot be validated. "
            "Put openapi.json there or point $COHORTBOT_OPENAPI_SPEC at it; to run without "
            f"validation on purpose pass validate=False or set {NO_SPEC_ENV}=1."
        )
    return api


_cache: dict[Path, Any] = {}
_cache_lock = threading.Lock()
_warned_missing = False


def load_spec(path: Path | None = None) -> Any | None:
    """The loaded `openapi_core.OpenAPI` for `path` (cached per process), or None if absent."""
    global _warned_missing
    path = (path or default_spec_path()).resolve()
    with _cache_lock:
        if path in _cache:
            return _cache[path]
        if not path.exists():
            if not _warned_missing:
                log.warning("OpenAPI spec %s not found: REST validation is skipped", path)
                _warned_missing = True
            return None
        from jsonschema_path import SchemaPath
        from openapi_core import Config, OpenAPI

        with path.open(encoding="utf-8") as fh:
            spec = json.load(fh)
        # Checking the spec document itself against the OpenAPI meta-schema took 5 of the
        # local Discord's 5.5 s start, in every process that loads it (each test server, each
        # `sandbox --serve`). The document is Discord's own and does not change between
        # runs: tests/localdiscord/test_openapi.py checks it once per suite.
        api = OpenAPI(SchemaPath.from_dict(spec), config=Config(spec_validator_cls=None))
        _cache[path] = api
        return api


SNOWFLAKE_MIN = 2**32


def coerce_snowflakes(value: Any, key: str = "") -> Any:
    """Snowflake-sized integers under `id`/`*_id`/`*_ids` keys (never `custom_id`), and
    attachment ids, become strings; everything else is untouched (module docstring)."""
    if isinstance(value, dict):
        return {k: coerce_snowflakes(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "attachments":
            return [_attachment_entry(v) for v in value]
        if key.endswith("_ids"):
            return [str(v) if _is_snowflake(v) else coerce_snowflakes(v) for v in value]
        return [coerce_snowflakes(v) for v in value]
    if _snowflake_key(key) and _is_snowflake(value):
        return str(value)
    return value


def _snowflake_key(key: str) -> bool:
    return key != "custom_id" and (key == "id" or key.endswith("_id"))


def _is_snowflake(v: Any) -> bool:
    return _is_int(v) and v >= SNOWFLAKE_MIN


def _attachment_entry(entry: Any) -> Any:
    out = coerce_snowflakes(entry)
    if isinstance(out, dict) and _is_int(out.get("id")):
        out["id"] = str(out["id"])
    return out


# Channel type 16 (GUILD_MEDIA) is in Discord's docs (Channel Types table) but missing from the
# spec's `ChannelTypes` enum (it stops at 15). discord.py lists it for a ForumChannel command
# option. Map it to 15 (GUILD_FORUM, its sibling) before validating, only inside
# `channel_types`, so every other part of the request is still checked as sent.
_MISSING_CHANNEL_TYPES = {16: 15}


def fill_spec_gaps(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: fill_spec_gaps(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "channel_types":
            return sorted({_MISSING_CHANNEL_TYPES.get(v, v) for v in value})
        return [fill_spec_gaps(v) for v in value]
    return value


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class SpecValidator:
    """Validates one request or response; returns an error text, or None when it conforms."""

    def __init__(self, api: Any | None) -> None:
        self.api = api

    @property
    def enabled(self) -> bool:
        return self.api is not None

    def _request(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
        body: Any | None,
    ) -> Any:
        from openapi_core.testing import MockRequest

        data = None if body is None else json.dumps(
            fill_spec_gaps(coerce_snowflakes(body))
        ).encode()
        return MockRequest(
            _HOST, method.lower(), path, args=query, headers=headers, data=data,
            content_type="application/json",
        )

    def validate_request(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
        body: Any | None,
    ) -> str | None:
        if self.api is None:
            return None
        req = self._request(method, path, query, headers, body)
        with warnings.catch_warnings():
            # openapi-core warns about the OAuth2 scheme it cannot check; the bot uses BotToken.
            warnings.simplefilter("ignore", UserWarning)
            try:
                self.api.validate_request(req)
            except Exception as exc:
                return self._filter("request", method, path, _describe(exc))
        return None

    def validate_response(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
        req_body: Any | None, status: int, body: Any | None,
    ) -> str | None:
        if self.api is None:
            return None
        from openapi_core.testing import MockResponse

        req = self._request(method, path, query, headers, req_body)
        data = b"" if body is None else json.dumps(fill_spec_gaps(body)).encode()
        resp = MockResponse(
            data, status_code=status,
            content_type="application/json" if body is not None else "",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            try:
                self.api.validate_response(req, resp)
            except Exception as exc:
                return self._filter("response", method, path, _describe(exc))
        return None

    @staticmethod
    def _filter(kind: str, method: str, path: str, message: str) -> str | None:
        details = [line for line in message.splitlines() if line.startswith("  at ")]
        for entry in ALLOW_LIST:
            if (
                entry.kind == kind
                and entry.method in ("*", method.upper())
                and entry.path.search(path)
                and details
                and all(entry.message.search(line) for line in details)
            ):
                return None
        return message


def _describe(exc: Exception) -> str:
    """The exception plus the schema errors openapi-core keeps in its cause chain."""
    parts = [f"{type(exc).__name__}: {exc}"]
    cause = exc.__cause__
    while cause is not None:
        errors = getattr(cause, "schema_errors", None)
        if errors:
            parts.extend(_schema_error(e) for e in errors)
        else:
            parts.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__
    return "\n".join(parts)


def _schema_error(err: Any) -> str:
    path = "/".join(str(p) for p in getattr(err, "absolute_path", []))
    text = f"  at {path or '<root>'}: {getattr(err, 'message', err)}"
    # oneOf/anyOf failures hide the real reason in `context`: show the closest few.
    context = sorted(getattr(err, "context", None) or [], key=lambda e: -len(e.absolute_path))
    for sub in context[:3]:
        sub_path = "/".join(str(p) for p in sub.absolute_path)
        text += f"\n    ({sub_path}: {sub.message[:200]})"
    return text

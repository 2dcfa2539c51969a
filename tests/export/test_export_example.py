"""The example exports in docs/ are what the demo run exports today (not hand-written)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.export.example import FILES, ROOT, write_examples

# The sandbox serves attachments on a port of its own, new at every start.
SANDBOX_URL = re.compile(rb"http://127\.0\.0\.1:\d+/")


def test_the_examples_in_docs_are_current(tmp_path: Path) -> None:
    write_examples(tmp_path)
    for name in FILES.values():
        fresh = SANDBOX_URL.sub(b"http://127.0.0.1:PORT/", (tmp_path / name).read_bytes())
        kept = SANDBOX_URL.sub(b"http://127.0.0.1:PORT/", (ROOT / "docs" / name).read_bytes())
        assert fresh == kept, f"docs/{name} is not what the export makes now: " \
                              "run `make export-example`"

"""The example exports in docs/: the demo run that docs/export-example.sandbox plays in the
sandbox Discord, exported by `cohortbot export`, as an operator would.

    python -m tests.export.example docs      # what `make export-example` runs

The time of the export and the cohort's timezone are fixed (SOURCE_DATE_EPOCH), and so is
the local Discord's snowflake worker (ids are otherwise drawn anew by each process), so the
same code writes the same bytes; test_export_example.py holds docs/ to that.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from localdiscord.snowflakes import WORKER_ENV

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "export-example.sandbox"
FILES = {"html": "export-example.html", "json": "export-example.json",
         "markdown": "export-example.md"}
EXPORTED_AT = "1767949200"  # 2026-01-09 09:00 UTC


def cohortbot(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})}, timeout=300)


def write_examples(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        cohortbot("sandbox", "--script", str(SCRIPT), "--db", str(db), env={WORKER_ENV: "0"})
        for fmt, name in FILES.items():
            cohortbot("export", "--db", str(db), "--format", fmt, "--out", str(folder / name),
                      "--timezone", "Europe/Berlin", "--include-bot-messages",
                      env={"SOURCE_DATE_EPOCH": EXPORTED_AT})


if __name__ == "__main__":
    write_examples(Path(sys.argv[1]))

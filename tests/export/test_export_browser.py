"""The HTML export opened in a real browser (headless Chromium): hostile member text stays
text, no script runs, nothing is fetched.

Two control pages first show that the checks can fail: the same hostile markup unescaped and
without a policy does run and fetch; with the export's Content-Security-Policy alone it does
neither. Skipped, saying why, where Debian's `chromium` is not installed (`.ci/run` installs
it when it can). Set COHORTBOT_SCREENSHOT=path.png to keep a screenshot of the export.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.export import html
from bot.export.model import Format
from bot.services.export import ExportRequest
from tests.export.data import Said, service, store_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium)",
)


class Tracker:
    """A local web server that records every request: any fetch is a leak."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        tracker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                tracker.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tracker() -> Iterator[Tracker]:
    t = Tracker()
    yield t
    t.close()


def hostile(url: str) -> str:
    return (
        "<script>document.body.setAttribute('data-pwned','script')</script>"
        f"<img src=\"{url}/img.png\" onerror=\"document.body.setAttribute('data-pwned','img')\">"
        f"<iframe src=\"{url}/frame\"></iframe><link rel=stylesheet href=\"{url}/style.css\">"
        f"<div style=\"background:url({url}/bg.png)\">styled</div>"
        "<a href=\"javascript:document.body.setAttribute('data-pwned','link')\">click</a>"
        "<svg onload=\"document.body.setAttribute('data-pwned','svg')\"></svg>"
        " \u202egnp.exe"
    )


class Elements(HTMLParser):
    """Every element of a DOM and its attributes (text is not elements, however it reads)."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.found}


def browse(page: Path, tmp: Path, *extra: str) -> str:
    """Load `page` in headless Chromium (scripts allowed) and return the DOM it ended with."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", f"--user-data-dir={tmp / 'profile'}", "--virtual-time-budget=2000",
         *extra, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_checks_catch_a_page_that_runs_and_fetches(tmp_path: Path, tracker: Tracker) -> None:
    page = tmp_path / "raw.html"
    page.write_text(f"<!DOCTYPE html><html><body>{hostile(tracker.url)}</body></html>")
    dom = browse(page, tmp_path)
    assert 'data-pwned="' in dom
    assert tracker.paths  # the image, frame or style sheet was fetched


def test_the_export_policy_alone_stops_scripts_and_fetches(
    tmp_path: Path, tracker: Tracker,
) -> None:
    page = tmp_path / "policy.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        f'content="{html.CSP}"></head><body>{hostile(tracker.url)}</body></html>')
    dom = browse(page, tmp_path)
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert tracker.paths == []


async def test_hostile_messages_are_inert_in_the_html_export(
    tmp_path: Path, tracker: Tracker,
) -> None:
    evil_name = f"<img src={tracker.url}/name.png onerror=alert(1)>Mallory\u202e"
    said = [
        Said(10, "Ada", "An honest opening message", after_ms=1000),
        Said(11, evil_name, hostile(tracker.url), after_ms=2000,
             files=[(f"<img src={tracker.url}/file.png>.png", 12, f"{tracker.url}/file.png")]),
        Said(10, "Ada", "A reply to the hostile one", after_ms=3000, reply_to=1),
    ]
    await store_run(tmp_path / "c.db", said, critiques=[
        (1, 11, evil_name, hostile(tracker.url), "<b>bold?</b>", "no", (10,))])
    page = tmp_path / "export.html"
    with page.open("wb") as out:
        service(tmp_path / "c.db").write(ExportRequest(Format.HTML), out)

    dom = browse(page, tmp_path)
    elements = Elements(dom)
    assert tracker.paths == []  # nothing was fetched: not the images, frame, style, file
    assert not {"script", "img", "iframe", "link", "object", "embed"} & elements.tags()
    body = next(attrs for tag, attrs in elements.found if tag == "body")
    assert "data-pwned" not in body  # no script ran
    for tag, attrs in elements.found:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert "url(" not in (attrs.get("style") or ""), (tag, attrs)
        assert not (attrs.get("href") or "").startswith("javascript"), (tag, attrs)
    links = [attrs["href"] for tag, attrs in elements.found if tag == "a"
             and not (attrs.get("href") or "#").startswith("#")]
    assert links == [f"{tracker.url}/file.png"]  # the attachment: a link, fetched if clicked
    assert "&lt;script&gt;document.body" in dom  # shown as the text it is
    assert "[U+202E]gnp.exe" in dom

    shot = tmp_path / "export.png"
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1000,1600")
    assert shot.stat().st_size > 10_000
    assert tracker.paths == []
    keep = os.environ.get("COHORTBOT_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)

"""`localdiscord` (the command) over what a person may hand it: a port that is no port or is
taken, an info file it cannot write, a world file that is not one. The only outcomes are
serving or one line on stderr with exit status 2, never a traceback."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localdiscord.__main__ import build_world, main, read_world
from localdiscord.app import LocalDiscord
from localdiscord.process import CannotServe

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["bot", "guilds", "name", "channels", "roles",
                                       "members", "type", "permissions", "x"]), inner,
                      max_size=4),
    max_leaves=12,
)


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        code = main(["--no-validate", *argv])
    except SystemExit as exit_:  # argparse's refusal: its usage line, then exit 2
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    return err


def test_a_port_that_is_no_port(capsys: pytest.CaptureFixture[str]) -> None:
    for port in ("70000", "-1", "http"):
        assert "is not a port (0 to 65535" in refused(["--port", port], capsys)


def test_a_port_that_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = refused(["--port", str(port)], capsys)
    assert err.startswith("localdiscord: cannot listen:") and "address already in use" in err


def test_an_info_file_it_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "is a folder; give a file name" in refused(["--info", str(tmp_path)], capsys)
    missing = tmp_path / "no such folder" / "info.json"
    assert "cannot write there (No such file or directory)" in refused(
        ["--info", str(missing)], capsys)
    (tmp_path / "a file").write_text("")
    assert "cannot write there" in refused(["--info", str(tmp_path / "a file" / "x")], capsys)
    # A name longer than the file system takes: its is_dir() raised, a traceback.
    assert "cannot write there (File name too long)" in refused(
        ["--info", str(tmp_path / ("n" * 300))], capsys)


@pytest.mark.parametrize(("content", "said"), [
    (None, "cannot read it"),
    (b"\xff\xfe not utf-8", "not a JSON file"),
    (b"{guilds: []}", "not a JSON file"),
    (b'["a list"]', 'expected {"bot"'),
    (b'{"guilds": [{"name": "G", "roles": "Moderator"}]}', 'expected {"bot"'),
    (b'{"guilds": [{"name": "G", "members": [{"name": "ada", "roles": ["Nope"]}]}]}',
     "Nope"),
    (b'{"guilds": [{"channels": [{"name": "c"}]}]}', "name"),
])
def test_a_world_file_that_is_not_one(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      content: bytes | None, said: str) -> None:
    world = tmp_path / "world.json"
    if content is not None:
        world.write_bytes(content)
    err = refused(["--world", str(world)], capsys)
    assert err.startswith(f"localdiscord: --world {world}: ") and said in err, err
    assert len(err.strip().splitlines()) == 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=JSON)
def test_any_json_builds_a_world_or_is_refused_in_words(tmp_path_factory: pytest.TempPathFactory,
                                                       spec: object) -> None:
    path = tmp_path_factory.mktemp("world") / "world.json"
    path.write_text(json.dumps(spec), encoding="utf-8")

    async def build() -> None:
        world = read_world(path)
        await build_world(LocalDiscord(validate=False), world, path)

    try:
        asyncio.run(build())
    except CannotServe as refusal:
        assert str(refusal).startswith(f"--world {path}: ")

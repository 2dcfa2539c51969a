"""What the packaging promises: the Docker image holds every package pyproject.toml declares
(`cohortbot sandbox` needs localdiscord/, and lessons/ beside them), and the metadata is in
the form setuptools no longer warns about."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
COPY = re.compile(r"^COPY\s+(\S+)\s+\./(\S+)\s*$", re.MULTILINE)


def declared_packages() -> set[str]:
    """The top-level packages of `[tool.setuptools.packages.find] include` ("bot*" -> bot)."""
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return {pattern.rstrip("*") for pattern in patterns}


def test_every_declared_package_is_a_package_of_the_checkout() -> None:
    assert {"bot", "cogs", "storage", "localdiscord"} <= declared_packages()
    for name in declared_packages():
        assert (ROOT / name / "__init__.py").is_file(), name


def test_the_dockerfile_copies_every_declared_package_and_the_lessons() -> None:
    copied = {source for source, target in COPY.findall(
        (ROOT / "Dockerfile").read_text(encoding="utf-8")) if source == target}
    missing = (declared_packages() | {"lessons"}) - copied
    assert not missing, f"the Dockerfile does not COPY {sorted(missing)}"


def test_the_license_is_an_spdx_expression() -> None:
    # A table (`{ text = "MIT" }`) makes setuptools print a deprecation block on every install.
    assert PYPROJECT["project"]["license"] == "MIT"
    requires = PYPROJECT["build-system"]["requires"]
    assert requires == ["setuptools>=77"]  # the first setuptools that reads the string form

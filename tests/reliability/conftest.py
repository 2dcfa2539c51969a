"""Each scenario twice: its short version in `make test`, its full one behind the
`reliability` marker (`make reliability`; deselected by default, as `slow` is)."""

from __future__ import annotations

import pytest

from .cohort import Scale


@pytest.fixture(params=["short", pytest.param("full", marks=pytest.mark.reliability)])
def scaled(request: pytest.FixtureRequest) -> Scale:
    return Scale(full=request.param == "full")

"""The end-to-end world (tests/e2e/conftest.py) for the export tests, and what they share."""

from tests.e2e.conftest import clock, openapi_spec, world

__all__ = ["clock", "openapi_spec", "world"]

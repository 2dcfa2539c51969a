"""The follow-ups tests use the end-to-end world of tests/e2e (the real bot in the sandbox)."""

from tests.e2e.conftest import clock, openapi_spec, world

__all__ = ["clock", "openapi_spec", "world"]

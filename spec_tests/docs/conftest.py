"""The docs tests that run a real server use the serve tests' fixture."""

from spec_tests.serve.conftest import live_server  # noqa: F401 - the same fixture, shared

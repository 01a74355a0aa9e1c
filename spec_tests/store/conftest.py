"""The store contract holds for every backend: here the `store` fixture adds `MemoryStore`
to the two SQL stores the other spec tests run on."""

import pytest

from spec_tests.conftest import opened


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request, tmp_path):
    yield from opened(request, tmp_path)

"""Fixtures of the DPoP tests: a client's key, and another one (an attacker's); the command
line's working directory and the signed-in administrator, shared with their own folders."""

import pytest

from spec_tests.admin.test_admin_pages import admin, signed_in_admin  # noqa: F401 - shared fixtures
from spec_tests.cli.test_cli import workdir  # noqa: F401 - the shared fixture
from spec_tests.rfc9449.proofs import Prover


@pytest.fixture
def prover():
    return Prover()


@pytest.fixture
def other_prover():
    return Prover()

"""Fixtures of the DPoP tests: a client's key, and another one (an attacker's)."""

import pytest

from spec_tests.rfc9449.proofs import Prover


@pytest.fixture
def prover():
    return Prover()


@pytest.fixture
def other_prover():
    return Prover()

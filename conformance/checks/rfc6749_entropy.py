"""RFC 6749 §10.10, credentials guessing: codes, tokens and secrets can be
guessed with probability 2^-128 at most (MUST), 2^-160 at most (SHOULD).
https://www.rfc-editor.org/rfc/rfc6749#section-10.10

The entropy is estimated from samples (`conformance/entropy.py`): a few
access tokens, codes and refresh tokens, and the client secrets of the target
file. A JWT access token cannot be guessed (it is signed), so for JWTs the
estimate is of its `jti`, as a SHOULD: a jti often serves as the handle for
revocation and introspection.
"""

import pytest

from conformance import entropy, steps
from conformance.jwts import claims_of
from conformance.marks import check
from conformance.outcomes import fail, not_applicable, not_configured

SAMPLES = 8
ENTROPY = ("entropy",)


def _enough(samples: list[str], what: str, bits: int) -> None:
    if len(set(samples)) < len(samples):
        fail(f"two of {len(samples)} {what} are identical")
    estimate = entropy.estimate_bits(samples)
    if estimate < bits:
        fail(f"{what}: {entropy.describe(samples)}, below {bits}")


@pytest.fixture(scope="module")
def access_tokens(server, clients) -> list[str]:
    client = steps.ready_for(server, clients("confidential"), "client_credentials")
    return [client.client_credentials().access_token for _ in range(SAMPLES)]


@pytest.fixture(scope="module")
def code_samples(server, target, clients, request) -> list[tuple]:
    """(code, request, client) of a few authorization code flows, not yet redeemed."""
    client = None
    for role in ("confidential", "public", "second"):
        config = target.clients.get(role)
        if config and "authorization_code" in config.grant_types and config.redirect_uri:
            client = steps.ready_for(server, clients(role), "authorization_code")
            break
    if client is None:
        not_configured("no client with the authorization_code grant and a redirect_uri")
    driver = request.getfixturevalue("driver")
    return [(*steps.obtain_code(client, driver), client) for _ in range(SAMPLES)]


def _opaque(tokens: list[str]) -> list[str]:
    if claims_of(tokens[0]) is not None:
        not_applicable("the access tokens are JWTs (signed: guessing one is forging a signature)")
    return tokens


def _jtis(tokens: list[str]) -> list[str]:
    jtis = [str((claims_of(token) or {}).get("jti", "")) for token in tokens]
    if not all(jtis):
        not_applicable("the access tokens are not JWTs with a jti")
    return jtis


@check("rfc6749-10.10-opaque-access-tokens-have-128-bits", "RFC6749-10.10", profiles=ENTROPY)
def check_access_128(access_tokens):
    """Opaque access tokens carry at least 128 bits of entropy."""
    _enough(_opaque(access_tokens), "access tokens", 128)


@check("rfc6749-10.10-opaque-access-tokens-have-160-bits", "RFC6749-10.10", level="SHOULD", profiles=ENTROPY)
def check_access_160(access_tokens):
    """Opaque access tokens carry at least 160 bits of entropy."""
    _enough(_opaque(access_tokens), "access tokens", 160)


@check("rfc6749-10.10-access-token-jti-has-128-bits", "RFC6749-10.10", level="SHOULD", profiles=ENTROPY)
def check_jti(access_tokens):
    """The jti of JWT access tokens carries at least 128 bits of entropy."""
    _enough(_jtis(access_tokens), "jti values", 128)


@check("rfc6749-10.10-codes-have-128-bits", "RFC6749-10.10", profiles=ENTROPY)
def check_codes_128(code_samples):
    """Authorization codes carry at least 128 bits of entropy."""
    _enough([code for code, _, _ in code_samples], "authorization codes", 128)


@check("rfc6749-10.10-codes-have-160-bits", "RFC6749-10.10", level="SHOULD", profiles=ENTROPY)
def check_codes_160(code_samples):
    """Authorization codes carry at least 160 bits of entropy."""
    _enough([code for code, _, _ in code_samples], "authorization codes", 160)


@pytest.fixture(scope="module")
def refresh_tokens(code_samples) -> list[str]:
    found = []
    for code, request, client in code_samples[:4]:
        if "refresh_token" in client.config.grant_types:
            found.append(steps.redeem(client, code, request).json().get("refresh_token"))
    found = [token for token in found if token]
    if len(found) < 2:
        not_applicable("too few refresh tokens were issued to sample")
    return found


@check("rfc6749-10.10-refresh-tokens-have-128-bits", "RFC6749-10.10", profiles=ENTROPY)
def check_refresh_128(refresh_tokens):
    """Refresh tokens carry at least 128 bits of entropy (when opaque)."""
    if claims_of(refresh_tokens[0]) is not None:
        not_applicable("the refresh tokens are signed JWTs")
    _enough(refresh_tokens, "refresh tokens", 128)


@check("rfc6749-10.10-client-secrets-have-128-bits", "RFC6749-10.10", level="SHOULD", profiles=ENTROPY)
def check_secrets(target):
    """The client secrets the server issued carry at least 128 bits (judged from their length and alphabet)."""
    secrets = [c.client_secret for c in target.clients.values() if c.client_secret]
    if not secrets:
        not_configured("no client secret in the target file")
    for secret in secrets:
        bits = entropy.estimate_bits([secret])
        if bits < 128:
            fail(
                f"a client secret of {len(secret)} characters ({entropy.alphabet_of([secret])[0]}) "
                f"holds at most {bits:.0f} bits"
            )

"""RFC 7523 §2.2-3, JWT client authentication (`private_key_jwt`, OpenID Connect Core §9).
https://www.rfc-editor.org/rfc/rfc7523

Covers what a client of private_key_jwt sees at the token endpoint (client
credentials grant): a valid assertion signed with its key gets a token, and
assertions with a wrong aud, no exp, an exp passed, a wrong iss or sub are
refused with invalid_client (§3.2); a replayed jti is refused (§3 makes
keeping jti values a MAY). The suite signs with the private key the target's
`[private_key_jwt]` names; without that table the checks are a gap of the run,
with the line to add. Skipped when token_endpoint_auth_methods_supported lacks
private_key_jwt. Leaves out client_secret_jwt (a MAC over the secret, §2.2
too), jwks_uri fetching and the lifetime a server allows between iat and exp.
"""

import secrets
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conformance import expect, fixes
from conformance.marks import check
from conformance.outcomes import not_configured
from conformance.requirements import MAY

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PROFILES = ("private-key-jwt", "fapi2-security")


class AssertionSigner:
    """Signs client assertions for the `[private_key_jwt]` client with its PEM key."""

    def __init__(self, config, token_endpoint: str):
        self.config, self.token_endpoint = config, token_endpoint
        self.key = serialization.load_pem_private_key(Path(config.private_key_file).read_bytes(), password=None)
        self.alg = "ES256" if isinstance(self.key, ec.EllipticCurvePrivateKey) else "RS256"

    def assertion(self, **changes) -> str:
        """A valid assertion (iss = sub = client_id, aud the token endpoint, exp in a minute, a fresh jti);
        `changes` override claims (None removes one)."""
        now = int(time.time())
        claims = {
            "iss": self.config.client_id,
            "sub": self.config.client_id,
            "aud": self.token_endpoint,
            "iat": now,
            "exp": now + 60,
            "jti": secrets.token_urlsafe(16),
        }
        claims = {name: value for name, value in {**claims, **changes}.items() if value is not None}
        header = {"kid": self.config.kid} if self.config.kid else None
        return jwt.encode(claims, self.key, algorithm=self.alg, headers=header)

    def token_request(self, http, assertion: str):
        """RFC7523-2.2: a client credentials request authenticated by `assertion`."""
        data = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE}
        data["client_assertion"] = assertion
        if self.config.scope:
            data["scope"] = self.config.scope
        return http.post(self.token_endpoint, data=data)


@pytest.fixture
def signer(target, server) -> AssertionSigner:
    server.need_auth_method("private_key_jwt")
    server.need_grant("client_credentials")
    if target.private_key_jwt is None:
        not_configured("no [private_key_jwt] client in the target file", fixes.private_key_jwt())
    return AssertionSigner(target.private_key_jwt, server.need_endpoint("token"))


# RFC7523-2.2: "The value of the "client_assertion" parameter contains a single JWT."; a valid one authenticates.
@check("rfc7523-3-valid-assertion-gets-a-token", "RFC7523-3", profiles=PROFILES)
def check_valid(signer, http):
    """A client credentials request authenticated by a valid private_key_jwt assertion gets a token."""
    expect.token(signer.token_request(http, signer.assertion()))


# RFC7523-3: "The JWT MUST contain an "aud" (audience) claim containing a value that identifies the
# authorization server as an intended audience", "The JWT MUST contain an "exp" (expiration time) claim",
# "The authorization server MUST reject any JWT with an expiration time that has passed"; "For client
# authentication, the subject MUST be the "client_id" of the OAuth client."; §3.2: "The value of the
# "error" parameter MUST be the "invalid_client" error code."
@check(
    "rfc7523-3.2-{variant}-is-invalid-client",
    "RFC7523-3.2",
    profiles=PROFILES,
    variants={
        "wrong-aud": {"aud": "https://another-server.example/token"},
        "missing-exp": {"exp": None},
        "expired-exp": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 3660},
        "wrong-sub": {"sub": "another-client"},
    },
)
def check_invalid(signer, http, variant):
    """A client assertion with a {variant} is refused with invalid_client."""
    response = signer.token_request(http, signer.assertion(**variant))
    expect.no_token(response, f"the assertion had {variant}")
    expect.error(response, "invalid_client", (400, 401))


# OIDC-9: "iss REQUIRED. Issuer. This MUST contain the client_id of the OAuth Client."
@check("oidc-9-assertion-with-wrong-iss-is-invalid-client", "OIDC-9", profiles=PROFILES)
def check_wrong_iss(signer, http):
    """A client assertion whose iss is not the client_id is refused with invalid_client (RFC 7523 §3.2)."""
    response = signer.token_request(http, signer.assertion(iss="another-client"))
    expect.no_token(response, "the assertion's iss was not the client_id")
    expect.error(response, "invalid_client", (400, 401))


# RFC7523-3: "The authorization server MAY ensure that JWTs are not replayed by maintaining the set of used
# "jti" values for the length of time for which the JWT would be considered valid".
@check("rfc7523-3-replayed-assertion-is-refused", "RFC7523-3", level=MAY, profiles=PROFILES)
def check_replayed(signer, http):
    """A client assertion used once already (the same jti) is refused with invalid_client."""
    assertion = signer.assertion()
    expect.token(signer.token_request(http, assertion))
    response = signer.token_request(http, assertion)
    expect.no_token(response, "the assertion was replayed")
    expect.error(response, "invalid_client", (400, 401))

"""DPoP proofs as the server receives them (RFC 9449): at the token endpoint (§5) and at
its protected resources (§7).

`policy/rfc9449_dpop.py` judges the proof itself; this module adds what needs the
request, the settings, the store and the clock, in this order:
  1. RFC9449-4.3 MUST: at most one `DPoP` header (a proof holds no comma, so a comma
     means the header came twice and was joined).
  2. The proof's checks (`rfc9449_dpop.check`) against this request: its method and
     its URI, which is the issuer's scheme and authority with the path served, so a
     server behind a proxy compares what the client saw.
  3. RFC9449-7.1 MUST, at a resource: the proof's key is the one the token is bound to.
  4. RFC9449-8 MUST, with `use_dpop_nonce`: the proof carries a current server nonce;
     otherwise `use_dpop_nonce` with a fresh nonce in the `DPoP-Nonce` header.
  5. RFC9449-11.1 MUST: the proof was not used before: its key thumbprint and jti are
     recorded until its iat leaves the window (`Store.record_dpop_proof`). Only a proof
     that passed every other check is recorded, so a refused one leaves nothing behind.
Every failure is `OAuthError` `invalid_dpop_proof` (or `use_dpop_nonce`); a resource
turns it into a 401 with a DPoP challenge (`endpoints/resource.py`).
"""

import hashlib
from urllib.parse import urlsplit

from webob import Request

from .clock import Clock
from .config import Settings
from .errors import OAuthError
from .policy import rfc9449_dpop as rfc9449
from .store import Store

HEADER = "DPoP"
NONCE_HEADER = "DPoP-Nonce"


class DPoPProofs:
    def __init__(self, settings: Settings, store: Store, clock: Clock, nonce_key: bytes):
        self.settings = settings
        self.store = store
        self.clock = clock
        self.nonce_key = nonce_key
        issuer = urlsplit(settings.issuer)
        self.origin = f"{issuer.scheme}://{issuer.netloc}"

    def accept(self, request: Request, access_token: str | None = None, jkt: str | None = None) -> rfc9449.Proof | None:
        """The request's proof, checked and recorded; None when it carries none. At a
        resource, `access_token` is the token the proof must name (`ath`) and `jkt` the
        thumbprint of the key it is bound to."""
        value = request.headers.get(HEADER)
        if value is None:
            return None
        now = self.clock.now()
        # 1. One header.
        if "," in value:
            raise OAuthError("invalid_dpop_proof", "Send one DPoP header with one proof.")
        # 2. The proof, for this request.
        try:
            proof = rfc9449.check(
                value.strip(),
                request.method,
                self.origin + request.path,
                now,
                self.settings.dpop_iat_window,
                access_token,
            )
        except rfc9449.InvalidProof as reason:
            raise OAuthError("invalid_dpop_proof", str(reason)) from None
        # 3. The token's key.
        if jkt is not None and proof.jkt != jkt:
            raise OAuthError("invalid_dpop_proof", "The DPoP proof is signed by another key than the token's.")
        # 4. The server's nonce.
        if self.settings.use_dpop_nonce and not rfc9449.nonce_is_current(self.nonce_key, proof.nonce, now):
            raise OAuthError(
                "use_dpop_nonce",
                "Put the nonce of the DPoP-Nonce header in the DPoP proof and send the request again.",
                headers={NONCE_HEADER: rfc9449.nonce(self.nonce_key, now)},
            )
        # 5. Not seen before.
        key = hashlib.sha256(f"{proof.jkt} {proof.jti}".encode()).hexdigest()
        if not self.store.record_dpop_proof(key, proof.iat + self.settings.dpop_iat_window):
            raise OAuthError("invalid_dpop_proof", "This DPoP proof was used before; make a new one per request.")
        return proof

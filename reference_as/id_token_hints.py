"""Reading back an ID Token this server issued: the `id_token_hint` of an
authentication request (OpenID Connect Core 1.0 §3.1.2.1) or of a logout
request (RP-Initiated Logout 1.0 §2).

The hint is trusted only as far as it proves itself:
  1-4. signed by a key this server still publishes, with that key's own
     algorithm (`signed_tokens.verified`);
  5. its header `typ` is not `at+jwt`: an access token is no hint;
  6. OIDC-3.1.2.1 / RP-Initiated Logout §2 MUST: its `iss` is this server;
  7. it names a subject, and its `aud` is the client in question when one is
     known (a hint is "previously issued ... to the Client").
Its expiry is not held against it: a hint is about a past sign-in, and
RP-Initiated Logout §2 asks the OP to accept one "even when the exp time has
passed" (oidc-provider does the same for authentication requests). How old it
may be is bounded by the keys: a retired key leaves the JWKS a token lifetime
after its retirement, and a hint it signed is then no longer ours.
"""

from dataclasses import dataclass

from .access_tokens import ACCEPTED_TYPES
from .config import Settings
from .keys import Keyring
from .signed_tokens import InvalidToken, verified


@dataclass(frozen=True)
class Hint:
    subject: str
    audiences: tuple[str, ...]


class IdTokenHints:
    def __init__(self, settings: Settings, keyring: Keyring):
        self.settings = settings
        self.keyring = keyring

    def read(self, token: str, client_id: str | None = None) -> Hint:
        """The hint's subject and audiences, or InvalidToken saying why it is not ours."""
        header, claims = verified(token, self.keyring)
        if str(header.get("typ", "")).lower() in ACCEPTED_TYPES:
            raise InvalidToken("An access token is not an ID Token.")
        if claims.get("iss") != self.settings.issuer:
            raise InvalidToken("The ID Token was issued by another server.")
        subject, audience = claims.get("sub"), claims.get("aud")
        audiences = tuple(audience) if isinstance(audience, list) else (audience,)
        if not isinstance(subject, str) or not all(isinstance(a, str) for a in audiences):
            raise InvalidToken("The ID Token names no subject or audience.")
        if client_id is not None and client_id not in audiences:
            raise InvalidToken("The ID Token was issued to another client.")
        return Hint(subject, audiences)

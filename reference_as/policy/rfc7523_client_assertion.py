"""JWT client authentication: what a client assertion must say (RFC 7523 §2.2, §3;
OpenID Connect Core 1.0 §9 `private_key_jwt`).

A client that registered `private_key_jwt` authenticates by sending, in the body,
`client_assertion_type` (the value below) and `client_assertion`: a JWT it signed
with its private key. The server verifies it with the client's registered public
keys (`jwks`, or fetched from `jwks_uri`). These are the pure rules; the fetching,
the signature and the replay cache are `client_assertions.py`.

- RFC7523-2.2 MUST: one JWT, in `client_assertion`, typed by `client_assertion_type`.
- RFC7523-3 MUST (items 1-2): `iss` and `sub` are both the client_id (OIDC Core §9).
- RFC7523-3 MUST (item 3): `aud` names this server: its issuer or the token endpoint
  URL (RFC 9126 §2: at the PAR endpoint also that endpoint's URL).
- RFC7523-3 MUST (item 4): `exp`, in the future. Our rule: at most
  `client_assertion_max_lifetime` seconds ahead (an assertion is made per request,
  so it need not live long, and its `jti` is kept until it expires).
- RFC7523-3 (item 5-6): `nbf` and `iat`, when present, not in the future (beyond
  CLOCK_SKEW seconds of clock difference).
- OIDC Core §9 REQUIRED: `jti`; RFC7523-3 item 7 MAY / OIDC Core §9: a `jti` is
  accepted once (the store's replay cache).
- RFC7523-3 MUST (item 8): signed; RFC 8725 §3.1: by an algorithm chosen by the
  key, never `none`, never a MAC over a public key. `client_secret_jwt` (OIDC Core
  §9): HS256 with the client's secret as the key, nothing else.
Every refusal is `InvalidAssertion`, answered `invalid_client` (RFC 7523 §3.1).
"""

from ..jose.jwk import InvalidJwk, algorithm_of, public_key

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PRIVATE_KEY_JWT = "private_key_jwt"
# OIDC Core §9: an HMAC over the client's secret (off unless the `client_secret_jwt` setting is on).
CLIENT_SECRET_JWT = "client_secret_jwt"
SECRET_ALGORITHMS = ("HS256",)
JWT_METHODS = (PRIVATE_KEY_JWT, CLIENT_SECRET_JWT)
# Seconds of clock difference allowed on `nbf` and `iat` (RFC 7519 §4.1.5 "some small leeway").
CLOCK_SKEW = 30
MAX_JTI_LENGTH = 256  # kept in the store until the assertion expires: bounded
MAX_KEYS = 20  # in a client's JWK Set


class InvalidAssertion(ValueError):
    """The assertion cannot authenticate the client; the message says why (safe to show)."""


def check_header(header: dict, algorithms: tuple[str, ...]) -> str:
    """RFC7523-3 item 8, RFC 8725 §3.1: the signing algorithm, one of `algorithms`."""
    alg = header.get("alg")
    if alg not in algorithms:
        raise InvalidAssertion(f"the assertion's alg {alg!r} is not one of {', '.join(algorithms)}")
    if "crit" in header:  # RFC 7515 §4.1.11: extensions we do not understand
        raise InvalidAssertion("the assertion's header names critical extensions (crit), which are not supported")
    return alg


def key_set(document) -> tuple[dict, ...]:
    """The keys of a JWK Set (RFC 7517 §5), checked for shape; InvalidJwk otherwise."""
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not keys or not all(isinstance(key, dict) for key in keys):
        raise InvalidJwk("a JWK Set is an object whose `keys` is a non-empty array of objects")
    if len(keys) > MAX_KEYS:
        raise InvalidJwk(f"a JWK Set of more than {MAX_KEYS} keys is not accepted")
    return tuple(keys)


def check_public_keys(document) -> None:
    """A JWK Set a client may register: every key a public key we verify with; InvalidJwk otherwise."""
    for key in key_set(document):
        public_key(key)


def choose_key(keys: tuple[dict, ...], header: dict, alg: str) -> dict:
    """The key the assertion names by `kid`; without a `kid`, the one key for `alg`.
    The key must sign with `alg` (its type decides: RFC 8725 §3.1) and be for signing."""
    kid = header.get("kid")
    if kid is not None:
        candidates = [key for key in keys if key.get("kid") == kid]
        if not candidates:
            raise InvalidAssertion(f"the client has no registered key with kid {kid!r}")
    else:
        candidates = [key for key in keys if _signs_with(key, alg)]
        if len(candidates) != 1:
            raise InvalidAssertion(f"the assertion has no kid, and the client has {len(candidates)} keys for {alg}")
    key = candidates[0]
    if not _signs_with(key, alg):
        raise InvalidAssertion(f"the key {kid!r} does not sign with {alg}")
    if key.get("use", "sig") != "sig":
        raise InvalidAssertion(f"the key {kid!r} is not for signatures (use {key.get('use')!r})")
    return key


def _signs_with(key: dict, alg: str) -> bool:
    try:
        return algorithm_of(key) == alg and key.get("alg", alg) == alg
    except InvalidJwk:
        return False


def check_claims(
    claims: dict, client_id: str, audiences: tuple[str, ...], now: int, max_lifetime: int
) -> tuple[str, int]:
    """RFC 7523 §3 items 1-7, OIDC Core §9: (the jti, the exp) of acceptable claims."""
    # RFC7523-3 MUST: iss and sub are the client_id.
    if claims.get("iss") != client_id:
        raise InvalidAssertion("the assertion's iss must be the client_id")
    if claims.get("sub") != client_id:
        raise InvalidAssertion("the assertion's sub must be the client_id")
    # RFC7523-3 MUST: aud identifies this authorization server.
    aud = claims.get("aud")
    named = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(value, str) and value in audiences for value in named):
        raise InvalidAssertion(f"the assertion's aud must be one of {', '.join(audiences)}")
    # RFC7523-3 MUST: exp, not passed; ours: not far ahead.
    exp = claims.get("exp")
    if not _number(exp):
        raise InvalidAssertion("the assertion has no exp (a number of seconds since the epoch)")
    if exp <= now:
        raise InvalidAssertion("the assertion has expired")
    if exp > now + max_lifetime:
        raise InvalidAssertion(f"the assertion expires more than {max_lifetime} seconds from now; make it short-lived")
    for name in ("nbf", "iat"):
        value = claims.get(name)
        if value is not None and (not _number(value) or value > now + CLOCK_SKEW):
            raise InvalidAssertion(f"the assertion's {name} is not a time in the past")
    # OIDC Core §9 REQUIRED: jti, which makes the assertion usable once.
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise InvalidAssertion(f"the assertion needs a jti of 1 to {MAX_JTI_LENGTH} characters")
    return jti, int(exp)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)

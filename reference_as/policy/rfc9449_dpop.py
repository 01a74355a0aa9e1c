"""OAuth 2.0 Demonstrating Proof of Possession (DPoP), RFC 9449 §4.2-4.3: checking a proof.

A DPoP proof is a JWT the client signs with a key of its own for one HTTP
request, sent in the `DPoP` header; a token issued or used with it is bound to
that key (its RFC 7638 thumbprint, `jkt`). This module is the pure part:
given the proof text, the request it came with and the time, it answers the
proof's key thumbprint, `jti` and `iat`, or raises `InvalidProof` with a
reason safe to show. It runs RFC 9449 §4.3's checks in the RFC's order:

  1. RFC9449-4.3 MUST: one well-formed JWT (the caller checks there is one header).
  2. RFC9449-4.3 MUST: `typ` is `dpop+jwt`.
  3. RFC9449-4.3 MUST: `alg` is asymmetric, one of `SIGNING_ALGORITHMS` (not `none`,
     no MAC: HS256 is refused before any key is looked at).
  4. RFC9449-4.3 MUST: the signature verifies with the public key in the `jwk` header;
     RFC9449-4.3 MUST: that key holds no private part (`d`, `p`, `q`, ... or `k`).
  5. RFC9449-4.3 MUST: `htm` is the request's method.
  6. RFC9449-4.3 MUST: `htu` is the request's URI without query and fragment, after
     RFC 3986 §6.2.2-6.2.3 normalisation (case of scheme and host, default port,
     percent-encoding case, dot segments; `normalized_uri`).
  7. RFC9449-4.3 MUST, §11.1: `iat` lies within the window the server accepts, on either
     side of its clock (`dpop_iat_window`); `jti` is present (its uniqueness is the
     store's to check, `Store.record_dpop_proof`, for as long as the proof is acceptable).
  8. RFC9449-4.3 MUST, §7.1: at a resource, `ath` is the base64url SHA-256 of the
     access token presented with it.
The server nonce (§8) and the key a token or code is bound to (§6.1, §7.1, §10) are the
caller's to compare: `dpop.py` at the token endpoint and at resources.
"""

import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from cryptography.exceptions import InvalidSignature

from ..jose import jwk, jws
from ..jose.algorithms import ALGORITHMS

TYPE = "dpop+jwt"
# RFC9449-5.1: what `dpop_signing_alg_values_supported` advertises: every asymmetric
# algorithm this server's JOSE code verifies.
SIGNING_ALGORITHMS = tuple(ALGORITHMS)
# A proof is a header line: a few hundred characters with an EC key, ~1,000 with RSA-4096.
MAX_PROOF_LENGTH = 4096
DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_UNRESERVED = "-._~"


class InvalidProof(Exception):
    """The proof must not be accepted; the message says why (safe to show)."""


@dataclass(frozen=True)
class Proof:
    """What a valid proof says: the thumbprint of its key, and its id and time (for the
    replay cache) and the nonce it carries, if any (§8)."""

    jkt: str
    jti: str
    iat: int
    nonce: str | None


def check(
    proof: str,
    method: str,
    uri: str,
    now: int,
    window: int,
    access_token: str | None = None,
) -> Proof:
    """Every check of RFC 9449 §4.3 but the nonce and the replay cache (see the module)."""
    # 1. A JWT.
    if len(proof) > MAX_PROOF_LENGTH:
        raise InvalidProof(f"The DPoP proof is longer than {MAX_PROOF_LENGTH} characters.")
    try:
        header, claims, signing_input, signature = jws.decode_unverified(proof)
    except (ValueError, UnicodeError):
        raise InvalidProof("The DPoP proof is not a well-formed JWT.") from None
    # 2. Its type.
    if header.get("typ") != TYPE:
        raise InvalidProof("The DPoP proof's typ must be dpop+jwt.")
    # 3. An asymmetric algorithm we support.
    algorithm = ALGORITHMS.get(header.get("alg")) if isinstance(header.get("alg"), str) else None
    if algorithm is None:
        raise InvalidProof(f"The DPoP proof's alg must be one of {' '.join(SIGNING_ALGORITHMS)}.")
    # 4. Signed by the public key it carries.
    public_key = _public_key(header.get("jwk"), algorithm.name)
    try:
        algorithm.verify(public_key, signature, signing_input)
    except InvalidSignature:
        raise InvalidProof("The DPoP proof's signature does not verify with its jwk.") from None
    # 5-6. For this request.
    if claims.get("htm") != method:
        raise InvalidProof(f"The DPoP proof's htm must be {method}.")
    if not isinstance(claims.get("htu"), str) or normalized_uri(claims["htu"]) != normalized_uri(uri):
        raise InvalidProof("The DPoP proof's htu is not the URI of this request.")
    # 7. Fresh, and named.
    iat, jti = claims.get("iat"), claims.get("jti")
    if not isinstance(iat, int | float) or isinstance(iat, bool) or not math.isfinite(iat):
        raise InvalidProof("The DPoP proof has no iat.")
    if abs(now - iat) > window:
        raise InvalidProof(f"The DPoP proof's iat is more than {window} seconds from the server's time.")
    if not isinstance(jti, str) or not 0 < len(jti) <= 256:
        raise InvalidProof("The DPoP proof has no jti (at most 256 characters).")
    # 8. At a resource: for this access token.
    if access_token is not None and claims.get("ath") != access_token_hash(access_token):
        raise InvalidProof("The DPoP proof's ath is not the hash of the access token.")
    nonce = claims.get("nonce")
    return Proof(jwk.thumbprint(public_key), jti, int(iat), nonce if isinstance(nonce, str) else None)


def _public_key(members, alg: str):
    """RFC9449-4.3: the `jwk` header is a public key, of the type `alg` signs with."""
    if not isinstance(members, dict):
        raise InvalidProof("The DPoP proof's header has no jwk.")
    if any(name in members for name in jwk.PRIVATE_MEMBERS):
        raise InvalidProof("The DPoP proof's jwk holds a private key; send the public key only.")
    try:
        return jwk.public_key(members, alg)
    except (ValueError, TypeError):
        raise InvalidProof(f"The DPoP proof's jwk is not a public key for {alg}.") from None


def access_token_hash(access_token: str) -> str:
    """RFC9449-4.2: `ath`, the base64url SHA-256 of the ASCII access token."""
    return jws.b64url(hashlib.sha256(access_token.encode("ascii", "replace")).digest())


def normalized_uri(uri: str) -> str:
    """RFC9449-4.3: the URI without query and fragment, normalised by RFC 3986 §6.2.2
    (case, percent-encoding, dot segments) and §6.2.3 (default port, empty path is /).
    A URI that cannot be parsed, or has userinfo, normalises to itself (and so matches
    nothing real)."""
    try:
        parts = urlsplit(uri)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or ""), parts.port
    except ValueError:
        return uri
    if "@" in parts.netloc:  # userinfo: no request URI of ours has one
        return uri
    if ":" in host:  # an IPv6 literal keeps its brackets (RFC 3986 §3.2.2)
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    path = _remove_dot_segments(_PERCENT.sub(_normal_escape, parts.path)) or "/"
    return urlunsplit((scheme, host, path, "", ""))


def _normal_escape(match: re.Match) -> str:
    """RFC 3986 §6.2.2.1-6.2.2.2: an escaped unreserved character is that character;
    any other escape is written in upper case."""
    char = unquote(match[0])
    return char if char.isascii() and (char.isalnum() or char in _UNRESERVED) else quote(char, safe="").upper()


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, in its segment form."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        elif segment == ".":
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output)


def challenge_algorithms() -> str:
    """RFC9449-7.1: the `algs` a resource's DPoP challenge lists."""
    return " ".join(SIGNING_ALGORITHMS)


def confirmation(jkt: str) -> dict:
    """RFC9449-6.1: the `cnf` claim of a bound access token (and of its introspection, §6.2)."""
    return {"jkt": jkt}


def bound_key(claims: dict) -> str | None:
    """RFC9449-6.1: the thumbprint an access token is bound to, None for a bearer token."""
    cnf = claims.get("cnf")
    jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
    return jkt if isinstance(jkt, str) else None


# RFC 9449 §8: server nonces. Stateless, so that every worker process and every server
# behind one store accepts the nonce another gave: an HMAC of the current period under a
# key of the server's. A nonce is good for its period and the next one.
NONCE_PERIOD = 300  # seconds


def nonce(key: bytes, now: int) -> str:
    """RFC9449-8: a nonce the client is to put in its next proofs."""
    period = str(now // NONCE_PERIOD)
    return period + "." + jws.b64url(hmac.new(key, period.encode(), hashlib.sha256).digest())


def nonce_is_current(key: bytes, value: str | None, now: int) -> bool:
    """RFC9449-8 MUST: the proof carries a nonce this server gave, in this period or the last."""
    if value is None:
        return False
    return any(hmac.compare_digest(value, nonce(key, now - back * NONCE_PERIOD)) for back in (0, 1))


def refresh_binding(jkt: str | None, confidential: bool) -> str | None:
    """RFC9449-5 MUST: refresh tokens issued to a public client with a proof are bound to its
    key; a confidential client's are not (they are bound to its authentication)."""
    return None if confidential else jkt


_THUMBPRINT = re.compile(r"[A-Za-z0-9_-]{43}")


def well_formed_thumbprint(value: str) -> bool:
    """RFC9449-10: `dpop_jkt`, a base64url SHA-256 (RFC 7638 §3): 43 characters."""
    return bool(_THUMBPRINT.fullmatch(value))

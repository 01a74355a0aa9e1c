"""The relying party's checks of an ID Token, one by one (OpenID Connect Core 1.0 §3.1.3.7).

A client that signs a user in with OpenID Connect must not take the ID Token
on trust, though it came straight from the token endpoint over TLS; the
checks below are the ones §3.1.3.7 lists for the code flow, each shown with
its outcome so that a learner sees what each one rules out:
  - the signature, with the JWKS key the header's `kid` names and that key's
    own algorithm (§3.1.3.7 items 6-8; RFC 8725 §3.1);
  - `iss` is exactly the issuer of the discovery document (item 2);
  - `aud` contains this client's id, and `azp`, if present, is it (items 3-5);
  - `exp` is in the future and `iat` not (items 9-10);
  - `nonce` is the one this client sent (item 11), against a replayed token;
  - `at_hash` is the left half of the hash of the access token that came with
    it (§3.1.3.8), so the two were issued together.
Then UserInfo (§5.3.2): its `sub` MUST equal the ID Token's (§5.3.4), or the
answer is about someone else and is not used.
"""

from dataclasses import asdict, dataclass

from ..policy.oidc_core_id_token import HASHES, token_hash
from .jwt_view import open_token


@dataclass(frozen=True)
class Check:
    name: str
    section: str  # "OIDC Core §3.1.3.7"
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def at_hash(access_token: str, alg: str) -> str | None:
    """OIDC-3.1.3.8: what at_hash must be, by the same rule the server signs with
    (the project's own, as the signature check is); None for an algorithm not known here."""
    return token_hash(access_token, alg) if alg in HASHES else None


def check_id_token(
    id_token: str, jwks: dict | None, issuer: str, client_id: str, nonce: str, access_token: str, now: float
) -> tuple[dict, list[Check]]:
    """The ID Token's claims and every check of §3.1.3.7, passed or not (none is skipped)."""
    opened = open_token(id_token, jwks)
    if opened is None:
        return {}, [Check("a JWT", "OIDC Core §2", False, "the id_token is not a signed JWT")]
    claims, alg = opened.claims, opened.header.get("alg", "")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    exp, iat = claims.get("exp"), claims.get("iat")
    expected_hash = at_hash(access_token, alg)
    checks = [
        Check("signature", "OIDC Core §3.1.3.7", opened.verdict.verified, opened.verdict.reason),
        Check("iss", "OIDC Core §3.1.3.7", claims.get("iss") == issuer, f"{claims.get('iss')!r}, expected {issuer!r}"),
        Check(
            "aud",
            "OIDC Core §3.1.3.7",
            client_id in audiences and claims.get("azp", client_id) == client_id,
            f"{audience!r} contains this client {client_id!r}" if client_id in audiences else f"{audience!r}",
        ),
        Check(
            "exp",
            "OIDC Core §3.1.3.7",
            isinstance(exp, int | float) and exp > now,
            f"{int(exp - now)} s from now" if isinstance(exp, int | float) else "missing",
        ),
        Check(
            "iat",
            "OIDC Core §3.1.3.7",
            isinstance(iat, int | float) and iat <= now + 60,
            "issued just now" if isinstance(iat, int | float) and abs(now - iat) < 60 else f"{iat!r}",
        ),
        Check(
            "nonce",
            "OIDC Core §3.1.3.7",
            claims.get("nonce") == nonce,
            "the one this client sent" if claims.get("nonce") == nonce else "not the one this client sent",
        ),
        Check(
            "at_hash",
            "OIDC Core §3.1.3.8",
            expected_hash is not None and claims.get("at_hash") == expected_hash,
            f"the left half of the {alg} hash of the access token"
            if claims.get("at_hash") == expected_hash
            else "does not match the access token",
        ),
    ]
    return claims, checks


def check_userinfo(userinfo: dict, id_token_sub) -> Check:
    same = isinstance(userinfo, dict) and userinfo.get("sub") == id_token_sub
    return Check(
        "sub",
        "OIDC Core §5.3.2",
        same,
        "the same user as the ID Token" if same else "a different sub from the ID Token's: not used",
    )

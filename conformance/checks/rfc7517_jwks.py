"""RFC 7517, JSON Web Key (JWK), and RFC 7518 §3, the keys behind the server's signatures.
https://www.rfc-editor.org/rfc/rfc7517

Covers the JWK Set at `jwks_uri`: its format (§5), each key's members (§4),
distinct `kid`s (§4.5), key sizes (RFC 7518 §3.3), that only public halves are
published, and that `use` marks every key when signing and encryption keys
are mixed (RFC 8414 §2). Leaves out X.509 members (x5c, x5u, x5t): they are
optional and this suite does not build certificate paths.
"""

import jwt

from conformance.marks import check
from conformance.outcomes import fail, not_applicable

PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
KNOWN_KTY = ("RSA", "EC", "OKP", "oct")
ALG_FAMILIES = {
    "RSA": ("RS", "PS", "RSA"),
    "EC": ("ES", "ECDH"),
    "OKP": ("EdDSA", "Ed25519", "Ed448", "ECDH"),
    "oct": ("HS", "A", "dir"),
}


def _keys(jwks) -> list:
    return [key for key in jwks["keys"] if isinstance(key, dict)]


# RFC7517-5 MUST: a JWK Set is a JSON object whose "keys" member is an array of JWKs.
@check("rfc7517-5-keys-is-an-array-of-objects", "RFC7517-5")
def check_key_set(jwks):
    """Every member of the JWK Set's 'keys' array is a JSON object."""
    if any(not isinstance(key, dict) for key in jwks["keys"]):
        fail("the 'keys' array holds something that is not a JSON object")
    if not jwks["keys"]:
        not_applicable("the JWK Set is empty")


# RFC7517-4 MUST: every JWK has "kty".
@check("rfc7517-4-every-key-has-kty", "RFC7517-4")
def check_kty(jwks):
    """Every key names its key type (kty)."""
    for index, key in enumerate(_keys(jwks)):
        if not isinstance(key.get("kty"), str):
            fail(f"key {index} (kid {key.get('kid')!r}) has no kty")


# RFC7517-4 (JWA): a published key is usable: its members describe a public key.
@check("rfc7517-4-keys-parse-as-public-keys", "RFC7517-4")
def check_keys_parse(jwks):
    """Every RSA, EC and OKP key parses as a public key."""
    keys = [key for key in _keys(jwks) if key.get("kty") in ("RSA", "EC", "OKP")]
    if not keys:
        not_applicable("no RSA, EC or OKP key")
    for key in keys:
        try:
            jwt.PyJWK(key)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError) as error:
            fail(f"key {key.get('kid')!r} ({key.get('kty')}) does not parse: {error}")


# RFC7517-4 SHOULD NOT: "use" and "key_ops" together.
@check("rfc7517-4-use-and-key-ops-not-both", "RFC7517-4", level="SHOULD")
def check_use_key_ops(jwks):
    """No key carries both 'use' and 'key_ops'."""
    for key in _keys(jwks):
        if "use" in key and "key_ops" in key:
            fail(f"key {key.get('kid')!r} has both 'use' and 'key_ops'")


# No keyword: RFC 7517 §4.4 says what "alg" means, not that it fits kty. One that does not makes the key
# unusable by clients that honour it, hence advice.
@check("rfc7517-4-alg-fits-key-type", "RFC7517-4", level="ADVICE")
def check_alg_fits(jwks):
    """A key's 'alg', when given, is an algorithm of its key type."""
    with_alg = [key for key in _keys(jwks) if isinstance(key.get("alg"), str) and key.get("kty") in ALG_FAMILIES]
    if not with_alg:
        not_applicable("no key names its alg")
    for key in with_alg:
        if not key["alg"].startswith(ALG_FAMILIES[key["kty"]]):
            fail(f"key {key.get('kid')!r}: alg {key['alg']} is not an algorithm for kty {key['kty']}")


# RFC7517-4.5 SHOULD: distinct kid values within one set.
@check("rfc7517-4.5-kids-are-distinct", "RFC7517-4.5")
def check_kids_distinct(jwks):
    """No two keys share a kid."""
    kids = [key.get("kid") for key in _keys(jwks) if key.get("kid") is not None]
    repeated = sorted({kid for kid in kids if kids.count(kid) > 1})
    if repeated:
        fail(f"kid {repeated[0]!r} names more than one key")


# RFC7518-3.3 MUST: RSA keys of 2048 bits or more.
@check("rfc7518-3.3-rsa-keys-have-2048-bits", "RFC7518-3.3")
def check_rsa_size(jwks):
    """Every RSA key's modulus has at least 2048 bits."""
    rsa = [key for key in _keys(jwks) if key.get("kty") == "RSA" and isinstance(key.get("n"), str)]
    if not rsa:
        not_applicable("no RSA key")
    for key in rsa:
        bits = jwt.PyJWK(key).key.key_size
        if bits < 2048:
            fail(f"RSA key {key.get('kid')!r} has {bits} bits")


# RFC8414-2: jwks_uri holds the keys clients verify with: public halves only.
@check("rfc8414-2-jwks-publishes-public-keys-only", "RFC8414-2")
def check_no_private_keys(jwks):
    """No published key carries private or symmetric key material (d, p, q, dp, dq, qi, k)."""
    for key in _keys(jwks):
        leaked = [member for member in PRIVATE_MEMBERS if member in key]
        if leaked:
            fail(f"key {key.get('kid')!r} publishes private key material: {', '.join(leaked)}")


# RFC8414-2 REQUIRED: with signing and encryption keys both published, every key has "use".
@check("rfc8414-2-jwks-use-marks-mixed-keys", "RFC8414-2")
def check_use_when_mixed(jwks):
    """When an encryption key is published beside signing keys, every key says its 'use'."""
    keys = _keys(jwks)
    if not any(key.get("use") == "enc" for key in keys):
        not_applicable("no encryption key is published")
    unmarked = [key.get("kid") for key in keys if "use" not in key]
    if unmarked:
        fail(f"keys without 'use' beside an encryption key: {unmarked}")

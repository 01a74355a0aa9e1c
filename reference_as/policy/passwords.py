"""Resource owners' passwords: scrypt, salted, parameters kept with the hash.

People choose guessable passwords, so unlike the server's own random secrets
(`policy/secrets.py`) they get a deliberately slow, memory-hard hash. The
default cost follows OWASP's Password Storage Cheat Sheet for scrypt
(N=2^17, r=8, p=1: 128 MiB and about 0.4 s per hash on this project's
reference machine); `password_scrypt_n` lowers it for tests and small machines.

Stored form: "scrypt$N$r$p$<salt b64>$<hash b64>".
"""

import base64
import hashlib
import hmac
import secrets

R, P, DKLEN = 8, 1, 32


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n + 2**20, dklen=DKLEN)


def hash_password(password: str, n: int) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, R, P)
    return "$".join(
        ["scrypt", str(n), str(R), str(P), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()]
    )


def verify_password(password: str, stored: str) -> bool:
    """Constant-time comparison of the derived key."""
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        return False
    derived = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(derived, base64.b64decode(digest))


def check_strength(password: str) -> str | None:
    """Why a chosen password is refused, or None. NIST SP 800-63B §5.1.1.2: at least 8 characters."""
    if len(password) < 8:
        return "a password needs at least 8 characters"
    if len(password) > 1024:
        return "a password has at most 1024 characters"
    return None

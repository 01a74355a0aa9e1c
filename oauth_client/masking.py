"""Secrets and tokens are never printed in full.

`mask` shortens one value to its first four characters and its length; a
`Masker` knows every secret the run has seen (client secrets from the target
file, every token the server handed out) and also recognises the places a
secret hides in HTTP text it was never told about: JWTs, `Authorization`
headers, and form, query or JSON fields named like credentials.
"""

import re

SHOWN = 4  # leading characters left visible
# Field names whose value is a credential, in a form body, a query string or JSON.
CREDENTIAL_FIELDS = (
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "code",
    "code_verifier",
    "password",
    "token",
    "csrf_token",
    "client_assertion",
)
_FIELDS = "|".join(CREDENTIAL_FIELDS)
_FORM_FIELD = re.compile(rf"(?<![\w-])({_FIELDS})=([^&\s\"'#]+)")
_JSON_FIELD = re.compile(rf'("(?:{_FIELDS})"\s*:\s*")([^"]+)(")')
_JWT = re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
# Credentials (RFC 9110 §11.4): the scheme, then a token68 ending the value or followed by a separator
# (not `realm="..."`), where a header value starts or after "Authorization:", and nowhere else: the
# suite's own sentences ("not a Basic challenge") are not credentials.
_AUTH_HEADER = re.compile(r"(?im)((?:^|authorization:\s*)(?:Basic|Bearer|DPoP))\s+([\w\-.~+/]+=*)(?=$|[\s,;])")


def mask(value: str | None) -> str:
    """'eyJh…(812 chars)'; short values are hidden entirely."""
    if value is None:
        return "None"
    if len(value) <= 2 * SHOWN:
        return "…" * min(len(value), 3) or "''"
    return f"{value[:SHOWN]}…({len(value)} chars)"


class Masker:
    """Masks known secrets and anything shaped like one."""

    def __init__(self, secrets=()):
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        # Very short values (a 'code' of '1') would mask half of every text: pattern masking covers them.
        if secret and len(secret) >= 6:
            self._secrets.add(secret)

    def text(self, text: str | None) -> str:
        if not text:
            return text or ""
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, mask(secret))
        text = _JWT.sub(lambda m: mask(m.group(0)), text)
        text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)} {_masked(m.group(2))}", text)
        text = _FORM_FIELD.sub(lambda m: f"{m.group(1)}={_masked(m.group(2))}", text)
        return _JSON_FIELD.sub(lambda m: m.group(1) + _masked(m.group(2)) + m.group(3), text)

    def headers(self, headers) -> dict[str, str]:
        shown = {}
        for name, value in headers.items():
            if name.lower() in ("cookie", "set-cookie"):
                value = _COOKIE_VALUE.sub(_cookie_value, value)
            shown[name] = self.text(value)
        return shown


# A cookie's value is masked; its attributes (RFC 6265 §4.1.1: Path, Expires, SameSite, ...) are not.
_COOKIE_VALUE = re.compile(r"(?<![\w.-])([\w.-]+)=([^;,\s]+)")
COOKIE_ATTRIBUTES = ("path", "domain", "expires", "max-age", "samesite", "priority")


def _cookie_value(match) -> str:
    name, value = match.group(1), match.group(2)
    return match.group(0) if name.lower() in COOKIE_ATTRIBUTES else f"{name}={_masked(value)}"


def _masked(value: str) -> str:
    """A value that is already a mask stays as it is."""
    return value if "…" in value else mask(value)

"""How a value is shown in a step: masked (the playground) or a placeholder (the docs).

Every value that passes through a step's text goes through a redactor, sorted by
the field it came from:
- `secret(field, value)`: a credential (client secret, code, verifier, token).
  The playground shows its last four characters, as `reference-as serve --trace`
  does: enough to tell two tokens apart, too little to use one.
- `public(field, value)`: anything else. The playground shows it, shortening
  the long public-key numbers; the docs generator replaces the values that are
  random in each run (state, challenge, jti, grant id, kid, user id, key numbers) so that
  two runs print the same page.

`Placeholders` writes a marker around the raw value; `number_placeholders`
turns the markers of a finished page into `<access-token-1>`, `<code-1>` …,
numbered in order of appearance, the same value always the same name.
"""

import re

from oauth_client.masking import CREDENTIAL_FIELDS

from ..trace import mask

# Field names whose value is a credential: the client library's list, so both agree,
# RFC 8628's device code (which the device alone holds and polls with) and RFC 7591's
# registration access token.
SECRET_FIELDS = frozenset(CREDENTIAL_FIELDS) | {"device_code", "registration_access_token"}
# Public values too long to read in full (an RSA modulus is 342 characters).
LONG_PUBLIC_FIELDS = frozenset({"n", "x", "y"})
# Public values that change from run to run: placeholders in the docs.
RANDOM_PUBLIC_FIELDS = {
    "state": "state",
    "code_challenge": "code-challenge",
    "user_code": "user-code",  # RFC 8628: shown to the person, so shown here too; random in each run
    "jti": "jti",
    "grant_id": "grant-id",
    "kid": "kid",
    "sub": "user-id",
    "nonce": "nonce",
    "at_hash": "at-hash",
    "n": "rsa-modulus",
    "x": "key-x",
    "y": "key-y",
}


def is_secret(field: str) -> bool:
    return field in SECRET_FIELDS


class Masker:
    """The playground's redactor."""

    def secret(self, field: str, value: str) -> str:
        return mask(value)

    def public(self, field: str, value: str) -> str:
        if field in LONG_PUBLIC_FIELDS and len(value) > 24:
            return f"{value[:12]}… ({len(value)} characters)"
        return value


_MARKER = re.compile(r"⟦([a-z-]+)\|([^⟧]*)⟧")


class Placeholders:
    """The docs generator's redactor. Values listed in `stable` (client ids, say)
    are fixed by the run and shown as they are."""

    def __init__(self, stable=()):
        self.stable = set(stable)

    def secret(self, field: str, value: str) -> str:
        if value in self.stable:
            return value
        return f"⟦{field.replace('_', '-')}|{value}⟧"

    def public(self, field: str, value: str) -> str:
        kind = RANDOM_PUBLIC_FIELDS.get(field)
        if kind is None or value in self.stable:
            return value
        return f"⟦{kind}|{value}⟧"


def number_placeholders(text: str) -> str:
    """Markers to `<kind-N>`, N counted per kind in order of first appearance. A
    value met under two field names (a refresh token sent back as `token`) keeps
    the name it was first given."""
    names: dict[str, str] = {}
    counts: dict[str, int] = {}

    def name(match: re.Match) -> str:
        kind, value = match.group(1), match.group(2)
        if value not in names:
            counts[kind] = counts.get(kind, 0) + 1
            names[value] = f"<{kind}-{counts[kind]}>"
        return names[value]

    numbered = _MARKER.sub(name, text)
    escaped = [value for value in names if len(value) >= 8 and value in numbered]
    if escaped:  # the same value also reached the page unmarked: it would differ on every run
        raise ValueError(f"{len(escaped)} random value(s) appear outside their placeholder")
    return numbered

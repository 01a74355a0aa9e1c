"""`@check`: what makes a function a conformance check.

    @check("rfc6749-5.2-missing-grant-type-is-invalid-request", "RFC6749-5.2")
    def check_missing_grant_type(server, confidential):
        '''A token request without grant_type is invalid_request.'''

attaches the check id, the requirement it proves (from `requirements.py`), its
level (the requirement's unless given: a check of a SHOULD clause inside a
MUST section says `level=SHOULD`; a rule the RFC puts on clients, checked
for the operator's information, says `level=ADVICE`) and its profiles, as the
pytest marker `conformance`, and registers the check in `CHECKS` for
`oauth-conformance list`.

`variants={"suffix": value, ...}` makes one check per value: the id's `{variant}`
is replaced by each suffix and the function receives the value as `variant`.
"""

from dataclasses import dataclass

import pytest

from .requirements import CHECK_LEVELS, Requirement, get

# The profile a requirement's RFC belongs to, unless the check names others.
PROFILE_OF_RFC = {
    "RFC6749": "rfc6749",
    "RFC6750": "bearer",
    "RFC7009": "revocation",
    "RFC7517": "metadata",
    "RFC7518": "metadata",
    "RFC7519": "jwt-access-token",
    "RFC7636": "pkce",
    "RFC7662": "introspection",
    "RFC8252": "rfc6749",
    "RFC8414": "metadata",
    "RFC8725": "jwt-access-token",
    "RFC9068": "jwt-access-token",
    "RFC9110": "rfc6749",
    "RFC9207": "bcp",
    "RFC9700": "bcp",
    "OAUTH21": "bcp",
    "SEED": "seed",
    "RFC8628": "device",
    "OIDC": "oidc",
    "OIDC-DISCOVERY": "oidc",
    # -- issue 21 --
    "RFC7591": "registration",
    "RFC7592": "registration",
    "RFC8707": "resource-indicators",
    "RFC9728": "resource-metadata",
    "MCP": "mcp",
    "CIMD": "registration",
    # -- issue 24 --
    "RFC9126": "par",
    "RFC9449": "dpop",
    "RFC7523": "private-key-jwt",
}
PROFILES = (
    "rfc6749",
    "pkce",
    "revocation",
    "introspection",
    "metadata",
    "jwt-access-token",
    "bcp",
    "bearer",
    "entropy",
    "concurrency",
    "seed",
    "slow",
    "device",
    "oidc",
    # -- issue 21 --
    "registration",
    "resource-indicators",
    "resource-metadata",
    "mcp",
    # -- issue 24 --
    "par",
    "dpop",
    "fapi2-security",
    "private-key-jwt",
)
# -- issue 21: the checks of other documents that also answer "can an MCP client use this
# authorization server?" (the MCP authorization spec requires RFC 8414 metadata, PKCE with S256,
# RFC 8707 resource indicators, RFC 9728 for the resource, and checks the iss of RFC 9207).
ALSO_IN_PROFILE = {
    "mcp": (
        "rfc8414-3.2-metadata-is-a-json-object",
        "rfc8414-3.3-issuer-matches-metadata-url",
        "rfc7636-4.2-s256-offered",
        "rfc9207-2-iss-in-authorization-response",
        "rfc7591-3.2.1-registration-is-201-with-client-id",
        "cimd-client-metadata-document-client-works",
        "rfc8707-2-client-credentials-aud-is-the-resource",
        "rfc8707-2-code-flow-aud-is-the-resource",
        "rfc9728-3-metadata-served-at-well-known-url",
        "rfc9728-3.3-resource-matches-metadata-url",
        "rfc9728-5.1-challenge-names-resource-metadata",
    ),
    # -- issue 24: what FAPI 2.0 Security Profile §5.3 asks of an authorization server, from the checks of
    # other documents: PAR (the rfc9126 checks name this profile too), PKCE with S256, sender-constrained
    # tokens (the rfc9449 checks), client authentication by private_key_jwt, iss in the response (RFC 9207).
    "fapi2-security": (
        "rfc7636-4.2-s256-offered",
        "rfc9207-2-iss-in-authorization-response",
    ),
}
# Run unless asked for: everything but the slow checks and the seed's promises.
DEFAULT_PROFILES = tuple(p for p in PROFILES if p not in ("slow", "seed"))


@dataclass(frozen=True)
class Check:
    id: str
    requirement: Requirement
    level: str
    profiles: tuple[str, ...]
    summary: str  # the docstring's first line

    def as_dict(self) -> dict:
        r = self.requirement
        return {
            "id": self.id,
            "requirement": r.id,
            "rfc": r.rfc,
            "section": r.section,
            "level": self.level,
            "profiles": list(self.profiles),
            "summary": self.summary,
            "rule": r.rule,
            "url": r.url,
        }


CHECKS: dict[str, Check] = {}


def _register(check_id: str, requirement_id: str, level: str | None, profiles, summary: str) -> Check:
    requirement = get(requirement_id)
    if not check_id.startswith(requirement_id.lower() + "-"):
        raise ValueError(f"check id {check_id!r} must start with {requirement_id.lower()}-")
    if check_id in CHECKS:
        raise ValueError(f"check id {check_id!r} is used twice")
    level = level or requirement.level
    if level not in CHECK_LEVELS:
        raise ValueError(f"{check_id}: unknown level {level!r}")
    profiles = tuple(profiles or (PROFILE_OF_RFC[requirement.rfc],))
    profiles += tuple(p for p, ids in ALSO_IN_PROFILE.items() if check_id in ids and p not in profiles)
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        raise ValueError(f"{check_id}: unknown profile {unknown[0]!r}")
    spec = Check(check_id, requirement, level, profiles, summary)
    CHECKS[check_id] = spec
    return spec


def _marker(spec: Check):
    return pytest.mark.conformance(spec)


def check(check_id: str, requirement_id: str, level: str | None = None, profiles=None, variants: dict | None = None):
    def decorate(function):
        summary = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else function.__name__
        if not variants:
            return _marker(_register(check_id, requirement_id, level, profiles, summary))(function)
        params = []
        for suffix, value in variants.items():
            variant_id = check_id.format(variant=suffix)
            spec = _register(variant_id, requirement_id, level, profiles, summary.format(variant=suffix))
            params.append(pytest.param(value, id=suffix, marks=_marker(spec)))
        return pytest.mark.parametrize("variant", params)(function)

    return decorate


def check_of(item) -> Check | None:
    marker = item.get_closest_marker("conformance")
    return marker.args[0] if marker else None

"""What is recorded of each request a client under check makes, and the evidence
the checks read.

Only what a verdict needs, and nothing that would let someone act as the client or
its user: flags, parameter names, lengths, entropy estimates, and SHA-256 hashes
where requests must be matched up (a state seen twice, a code redeemed twice; the
code's hash is the one the store already keeps). Never a secret, a code, a token
or a state in clear (DESIGN.md "Keys and secrets").
"""

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from oauth_client.entropy import alphabet_of, estimate_bits

from ..config import Settings
from ..policy.secrets import hash_secret
from ..store.records import CheckEvent, Client, ClientCheck

AUTHORIZATION, TOKEN, RESOURCE = "authorization", "token", "resource"
# RFC 6749 §2.3.1: the client's credentials; RFC 7521 §4.2: an assertion in their place.
CREDENTIAL_PARAMS = ("client_id", "client_secret", "client_assertion")


def _hash(value: str | None) -> str | None:
    return hash_secret(value) if value else None


def authorization(params: dict, client: Client, outcome: dict) -> dict:
    """An authorization request (RFC 6749 §4.1.1) and what it was answered with
    (`outcome`: `result` "code", "error" or "error_page", the `error`, the `code_hash`)."""
    state = params.get("state")
    redirect_uri = params.get("redirect_uri")
    requested = (params.get("scope") or "").split()
    return {
        "response_type": params.get("response_type"),
        "redirect_uri": redirect_uri,
        "redirect_uri_registered": redirect_uri in client.redirect_uris if redirect_uri else None,
        "registered_redirect_uris": len(client.redirect_uris),
        "state_hash": _hash(state),
        "state_length": len(state) if state else 0,
        "state_alphabet": alphabet_of([state])[0] if state else None,
        "state_bits": round(estimate_bits([state]), 1) if state else 0,
        "pkce_method": (params.get("code_challenge_method") or "plain") if params.get("code_challenge") else None,
        "scope": requested,
        "scope_outside_registration": [s for s in requested if s not in client.scopes],
        **outcome,
    }


def token(request_params: dict, query_names: list[str], methods: list[str], code, refresh, now: int) -> dict:
    """A token request (RFC 6749 §3.2): how the client authenticated (`methods`, one or
    several), what was in the URI's query (names only); for a code (§4.1.3) how it
    compares with the code as issued (`code`, the stored record, or None if unknown);
    for a refresh token (§6) whether it had been rotated already (`refresh`, the stored
    record, or None)."""
    grant_type = request_params.get("grant_type")
    details = {
        "grant_type": grant_type,
        "auth_methods": methods,
        "query_params": sorted(query_names),
        "credentials_in_query": [name for name in CREDENTIAL_PARAMS if name in query_names],
    }
    if grant_type == "authorization_code":
        details.update(
            code_hash=_hash(request_params.get("code")),
            code_known=code is not None,
            code_spent_before=code is not None and code.used_at is not None,
            code_age=now - code.issued_at if code else None,
            redirect_uri_sent=request_params.get("redirect_uri") is not None,
            redirect_uri_same=(request_params.get("redirect_uri") == code.redirect_uri) if code else None,
            challenge_sent=bool(code and code.code_challenge),
            verifier_sent="code_verifier" in request_params,
        )
    elif grant_type == "refresh_token":
        details["refresh_rotated_before"] = refresh is not None and refresh.rotated_at is not None
    return details


def answered(status: int, error: str | None) -> dict:
    return {"status": status, "error": error}


def callback_params(location: str) -> dict:
    return dict(parse_qsl(urlsplit(location).query))


@dataclass(frozen=True)
class Event:
    seq: int
    at: int
    kind: str
    details: dict

    def __getitem__(self, name: str):
        return self.details.get(name)


@dataclass(frozen=True)
class Evidence:
    """What the checks judge: the client as registered, its check, the server's settings
    that bind it, and the recorded events in order."""

    client: Client
    check: ClientCheck
    settings: Settings
    events: tuple[Event, ...]

    @classmethod
    def of(cls, client: Client, check: ClientCheck, settings: Settings, events: list[CheckEvent]) -> "Evidence":
        parsed = tuple(Event(e.seq, e.at, e.kind, json.loads(e.details)) for e in events)
        return cls(client, check, settings, parsed)

    def kind(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    @property
    def authorizations(self) -> list[Event]:
        return self.kind(AUTHORIZATION)

    @property
    def code_redemptions(self) -> list[Event]:
        return [e for e in self.kind(TOKEN) if e["grant_type"] == "authorization_code"]
